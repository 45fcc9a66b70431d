// End to end: the drop-in script tag alone (data-* configuration), with the REAL amazon-connect-streams on the
// stand-in CCP, Cognito credentials from the stand-in (the real deployment path), tagging rules, the outbox
// and the editor. One drop-in script per page: it runs once.
import { expect } from '@open-wc/testing';
import 'amazon-connect-streams';
import type { CcpAttributes as CcpAttributesElement } from '../../components/ccp-attributes.ts';
import { ccpUrl, findCcpIframe, standInCcp, type StandInCcp } from '../../demo/ccp/scenario.ts';
import { DEFAULT_OUTBOX_DB } from '../../src/outbox/index.ts';
import type { CcpAttributesPlugin } from '../../src/plugin.ts';
import { requestLog, setFaults, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { until } from '../tracker/helpers.ts';

const instanceId = '9c7d1f52-8a3b-4e06-9d1e-2b5f0c4a7e11';

declare global {
  interface Window {
    dropInToken?: () => string;
  }
}

describe('the drop-in script tag, end to end', () => {
  let plugin: CcpAttributesPlugin;
  let ccp: StandInCcp;
  let editor: CcpAttributesElement;

  before(async () => {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DEFAULT_OUTBOX_DB);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
    const config = await standInConfig();
    window.dropInToken = () => config.validTokens[0] ?? '';
    const target = document.createElement('div');
    target.id = 'attributes';
    document.body.append(target);
    const script = document.createElement('script');
    script.type = 'module';
    Object.assign(script.dataset, {
      ccpUrl: ccpUrl({ api: config.url, instance: instanceId, interval: 500 }, location.href),
      endpoint: config.url,
      region: config.region,
      identityPoolId: config.identityPoolId,
      loginProvider: config.loginProvider,
      loginTokenFunction: 'dropInToken',
      cognitoEndpoint: config.url,
      rules: JSON.stringify([
        { id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}', Channel: '{{contact.channel}}' } },
        { id: 'wrap', on: 'acw', set: { WrapStartedAt: '{{event.at}}' } },
      ]),
      target: '#attributes',
      outboxDebounceMs: '50',
      locale: 'fr_FR',
    });
    script.src = new URL('/components/drop-in.ts', location.href).href;
    document.head.append(script);
    const api = await until(() => window.ccpAttributes, 'window.ccpAttributes');
    plugin = await api.ready;
    ccp = await standInCcp(await until(() => findCcpIframe(), 'the CCP iframe created from data-ccp-url'));
    await ccp.ready;
    editor = await until(
      () => document.querySelector<CcpAttributesElement>('#attributes > ccp-attributes'),
      'the editor in data-target',
    );
  });

  it('creates the CCP from data-ccp-url, beside the script, and exposes the plugin', () => {
    expect(findCcpIframe()?.closest('.ccp-attributes-ccp')).to.exist;
    expect(plugin.tracker).to.exist;
    expect(plugin.outbox).to.exist;
    expect(plugin.tagger?.rules.map((rule) => rule.id)).to.deep.equal(['handled-by', 'wrap']);
    expect(editor.tracker === plugin.tracker, 'the editor shows the plugin tracker').to.equal(true);
    expect(editor.writer === plugin.outbox, 'the editor saves through the plugin outbox').to.equal(true);
  });

  it('asks Streams for the framed softphone by default: the CCP frame receives allowFramedSoftphone true', async () => {
    // Streams sends its configuration once the CCP acknowledged it.
    const configurations = await until(
      () => (ccp.configurations().length > 0 ? ccp.configurations() : undefined),
      'the configuration',
    );
    const softphones = configurations.map((data) => (data as { softphone?: unknown }).softphone);
    expect(softphones).to.deep.include({ allowFramedSoftphone: true });
    expect(softphones.every((softphone) => softphone !== undefined)).to.equal(true);
  });

  it("speaks the language data-locale asks for, over the agent's CCP language (the stand-in's en_US)", async () => {
    expect(plugin.tracker.agent?.locale).to.equal('en_US');
    expect(editor.locale).to.equal('fr_FR');
    await until(
      () => editor.shadowRoot?.querySelector('.title')?.textContent === 'Attributs de contact',
      'the French heading',
    );
  });

  it('tags a call on connected and on ACW through the outbox, with Cognito credentials, and the editor shows the tags', async () => {
    const id = await ccp.ringCall();
    await until(() => plugin.tracker.contacts.get(id), 'the ringing call');
    await ccp.accept(id);
    const agent = await until(() => plugin.tracker.agent, 'the agent');
    await until(async () => (await storedAttributes(instanceId, id))?.['HandledBy'], 'the HandledBy tag stored');
    expect(await storedAttributes(instanceId, id)).to.deep.equal({ HandledBy: agent.username, Channel: 'voice' });
    await until(() => editor.contact?.attributes['HandledBy'] === agent.username, 'the tag in the editor');

    await ccp.hangUp(id);
    await until(async () => (await storedAttributes(instanceId, id))?.['WrapStartedAt'], 'the ACW tag stored');
    const actions = (await requestLog()).map((entry) => entry.action);
    expect(actions).to.include.members(['GetId', 'GetCredentialsForIdentity', 'UpdateContactAttributes']);
    await ccp.clear(id);
  });

  it('writes through window.ccpAttributes.write to the viewed contact', async () => {
    const id = await ccp.startChat();
    await ccp.accept(id);
    await until(() => plugin.tracker.viewed?.contactId === id, 'the chat viewed');
    await window.ccpAttributes!.write({ Note: 'from the host page' });
    expect((await storedAttributes(instanceId, id))?.['Note']).to.equal('from the host page');
    await ccp.clear(id);
  });

  it("lists a write the API refused in the drop-in's editor (in its language); Retry lands it and the item goes", async () => {
    const id = await ccp.startChat();
    await ccp.accept(id);
    await until(() => plugin.tracker.viewed?.contactId === id, 'the chat viewed');
    // The rule's tags first, so the refusal meets this write alone.
    await until(async () => (await storedAttributes(instanceId, id))?.['HandledBy'], 'the HandledBy tag stored');
    await setFaults({ failNext: { count: 1, status: 400, type: 'InvalidParameterException' } });
    const refused = await window.ccpAttributes!.write({ Reason: 'refund' }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect((refused as Error | undefined)?.message).to.match(/refused/i);
    const root = editor.shadowRoot!;
    await until(() => root.querySelector('.failure dt')?.textContent === 'Reason', 'the kept failure listed');
    expect(root.querySelector('.failures-heading')?.textContent).to.equal('Non enregistré');
    const retry = [...root.querySelectorAll('.failure button')].find(
      (button) => button.querySelector('.sr-only')?.textContent === "Réessayer d'enregistrer Reason",
    ) as HTMLButtonElement;
    retry.click();
    await until(async () => (await storedAttributes(instanceId, id))?.['Reason'] === 'refund', 'the retry stored');
    await until(() => !root.querySelector('.failure'), 'the list emptied');
    expect(plugin.outbox?.failures()).to.deep.equal([]);
    await ccp.clear(id);
  });

  it('rejects a write with no contact open, with a readable error', async () => {
    await until(() => plugin.tracker.contacts.size === 0, 'no contacts');
    let error: unknown;
    try {
      await window.ccpAttributes!.write({ Note: 'x' });
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).to.equal('No contact is open.');
  });
});

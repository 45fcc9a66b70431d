// End to end in relay mode: the drop-in script tag alone (data-relay-url + data-login-token-function), the REAL
// amazon-connect-streams on the stand-in CCP, the owner-checking relay (ccp-attributes/relay, started by the test
// runner) in front of the Connect API stand-in, and a user-pool JWT from the stand-in's InitiateAuth. A rule and an
// editor save land; a save by another agent is refused with the relay's reason in the editor and kept as a failure,
// not retried; the page never loads the AWS SDK (nor its Cognito Identity client) and never calls Cognito Identity.
import { expect } from '@open-wc/testing';
import 'amazon-connect-streams';
import type { CcpAttributes as CcpAttributesElement } from '../../components/ccp-attributes.ts';
import { ccpUrl, DEFAULT_INSTANCE_ID, findCcpIframe, standInCcp, type StandInCcp } from '../../demo/ccp/scenario.ts';
import { signIn } from '../../demo/sign-in.ts';
import { DEFAULT_OUTBOX_DB } from '../../src/outbox/index.ts';
import type { CcpAttributesPlugin } from '../../src/plugin.ts';
import { button, control, settle, typeInto } from '../components/fakes.ts';
import { requestLog, resetStandIn, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { until } from '../tracker/helpers.ts';

const instanceId = DEFAULT_INSTANCE_ID;

declare global {
  interface Window {
    relayToken?: () => Promise<string>;
  }
}

/** Every module or script the page fetched so far. */
function fetchedUrls(): string[] {
  return performance.getEntriesByType('resource').map((entry) => entry.name);
}

describe('the drop-in script tag in relay mode, end to end', () => {
  let plugin: CcpAttributesPlugin;
  let ccp: StandInCcp;
  let editor: CcpAttributesElement;
  /** Who the token function signs in as (the CCP's agent is agent.smith). */
  let agent = 'agent.smith';
  let signIns = 0;

  before(async () => {
    // The request log is the stand-in's for the whole run: a test file before this one (the direct mode's, with
    // Cognito Identity) would otherwise count as this page's calls.
    await resetStandIn();
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DEFAULT_OUTBOX_DB);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
    const config = await standInConfig();
    const { userPoolClientId } = (await (await fetch(`${config.url}/_standin/config`)).json()) as {
      userPoolClientId: string;
    };
    const { url: relayUrl } = (await (await fetch('/__relay')).json()) as { url: string };
    window.relayToken = async () => {
      signIns++;
      return (await signIn({ endpoint: config.url, clientId: userPoolClientId, username: agent })).idToken;
    };
    const target = document.createElement('div');
    target.id = 'attributes';
    document.body.append(target);
    const script = document.createElement('script');
    script.type = 'module';
    Object.assign(script.dataset, {
      ccpUrl: ccpUrl({ api: config.url, instance: instanceId, interval: 500 }, location.href),
      relayUrl,
      loginTokenFunction: 'relayToken',
      rules: JSON.stringify([
        { id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}', Channel: '{{contact.channel}}' } },
      ]),
      target: '#attributes',
      outboxDebounceMs: '50',
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

  after(async () => {
    for (const contact of (ccp as StandInCcp | undefined)?.contacts() ?? []) await ccp.clear(contact.contactId);
  });

  it('tags a call through the relay: the rule lands, checked with DescribeContact, with no Cognito Identity call', async () => {
    expect(plugin.outbox, 'relay mode has an outbox').to.exist;
    const id = await ccp.ringCall();
    await until(() => plugin.tracker.contacts.get(id), 'the ringing call');
    await ccp.accept(id);
    await until(async () => (await storedAttributes(instanceId, id))?.['HandledBy'], 'the HandledBy tag stored');
    expect(await storedAttributes(instanceId, id)).to.deep.include({ HandledBy: 'agent.smith', Channel: 'voice' });
    const log = await requestLog();
    const actions = log
      .filter((entry) => entry.contactId === id || entry.initialContactId === id)
      .map((entry) => entry.action);
    expect(actions).to.include.members(['DescribeContact', 'UpdateContactAttributes']);
    expect(log.map((entry) => entry.action)).not.to.include.members(['GetId']);
    expect(log.map((entry) => entry.action)).not.to.include('GetCredentialsForIdentity');
    expect(signIns, 'the token function was asked').to.be.greaterThan(0);
  });

  it("saves an agent's edit from the editor through the relay", async () => {
    const id = plugin.tracker.viewed?.contactId;
    expect(id).to.be.a('string');
    await until(() => editor.contact?.attributes['HandledBy'] === 'agent.smith', 'the tag in the editor');
    await settle(editor);
    button(editor, 'Add attribute').click();
    await settle(editor);
    const [key, value] = [...editor.shadowRoot!.querySelectorAll<HTMLInputElement>('.field.new input')];
    await typeInto(editor, key!, 'Disposition');
    await typeInto(editor, value!, 'Resolved');
    button(editor, 'Save').click();
    await until(() => editor.status === 'saved', 'saved', 10_000);
    expect(await storedAttributes(instanceId, id!)).to.deep.include({
      Disposition: 'Resolved',
      HandledBy: 'agent.smith',
    });
  });

  it("refuses another agent's save: the relay's reason shows in the editor, the write is kept as a failure, not retried", async () => {
    const id = plugin.tracker.viewed!.contactId;
    const describesBefore = (await requestLog()).filter((entry) => entry.action === 'DescribeContact').length;
    agent = 'agent.jones';
    try {
      await typeInto(editor, control(editor, 'Disposition'), 'Escalated');
      button(editor, 'Save').click();
      await until(() => editor.status === 'failed', 'the save failed', 10_000);
      await settle(editor);
      const alert = editor.shadowRoot!.querySelector('[role="alert"]')!.textContent;
      expect(alert).to.contain('This contact is not yours');
      expect(control(editor, 'Disposition').value, 'the edit is kept').to.equal('Escalated');
      const status = [...plugin.outbox!.state.contacts.values()].find((entry) => entry.contact.contactId === id);
      expect(status?.state).to.equal('failed');
      expect(status?.error?.kind).to.equal('auth');
      expect(status?.error?.status).to.equal(403);
      expect(status?.error?.retryable).to.equal(false);
      // Longer than the outbox's first backoff (500 ms base): a retryable error would have been sent again by now.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const describes = (await requestLog()).filter((entry) => entry.action === 'DescribeContact').length;
      expect(describes - describesBefore, 'one refused attempt, no retries').to.equal(1);
      expect(plugin.outbox!.state.failed).to.be.greaterThan(0);
      expect((await storedAttributes(instanceId, id))?.['Disposition']).to.equal('Resolved');
    } finally {
      agent = 'agent.smith';
    }
  });

  it('never loaded the AWS SDK, Cognito Identity or the signed client', () => {
    const urls = fetchedUrls();
    expect(
      urls.some((url) => url.includes('/components/drop-in-setup.ts')),
      'the resource timing sees the lazy modules',
    ).to.equal(true);
    expect(
      urls.some((url) => url.includes('/src/relay-client.ts')),
      'the relay client loaded',
    ).to.equal(true);
    const sdk = urls.filter((url) => /__sdk__|@aws-sdk|@smithy|\/src\/sdk\.ts|\/src\/client\.ts/.test(url));
    expect(sdk).to.deep.equal([]);
  });
});

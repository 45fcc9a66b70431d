// End to end: <ccp-attributes> with the REAL amazon-connect-streams on the stand-in CCP (demo/ccp/), the real
// contact tracker, and the real AWS SDK (AttributesClient) against the Connect API stand-in. One CCP per file.
import { expect, fixture, html } from '@open-wc/testing';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { AttributesClient } from '../../src/client.ts';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import { MAX_TOTAL_BYTES } from '../../src/validate.ts';
import type { AttributeWriter } from '../../src/writer.ts';
import { requestLog, setFaults, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpOptions, container, scenario, until } from '../tracker/helpers.ts';
import { $, button, control, settle, text, typeInto } from './fakes.ts';

describe('<ccp-attributes> end to end (Streams + stand-in CCP + SDK + API stand-in)', () => {
  let tracker: ContactTracker;
  let ccp: StandInCcp;
  let client: AttributesClient;
  /** The client as the write path, recording what lands into the tracker as the plugin's outbox wiring does. */
  let writer: AttributeWriter;

  before(async () => {
    tracker = createStreamsTracker({ container: container(), initCCP: await ccpOptions() });
    ccp = await scenario();
    await until(() => tracker.agent, 'the agent');
    const config = await standInConfig();
    client = new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: 1,
    });
    writer = {
      async write(contact, attributes, options) {
        await client.write(contact, attributes, options);
        tracker.recordWrite(contact.initialContactId, attributes);
      },
    };
  });

  afterEach(async () => {
    await setFaults({ failNext: null });
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => tracker.contacts.size === 0, 'no contacts');
  });

  /** A connected chat with attributes set by the flow, viewed by the agent, and an editor showing it. */
  async function chatInEditor(attributes: Record<string, string>): Promise<{ id: string; el: CcpAttributes }> {
    const id = await ccp.startChat({ attributes });
    await ccp.accept(id);
    await until(
      () => tracker.viewed?.contactId === id && tracker.viewed.state === 'connected',
      'the chat, viewed and connected',
    );
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${writer}></ccp-attributes>`,
    );
    await settle(el);
    expect(el.contact?.contactId).to.equal(id);
    return { id, el };
  }

  function updates(log: Awaited<ReturnType<typeof requestLog>>): number {
    return log.filter((entry) => entry.action === 'UpdateContactAttributes').length;
  }

  it('an agent edits and saves: the stand-in holds the attributes and GetContactAttributes returns them', async () => {
    const { id, el } = await chatInEditor({ topic: 'billing' });
    expect(text(el, '[part~="contact"]')).to.contain('Chat');
    expect(control(el, 'topic').value).to.equal('billing');
    await typeInto(el, control(el, 'topic'), 'refund');
    button(el, 'Add attribute').click();
    await settle(el);
    const [key, value] = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('.field.new input')];
    await typeInto(el, key!, 'caseId');
    await typeInto(el, value!, 'C-1001');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    const instanceId = tracker.contacts.get(id)!.instanceId;
    expect(await storedAttributes(instanceId, id)).to.deep.include({ topic: 'refund', caseId: 'C-1001' });
    expect(await client.get(instanceId, id)).to.deep.include({ topic: 'refund', caseId: 'C-1001' });
    await settle(el);
    expect(tracker.contacts.get(id)!.attributes).to.deep.include({ topic: 'refund', caseId: 'C-1001' });
    expect(control(el, 'caseId').value).to.equal('C-1001');
    expect(el.dirty).to.equal(false);
  });

  it('an agent saves only a __proto__ key: the stand-in stores it and the editor shows it saved', async () => {
    const { id, el } = await chatInEditor({ topic: 'billing' });
    button(el, 'Add attribute').click();
    await settle(el);
    const [key, value] = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('.field.new input')];
    await typeInto(el, key!, '__proto__');
    await typeInto(el, value!, 'kept');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    const instanceId = tracker.contacts.get(id)!.instanceId;
    const stored = (await storedAttributes(instanceId, id))!;
    expect(Object.hasOwn(stored, '__proto__'), 'stored as its own key').to.equal(true);
    expect(Object.entries(stored)).to.deep.include(['__proto__', 'kept']);
    expect(Object.entries(await client.get(instanceId, id))).to.deep.include(['__proto__', 'kept']);
    await settle(el);
    expect(control(el, '__proto__').value).to.equal('kept');
    expect(el.dirty).to.equal(false);
  });

  it('an over-budget edit never reaches the network', async () => {
    const { el } = await chatInEditor({ note: '' });
    const before = updates(await requestLog());
    await typeInto(el, control(el, 'note'), 'x'.repeat(MAX_TOTAL_BYTES));
    expect($(el, '[part~="meter"]')!.classList.contains('over')).to.equal(true);
    button(el, 'Save').click();
    await settle(el);
    expect(el.status).to.equal('blocked');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(updates(await requestLog())).to.equal(before);
  });

  it('a 500 then success shows failed, keeps the edits, then saved on retry', async () => {
    const { id, el } = await chatInEditor({ reason: 'unknown' });
    await setFaults({ failNext: { count: 1 } });
    await typeInto(el, control(el, 'reason'), 'billing');
    button(el, 'Save').click();
    await until(() => el.status === 'failed', 'failed', 10_000);
    await settle(el);
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Not saved');
    expect(control(el, 'reason').value).to.equal('billing');
    const instanceId = tracker.contacts.get(id)!.instanceId;
    expect((await storedAttributes(instanceId, id))?.['reason'], 'nothing stored by the failed attempt').not.to.equal(
      'billing',
    );
    button(el, 'Retry').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    expect(await storedAttributes(instanceId, id)).to.deep.include({ reason: 'billing' });
  });
});

// End to end: <ccp-attributes> saving through the durable outbox (as the demo and the drop-in do), with the REAL
// Streams on the stand-in CCP, the real tracker, the real SDK against the Connect API stand-in and its faults.
// One CCP per file.
import { expect, fixture, html } from '@open-wc/testing';
import sinon from 'sinon';
import '../../components/ccp-attributes.ts';
import type { CcpAttributes, SaveStatus } from '../../components/ccp-attributes.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { AttributesClient } from '../../src/client.ts';
import { createOutbox, MemoryOutboxStore, type Outbox } from '../../src/outbox/index.ts';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import { requestLog, setFaults, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpOptions, container, scenario, until } from '../tracker/helpers.ts';
import { button, control, settle, typeInto } from './fakes.ts';

describe('<ccp-attributes> over the outbox, end to end', () => {
  let tracker: ContactTracker;
  let ccp: StandInCcp;
  let outbox: Outbox;

  before(async () => {
    tracker = createStreamsTracker({ container: container(), initCCP: await ccpOptions() });
    ccp = await scenario();
    await until(() => tracker.agent, 'the agent');
    const config = await standInConfig();
    const client = new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      maxAttempts: 1,
    });
    outbox = createOutbox({
      store: new MemoryOutboxStore(),
      client,
      backoff: { baseMs: 100, capMs: 400 },
      rate: { ratePerSecond: 50, burst: 50 },
    });
    outbox.on('landed', ({ contact, attributes }) => tracker.recordWrite(contact.initialContactId, attributes));
  });

  after(() => outbox.close());

  afterEach(async () => {
    await setFaults({ quota: null, failNext: null });
    ccp.setReflection(true);
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => tracker.contacts.size === 0, 'no contacts');
  });

  async function chatInEditor(
    attributes: Record<string, string>,
  ): Promise<{ id: string; instanceId: string; el: CcpAttributes; statuses: SaveStatus[] }> {
    const id = await ccp.startChat({ attributes });
    await ccp.accept(id);
    await until(
      () => tracker.viewed?.contactId === id && tracker.viewed.state === 'connected',
      'the chat, viewed and connected',
    );
    const el = await fixture<CcpAttributes>(
      html`<ccp-attributes .tracker=${tracker} .writer=${outbox}></ccp-attributes>`,
    );
    await settle(el);
    const statuses: SaveStatus[] = [];
    const watch = (): void => {
      if (statuses.at(-1) !== el.status) statuses.push(el.status);
      if (el.isConnected) requestAnimationFrame(watch);
    };
    watch();
    return { id, instanceId: tracker.contacts.get(id)!.instanceId, el, statuses };
  }

  it('an agent saves only a __proto__ key through the outbox: the stand-in stores it, the tracker records it once', async () => {
    const { id, instanceId, el } = await chatInEditor({ topic: 'billing' });
    const recordWrite = sinon.spy(tracker, 'recordWrite');
    try {
      button(el, 'Add attribute').click();
      await settle(el);
      const [key, value] = [...el.shadowRoot!.querySelectorAll<HTMLInputElement>('.field.new input')];
      await typeInto(el, key!, '__proto__');
      await typeInto(el, value!, 'kept');
      button(el, 'Save').click();
      await until(() => el.status === 'saved', 'saved', 10_000);
      expect(Object.entries((await storedAttributes(instanceId, id))!)).to.deep.include(['__proto__', 'kept']);
      expect(recordWrite.callCount, 'recorded once').to.equal(1);
      expect(Object.entries(recordWrite.firstCall.args[1])).to.deep.equal([['__proto__', 'kept']]);
      expect(Object.hasOwn(tracker.contacts.get(id)!.attributes, '__proto__')).to.equal(true);
      await settle(el);
      expect(control(el, '__proto__').value).to.equal('kept');
      expect(el.dirty).to.equal(false);
    } finally {
      recordWrite.restore();
    }
  });

  it('a throttled save says it is waiting, retries by itself, and lands', async () => {
    const { id, instanceId, el, statuses } = await chatInEditor({ reason: 'unknown' });
    // The stand-in's quota lets one request through, then throttles until its bucket refills.
    await setFaults({ quota: { ratePerSecond: 2, burst: 1 } });
    await outbox.write(
      { contactId: id, initialContactId: id, instanceId },
      { warmup: 'uses the only token' },
      { origin: 'agent' },
    );
    await typeInto(el, control(el, 'reason'), 'billing');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    expect(statuses).to.include('waiting');
    expect(statuses).not.to.include('failed');
    expect(await storedAttributes(instanceId, id)).to.deep.include({ reason: 'billing' });
    const statusesOfUpdates = (await requestLog())
      .filter((r) => r.action === 'UpdateContactAttributes')
      .map((r) => r.status);
    expect(statusesOfUpdates).to.include(429);
    expect(statusesOfUpdates.at(-1)).to.equal(200);
  });

  it('a save the API refuses fails for good, keeps the edits; the corrected save lands and clears the kept failure', async () => {
    const { id, instanceId, el } = await chatInEditor({ big: 'x'.repeat(32_000) });
    // Something else writes to the contact and Streams does not show it: only the API can refuse the save
    // (400, over the byte budget once merged with what it stores).
    ccp.setReflection(false);
    const config = await standInConfig();
    await new AttributesClient({
      region: config.region,
      endpoint: config.url,
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    }).update(instanceId, id, { hidden: 'y'.repeat(700) });
    await typeInto(el, control(el, 'big'), 'x'.repeat(32_000) + 'z'.repeat(60));
    button(el, 'Save').click();
    await until(() => el.status === 'failed', 'failed', 10_000);
    expect(outbox.state.failed).to.equal(1);
    expect(el.dirty).to.equal(true);
    // The kept failure is listed with the API's refusal, and can be retried or discarded.
    await until(async () => {
      await settle(el);
      return el.shadowRoot!.querySelector('.failure');
    }, 'the kept failure listed');
    expect(el.shadowRoot!.querySelector('.failure dt')?.textContent).to.equal('big');
    expect(el.shadowRoot!.querySelector('.failure .error')?.textContent).to.match(/^Amazon Connect refused/);
    button(el, 'Retry saving big');

    await typeInto(el, control(el, 'big'), 'short now');
    button(el, 'Save').click();
    await until(() => el.status === 'saved', 'saved', 10_000);
    expect((await storedAttributes(instanceId, id))?.['big']).to.equal('short now');
    await until(() => outbox.state.failed === 0, 'the kept failure superseded');
    await until(async () => {
      await settle(el);
      return !el.shadowRoot!.querySelector('[part~="failures"]');
    }, 'the list gone');
  });
});

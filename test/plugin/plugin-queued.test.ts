// createCcpAttributes in relay mode against a relay in queued mode (window.fetch stubbed with the contract's shapes:
// 202 ACCEPTED, then GET /contact/attributes/outcomes): the plugin's wiring sends the WriteId, reads the outcomes,
// resolves write() as accepted, shows the accepted values in the tracker, and takes them back from the tracker when
// they are refused after the accept (kept as a failure instead).
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { MemoryOutboxStore, type WriteOutcomeReport } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../../src/plugin.ts';
import type { ContactSource, SourceContact, SourceSink } from '../../src/tracker/source.ts';
import { until } from '../tracker/helpers.ts';

const instanceId = 'inst-queued';
const contactId = 'c-queued';

describe('createCcpAttributes through a queued relay', () => {
  let plugin: CcpAttributesPlugin | undefined;
  afterEach(() => {
    plugin?.dispose();
    plugin = undefined;
    sinon.restore();
  });

  it('resolves write() as accepted, then takes a value refused after the accept back from the tracker and keeps it', async () => {
    const posted: { WriteId?: string; Attributes: Record<string, string> }[] = [];
    const outcomes: WriteOutcomeReport[] = [];
    const polls: string[] = [];
    sinon.stub(window, 'fetch').callsFake((input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (init?.method === 'GET') {
        polls.push(url.search);
        const Outcomes = outcomes.map((o) => ({
          WriteId: o.writeId,
          State: o.state,
          Status: o.status,
          At: o.at,
          Keys: o.keys,
          ErrorType: o.errorType,
          Message: o.message,
        }));
        return Promise.resolve(Response.json({ Outcomes }));
      }
      const body = JSON.parse(init?.body as string) as (typeof posted)[number];
      posted.push(body);
      const accepted = { State: 'ACCEPTED', WriteId: body.WriteId, RequestId: `r-${posted.length}` };
      return Promise.resolve(Response.json(accepted, { status: 202 }));
    });
    const contact: SourceContact = {
      contactId,
      initialContactId: contactId,
      type: 'chat',
      state: 'connected',
      queue: undefined,
      attributes: { Topic: 'billing' },
      monitoring: false,
    };
    let sink: SourceSink | undefined;
    const source: ContactSource = {
      start: (given) => void (sink = given),
      stop: () => undefined,
      listContacts: () => [contact],
      readContact: (id) => (id === contactId ? contact : undefined),
      readAgent: () => undefined,
    };
    plugin = await createCcpAttributes({
      relay: { url: 'https://relay.example/prod/', token: 'jwt-1' },
      source,
      outbox: { store: new MemoryOutboxStore(), debounceMs: 0, outcomePolling: { firstMs: 20, capMs: 40 } },
    });
    sink!.agent({
      username: 'jdoe',
      name: 'Jane Doe',
      arn: `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/agent/a1`,
      routingProfile: undefined,
    });
    sink!.contact({ type: 'connected', contactId, contact });
    const tracker = plugin.tracker;
    await until(() => tracker.contacts.has(contactId), 'the contact');

    const receipt = await plugin.write({ Note: 'not mine after all' }, { contactId });
    expect(receipt).to.deep.equal({ state: 'accepted', writeId: posted[0]?.WriteId, requestId: 'r-1' });
    expect(posted[0]?.WriteId).to.match(/^[A-Za-z0-9_.:-]{1,128}$/);
    expect(tracker.contacts.get(contactId)?.attributes).to.deep.equal({ Topic: 'billing', Note: 'not mine after all' });
    await until(() => polls.length > 0, 'a poll of the outcomes route');

    outcomes.push({ writeId: posted[0]!.WriteId!, state: 'refused', status: 403, keys: ['Note'], at: Date.now() });
    const outbox = plugin.outbox!;
    await until(() => outbox.state.failed === 1, 'the refusal kept');
    await until(() => tracker.contacts.get(contactId)?.attributes['Note'] === undefined, 'the value taken back');
    expect(tracker.contacts.get(contactId)?.attributes).to.deep.equal({ Topic: 'billing' });
    expect(outbox.failures().map((entry) => entry.attributes)).to.deep.equal([{ Note: 'not mine after all' }]);
    expect(outbox.state.accepted).to.equal(0);
  });
});

// createCcpAttributes in relay mode against a relay in queued mode (window.fetch stubbed with the contract's shapes:
// 202 ACCEPTED, then GET /contact/attributes/outcomes): the plugin's wiring sends the WriteId, reads the outcomes,
// resolves write() as accepted, shows the accepted values in the tracker, and takes them back from the tracker when
// they are refused after the accept (kept as a failure instead).
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { MemoryOutboxStore, type WriteOutcomeReport } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin, type RelayOptions } from '../../src/plugin.ts';
import type { ContactSource, SourceContact, SourceSink } from '../../src/tracker/source.ts';
import { until } from '../tracker/helpers.ts';

const instanceId = 'inst-queued';
const contactId = 'c-queued';

/** The plugin in relay mode on a source holding one connected chat of the agent's, with fast outcome polling. */
async function startPlugin(relay: RelayOptions, attributes: Record<string, string>): Promise<CcpAttributesPlugin> {
  const contact: SourceContact = {
    contactId,
    initialContactId: contactId,
    type: 'chat',
    state: 'connected',
    queue: undefined,
    attributes,
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
  const plugin = await createCcpAttributes({
    relay,
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
  return plugin;
}

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
    plugin = await startPlugin({ url: 'https://relay.example/prod/', token: 'jwt-1' }, { Topic: 'billing' });
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
  it('with relay.socketUrl, opens one socket when the outbox starts and settles a write from a pushed outcome, polling nothing', async () => {
    const polls: string[] = [];
    let posted: string | undefined;
    sinon.stub(window, 'fetch').callsFake((input, init) => {
      if (init?.method === 'GET') {
        polls.push(input instanceof Request ? input.url : String(input));
        return Promise.resolve(Response.json({ Outcomes: [] }));
      }
      posted = (JSON.parse(init?.body as string) as { WriteId: string }).WriteId;
      return Promise.resolve(Response.json({ State: 'ACCEPTED', WriteId: posted, RequestId: 'r-1' }, { status: 202 }));
    });
    const sockets: { url: string; sent: Record<string, unknown>[]; receive(message: unknown): void }[] = [];
    class FakeSocket extends EventTarget {
      readyState = 0;
      readonly sent: Record<string, unknown>[] = [];
      constructor(readonly url: string) {
        super();
        sockets.push(this);
        setTimeout(() => {
          this.readyState = 1;
          this.dispatchEvent(new Event('open'));
        });
      }
      send(data: string): void {
        this.sent.push(JSON.parse(data) as Record<string, unknown>);
      }
      close(): void {
        this.readyState = 3;
      }
      receive(message: unknown): void {
        this.dispatchEvent(new MessageEvent('message', { data: JSON.stringify(message) }));
      }
    }
    sinon.replace(window, 'WebSocket', FakeSocket as unknown as typeof WebSocket);
    const socketUrl = 'wss://push.example/prod';
    plugin = await startPlugin({ url: 'https://relay.example/prod/', token: 'jwt-1', socketUrl }, {});
    await until(() => sockets[0]?.sent.length === 1, 'the subscribe, before any write');
    const [socket] = sockets;
    expect(socket?.url).to.equal(socketUrl);
    expect(socket?.sent[0]).to.deep.include({ action: 'subscribe', token: 'jwt-1' });
    socket?.receive({ type: 'subscribed', expiresAt: Date.now() + 3600_000 });
    socket?.receive({ type: 'outcomes', outcomes: [], backlog: true });
    await until(() => plugin!.tracker.contacts.has(contactId), 'the contact');
    expect((await plugin.write({ Note: 'pushed' }, { contactId })).state).to.equal('accepted');
    const outbox = plugin.outbox!;
    const landed = new Promise((resolve) => outbox.on('landed', resolve));
    socket?.receive({
      type: 'outcomes',
      outcomes: [{ WriteId: posted, State: 'landed', Status: 200, At: Date.now(), Keys: ['Note'] }],
    });
    await landed;
    expect(outbox.state.accepted).to.equal(0);
    expect(sockets).to.have.length(1);
    expect(polls).to.deep.equal([]);
  });

  it('refuses a relay socket URL that would carry the token in clear text', async () => {
    let error: unknown;
    try {
      await createCcpAttributes({
        relay: { url: 'https://relay.example/', token: 'jwt', socketUrl: 'ws://push.example/' },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(TypeError);
    expect((error as Error).message).to.contain('socketUrl');
  });
});

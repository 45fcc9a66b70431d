// The tracker over a fake ContactSource: the model, the viewed contact, local writes, errors and dispose,
// without Streams.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { toChannel } from '../../src/tracker/contact-model.ts';
import { ContactTracker } from '../../src/tracker/tracker.ts';
import { StreamsContactSource, type StreamsGlobal } from '../../src/tracker/streams-source.ts';
import type { ContactSource, SourceAgent, SourceContact, SourceSink } from '../../src/tracker/source.ts';
import type { AttributesError } from '../../src/errors.ts';
import { record, until } from './helpers.ts';

const BASE = 'arn:aws:connect:eu-central-1:123456789012:instance/inst-1';
const AGENT: SourceAgent = {
  username: 'jo',
  name: 'Jo',
  arn: `${BASE}/agent/a`,
  routingProfile: { name: 'RP', arn: `${BASE}/routing-profile/rp` },
};

class FakeSource implements ContactSource {
  sink: SourceSink | undefined;
  contacts = new Map<string, SourceContact>();
  stop = sinon.spy();
  start(sink: SourceSink): void {
    this.sink = sink;
  }
  listContacts(): SourceContact[] {
    return [...this.contacts.values()];
  }
  readContact(contactId: string): SourceContact | undefined {
    return this.contacts.get(contactId);
  }
  readAgent(): SourceAgent | undefined {
    return AGENT;
  }
  put(contactId: string, patch: Partial<SourceContact> = {}): SourceContact {
    const contact: SourceContact = {
      contactId,
      initialContactId: contactId,
      type: 'voice',
      state: 'connecting',
      queue: { name: 'Q', arn: `${BASE}/queue/q` },
      attributes: {},
      monitoring: false,
      ...this.contacts.get(contactId),
      ...patch,
    };
    this.contacts.set(contactId, contact);
    return contact;
  }
  fire(type: Parameters<SourceSink['contact']>[0]['type'], contactId: string): void {
    const contact = this.contacts.get(contactId);
    if (type === 'destroyed') this.contacts.delete(contactId);
    this.sink!.contact({ type, contactId, contact });
  }
}

describe('ContactTracker', () => {
  let source: FakeSource;
  let tracker: ContactTracker;

  beforeEach(() => {
    source = new FakeSource();
    tracker = new ContactTracker(source);
    source.sink!.agent(AGENT);
  });

  afterEach(() => sinon.restore());

  it('builds the model: initial id with fallback, instance and region, channel, queue, attributes', () => {
    source.put('c1', { initialContactId: null, type: 'queue_callback', attributes: { a: { name: 'a', value: '1' } } });
    source.fire('connecting', 'c1');
    expect(tracker.contacts.get('c1')).to.deep.include({
      contactId: 'c1',
      initialContactId: 'c1',
      instanceId: 'inst-1',
      region: 'eu-central-1',
      arnSource: 'routing-profile',
      channel: 'callback',
      state: 'connecting',
      ended: false,
      monitoring: false,
    });
    expect(tracker.contacts.get('c1')?.attributes).to.deep.equal({ a: '1' });
    expect(tracker.contacts.get('c1')?.queue).to.deep.equal({ name: 'Q', arn: `${BASE}/queue/q` });
  });

  it('emits lifecycle events with the model and the agent, each followed by change', () => {
    const seen: string[] = [];
    tracker.on('connecting', (e) => seen.push(`connecting:${e.contact.state}:${e.agent?.username}`));
    tracker.on('acw', (e) => seen.push(`acw:${String(e.contact.ended)}`));
    tracker.on('change', (state) => seen.push(`change:${state.contacts.size}`));
    source.put('c1');
    source.fire('connecting', 'c1');
    source.put('c1', { state: 'ended' });
    source.fire('acw', 'c1');
    expect(seen).to.deep.equal(['connecting:connecting:jo', 'change:1', 'acw:true', 'change:1']);
  });

  it('reports connecting once when the source says incoming then connecting', () => {
    const log = record(tracker);
    source.put('c1', { state: 'incoming' });
    source.fire('connecting', 'c1');
    source.put('c1', { state: 'connecting' });
    source.fire('connecting', 'c1');
    expect(log.of('c1')).to.deep.equal(['connecting', 'viewed']);
  });

  it('emits change only when the model changed on refresh', () => {
    const change = sinon.spy();
    source.put('c1');
    source.fire('connecting', 'c1');
    tracker.on('change', change);
    source.fire('refresh', 'c1');
    expect(change.callCount).to.equal(0);
    source.put('c1', { attributes: { a: 'x' } });
    source.fire('refresh', 'c1');
    expect(change.callCount).to.equal(1);
  });

  it("carries the agent's language, and a change of only the language is a change", () => {
    expect(tracker.agent).to.not.have.property('locale');
    const change = sinon.spy();
    tracker.on('change', change);
    source.sink!.agent({ ...AGENT, locale: 'de_DE' });
    expect(tracker.agent?.locale).to.equal('de_DE');
    expect(change.callCount).to.equal(1);
    source.sink!.agent({ ...AGENT, locale: 'de_DE' });
    expect(change.callCount, 'the same agent again').to.equal(1);
  });

  it('views the newest contact until the agent chooses one, and falls back when it goes', () => {
    for (const id of ['c1', 'c2', 'c3']) {
      source.put(id);
      source.fire('connecting', id);
    }
    expect(tracker.viewed?.contactId).to.equal('c3');
    const viewed = sinon.spy();
    tracker.on('viewed', (e) => {
      viewed(e.contact.contactId);
    });
    source.sink!.view('c1');
    expect(tracker.viewed?.contactId).to.equal('c1');
    source.sink!.view('c1');
    expect(viewed.args).to.deep.equal([['c1']]);
    source.fire('destroyed', 'c1');
    expect(tracker.viewed?.contactId).to.equal('c3');
    expect(viewed.args).to.deep.equal([['c1'], ['c3']]);
  });

  it('merges recordWrite into every contact with that initial contact id, and nothing else', () => {
    source.put('c1', { attributes: { a: '1' } });
    source.put('c2', { initialContactId: 'c1' });
    source.put('c3');
    for (const id of ['c1', 'c2', 'c3']) source.fire('connecting', id);
    const change = sinon.spy();
    tracker.on('change', change);
    tracker.recordWrite('c1', { b: '2' });
    expect(tracker.contacts.get('c1')?.attributes).to.deep.equal({ a: '1', b: '2' });
    expect(tracker.contacts.get('c2')?.attributes).to.deep.equal({ b: '2' });
    expect(tracker.contacts.get('c3')?.attributes).to.deep.equal({});
    expect(change.callCount).to.equal(1);
    tracker.recordWrite('unknown', { z: '1' });
    expect(change.callCount).to.equal(1);
    source.fire('refresh', 'c1'); // Streams does not reflect the write: it stays
    expect(tracker.contacts.get('c1')?.attributes).to.deep.equal({ a: '1', b: '2' });
  });

  it('forgetWrite takes back recorded values not stored after all, but not a value written since', () => {
    source.put('c1', { attributes: { a: '1' } });
    source.put('c2', { initialContactId: 'c1' });
    for (const id of ['c1', 'c2']) source.fire('connecting', id);
    tracker.recordWrite('c1', { a: 'refused', b: 'refused', c: 'kept' });
    tracker.recordWrite('c1', { b: 'newer' });
    const change = sinon.spy();
    tracker.on('change', change);
    tracker.forgetWrite('c1', { a: 'refused', b: 'refused' });
    // a: what Streams reported again; b: written since with another value; c: not in the refused write.
    expect(tracker.contacts.get('c1')?.attributes).to.deep.equal({ a: '1', b: 'newer', c: 'kept' });
    expect(tracker.contacts.get('c2')?.attributes).to.deep.equal({ b: 'newer', c: 'kept' });
    expect(change.callCount).to.equal(1);
    tracker.forgetWrite('c1', { a: 'refused' }); // nothing left to take back
    tracker.forgetWrite('unknown', { z: '1' });
    expect(change.callCount).to.equal(1);
    source.fire('refresh', 'c1');
    expect(tracker.contacts.get('c1')?.attributes).to.deep.equal({ a: '1', b: 'newer', c: 'kept' });
  });

  it('keeps a __proto__ attribute from a Streams snapshot and from a recorded write', () => {
    // The attributes as Streams hands them over: {key: {name, value}} after its JSON deep copy.
    const attributes: unknown = JSON.parse(
      '{"__proto__": {"name": "__proto__", "value": "from-flow"}, "constructor": {"name": "constructor", "value": "c"}}',
    );
    source.put('c1', { attributes });
    source.fire('connecting', 'c1');
    expect(Object.entries(tracker.contacts.get('c1')!.attributes)).to.deep.equal([
      ['__proto__', 'from-flow'],
      ['constructor', 'c'],
    ]);
    tracker.recordWrite(
      'c1',
      Object.fromEntries([
        ['__proto__', 'mine'],
        ['toString', 't'],
      ]),
    );
    source.fire('refresh', 'c1');
    const model = tracker.contacts.get('c1')!;
    expect(Object.entries(model.attributes)).to.deep.equal([
      ['__proto__', 'mine'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
    expect(Object.getPrototypeOf(model.attributes)).to.equal(Object.prototype);
  });

  it('reports an instance error once per contact, and clears it when an ARN appears', () => {
    const errors: AttributesError[] = [];
    tracker.on('error', (e) => errors.push(e));
    source.sink!.agent({ ...AGENT, arn: '', routingProfile: undefined });
    source.put('c1', { queue: undefined });
    source.fire('connecting', 'c1');
    source.fire('refresh', 'c1');
    expect(errors).to.have.length(1);
    expect(errors[0]?.kind).to.equal('validation');
    expect(tracker.contacts.get('c1')?.instanceId).to.equal('');
    source.sink!.agent(AGENT);
    expect(tracker.contacts.get('c1')?.instanceError).to.equal(undefined);
    expect(tracker.contacts.get('c1')?.arnSource).to.equal('routing-profile');
  });

  it('uses a configured instance id over the ARNs, with the ARN region unless one is configured', () => {
    const configured = new FakeSource();
    const withRegion = new FakeSource();
    const plain = new ContactTracker(configured, { instanceId: 'inst-configured' });
    const trackerWithRegion = new ContactTracker(withRegion, { instanceId: 'inst-2', region: 'ap-southeast-2' });
    configured.sink!.agent(AGENT);
    configured.put('c1');
    configured.fire('connecting', 'c1');
    expect(plain.contacts.get('c1')).to.deep.include({
      instanceId: 'inst-configured',
      region: 'eu-central-1',
      arnSource: 'configured',
    });
    withRegion.sink!.agent({ ...AGENT, arn: 'not-an-arn', routingProfile: undefined });
    withRegion.put('c2', { queue: undefined });
    withRegion.fire('connecting', 'c2');
    expect(trackerWithRegion.contacts.get('c2')).to.deep.include({
      instanceId: 'inst-2',
      region: 'ap-southeast-2',
      instanceError: undefined,
    });
  });

  it('ignores destroyed for contacts it never reported', () => {
    const destroyed = sinon.spy();
    tracker.on('destroyed', destroyed);
    source.sink!.contact({ type: 'destroyed', contactId: 'ghost', contact: undefined });
    expect(destroyed.called).to.equal(false);
  });

  it('keeps calling other listeners when one throws', () => {
    const consoleError = sinon.stub(console, 'error');
    const second = sinon.spy();
    tracker.on('connecting', () => {
      throw new Error('boom');
    });
    tracker.on('connecting', second);
    source.put('c1');
    source.fire('connecting', 'c1');
    expect(second.calledOnce).to.equal(true);
    expect(consoleError.calledOnce).to.equal(true);
  });

  it('unsubscribes a listener with the returned function', () => {
    const listener = sinon.spy();
    const off = tracker.on('connecting', listener);
    off();
    source.put('c1');
    source.fire('connecting', 'c1');
    expect(listener.called).to.equal(false);
  });

  it('dispose stops the source, drops listeners and ignores later reports', () => {
    const listener = sinon.spy();
    tracker.on('change', listener);
    tracker.dispose();
    expect(source.stop.calledOnce).to.equal(true);
    source.put('c1');
    source.fire('connecting', 'c1');
    expect(listener.called).to.equal(false);
    expect(tracker.contacts.size).to.equal(0);
    tracker.dispose();
    expect(source.stop.calledOnce).to.equal(true);
  });

  it('maps channels', () => {
    expect(['voice', 'chat', 'task', 'email', 'queue_callback', 'VOICE', 'fax'].map(toChannel)).to.deep.equal([
      'voice',
      'chat',
      'task',
      'email',
      'callback',
      'voice',
      'unknown',
    ]);
  });
});

describe('StreamsContactSource without an initialised Streams', () => {
  it('waits, reports a not-found error after waitWarningMs, and never calls initCCP without options', async () => {
    const initCCP = sinon.spy();
    const fake = {
      core: { initialized: false, getEventBus: () => null, initCCP },
      agent: { initialized: false },
    } as unknown as StreamsGlobal;
    const tracker = new ContactTracker(new StreamsContactSource({ streams: fake, pollMs: 10, waitWarningMs: 30 }));
    const errors: AttributesError[] = [];
    tracker.on('error', (e) => errors.push(e));
    await until(() => errors.length > 0, 'the error');
    expect(errors[0]?.kind).to.equal('not-found');
    expect(errors[0]?.message).to.contain('initCCP');
    expect(initCCP.called).to.equal(false);
    tracker.dispose();
  });

  it('refuses initCCP options without a container at once, with a TypeError naming it', () => {
    expect(() => new StreamsContactSource({ initCCP: { ccpUrl: 'https://example.com/ccp-v2/' } })).to.throw(
      TypeError,
      '`container`',
    );
  });

  it('does not call initCCP when a CCP iframe already exists, even with initCCP options', async () => {
    const iframe = document.createElement('iframe');
    iframe.name = 'Amazon Connect CCP';
    document.body.append(iframe);
    try {
      const initCCP = sinon.spy();
      const fake = {
        core: { initialized: false, getEventBus: () => null, initCCP },
        agent: { initialized: false },
      } as unknown as StreamsGlobal;
      const tracker = new ContactTracker(
        new StreamsContactSource({
          streams: fake,
          pollMs: 10,
          container: document.body,
          initCCP: { ccpUrl: 'https://example.com/ccp' },
        }),
      );
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(initCCP.called).to.equal(false);
      tracker.dispose();
    } finally {
      iframe.remove();
    }
  });
});

// The tagging engine over a fake tracker and the real outbox (in-memory store, scripted sender).
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { MemoryOutboxStore, Outbox } from '../../src/outbox/index.ts';
import {
  createTagger,
  firedMarker,
  parseRules,
  recordLandedWrites,
  type Tagger,
  type TagRuleInput,
  type TagRulesInput,
} from '../../src/tagging/index.ts';
import { FakeClock, ScriptedSender, settle } from '../outbox/fakes.ts';
import { FakeTracker, model } from './fake-tracker.ts';

const baseRules: TagRuleInput[] = [
  { id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}', ConnectedAt: '{{event.at}}' } },
  { id: 'queue', on: 'connected', set: { FirstQueue: '{{queue.name}}', Channel: '{{contact.channel}}' } },
  { id: 'talk-time', on: 'acw', set: { TalkSeconds: '{{duration.connected}}' } },
  { id: 'vip', on: 'connected', when: { attributes: { Tier: { equals: 'gold' } } }, set: { Priority: 'high' } },
  { id: 'chat-only', on: 'connected', when: { channel: 'chat' }, set: { Chat: 'yes' } },
];

describe('createTagger', () => {
  let clock: FakeClock;
  let sender: ScriptedSender;
  let store: MemoryOutboxStore;
  let outbox: Outbox;
  let tracker: FakeTracker;
  const taggers: Tagger[] = [];

  beforeEach(() => {
    clock = new FakeClock();
    sender = new ScriptedSender(clock);
    store = new MemoryOutboxStore();
    outbox = new Outbox({
      store,
      sender: sender.send,
      clock,
      debounceMs: 200,
      rate: { ratePerSecond: 100, burst: 100 },
    });
    tracker = new FakeTracker();
  });
  afterEach(() => {
    for (const tagger of taggers.splice(0)) tagger.dispose();
    outbox.close();
    sinon.restore();
  });
  function start(rules: TagRulesInput = baseRules, extra: { onError?: (d: { error: unknown }) => void } = {}): Tagger {
    const tagger = createTagger({ tracker, outbox, rules, ...extra });
    taggers.push(tagger);
    return tagger;
  }

  it('writes the matching rules of an event through the outbox as one debounced request', async () => {
    start();
    const at = new Date('2025-03-01T10:00:00.000Z');
    tracker.emit('connected', model('c1', { attributes: { Tier: 'gold' } }), at);
    await settle();
    expect(sender.requests).to.have.length(0);
    await clock.advance(200);
    expect(sender.requests).to.have.length(1);
    expect(sender.requests[0]!.attributes).to.deep.equal({
      HandledBy: 'jdoe',
      ConnectedAt: '2025-03-01T10:00:00.000Z',
      FirstQueue: 'Sales',
      Channel: 'voice',
      Priority: 'high',
    });
    expect(sender.requests[0]!.contact).to.deep.equal({
      contactId: 'c1',
      initialContactId: 'c1',
      instanceId: 'inst-1',
      region: 'us-east-1',
    });
  });

  it('writes with origin "rule" and a fired marker per (contact, event, rule)', () => {
    const write = sinon.stub().resolves();
    taggers.push(createTagger({ tracker, outbox: { write }, rules: baseRules.slice(0, 1) }));
    tracker.emit('connected', model('c1'));
    expect(write.calledOnce).to.equal(true);
    expect(write.firstCall.args[2]).to.include({ origin: 'rule', once: firedMarker('c1', 'connected', 'handled-by') });
  });

  it('fires each (contact, event, rule) at most once', async () => {
    start();
    tracker.emit('connected', model('c1'));
    tracker.emit('connected', model('c1'));
    await clock.advance(200);
    tracker.emit('connected', model('c1'));
    await clock.advance(200);
    expect(sender.requests).to.have.length(1);
    tracker.emit('connected', model('c2'));
    await clock.advance(200);
    expect(sender.requests).to.have.length(2);
  });

  it('does not fire again after a reload (markers persist with the outbox store)', async () => {
    start();
    tracker.emit('connected', model('c1'));
    await clock.advance(200);
    expect(sender.requests).to.have.length(1);
    taggers.pop()!.dispose();
    outbox.close();
    // "Reload": new outbox, tagger and tracker over the same store; the tracker replays the contact.
    outbox = new Outbox({ store, sender: sender.send, clock, debounceMs: 200 });
    tracker = new FakeTracker();
    start();
    tracker.emit('connected', model('c1'));
    tracker.emit('acw', model('c1'));
    await clock.advance(200);
    expect(sender.requests).to.have.length(2);
    expect(Object.keys(sender.requests[1]!.attributes)).to.deep.equal(['TalkSeconds']);
  });

  it("writes every rule an event matched in ONE store transaction, checking and setting each rule's marker in it", async () => {
    start();
    const update = sinon.spy(store, 'update');
    tracker.emit('connected', model('c1', { attributes: { Tier: 'gold' } }));
    await settle();
    expect(update.callCount).to.equal(1);
    const markers = update.firstCall.args[2]?.markers?.map((m) => m.id);
    expect(markers).to.deep.equal(['handled-by', 'queue', 'vip'].map((rule) => firedMarker('c1', 'connected', rule)));
    for (const marker of markers!) expect(await store.hasMarker(marker)).to.equal(true);
    await clock.advance(200);
    expect(sender.requests).to.have.length(1);
    expect(Object.keys(sender.requests[0]!.attributes).sort()).to.deep.equal([
      'Channel',
      'ConnectedAt',
      'FirstQueue',
      'HandledBy',
      'Priority',
    ]);
  });

  it('fires a rule added after a reload once, leaving out the rules that already fired', async () => {
    start(baseRules.slice(0, 1));
    tracker.emit('connected', model('c1'));
    await clock.advance(200);
    expect(sender.requests).to.have.length(1);
    for (let reload = 0; reload < 2; reload++) {
      taggers.pop()!.dispose();
      outbox.close();
      // "Reload" with one more rule: the tracker replays the contact's connected event.
      outbox = new Outbox({ store, sender: sender.send, clock, debounceMs: 200 });
      tracker = new FakeTracker();
      start(baseRules.slice(0, 2));
      tracker.emit('connected', model('c1'));
      tracker.emit('connected', model('c1'));
      await clock.advance(200);
    }
    expect(sender.requests).to.have.length(2);
    expect(Object.keys(sender.requests[1]!.attributes).sort()).to.deep.equal(['Channel', 'FirstQueue']);
  });

  it('refuses only the rule over the byte budget: the other rules of the event are queued, its marker stays unset', async () => {
    const errors: { error: unknown; rule: { id: string } }[] = [];
    start(
      [
        { id: 'small', on: 'connected', set: { Small: 's' } },
        { id: 'big', on: 'connected', set: { Big: 'y'.repeat(3_000) } },
        { id: 'also', on: 'connected', set: { Also: 'a' } },
      ],
      { onError: (d) => errors.push(d as never) },
    );
    tracker.emit('connected', model('c1', { attributes: { Existing: 'x'.repeat(30_000) } }));
    await clock.advance(200);
    expect(errors.map((e) => [e.rule.id, (e.error as { kind?: string }).kind])).to.deep.equal([['big', 'validation']]);
    expect(sender.requests.map((r) => r.attributes)).to.deep.equal([{ Small: 's', Also: 'a' }]);
    expect(await store.hasMarker(firedMarker('c1', 'connected', 'small'))).to.equal(true);
    expect(await store.hasMarker(firedMarker('c1', 'connected', 'big'))).to.equal(false);
  });

  it('falls back to one write per rule with an outbox that has no writeBatch', () => {
    const write = sinon.stub().resolves();
    taggers.push(createTagger({ tracker, outbox: { write }, rules: baseRules.slice(0, 2) }));
    tracker.emit('connected', model('c1'));
    expect(write.args.map((args) => (args[2] as { once: string }).once)).to.deep.equal([
      firedMarker('c1', 'connected', 'handled-by'),
      firedMarker('c1', 'connected', 'queue'),
    ]);
  });

  it("writes a rule's __proto__, constructor and toString keys (rules as JSON): the outbox gets them as own keys", () => {
    const writes: Record<string, string>[] = [];
    const write = sinon.spy((_contact: unknown, attributes: Readonly<Record<string, string>>) => {
      writes.push({ ...attributes });
      return Promise.resolve();
    });
    const json =
      '[{"id": "odd-keys", "on": "connected", "set": {"__proto__": "{{agent.username}}", "constructor": "c", "toString": "{{contact.channel}}"}}]';
    taggers.push(createTagger({ tracker, outbox: { write }, rules: json }));
    tracker.emit('connected', model('c1'));
    expect(write.callCount).to.equal(1);
    expect(Object.entries(writes[0]!)).to.deep.equal([
      ['__proto__', 'jdoe'],
      ['constructor', 'c'],
      ['toString', 'voice'],
    ]);
  });

  it("a rule's __proto__ key reaches the sender through the outbox", async () => {
    start(
      JSON.parse('[{"id": "proto", "on": "connected", "set": {"__proto__": "{{agent.username}}"}}]') as TagRuleInput[],
    );
    tracker.emit('connected', model('c1'));
    await clock.advance(200);
    expect(sender.requests).to.have.length(1);
    expect(Object.entries(sender.requests[0]!.attributes)).to.deep.equal([['__proto__', 'jdoe']]);
  });

  it('renders durations from the times this tab saw', async () => {
    start(baseRules.slice(2, 3));
    tracker.emit('connected', model('c1'), new Date(1_000_000));
    tracker.emit('acw', model('c1'), new Date(1_095_400));
    await clock.advance(200);
    expect(sender.requests[0]!.attributes).to.deep.equal({ TalkSeconds: '95' });
  });

  it('applies conditions: a chat-only rule stays silent for voice', async () => {
    start(baseRules.slice(4, 5));
    tracker.emit('connected', model('v1', { channel: 'voice' }));
    tracker.emit('connected', model('ch1', { channel: 'chat' }));
    await clock.advance(200);
    expect(sender.requests.map((r) => r.contact.contactId)).to.deep.equal(['ch1']);
  });

  it('takes functions as values; undefined leaves the key out', async () => {
    const rules: TagRuleInput[] = [
      {
        id: 'fn',
        on: 'connected',
        set: { Upper: (c) => c.contact.contactId.toUpperCase(), Skipped: () => undefined, Literal: 'x' },
      },
    ];
    start(rules);
    tracker.emit('connected', model('abc'));
    await clock.advance(200);
    expect(sender.requests[0]!.attributes).to.deep.equal({ Upper: 'ABC', Literal: 'x' });
  });

  it('reports rules that cannot write, and keeps going with the others', async () => {
    const errors: unknown[] = [];
    start(
      [
        {
          id: 'throws',
          on: 'connected',
          set: {
            A: () => {
              throw new Error('boom');
            },
          },
        },
        { id: 'ok', on: 'connected', set: { B: 'b' } },
      ],
      { onError: (d) => errors.push(d.error) },
    );
    tracker.emit('connected', model('c1'));
    tracker.emit('connected', model('c2', { instanceId: '' }));
    await clock.advance(200);
    expect(errors.map((e) => (e as Error).message)).to.deep.equal([
      'boom',
      'The contact has no Amazon Connect instance id.',
      'The contact has no Amazon Connect instance id.',
    ]);
    expect(sender.requests.map((r) => r.attributes)).to.deep.equal([{ B: 'b' }]);
  });

  it('reports an outbox refusal (e.g. over the byte budget) through onError', async () => {
    const errors: unknown[] = [];
    start([{ id: 'big', on: 'connected', set: { Big: 'y'.repeat(3_000) } }], { onError: (d) => errors.push(d.error) });
    tracker.emit('connected', model('c1', { attributes: { Existing: 'x'.repeat(30_000) } }));
    await settle();
    expect((errors[0] as { kind?: string }).kind).to.equal('validation');
  });

  it('validates JSON rules on creation, and stops listening on dispose', () => {
    expect(() => start('[{"on": "nope", "set": {}}]')).to.throw(/Invalid tagging rules/);
    const tagger = start(parseRules(baseRules));
    expect(tracker.listenerCount()).to.equal(7);
    tagger.dispose();
    expect(tracker.listenerCount()).to.equal(0);
  });

  it('recordLandedWrites puts landed tags into the tracker model', async () => {
    start(baseRules.slice(0, 1));
    const off = recordLandedWrites(outbox, tracker);
    tracker.emit('connected', model('c1', { initialContactId: 'c0' }), new Date(0));
    await clock.advance(200);
    expect(tracker.recorded).to.deep.equal([
      { initialContactId: 'c0', attributes: { HandledBy: 'jdoe', ConnectedAt: '1970-01-01T00:00:00.000Z' } },
    ]);
    off();
  });
});

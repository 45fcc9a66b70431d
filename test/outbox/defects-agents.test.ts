// Shared desks: the queue belongs to the agent who wrote it. Until the host names the agent nothing is sent; another
// agent's entries are neither sent nor shown nor counted; they wait for their agent, and expire as usual.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import {
  MemoryOutboxStore,
  openIdbOutboxStore,
  Outbox,
  type OutboxOptions,
  type OutboxStore,
} from '../../src/outbox/index.ts';
import { until } from '../helpers/until.ts';
import { contact, FakeClock, ScriptedSender, settle } from './fakes.ts';

const AGENT_A = 'arn:aws:connect:us-east-1:111122223333:instance/inst-1/agent/agent-a';
const AGENT_B = 'arn:aws:connect:us-east-1:111122223333:instance/inst-1/agent/agent-b';

/** How a promise settles ('resolved' or its error's name), or 'pending' when it has not within 1 s. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = (error as Error).name),
  );
  await until(() => state !== 'pending', 'the promise to settle', 1_000).catch(() => undefined);
  return state;
}

describe('Outbox on a shared desk', () => {
  const opened: Outbox[] = [];
  const clock = new FakeClock();
  let connect: ScriptedSender;
  let store: OutboxStore;

  beforeEach(() => {
    connect = new ScriptedSender(clock);
    store = new MemoryOutboxStore();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
  });

  /** A session on the shared store; `agent` as the host named it (none: not yet). */
  async function session(options: Partial<OutboxOptions> = {}): Promise<Outbox> {
    const outbox = new Outbox({
      store,
      sender: connect.send,
      clock,
      random: () => 0.5,
      debounceMs: 200,
      rate: { ratePerSecond: 100, burst: 100 },
      ...options,
    });
    opened.push(outbox);
    await outbox.ready;
    await settle();
    return outbox;
  }

  async function end(outbox: Outbox): Promise<void> {
    opened.splice(opened.indexOf(outbox), 1);
    await outbox.close();
  }

  /** Agent A leaves a queued rule tag on c1 and a kept failure on c2, then signs out. */
  async function agentALeaves(): Promise<void> {
    const a = await session({ agent: AGENT_A });
    connect.script = ['validation'];
    expect(await outcome(a.write(contact('c2'), { Bad: 'a' }))).to.equal('AttributesError');
    void a.write(contact('c1'), { TaggedBy: 'a' }, { origin: 'rule' }).catch(() => undefined);
    await settle();
    await end(a);
    connect.requests.length = 0;
  }

  it('sends nothing until the host names the agent, then sends as that agent', async () => {
    const outbox = await session({ agent: null });
    const write = outbox.write(contact('c1'), { a: '1' });
    await clock.advance(5_000);
    expect(connect.requests).to.deep.equal([]);
    expect(outbox.state.pending, 'the write is queued and shown').to.equal(1);
    outbox.setAgent(AGENT_A);
    expect(await outcome(write)).to.equal('resolved');
    expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ a: '1' }]);
    expect(
      (await store.list()).filter((entry) => !entry.failed && Object.keys(entry.attributes).length > 0),
    ).to.deep.equal([]);
  });

  it("neither sends nor shows nor counts another agent's entries; they wait for their agent", async () => {
    await agentALeaves();
    const b = await session({ agent: AGENT_B });
    await clock.advance(10_000);
    b.flush();
    await clock.advance(10_000);
    expect(connect.requests, "A's entries are not sent under B").to.deep.equal([]);
    expect(b.state.pending).to.equal(0);
    expect(b.state.failed).to.equal(0);
    expect(b.state.contacts.size).to.equal(0);
    expect(b.failures()).to.deep.equal([]);
    expect(b.statusOf(contact('c1'))).to.equal(undefined);
    expect(b.statusOf(contact('c2'))).to.equal(undefined);
    expect(await outcome(b.whenIdle())).to.equal('resolved');
    // B's own write of the same contact carries only B's value, and lands.
    expect(await outcome(b.write(contact('c1'), { Note: 'b' }))).to.equal('resolved');
    expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ Note: 'b' }]);
    await end(b);
    connect.requests.length = 0;
    const back = await session({ agent: AGENT_A });
    await clock.advance(1_000);
    await until(() => connect.requests.length > 0, "A's queued tag sent");
    expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ TaggedBy: 'a' }]);
    expect(connect.storedFor(contact('c1'))).to.deep.equal({ Note: 'b', TaggedBy: 'a' });
    expect(back.failures().map((entry) => entry.attributes)).to.deep.equal([{ Bad: 'a' }]);
    expect(back.state.failed).to.equal(1);
  });

  it("expires another agent's entries as usual, without telling this agent", async () => {
    await agentALeaves();
    const b = await session({ agent: AGENT_B, maxAgeMs: 60_000, failureTtlMs: 120_000, expiryIntervalMs: 10_000 });
    const told: string[] = [];
    b.on('expired', () => told.push('expired'));
    b.on('dropped', () => told.push('dropped'));
    b.on('status', () => told.push('status'));
    await clock.advance(200_000);
    expect(await store.list()).to.deep.equal([]);
    expect(told).to.deep.equal([]);
    expect(connect.requests).to.deep.equal([]);
  });

  it('a tab whose host never names the agent does not take the flusher lock from a tab that has one', async () => {
    const name = `outbox-agents-${crypto.randomUUID()}`;
    const [first, second] = [await openIdbOutboxStore(name), await openIdbOutboxStore(name)];
    try {
      const idle = new Outbox({
        store: first,
        sender: connect.send,
        agent: null,
        rate: { ratePerSecond: 100, burst: 100 },
      });
      opened.push(idle);
      await idle.ready;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const working = new Outbox({
        store: second,
        sender: connect.send,
        agent: AGENT_B,
        rate: { ratePerSecond: 100, burst: 100 },
      });
      opened.push(working);
      expect(await outcome(working.write(contact('c1'), { Note: 'b' }))).to.equal('resolved');
      expect(working.flusher).to.equal(true);
      expect(idle.flusher).to.equal(false);
      expect(connect.storedFor(contact('c1'))).to.deep.equal({ Note: 'b' });
    } finally {
      await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
      first.close();
      second.close();
      await deleteDB(name);
    }
  });

  it('when the host names another agent, the former agent stops sending and its writes end with an AbortError', async () => {
    const outbox = await session({ agent: AGENT_A });
    const write = outbox.write(contact('c1'), { TaggedBy: 'a' }, { origin: 'rule' });
    await settle();
    outbox.setAgent(AGENT_B);
    expect(await outcome(write)).to.equal('AbortError');
    await clock.advance(5_000);
    expect(connect.requests).to.deep.equal([]);
    expect(outbox.state.pending).to.equal(0);
    outbox.setAgent(AGENT_A);
    await clock.advance(5_000);
    await until(() => connect.requests.length > 0, "A's tag sent once A is back");
    expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ TaggedBy: 'a' }]);
  });
});

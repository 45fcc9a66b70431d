// Ways the sending side could strand, repeat or misreport a write, each pinned by a test of what reached the sender:
// a write stored while its tab closes (or dies), a store that cannot record outcomes, auth refusals counted apart
// from other failures, and an abort decided in a tab that is not the flusher.
import { expect } from '@open-wc/testing';
import { AttributesError } from '../../src/errors.ts';
import { MemoryOutboxStore, Outbox, type OutboxOptions, type OutboxSender } from '../../src/outbox/index.ts';
import { queueParts } from '../../src/outbox/queue.ts';
import type { OutboxEntry, StoreUpdateResult } from '../../src/outbox/types.ts';
import { until } from '../helpers/until.ts';
import { contact, FakeClock, freshDatabase, ScriptedSender, settle, scriptedOutbox } from './fakes.ts';

/** Follows a promise: `state()` says 'pending', 'resolved' or the name of its error. */
function follow(promise: Promise<unknown>): { state(): string } {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = (error as Error).name),
  );
  return { state: () => state };
}

/** A store whose updates fail while `failing` is set, as IndexedDB does when its connection closed or the disk is full. */
class FailingStore extends MemoryOutboxStore {
  failing = false;

  override update(...args: Parameters<MemoryOutboxStore['update']>): Promise<StoreUpdateResult> {
    if (this.failing) return Promise.reject(new DOMException('The disk is full.', 'QuotaExceededError'));
    return super.update(...args);
  }
}

/** Paced at 2 requests/s with a steady 100 ms backoff, so a re-send loop would show in the request count. */
const setup = (options: Partial<OutboxOptions> = {}) =>
  scriptedOutbox({ rate: { ratePerSecond: 2, burst: 5 }, backoff: { baseMs: 100, capMs: 100 }, ...options });

describe('Outbox defects: sending', () => {
  const opened: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
  });

  it('backs off when the store cannot record an outcome, then stops sending the contact and says so; sends again once the store works', async () => {
    const store = new FailingStore();
    const { clock, sender, outbox } = setup({ store });
    opened.push(outbox);
    const errors: Error[] = [];
    outbox.on('error', (error) => errors.push(error));
    const c = contact('c1');
    sender.gated = true;
    const first = follow(outbox.write(c, { a: '1' }));
    await settle();
    expect(sender.requests).to.have.length(1);
    // The request lands, but its outcome cannot be recorded from now on.
    store.failing = true;
    sender.gated = false;
    sender.release();
    await clock.advance(60_000);
    // At the default pacing the same request went out about 120 times a minute; now three times, then never.
    expect(sender.requests).to.have.length(3);
    // It landed: Amazon Connect stored the value even though the browser's store could not record it.
    expect(first.state()).to.equal('resolved');
    expect(sender.storedFor(c)).to.deep.equal({ a: '1' });
    expect(
      errors.some((error) => error.name === 'QuotaExceededError'),
      'the store failure is reported',
    ).to.equal(true);
    const held = errors.filter((error) => error.message.includes('inst-1/c1') && /not sent again/.test(error.message));
    expect(held, 'the contact is reported as no longer sent').to.have.length(1);
    const sentWhileHeld = sender.requests.length;
    await clock.advance(60_000);
    expect(sender.requests).to.have.length(sentWhileHeld);
    // The store works again: the next write of the contact is stored, so sending resumes and everything lands.
    store.failing = false;
    const second = follow(outbox.write(c, { b: '2' }));
    await clock.advance(1_000);
    expect(second.state()).to.equal('resolved');
    expect(first.state()).to.equal('resolved');
    expect(sender.storedFor(c)).to.deep.equal({ a: '1', b: '2' });
    expect(await store.list()).to.deep.equal([]);
  });

  it('counts auth refusals only against authRetries: a network error, then an auth refusal, is retried and lands', async () => {
    const { clock, sender, outbox } = setup({ authRetries: 1 });
    opened.push(outbox);
    const c = contact('c1');
    sender.script = ['network', 'auth'];
    const write = follow(outbox.write(c, { a: '1' }));
    await clock.advance(5_000);
    expect(write.state()).to.equal('resolved');
    expect(sender.requests).to.have.length(3);
    expect(sender.storedFor(c)).to.deep.equal({ a: '1' });
    expect(outbox.failures()).to.deep.equal([]);
  });

  it('keeps counting auth refusals when a write is merged into the entry while it backs off', async () => {
    const { clock, sender, outbox } = setup({ authRetries: 1 });
    opened.push(outbox);
    const c = contact('c1');
    sender.script = ['auth', 'auth', 'ok'];
    const first = follow(outbox.write(c, { a: '1' }));
    await clock.advance(10);
    expect(sender.requests).to.have.length(1);
    const second = follow(outbox.write(c, { b: '2' }));
    await clock.advance(5_000);
    expect(sender.requests.map((request) => request.attributes)).to.deep.equal([{ a: '1' }, { a: '1', b: '2' }]);
    expect([first.state(), second.state()]).to.deep.equal(['AttributesError', 'AttributesError']);
    expect(sender.storedFor(c)).to.equal(undefined);
  });

  it('keeps the write once auth refusals exceed authRetries, however many other failures came between', async () => {
    const { clock, sender, outbox } = setup({ authRetries: 1 });
    opened.push(outbox);
    const c = contact('c1');
    sender.script = ['auth', 'server', 'network', 'auth', 'ok'];
    const write = follow(outbox.write(c, { a: '1' }));
    await clock.advance(5_000);
    expect(write.state()).to.equal('AttributesError');
    expect(sender.requests).to.have.length(4);
    expect(sender.storedFor(c)).to.equal(undefined);
    expect(outbox.failures().map((entry) => entry.attributes)).to.deep.equal([{ a: '1' }]);
  });
});

describe('Outbox defects: aborts after a failed attempt', () => {
  const opened: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
  });

  it('an abort after an ambiguous failure (stored, then answered 500) does not report the value as not written', async () => {
    const clock = new FakeClock();
    const stored = new Map<string, string>();
    let calls = 0;
    const outbox = new Outbox({
      store: new MemoryOutboxStore(),
      clock,
      random: () => 0.5,
      backoff: { baseMs: 1_000, capMs: 1_000 },
      // The first request is stored, then answered 500 (as a service that failed after storing); later ones land.
      sender: (_, attributes) => {
        calls++;
        for (const [key, value] of Object.entries(attributes)) stored.set(key, value);
        return calls === 1
          ? Promise.reject(new AttributesError('server', 'scripted 500 after storing', { status: 500 }))
          : Promise.resolve();
      },
    });
    opened.push(outbox);
    const controller = new AbortController();
    const write = follow(outbox.write(contact('c1'), { k: '1' }, { signal: controller.signal }));
    await clock.advance(100);
    expect(calls).to.equal(1);
    expect(stored.get('k')).to.equal('1');
    controller.abort();
    await clock.advance(2_000);
    expect(write.state()).to.not.equal('AbortError');
    expect(write.state()).to.equal('resolved');
  });

  it('an abort of a value that replaced one on the wire does not reject the older write, whose value lands', async () => {
    const { clock, sender, outbox } = setup();
    opened.push(outbox);
    sender.gated = true;
    const c = contact('c1');
    const first = follow(outbox.write(c, { k: '1' }));
    await clock.advance(10);
    expect(sender.requests).to.have.length(1);
    const controller = new AbortController();
    const second = follow(outbox.write(c, { k: '2' }, { signal: controller.signal }));
    await settle();
    controller.abort();
    await settle();
    sender.gated = false;
    sender.release();
    await clock.advance(2_000);
    // '1' reached Connect: the first write must not say it was not written.
    expect(sender.requests[0]?.attributes).to.deep.equal({ k: '1' });
    expect(first.state()).to.equal('resolved');
    // The aborted write either never went out, or settled with the request that stored it.
    const stored = sender.storedFor(c)?.['k'];
    expect(second.state()).to.equal(stored === '2' ? 'resolved' : 'AbortError');
  });

  it('an abort of a value that replaced one that may be stored (a 500 after storing) does not reject the older write', async () => {
    const { clock, sender, outbox } = setup({ backoff: { baseMs: 1_000, capMs: 1_000 } });
    opened.push(outbox);
    const c = contact('c1');
    // The first request is answered 500: the service may have stored '1' before it failed.
    sender.script = ['server'];
    const first = follow(outbox.write(c, { k: '1' }));
    await clock.advance(100);
    expect(sender.requests).to.have.length(1);
    const controller = new AbortController();
    const second = follow(outbox.write(c, { k: '2' }, { signal: controller.signal }));
    await settle();
    controller.abort();
    await clock.advance(5_000);
    // The first write does not reject as not written: it settles with the requests after it.
    expect(first.state()).to.equal('resolved');
    // And the aborted one either never went out, or settled with the request that stored it.
    const last = sender.requests.at(-1)?.attributes['k'];
    expect(second.state()).to.equal(last === '2' && sender.requests.length > 1 ? 'resolved' : 'AbortError');
  });

  it('an abort after a 429 (a request not processed) takes the value out: rejected, never sent again', async () => {
    const { clock, sender, outbox } = setup({ backoff: { baseMs: 1_000, capMs: 1_000 } });
    opened.push(outbox);
    sender.script = ['throttled'];
    const controller = new AbortController();
    const c = contact('c1');
    const write = follow(outbox.write(c, { k: '1' }, { signal: controller.signal }));
    await clock.advance(100);
    expect(sender.requests).to.have.length(1);
    controller.abort();
    await clock.advance(5_000);
    expect(write.state()).to.equal('AbortError');
    expect(sender.requests).to.have.length(1);
    expect(sender.storedFor(c)).to.equal(undefined);
  });
});

describe('Outbox defects: sending across tabs', () => {
  const db = freshDatabase('outbox-sending');

  /** Two outboxes over one database, as two tabs: A holds the flusher lock, B follows. */
  async function twoTabs(a: Partial<OutboxOptions> = {}, b: Partial<OutboxOptions> = {}) {
    const senderA = new ScriptedSender();
    const senderB = new ScriptedSender();
    const tabA = new Outbox({ store: await db.open(), sender: senderA.send, lockName: db.name, debounceMs: 0, ...a });
    db.outboxes.push(tabA);
    await until(() => tabA.flusher, 'tab A to become the flusher');
    const tabB = new Outbox({ store: await db.open(), sender: senderB.send, lockName: db.name, debounceMs: 0, ...b });
    db.outboxes.push(tabB);
    await tabB.ready;
    return { senderA, senderB, a: tabA, b: tabB };
  }

  it('a tab that closes right after a write tells the flusher before it goes: the flusher sends the write', async () => {
    const { senderA, senderB, b } = await twoTabs();
    const c = contact('c1');
    const write = follow(b.write(c, { fromB: '1' }));
    await b.close();
    await until(() => write.state() === 'AbortError', 'the write to be told it stays queued');
    await until(() => senderA.storedFor(c)?.['fromB'] === '1', 'the flusher to send the closed tab’s write', 3_000);
    expect(senderB.requests).to.deep.equal([]);
    await until(async () => (await db.stores[0]!.list()).length === 0, 'the store to be empty', 3_000);
  });

  it('the flusher finds an entry a killed tab stored without telling anyone, and sends it', async () => {
    const { senderA } = await twoTabs({ expiryIntervalMs: 200 });
    // What a tab killed between its store transaction and its message leaves: the entry, and no one told.
    const c = contact('c1');
    const queued = await queueParts(
      await db.open(),
      c,
      [{ attributes: { fromKilled: '1' } }],
      {},
      { now: Date.now(), debounceMs: 0, maxDebounceMs: 0 },
    );
    expect(queued.change).to.not.equal(undefined);
    await until(() => senderA.storedFor(c)?.['fromKilled'] === '1', 'the flusher to send the entry', 3_000);
    expect(senderA.requests).to.have.length(1);
    await until(async () => (await db.stores[0]!.list()).length === 0, 'the store to be empty', 3_000);
  });

  it('an abort in a tab that is not the flusher, of a value already on the wire, is not reported as not written: the write resolves', async () => {
    const { senderA, b } = await twoTabs();
    senderA.gated = true;
    const c = contact('c1');
    const controller = new AbortController();
    const write = follow(b.write(c, { k: '1' }, { signal: controller.signal }));
    await until(() => senderA.requests.length === 1, 'the flusher to send the value');
    controller.abort();
    await settle(10);
    senderA.release();
    await until(() => write.state() !== 'pending', 'the write to settle');
    expect(senderA.storedFor(c)).to.deep.equal({ k: '1' });
    expect(write.state()).to.equal('resolved');
  });

  it('an abort of a value on the wire when the flusher closes is not decided as not written by the next flusher: the request may have stored it', async () => {
    // Tab A's request reaches Connect (the value is stored) and its answer has not come when A closes: closing aborts
    // the fetch, not what the service already did.
    const reached = new Map<string, string>();
    const answerless: OutboxSender = (_, attributes, { signal }) => {
      for (const [key, value] of Object.entries(attributes)) reached.set(key, value);
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    };
    const { senderB, a, b } = await twoTabs({ sender: answerless });
    const c = contact('c1');
    const controller = new AbortController();
    const write = follow(b.write(c, { k: '1' }, { signal: controller.signal }));
    await until(() => reached.get('k') === '1', 'the flusher to send the value');
    controller.abort();
    await settle(10);
    await a.close();
    await until(() => b.flusher, 'tab B to become the flusher');
    await until(() => write.state() !== 'pending', 'the write to settle', 3_000);
    expect(write.state()).to.equal('resolved');
    expect(senderB.storedFor(c)).to.deep.equal({ k: '1' });
    await until(async () => (await db.stores[1]!.list()).length === 0, 'the store to be empty', 3_000);
  });

  it('an abort in a tab that is not the flusher, of a value not yet sent, keeps it off the wire and rejects', async () => {
    const { senderA, b } = await twoTabs({}, { debounceMs: 2_000 });
    const c = contact('c1');
    const controller = new AbortController();
    const write = follow(b.write(c, { k: '1' }, { origin: 'rule', signal: controller.signal }));
    await until(async () => (await db.stores[0]!.list()).length === 1, 'the write to be queued');
    controller.abort();
    await until(() => write.state() !== 'pending', 'the write to settle');
    expect(write.state()).to.equal('AbortError');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(senderA.requests).to.deep.equal([]);
    const left: OutboxEntry[] = await db.stores[0]!.list();
    expect(left).to.deep.equal([]);
  });
  it('an abort asked of a flusher that closed before it answered is decided by the next flusher: rejected, never sent', async () => {
    const { senderA, senderB, a, b } = await twoTabs({}, { debounceMs: 2_000 });
    const c = contact('c1');
    const controller = new AbortController();
    const write = follow(b.write(c, { k: '1' }, { origin: 'rule', signal: controller.signal }));
    await until(async () => (await db.stores[0]!.list()).length === 1, 'the write to be queued');
    // The question leaves B now; A closes in the same turn, so it never reads it.
    controller.abort();
    void a.close();
    await until(() => b.flusher, 'tab B to become the flusher');
    await until(() => write.state() !== 'pending', 'the write to settle');
    expect(write.state()).to.equal('AbortError');
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect([...senderA.requests, ...senderB.requests]).to.deep.equal([]);
    expect(await db.stores[1]!.list()).to.deep.equal([]);
  });
});

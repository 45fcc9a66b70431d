// What landed, persisted, and kept failures bounded: a retry never re-sends a value a newer one replaced (in another
// tab or after a reload), and kept failures have a time to live and a cap, with an event for what is dropped.
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import {
  MemoryOutboxStore,
  openIdbOutboxStore,
  Outbox,
  type IdbOutboxStore,
  type OutboxEntry,
  type OutboxOptions,
  type OutboxStore,
} from '../../src/outbox/index.ts';
import { until } from '../helpers/until.ts';
import { contact, FakeClock, ScriptedSender, settle } from './fakes.ts';

/** How a promise settles ('resolved' or its error's name), or 'pending' when it has not within 2 s. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = (error as Error).name),
  );
  await until(() => state !== 'pending', 'the promise to settle', 2_000).catch(() => undefined);
  return state;
}

describe('Outbox: what landed is persisted, kept failures are bounded', () => {
  let name: string;
  const stores: IdbOutboxStore[] = [];
  const opened: Outbox[] = [];
  const clock = new FakeClock();
  /** One Connect for every tab: what each request stored. */
  let connect: ScriptedSender;

  beforeEach(() => {
    name = `outbox-landed-${crypto.randomUUID()}`;
    connect = new ScriptedSender(clock);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
    for (const store of stores.splice(0)) store.close();
    await deleteDB(name);
  });

  /**
   * A tab: an outbox over the shared database (or `store`), sending to the shared Connect; `listen` subscribes
   * before it loads the store (its first expiry pass runs as it becomes the flusher).
   */
  async function tab(
    options: Partial<OutboxOptions> = {},
    store?: OutboxStore,
    listen?: (outbox: Outbox) => void,
  ): Promise<Outbox> {
    let shared = store;
    if (!shared) {
      const idb = await openIdbOutboxStore(name);
      stores.push(idb);
      shared = idb;
    }
    const outbox = new Outbox({
      store: shared,
      sender: connect.send,
      clock,
      random: () => 0.5,
      rate: { ratePerSecond: 100, burst: 100 },
      ...options,
    });
    opened.push(outbox);
    listen?.(outbox);
    await outbox.ready;
    await settle(5);
    return outbox;
  }

  /** Closes a tab the way a page does: the outbox first, then its store. */
  async function closeTab(outbox: Outbox): Promise<void> {
    opened.splice(opened.indexOf(outbox), 1);
    await outbox.close();
  }

  /** Status=old and Note=x refused (400, kept), then Status=new landed. */
  async function keptThenReplaced(outbox: Outbox): Promise<OutboxEntry> {
    const c = contact('c1');
    connect.script = ['validation'];
    expect(await outcome(outbox.write(c, { Status: 'old', Note: 'x' }))).to.equal('AttributesError');
    expect(await outcome(outbox.write(c, { Status: 'new' }))).to.equal('resolved');
    const [kept] = outbox.failures();
    expect(kept?.attributes).to.deep.equal({ Status: 'old', Note: 'x' });
    return kept!;
  }

  it('a retry after a reload sends only the values no newer write replaced: Connect keeps Status=new', async () => {
    const first = await tab();
    const kept = await keptThenReplaced(first);
    await closeTab(first);
    const reloaded = await tab();
    connect.requests.length = 0;
    expect(await outcome(reloaded.retry(kept.id))).to.equal('resolved');
    expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ Note: 'x' }]);
    expect(connect.storedFor(contact('c1'))).to.deep.equal({ Status: 'new', Note: 'x' });
    expect(reloaded.failures()).to.deep.equal([]);
  });

  it('a retry from a tab opened after the landing agrees with the flusher tab', async () => {
    const flusher = await tab();
    const kept = await keptThenReplaced(flusher);
    const later = await tab();
    connect.requests.length = 0;
    expect(await outcome(later.retry(kept.id))).to.equal('resolved');
    expect(connect.requests.map((request) => request.attributes)).to.deep.equal([{ Note: 'x' }]);
    expect(connect.storedFor(contact('c1'))).to.deep.equal({ Status: 'new', Note: 'x' });
  });

  it('a retry from another tab of a failure every value of which landed since sends nothing and clears it', async () => {
    const store = await openIdbOutboxStore(name);
    stores.push(store);
    // The flusher stays open: its next expiry pass (a minute away on the test's clock) does not race the retry.
    const flusher = await tab();
    const c = contact('c1');
    connect.script = ['validation'];
    expect(await outcome(flusher.write(c, { Status: 'old' }))).to.equal('AttributesError');
    const [kept] = flusher.failures();
    expect(await outcome(flusher.write(c, { Status: 'new' }))).to.equal('resolved');
    // The failure is still stored, as when a tab closed between the landing and removing what it superseded.
    await store.update(kept!.id, (_, revision) => ({ ...kept!, revision }));
    const other = await tab();
    expect(other.failures().map((entry) => entry.id)).to.deep.equal([kept!.id]);
    connect.requests.length = 0;
    expect(await outcome(other.retry(kept!.id))).to.equal('resolved');
    expect(connect.requests).to.deep.equal([]);
    expect(connect.storedFor(c)).to.deep.equal({ Status: 'new' });
    expect(other.failures()).to.deep.equal([]);
    expect(await store.get(kept!.id)).to.equal(undefined);
  });

  it('an expiry pass after a reload clears a kept failure every value of which landed since', async () => {
    const store = await openIdbOutboxStore(name);
    stores.push(store);
    const first = await tab({ expiryIntervalMs: 1_000 });
    const c = contact('c1');
    connect.script = ['validation'];
    expect(await outcome(first.write(c, { Status: 'old' }))).to.equal('AttributesError');
    const [kept] = first.failures();
    expect(await outcome(first.write(c, { Status: 'new' }))).to.equal('resolved');
    await closeTab(first);
    await store.update(kept!.id, (_, revision) => ({ ...kept!, revision }));
    const superseded: OutboxEntry[] = [];
    const reloaded = await tab({ expiryIntervalMs: 1_000 }, undefined, (outbox) =>
      outbox.on('superseded', ({ entry }) => superseded.push(entry)),
    );
    // The tab's first expiry pass runs once it holds the flusher lock; later ones every second.
    await clock.advance(1_500);
    await until(() => superseded.length > 0, 'the superseded failure removed', 5_000).catch(() => undefined);
    expect(superseded.map((entry) => entry.id)).to.deep.equal([kept!.id]);
    expect(reloaded.failures()).to.deep.equal([]);
    expect(await store.get(kept!.id)).to.equal(undefined);
  });

  describe('kept failures', () => {
    /** An outbox over a memory store with `count` kept failures, one per contact, one minute apart. */
    async function withKept(
      count: number,
      options: Partial<OutboxOptions>,
      listen?: (outbox: Outbox) => void,
    ): Promise<Outbox> {
      const outbox = await tab({ expiryIntervalMs: 60_000, ...options }, new MemoryOutboxStore(), listen);
      connect.script = Array<'validation'>(count).fill('validation');
      for (let i = 0; i < count; i++) {
        await outcome(outbox.write(contact(`k${i}`), { bad: String(i) }));
        await clock.advance(60_000);
      }
      return outbox;
    }

    it('expire after failureTtlMs with a dropped event; younger ones stay', async () => {
      const dropped: { id: string; reason: string }[] = [];
      // Kept at 0, 60 and 120 s; passes every 60 s; k0 goes at 180 s, k1 at 240 s.
      const outbox = await withKept(3, { failureTtlMs: 150_000 }, (tab) =>
        tab.on('dropped', ({ entry, reason }) => dropped.push({ id: entry.contact.contactId, reason })),
      );
      await clock.advance(60_000);
      expect(dropped).to.deep.equal([
        { id: 'k0', reason: 'expired' },
        { id: 'k1', reason: 'expired' },
      ]);
      expect(outbox.failures().map((entry) => entry.contact.contactId)).to.deep.equal(['k2']);
      expect((await outbox.store.list()).map((entry) => entry.contact.contactId)).to.deep.equal(['k2']);
    });

    it('are capped at maxFailures: the oldest go first, with a dropped event', async () => {
      const outbox = await tab({ maxFailures: 2 }, new MemoryOutboxStore());
      const dropped: { id: string; reason: string }[] = [];
      outbox.on('dropped', ({ entry, reason }) => dropped.push({ id: entry.contact.contactId, reason }));
      connect.script = Array<'validation'>(4).fill('validation');
      for (let i = 0; i < 4; i++) {
        await outcome(outbox.write(contact(`k${i}`), { bad: String(i) }));
        await clock.advance(1_000);
      }
      expect(dropped).to.deep.equal([
        { id: 'k0', reason: 'cap' },
        { id: 'k1', reason: 'cap' },
      ]);
      expect(outbox.failures().map((entry) => entry.contact.contactId)).to.deep.equal(['k2', 'k3']);
      expect((await outbox.store.list()).map((entry) => entry.contact.contactId).sort()).to.deep.equal(['k2', 'k3']);
    });

    it('of one contact are listed by failures(contact), oldest first', async () => {
      const outbox = await withKept(2, {});
      connect.script = ['validation'];
      await outcome(outbox.write(contact('k0'), { again: '1' }));
      expect(outbox.failures(contact('k0')).map((entry) => entry.attributes)).to.deep.equal([
        { bad: '0' },
        { again: '1' },
      ]);
      expect(outbox.failures(contact('k1')).map((entry) => entry.attributes)).to.deep.equal([{ bad: '1' }]);
      expect(outbox.failures(contact('none'))).to.deep.equal([]);
    });
  });
});

// Unit tests of the outbox over the in-memory store, with a manual clock and a scripted sender.
import { expect } from '@open-wc/testing';
import sinon from 'sinon';
import { AttributesError } from '../../src/errors.ts';
import { MemoryOutboxStore, Outbox, type OutboxOptions, type UpdatingClient } from '../../src/outbox/index.ts';
import { contact, settle, scriptedOutbox } from './fakes.ts';

const setup = scriptedOutbox;

describe('Outbox', () => {
  const opened: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
    sinon.restore();
  });
  function track<T extends { outbox: Outbox }>(value: T): T {
    opened.push(value.outbox);
    return value;
  }

  it('requires a store and a sender or client', () => {
    expect(() => new Outbox({} as OutboxOptions)).to.throw(TypeError, /store/);
    expect(() => new Outbox({ store: new MemoryOutboxStore() })).to.throw(TypeError, /sender/);
  });

  it('coalesces rule writes of one contact within the debounce into one request, later values winning per key', async () => {
    const { clock, sender, outbox } = track(setup());
    const c = contact('c1');
    const writes = [
      outbox.write(c, { a: '1', b: '1' }, { origin: 'rule' }),
      outbox.write(c, { b: '2' }, { origin: 'rule' }),
      outbox.write(c, { c: '3' }, { origin: 'rule' }),
    ];
    await clock.advance(150);
    expect(sender.requests).to.have.length(0);
    await clock.advance(100);
    await Promise.all(writes);
    expect(sender.requests).to.have.length(1);
    expect(sender.requests[0]!.attributes).to.deep.equal({ a: '1', b: '2', c: '3' });
  });

  it('sends an agent write at once, without the debounce, and takes pending rule tags along', async () => {
    const { clock, sender, outbox } = track(setup());
    const c = contact('c1');
    const rule = outbox.write(c, { tag: 'x' }, { origin: 'rule' });
    await settle();
    expect(sender.requests).to.have.length(0);
    const agent = outbox.write(c, { note: 'hello' }, { origin: 'agent' });
    await settle();
    expect(sender.requests).to.have.length(1);
    expect(sender.requests[0]!.attributes).to.deep.equal({ tag: 'x', note: 'hello' });
    expect(sender.requests[0]!.at).to.equal(clock.now());
    await Promise.all([rule, agent]);
  });

  it('resolves write() only once the request carrying its attributes landed', async () => {
    const { sender, outbox } = track(setup());
    sender.gated = true;
    let done = false;
    const write = outbox.write(contact('c1'), { a: '1' }).then(() => (done = true));
    await settle();
    expect(sender.requests).to.have.length(1);
    expect(done).to.equal(false);
    sender.release();
    await write;
    expect(done).to.equal(true);
  });

  it('sends a write made while a request is on the wire in a following request, and resolves each write with its own request', async () => {
    const { sender, outbox } = track(setup());
    sender.gated = true;
    const c = contact('c1');
    const order: string[] = [];
    const first = outbox.write(c, { a: '1' }).then(() => order.push('first'));
    await settle();
    const second = outbox.write(c, { a: '2', b: '2' }).then(() => order.push('second'));
    await settle();
    expect(sender.requests).to.have.length(1);
    sender.release();
    await first;
    await settle();
    expect(order).to.deep.equal(['first']);
    expect(sender.requests).to.have.length(2);
    expect(sender.requests[1]!.attributes).to.deep.equal({ a: '2', b: '2' });
    sender.release();
    await second;
    expect(order).to.deep.equal(['first', 'second']);
    expect(outbox.state.pending).to.equal(0);
  });

  it('retries throttling, server and network errors with capped exponential backoff and full jitter, reporting progress', async () => {
    const { clock, sender, outbox } = track(
      setup({ random: () => 0.999, backoff: { baseMs: 1000, capMs: 3000, jitter: 'full' } }),
    );
    sender.script = ['network', 'server', 'server', 'server'];
    const progress: string[] = [];
    const write = outbox.write(
      contact('c1'),
      { a: '1' },
      { onProgress: (p) => progress.push(p.state + (p.retryAt ? `@${p.retryAt - clock.now()}` : '')) },
    );
    await settle();
    expect(sender.requests).to.have.length(1);
    // Ceilings with base 1000 and cap 3000: 1000, 2000, 3000, 3000 (random 0.999 takes ~all of it).
    await clock.advance(998);
    expect(sender.requests).to.have.length(1);
    await clock.advance(1);
    expect(sender.requests).to.have.length(2);
    await clock.advance(1998);
    expect(sender.requests).to.have.length(3);
    await clock.advance(2997);
    expect(sender.requests).to.have.length(4);
    await clock.advance(2997);
    expect(sender.requests).to.have.length(5);
    await write;
    expect(progress[0]).to.equal('queued');
    expect(progress).to.include('sending');
    expect(progress).to.include('waiting@999');
    expect(progress).to.include('waiting@1998');
    expect(progress).to.include('waiting@2997');
  });

  it('draws each backoff delay at random between 0 and the ceiling (full jitter)', async () => {
    const { clock, sender, outbox } = track(
      setup({ random: () => 0, backoff: { baseMs: 1000, capMs: 3000, jitter: 'full' } }),
    );
    sender.script = ['throttled', 'throttled'];
    const write = outbox.write(contact('c1'), { a: '1' });
    // Delay 0 from the jitter; only the token bucket (emptied by the 429, 100/s) spaces the attempts.
    await clock.advance(10);
    expect(sender.requests).to.have.length(2);
    await clock.advance(10);
    await write;
    expect(sender.requests).to.have.length(3);
  });

  it('does not retry validation, auth or not-found errors: write() rejects, and the entry is kept with its reason until retried', async () => {
    for (const kind of ['validation', 'auth', 'not-found'] as const) {
      const { clock, sender, outbox } = track(setup());
      sender.script = [kind];
      const failed: string[] = [];
      outbox.on('failed', ({ error }) => failed.push(error.kind));
      const c = contact(`c-${kind}`);
      const error = await outbox.write(c, { a: '1' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).to.be.instanceOf(AttributesError);
      expect((error as AttributesError).kind).to.equal(kind);
      await clock.advance(60_000);
      expect(sender.requests).to.have.length(1);
      expect(failed).to.deep.equal([kind]);
      const kept = outbox.failures();
      expect(kept).to.have.length(1);
      expect(kept[0]!.attributes).to.deep.equal({ a: '1' });
      expect(kept[0]!.lastError?.kind).to.equal(kind);
      expect(outbox.state.failed).to.equal(1);
      expect(outbox.statusOf(c)?.state).to.equal('failed');
      expect(outbox.state.lastError?.kind).to.equal(kind);
      await outbox.retry(kept[0]!.id);
      expect(sender.requests).to.have.length(2);
      expect(outbox.failures()).to.have.length(0);
      expect(sender.storedFor(c)).to.deep.equal({ a: '1' });
    }
  });

  it('retries an auth error authRetries times (a late credential refresh), then keeps it', async () => {
    const { clock, sender, outbox } = track(
      setup({ authRetries: 1, random: () => 0.999, backoff: { baseMs: 100, capMs: 100 } }),
    );
    sender.script = ['auth'];
    const first = outbox.write(contact('c1'), { a: '1' });
    await clock.advance(100);
    await first;
    expect(sender.requests).to.have.length(2);
    sender.script = ['auth', 'auth'];
    const second = outbox.write(contact('c2'), { a: '1' }).catch((e: unknown) => e);
    await clock.advance(100);
    expect(((await second) as AttributesError).kind).to.equal('auth');
    expect(sender.requests).to.have.length(4);
    expect(outbox.failures()).to.have.length(1);
  });

  it('retry() does not overwrite values queued after the failure', async () => {
    const { sender, outbox } = track(setup());
    sender.script = ['validation'];
    const c = contact('c1');
    await outbox.write(c, { a: 'old', b: 'old' }).catch(() => undefined);
    sender.gated = true;
    const newer = outbox.write(c, { a: 'new' });
    await settle();
    const retried = outbox.retry(outbox.failures()[0]!.id);
    sender.release();
    await newer;
    await settle();
    sender.release();
    await retried;
    expect(sender.storedFor(c)).to.deep.equal({ a: 'new', b: 'old' });
  });

  it('removes a kept failure once newer values of all its keys landed, with a superseded event; keeps one with a key not superseded', async () => {
    const { sender, outbox } = track(setup());
    const c = contact('c1');
    const other = contact('c2');
    const superseded: string[] = [];
    const changes: number[] = [];
    outbox.on('superseded', ({ entry }) => superseded.push(entry.id));
    outbox.on('change', (state) => changes.push(state.failed));
    // The agent's save is refused for good (e.g. a 400 over the byte budget): kept, and write() rejects.
    sender.script = ['validation'];
    const error = await outbox.write(c, { note: 'too long', tag: 'x' }).catch((e: unknown) => e);
    expect((error as AttributesError).kind).to.equal('validation');
    sender.script = ['validation'];
    await outbox.write(other, { note: 'too long' }).catch(() => undefined);
    const [kept, keptOther] = outbox.failures();
    expect(outbox.state.failed).to.equal(2);
    // A newer value of one key only: the failure still holds a value nothing replaced.
    await outbox.write(c, { note: 'fixed' });
    expect(outbox.failures().map((e) => e.id)).to.deep.equal([kept!.id, keptOther!.id]);
    expect(superseded).to.deep.equal([]);
    // The agent saves again with both keys: that write lands, so the kept failure is obsolete.
    await outbox.write(c, { note: 'fixed again', tag: 'y' });
    await settle();
    expect(superseded).to.deep.equal([kept!.id]);
    expect(outbox.failures().map((e) => e.id)).to.deep.equal([keptOther!.id]);
    expect(outbox.state.failed).to.equal(1);
    expect(changes.at(-1)).to.equal(1);
    expect(outbox.statusOf(c)?.failed ?? 0).to.equal(0);
    expect(await outbox.store.get(kept!.id)).to.equal(undefined);
    // Another contact's landing does not touch it.
    expect(outbox.statusOf(other)?.state).to.equal('failed');
  });

  it('keeps a kept failure whose keys were rewritten only by requests that failed too', async () => {
    const { sender, outbox } = track(setup());
    const c = contact('c1');
    sender.script = ['validation', 'validation'];
    await outbox.write(c, { note: 'a' }).catch(() => undefined);
    await outbox.write(c, { note: 'b' }).catch(() => undefined);
    await outbox.write(c, { other: 'c' });
    await settle();
    expect(outbox.failures().map((e) => e.attributes)).to.deep.equal([{ note: 'a' }, { note: 'b' }]);
    await outbox.write(c, { note: 'c' });
    await settle();
    expect(outbox.failures()).to.deep.equal([]);
  });

  it('discard() removes a kept failure only on request', async () => {
    const { sender, outbox } = track(setup());
    sender.script = ['auth'];
    await outbox.write(contact('c1'), { a: '1' }).catch(() => undefined);
    expect(outbox.failures()).to.have.length(1);
    await outbox.discard(outbox.failures()[0]!.id);
    expect(outbox.failures()).to.have.length(0);
    expect(outbox.state.failed).to.equal(0);
  });

  it('rejects an invalid write at once with a validation error and queues nothing', async () => {
    const { sender, outbox } = track(setup());
    const error = await outbox.write(contact('c1'), { 'bad key': 'x' }).catch((e: unknown) => e);
    expect((error as AttributesError).kind).to.equal('validation');
    expect((error as AttributesError).problems[0]!.code).to.equal('charset');
    await settle();
    expect(sender.requests).to.have.length(0);
    expect(outbox.state.pending).to.equal(0);
  });

  it('re-checks the byte budget at enqueue against what is stored plus what is pending, keeping the pending write', async () => {
    const { clock, sender, outbox } = track(setup());
    const c = contact('c1');
    const stored = { big: 'x'.repeat(30_000) };
    const first = outbox.write(c, { tag: 'y'.repeat(2_000) }, { origin: 'rule', stored });
    // 30,003 stored + 2,003 pending + 1,003 more > 32,768: refused, whole.
    const error = await outbox
      .write(c, { more: 'z'.repeat(1_000) }, { origin: 'rule', stored })
      .catch((e: unknown) => e);
    expect((error as AttributesError).kind).to.equal('validation');
    expect((error as AttributesError).problems[0]!.code).to.equal('over-budget');
    // Overwriting a stored key counts the new value only: this fits.
    const overwrite = outbox.write(c, { big: 'x'.repeat(29_000), more: 'z'.repeat(1_000) }, { origin: 'rule', stored });
    await clock.advance(200);
    await Promise.all([first, overwrite]);
    expect(sender.requests).to.have.length(1);
    expect(Object.keys(sender.requests[0]!.attributes).sort()).to.deep.equal(['big', 'more', 'tag']);
  });

  it('paces requests with a client-side token bucket', async () => {
    const { clock, sender, outbox } = track(setup({ rate: { ratePerSecond: 2, burst: 2 } }));
    const writes = [1, 2, 3, 4, 5].map((n) => outbox.write(contact(`c${n}`), { n: String(n) }));
    await settle();
    expect(sender.requests).to.have.length(2);
    await clock.advance(499);
    expect(sender.requests).to.have.length(2);
    await clock.advance(1);
    expect(sender.requests).to.have.length(3);
    await clock.advance(1000);
    expect(sender.requests).to.have.length(5);
    await Promise.all(writes);
  });

  it('holds every contact back after a 429, since the quota is shared', async () => {
    const { clock, sender, outbox } = track(setup({ random: () => 0.999, backoff: { baseMs: 1000, capMs: 1000 } }));
    sender.script = ['throttled'];
    const a = outbox.write(contact('a'), { n: '1' });
    await settle();
    expect(sender.requests).to.have.length(1);
    const b = outbox.write(contact('b'), { n: '2' });
    await settle();
    expect(sender.requests).to.have.length(1);
    // The token bucket (100/s) has refilled long before: only the shared pause holds contact b back.
    await clock.advance(500);
    expect(sender.requests).to.have.length(1);
    await clock.advance(499);
    await Promise.all([a, b]);
    expect(sender.requests).to.have.length(3);
  });

  it('keeps at most one request per contact on the wire', async () => {
    const { sender, outbox } = track(setup());
    sender.gated = true;
    const c = contact('c1');
    const writes = [outbox.write(c, { a: '1' })];
    await settle();
    writes.push(outbox.write(c, { a: '2' }));
    writes.push(outbox.write(c, { b: '3' }));
    await settle();
    expect(sender.requests).to.have.length(1);
    sender.release();
    await settle();
    expect(sender.requests).to.have.length(2);
    expect(sender.requests[1]!.attributes).to.deep.equal({ a: '2', b: '3' });
    sender.release();
    await Promise.all(writes);
  });

  it('replays pending writes after a reload: a new outbox over the same store sends them', async () => {
    const store = new MemoryOutboxStore();
    const first = setup({ store });
    first.sender.script = ['hang'];
    const c = contact('c1');
    const lost = first.outbox.write(c, { a: '1' }).catch((e: unknown) => e);
    const queued = first.outbox.write(c, { b: '2' }, { origin: 'rule' }).catch((e: unknown) => e);
    await settle();
    expect(first.sender.requests).to.have.length(1);
    void first.outbox.close();
    expect(((await lost) as DOMException).name).to.equal('AbortError');
    expect(((await queued) as DOMException).name).to.equal('AbortError');
    const second = track(setup({ store }));
    await second.outbox.ready;
    await second.clock.advance(200);
    await second.outbox.whenIdle();
    expect(second.sender.storedFor(c)).to.deep.equal({ a: '1', b: '2' });
    expect(second.outbox.state.pending).to.equal(0);
    expect(await store.list()).to.deep.equal([]);
  });

  it('sends from its mirror of the store: no request reads its entry back', async () => {
    const { clock, sender, store, outbox } = track(setup());
    await outbox.ready;
    const get = sinon.spy(store, 'get');
    const c = contact('c1');
    await outbox.write(c, { a: '1' });
    const rule = outbox.write(c, { b: '2' }, { origin: 'rule' });
    await clock.advance(200);
    await rule;
    expect(get.callCount).to.equal(0);
    expect(sender.requests.map((r) => r.attributes)).to.deep.equal([{ a: '1' }, { b: '2' }]);
  });

  it('sending from memory loses nothing another tab wrote right after: it goes in the next request', async () => {
    const { sender, store, outbox } = track(setup({ debounceMs: 0 }));
    await outbox.ready;
    await settle(); // the flusher's first pass over the store (which would find the other tab's entry) is done
    const c = contact('c1');
    const update = store.update.bind(store);
    let other = true;
    // Another tab (no message yet) merges a newer value of `a` and a new key `b` between this tab's write and its send.
    sinon.stub(store, 'update').callsFake(async (...args: Parameters<typeof store.update>) => {
      const result = await update(...args);
      if (other) {
        other = false;
        await update(args[0], (current, revision) => ({
          ...current!,
          attributes: { ...current!.attributes, a: 'newer', b: '2' },
          revisions: { ...current!.revisions, a: revision, b: revision },
          revision,
        }));
      }
      return result;
    });
    await outbox.write(c, { a: '1' }, { origin: 'rule' });
    await settle();
    await outbox.whenIdle();
    expect(sender.requests.map((r) => r.attributes)).to.deep.equal([{ a: '1' }, { a: 'newer', b: '2' }]);
    expect(sender.storedFor(c)).to.deep.equal({ a: 'newer', b: '2' });
    expect(await store.list()).to.deep.equal([]);
  });

  it('expires entries older than maxAgeMs with an event, and rejects their writes', async () => {
    const { clock, sender, outbox } = track(
      setup({ maxAgeMs: 10_000, expiryIntervalMs: 1_000, backoff: { baseMs: 100, capMs: 500 } }),
    );
    sender.script = new Array<(typeof sender.script)[number]>(1000).fill('network');
    const expired: string[] = [];
    outbox.on('expired', ({ entry }) => expired.push(entry.contact.contactId));
    const write = outbox.write(contact('c1'), { a: '1' }).catch((e: unknown) => e);
    await clock.advance(9_000);
    expect(expired).to.deep.equal([]);
    await clock.advance(3_000);
    expect(expired).to.deep.equal(['c1']);
    expect(((await write) as DOMException).name).to.equal('TimeoutError');
    expect(outbox.state.pending).to.equal(0);
  });

  it('queues a write with a `once` marker only the first time', async () => {
    const { sender, outbox } = track(setup());
    const c = contact('c1');
    await outbox.write(c, { a: '1' }, { once: 'm1' });
    await outbox.write(c, { a: '2' }, { once: 'm1' });
    await settle();
    expect(sender.requests).to.have.length(1);
    expect(await outbox.store.hasMarker('m1')).to.equal(true);
  });

  it('abandons a write that has not been sent when its signal aborts', async () => {
    const { clock, sender, outbox } = track(setup());
    const c = contact('c1');
    const controller = new AbortController();
    const kept = outbox.write(c, { keep: '1' }, { origin: 'rule' });
    const aborted = outbox
      .write(c, { drop: '1' }, { origin: 'rule', signal: controller.signal })
      .catch((e: unknown) => e);
    await settle();
    controller.abort();
    expect(((await aborted) as DOMException).name).to.equal('AbortError');
    await clock.advance(200);
    await kept;
    expect(sender.requests.map((r) => r.attributes)).to.deep.equal([{ keep: '1' }]);
  });

  it('does not report as aborted a write whose values a request already carries; an earlier abort keeps them off the wire', async () => {
    const { clock, sender, outbox } = track(setup());
    const c = contact('c1');
    const outcome = (write: Promise<unknown>) =>
      write.then(
        () => 'landed',
        (e: unknown) => (e as DOMException).name,
      );
    // On the wire when aborted: it settles with its request.
    sender.gated = true;
    const onWire = new AbortController();
    const first = outcome(outbox.write(c, { a: '1' }, { signal: onWire.signal }));
    await settle();
    expect(outbox.statusOf(c)?.state).to.equal('sending');
    onWire.abort();
    sender.release();
    expect(await first).to.equal('landed');
    // Aborted while it waits out the debounce: rejected, never sent, and the write queued beside it still goes.
    sender.gated = false;
    const early = new AbortController();
    const second = outcome(outbox.write(c, { b: '1' }, { origin: 'rule', signal: early.signal }));
    const third = outcome(outbox.write(c, { c: '1' }, { origin: 'rule' }));
    await settle();
    early.abort();
    await clock.advance(200);
    expect(await second).to.equal('AbortError');
    expect(await third).to.equal('landed');
    expect(sender.requests.map((request) => request.attributes)).to.deep.equal([{ a: '1' }, { c: '1' }]);
  });

  it('reports pending count, per-contact status, landed writes and the last error as events', async () => {
    const { clock, sender, outbox } = track(setup({ random: () => 0.999, backoff: { baseMs: 1000, capMs: 1000 } }));
    sender.script = ['server'];
    const states: string[] = [];
    const landed: unknown[] = [];
    outbox.on('status', (s) => states.push(`${s.contact.contactId}:${s.state}`));
    outbox.on('landed', (e) => landed.push(e));
    const c = contact('c1');
    const write = outbox.write(c, { a: '1' }, { origin: 'rule' });
    await settle();
    expect(outbox.state.pending).to.equal(1);
    expect(outbox.state.contacts.get('inst-1/c1')?.state).to.equal('queued');
    await clock.advance(200);
    expect(outbox.statusOf(c)?.state).to.equal('waiting');
    expect(outbox.statusOf(c)?.error?.kind).to.equal('server');
    expect(outbox.state.lastError?.kind).to.equal('server');
    await clock.advance(1000);
    await write;
    expect(outbox.state.pending).to.equal(0);
    expect(outbox.statusOf(c)).to.equal(undefined);
    expect(states).to.deep.equal(['c1:queued', 'c1:sending', 'c1:waiting', 'c1:sending', 'c1:idle']);
    expect(landed).to.deep.equal([{ contact: c, attributes: { a: '1' } }]);
  });

  it('uses client.update as the default sender', async () => {
    const update = sinon.stub<Parameters<UpdatingClient['update']>, ReturnType<UpdatingClient['update']>>().resolves();
    const outbox = new Outbox({ store: new MemoryOutboxStore(), client: { update } });
    opened.push(outbox);
    await outbox.write(contact('c1'), { a: '1' });
    expect(update.calledOnce).to.equal(true);
    expect(update.firstCall.args.slice(0, 3)).to.deep.equal(['inst-1', 'c1', { a: '1' }]);
    expect(update.firstCall.args[3]?.signal).to.be.instanceOf(AbortSignal);
  });
});

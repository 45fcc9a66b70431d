// Ways the outbox could lose, drop or wedge a write, each pinned by a test: expiry, close, progress callbacks, whenIdle.
import { expect } from '@open-wc/testing';
import { Outbox, type OutboxEntry } from '../../src/outbox/index.ts';
import { contact, settle, scriptedOutbox } from './fakes.ts';

const setup = scriptedOutbox;

/** Follows a promise: `state()` says 'pending', 'resolved' or the name of its error. */
function follow(promise: Promise<unknown>): { state(): string } {
  let state = 'pending';
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = (error as Error).name),
  );
  return { state: () => state };
}

/** How a promise stands once the pending work ran. */
async function outcome(promise: Promise<unknown>): Promise<string> {
  const followed = follow(promise);
  await settle(5);
  return followed.state();
}

describe('Outbox defects', () => {
  const opened: Outbox[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((outbox) => outbox.close()));
  });

  it('expires each value by its own queue time: a value merged in later is neither dropped nor left hanging', async () => {
    // Server errors keep the entry waiting (a retry every 10 s); values expire 60 s after they were queued.
    const { clock, sender, outbox } = setup({
      maxAgeMs: 60_000,
      expiryIntervalMs: 1_000,
      backoff: { baseMs: 20_000, capMs: 20_000, jitter: 'full' },
    });
    opened.push(outbox);
    sender.script = Array<'server'>(7).fill('server');
    const expired: OutboxEntry[] = [];
    outbox.on('expired', ({ entry }) => expired.push(entry));
    const c = contact('c1');
    const old = follow(outbox.write(c, { old: '1' }));
    await clock.advance(55_000);
    const fresh = follow(outbox.write(c, { fresh: '1' }, { origin: 'rule' }));
    await clock.advance(6_000);
    expect(expired.map((entry) => entry.attributes)).to.deep.equal([{ old: '1' }]);
    expect(old.state()).to.equal('TimeoutError');
    expect(fresh.state()).to.equal('pending');
    await clock.advance(20_000);
    expect(fresh.state()).to.equal('resolved');
    expect(sender.requests.at(-1)?.attributes).to.deep.equal({ fresh: '1' });
    expect(sender.storedFor(c)).to.deep.equal({ fresh: '1' });
  });

  it('does not expire a kept failure by maxAgeMs: it stays until retried, discarded, superseded or past failureTtlMs', async () => {
    const { clock, sender, outbox } = setup({ maxAgeMs: 10_000, expiryIntervalMs: 1_000 });
    opened.push(outbox);
    sender.script = ['validation'];
    const expired: OutboxEntry[] = [];
    outbox.on('expired', ({ entry }) => expired.push(entry));
    expect(await outcome(outbox.write(contact('c1'), { bad: '1' }))).to.equal('AttributesError');
    await clock.advance(60_000);
    expect(expired).to.deep.equal([]);
    expect(outbox.failures().map((entry) => entry.attributes)).to.deep.equal([{ bad: '1' }]);
  });

  it('settles a write that races close(): it rejects with an AbortError and stays queued in the store', async () => {
    const { outbox } = setup();
    const write = outbox.write(contact('c1'), { a: '1' });
    void outbox.close();
    expect(await outcome(write)).to.equal('AbortError');
    expect((await outbox.store.list()).map((entry) => entry.attributes)).to.deep.equal([{ a: '1' }]);
  });

  it('survives a throwing onProgress: the error is reported, the write lands, and the contact is not wedged', async () => {
    const { outbox, sender } = setup();
    opened.push(outbox);
    const errors: Error[] = [];
    outbox.on('error', (error) => errors.push(error));
    const c = contact('c1');
    const write = outbox.write(
      c,
      { a: '1' },
      {
        onProgress: () => {
          throw new Error('a faulty progress callback');
        },
      },
    );
    expect(await outcome(write)).to.equal('resolved');
    expect(errors.map((error) => error.message)).to.include('a faulty progress callback');
    expect(outbox.statusOf(c)).to.equal(undefined);
    expect(await outcome(outbox.write(c, { b: '1' }))).to.equal('resolved');
    expect(sender.storedFor(c)).to.deep.equal({ a: '1', b: '1' });
  });

  it('settles whenIdle() on close(), and refuses it after close()', async () => {
    const { outbox, sender } = setup();
    sender.script = ['hang'];
    void outbox.write(contact('c1'), { a: '1' }).catch(() => undefined);
    await settle();
    const before = outbox.whenIdle();
    expect(await outcome(before)).to.equal('pending');
    void outbox.close();
    expect(await outcome(before)).to.equal('AbortError');
    expect(await outcome(outbox.whenIdle())).to.equal('AbortError');
  });

  it('abandons a write whose signal aborted while the write was being stored', async () => {
    const { clock, sender, outbox } = setup();
    opened.push(outbox);
    const controller = new AbortController();
    const write = follow(outbox.write(contact('c1'), { a: '1' }, { origin: 'rule', signal: controller.signal }));
    controller.abort();
    await clock.advance(500);
    expect(write.state()).to.equal('AbortError');
    expect(sender.requests).to.deep.equal([]);
  });

  it('rejects an earlier write whose value a later, aborted write of the same key replaced in the queue', async () => {
    const { clock, sender, outbox } = setup();
    opened.push(outbox);
    const c = contact('c1');
    const controller = new AbortController();
    const first = follow(outbox.write(c, { k: '1', other: 'x' }, { origin: 'rule' }));
    const second = follow(outbox.write(c, { k: '2' }, { origin: 'rule', signal: controller.signal }));
    await settle();
    controller.abort();
    await clock.advance(500);
    expect(second.state()).to.equal('AbortError');
    expect(first.state()).to.equal('AbortError');
    // The value no write replaced still goes.
    expect(sender.requests.map((request) => request.attributes)).to.deep.equal([{ other: 'x' }]);
  });
});

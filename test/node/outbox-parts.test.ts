// The outbox's pure parts, in plain Node: merging parts, what stays after a request, supersession, due times,
// expiry, the per-contact status, the ledger of what landed and the mirror's ordering of copies.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  contactKeyOf,
  covers,
  dueTime,
  expireKeys,
  isSuperseded,
  mergeParts,
  withoutSent,
  type MergeContext,
} from '../../src/outbox/entry.ts';
import { Ledger } from '../../src/outbox/ledger.ts';
import { Mirror } from '../../src/outbox/mirror.ts';
import { Pump } from '../../src/outbox/pump.ts';
import { Waiters } from '../../src/outbox/waiters.ts';
import { contactStatus, progressOf } from '../../src/outbox/status.ts';
import type { OutboxEntry } from '../../src/outbox/types.ts';

const contact = { contactId: 'c1', initialContactId: 'c1', instanceId: 'inst-1', region: 'eu-west-2' };

function context(overrides: Partial<MergeContext> = {}): MergeContext {
  return {
    contact,
    origin: 'rule',
    revision: 1,
    now: 1_000,
    stored: undefined,
    fired: new Set(),
    debounceMs: 200,
    maxDebounceMs: 2_000,
    ...overrides,
  };
}

/** The own enumerable entries of a record, `__proto__` included. */
function entriesOf(record: object): [string, unknown][] {
  return Object.entries(record);
}

describe('mergeParts', () => {
  it('merges parts in order, later values winning, each key with the revision and time of its write', () => {
    const first = mergeParts(undefined, [{ attributes: { a: '1', b: '1' } }], context()).entry!;
    const second = mergeParts(
      first,
      [{ attributes: { b: '2' } }, { attributes: { c: '3' } }],
      context({ revision: 2, now: 1_100 }),
    ).entry!;
    assert.deepEqual(second.attributes, { a: '1', b: '2', c: '3' });
    assert.deepEqual(second.revisions, { a: 1, b: 2, c: 2 });
    assert.deepEqual(second.queuedAt, { a: 1_000, b: 1_100, c: 1_100 });
    assert.equal(second.createdAt, 1_000);
    assert.equal(second.contact.region, 'eu-west-2');
  });

  it('keeps every valid key, __proto__ and constructor included, as own data', () => {
    const attributes = Object.fromEntries([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
    const merged = mergeParts(undefined, [{ attributes }], context()).entry!;
    assert.deepEqual(entriesOf(merged.attributes), [
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
    ]);
    assert.deepEqual(entriesOf(merged.revisions), [
      ['__proto__', 1],
      ['constructor', 1],
      ['toString', 1],
    ]);
    assert.equal(Object.getPrototypeOf(merged.attributes), Object.prototype);
    const rest = withoutSent(merged, Object.fromEntries([['__proto__', 1]]), 2);
    assert.deepEqual(Object.keys(rest!.attributes), ['constructor', 'toString']);
  });

  it('refuses alone the part that takes stored plus pending over the byte budget, and leaves fired parts out', () => {
    const stored = { big: 'x'.repeat(30_000) };
    const result = mergeParts(
      undefined,
      [
        { attributes: { a: 'y'.repeat(2_000) }, once: 'm1' },
        { attributes: { b: 'z'.repeat(1_000) }, once: 'm2' },
        { attributes: { c: '1' }, once: 'm3' },
      ],
      context({ stored, fired: new Set(['m3']) }),
    );
    assert.deepEqual([...result.accepted], [0]);
    assert.deepEqual([...result.refused.keys()], [1]);
    assert.equal(result.refused.get(1)!.problems[0]!.code, 'over-budget');
    assert.deepEqual(Object.keys(result.entry!.attributes), ['a']);
  });

  it('queues nothing when every part is refused', () => {
    const result = mergeParts(undefined, [{ attributes: { a: 'x'.repeat(40_000) } }], context());
    assert.equal(result.entry, undefined);
    assert.equal(result.refused.size, 1);
  });
});

describe('dueTime', () => {
  const live = { dueAt: 1_200 } as OutboxEntry;
  it('sends agent writes at once and debounces rules, never past createdAt + maxDebounceMs', () => {
    assert.equal(dueTime(live, 'agent', 1_000, 1_000, 200, 2_000), 1_000);
    assert.equal(dueTime(undefined, 'rule', 1_000, 1_000, 200, 2_000), 1_200);
    assert.equal(dueTime(live, 'rule', 1_100, 1_000, 200, 2_000), 1_300);
    assert.equal(dueTime({ dueAt: 2_900 } as OutboxEntry, 'rule', 2_950, 1_000, 200, 2_000), 2_900);
    assert.equal(dueTime({ dueAt: 2_990 } as OutboxEntry, 'rule', 2_900, 1_000, 200, 2_000), 3_000);
    assert.equal(dueTime({ dueAt: 900 } as OutboxEntry, 'rule', 1_000, 500, 200, 2_000), 900);
  });
});

describe('withoutSent, isSuperseded, covers', () => {
  const entry = mergeParts(undefined, [{ attributes: { a: '1', b: '1' } }], context({ revision: 5 })).entry!;
  it('takes out only the values sent at their revision, resetting attempts after an outcome', () => {
    const rest = withoutSent({ ...entry, attempts: 3, notBefore: 9_999 }, { a: 5, b: 4 }, 6, 2_000)!;
    assert.deepEqual(rest.attributes, { b: '1' });
    assert.equal(rest.revision, 6);
    assert.equal(rest.attempts, 0);
    assert.equal(rest.notBefore, 0);
    assert.equal(withoutSent(entry, { a: 5, b: 5 }, 6), null);
  });
  it('finds a kept failure superseded only when every key landed at its revision or newer', () => {
    assert.equal(isSuperseded(entry, { a: 6 }), false);
    assert.equal(isSuperseded(entry, { a: 6, b: 6 }), true);
    assert.equal(isSuperseded(entry, { a: 6, b: 5 }), true);
    assert.equal(isSuperseded(entry, { a: 6, b: 4 }), false);
    assert.equal(covers({ a: 5, b: 7 }, { a: 5, b: 6 }), true);
    assert.equal(covers({ a: 5 }, { a: 5, b: 6 }), false);
  });
});

describe('expireKeys', () => {
  const old = mergeParts(undefined, [{ attributes: { old: '1' } }], context({ revision: 1, now: 0 })).entry!;
  const both = mergeParts(old, [{ attributes: { fresh: '1' } }], context({ revision: 2, now: 50_000 })).entry!;
  it('expires each value by its own queue time', () => {
    const { rest, expired } = expireKeys(both, 10_000, 3);
    assert.deepEqual(expired!.attributes, { old: '1' });
    assert.deepEqual(rest!.attributes, { fresh: '1' });
    assert.equal(rest!.revision, 3);
    assert.deepEqual(expireKeys(both, 60_000, 3).rest, null);
    assert.equal(expireKeys(both, 0, 3).expired, undefined);
  });
  it('leaves alone the values a request in flight carries', () => {
    const { rest, expired } = expireKeys(both, 60_000, 3, { old: 1 });
    assert.deepEqual(expired!.attributes, { fresh: '1' });
    assert.deepEqual(rest!.attributes, { old: '1' });
  });
  it('judges entries stored without per-key times by createdAt', () => {
    const legacy = { ...old, queuedAt: undefined, createdAt: 5 };
    assert.deepEqual(expireKeys(legacy, 6, 2).expired!.attributes, { old: '1' });
  });
});

describe('contactStatus', () => {
  const live = mergeParts(undefined, [{ attributes: { a: '1' } }], context()).entry!;
  const kept = {
    ...live,
    id: `${contactKeyOf(contact)}#failed:1`,
    failed: true,
    lastError: { kind: 'validation' as const, message: 'bad' },
  };
  it('derives the state from the entries: sending, waiting, queued, failed, nothing', () => {
    assert.equal(contactStatus('k', live, [], true, 0)!.state, 'sending');
    assert.equal(contactStatus('k', { ...live, notBefore: 10 }, [], false, 0)!.state, 'waiting');
    assert.equal(contactStatus('k', live, [kept], false, 20)!.state, 'queued');
    const failed = contactStatus('k', undefined, [kept], false, 0)!;
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error!.message, 'bad');
    assert.equal(contactStatus('k', undefined, [], false, 0), undefined);
    assert.deepEqual(progressOf({ ...failed, state: 'waiting', retryAt: 5 }), {
      state: 'waiting',
      error: failed.error,
      retryAt: 5,
    });
    assert.equal(progressOf(failed), undefined);
  });
});

describe('Ledger and Mirror', () => {
  it('keeps the highest landed revision per key until released', () => {
    const ledger = new Ledger();
    ledger.record('k', { a: 3, b: 1 });
    assert.deepEqual(ledger.record('k', { a: 2, b: 4 }), { a: 3, b: 4 });
    ledger.release('k');
    assert.deepEqual(ledger.landed('k'), {});
    assert.equal(ledger.size, 0);
  });
  it('never lets an older copy replace a newer one or bring a deleted entry back', () => {
    const mirror = new Mirror();
    const entry = mergeParts(undefined, [{ attributes: { a: '1' } }], context({ revision: 2 })).entry!;
    assert.equal(mirror.apply(entry.id, entry, 2), true);
    assert.equal(mirror.apply(entry.id, { ...entry, revision: 1 }, 1), false);
    assert.equal(mirror.apply(entry.id, null, 3), true);
    assert.equal(mirror.apply(entry.id, entry, 2), false);
    assert.equal(mirror.get(entry.id), undefined);
  });
});

describe('Waiters', () => {
  it('resolves a write once every key landed at its revision, rejects those a failed part holds', async () => {
    const waiters = new Waiters();
    const onAbort = (): void => {};
    const a = waiters.add('k', { a: 2, b: 2 }, { onAbort });
    const b = waiters.add('k', { c: 3 }, { onAbort });
    waiters.settle('k', { a: 2 });
    assert.equal(waiters.has('k'), true);
    waiters.settle('k', { a: 2, b: 5 });
    await a;
    waiters.reject({ contactKey: 'k', revisions: { c: 3 } }, new Error('refused'));
    await assert.rejects(b, /refused/);
    assert.equal(waiters.has('k'), false);
  });

  it('reports a throwing progress callback instead of throwing', () => {
    const waiters = new Waiters();
    void waiters.add(
      'k',
      { a: 1 },
      {
        onAbort: () => {},
        onProgress: () => {
          throw new Error('faulty');
        },
      },
    );
    const errors: unknown[] = [];
    waiters.progress('k', { state: 'sending' }, (error) => errors.push(error));
    assert.equal((errors[0] as Error).message, 'faulty');
  });

  it('settles every write and idle promise on close, and refuses new ones', async () => {
    const waiters = new Waiters();
    const write = waiters.add('k', { a: 1 }, { onAbort: () => {} });
    const idle = waiters.whenIdle(false);
    const closed = new DOMException('closed', 'AbortError');
    waiters.close(closed);
    await assert.rejects(write, (error) => error === closed);
    await assert.rejects(idle, (error) => error === closed);
    await assert.rejects(waiters.add('k', { a: 2 }, { onAbort: () => {} }), (error) => error === closed);
    await assert.rejects(waiters.whenIdle(true), (error) => error === closed);
  });
});

describe('Pump', () => {
  it('starts due entries in due order within the in-flight limit, sleeps until the next is due, and holds all after a 429', async () => {
    let now = 10;
    const timers: { at: number; run: () => void }[] = [];
    const clock = {
      now: () => now,
      setTimeout: (run: () => void, ms: number) => timers.push({ at: now + ms, run }),
      clearTimeout: () => {},
    };
    const started: string[] = [];
    let inFlight = 0;
    const candidates = [
      { id: 'late', at: 50 },
      { id: 'b', at: 5 },
      { id: 'c', at: 6 },
      { id: 'a', at: 1 },
    ];
    const pump = new Pump({
      clock,
      rate: { ratePerSecond: 1, burst: 5 },
      maxInFlight: 2,
      candidates: () => candidates.filter((c) => !started.includes(c.id)),
      inFlight: () => inFlight,
      start: (id) => {
        started.push(id);
        inFlight++;
      },
    });
    pump.run();
    await Promise.resolve();
    assert.deepEqual(started, ['a', 'b']);
    inFlight = 0;
    pump.schedule();
    await Promise.resolve();
    assert.deepEqual(started, ['a', 'b', 'c']);
    assert.equal(timers.at(-1)!.at, 50);
    now = 50;
    timers.at(-1)!.run();
    assert.deepEqual(started, ['a', 'b', 'c', 'late']);
    pump.pause(1_000);
    candidates.push({ id: 'after-429', at: 60 });
    now = 60;
    pump.schedule();
    await Promise.resolve();
    assert.deepEqual(started.at(-1), 'late');
    assert.equal(timers.at(-1)!.at, 1_000);
    pump.stop();
  });
});

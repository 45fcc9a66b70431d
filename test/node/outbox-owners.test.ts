// The outbox's pure parts for owners, what landed and kept failures, in Node: live ids per agent, adoption, landed
// records, the mirror's scoping and per-contact index, and the kept failures' sweep over an in-memory store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { adoptInto, contactKeyOfLive, liveId } from '../../src/outbox/entry.ts';
import { sweepKept, type KeptEnd } from '../../src/outbox/kept.ts';
import { MemoryOutboxStore } from '../../src/outbox/memory-store.ts';
import { Mirror } from '../../src/outbox/mirror.ts';
import { adopt } from '../../src/outbox/owners.ts';
import { mergeLanded, type OutboxEntry } from '../../src/outbox/types.ts';

const A = 'arn:aws:connect:us-east-1:1:instance/i/agent/a';
const B = 'arn:aws:connect:us-east-1:1:instance/i/agent/b';

function entry(overrides: Partial<OutboxEntry> & Pick<OutboxEntry, 'id'>): OutboxEntry {
  return {
    contactKey: 'i/c1',
    contact: { contactId: 'c1', initialContactId: 'c1', instanceId: 'i' },
    attributes: {},
    revisions: {},
    queuedAt: {},
    origin: 'rule',
    revision: 1,
    attempts: 0,
    createdAt: 0,
    updatedAt: 0,
    dueAt: 0,
    notBefore: 0,
    failed: false,
    ...overrides,
  };
}

describe('outbox owners', () => {
  it('gives each agent its own live id of a contact, and reads the contact back from it', () => {
    assert.equal(liveId('i/c1', undefined), 'i/c1');
    assert.equal(liveId('i/c1', A), `i/c1#agent:${A}`);
    assert.equal(contactKeyOfLive(liveId('i/c1', A)), 'i/c1');
    assert.equal(contactKeyOfLive('i/c1'), 'i/c1');
  });

  it("adopts an unowned live entry into the agent's, the newer value winning per key (__proto__ too)", () => {
    const unowned = entry({
      id: 'i/c1',
      attributes: JSON.parse('{"a":"old","b":"mine","__proto__":"p"}') as Record<string, string>,
      revisions: JSON.parse('{"a":2,"b":5,"__proto__":7}') as Record<string, number>,
      createdAt: 10,
      dueAt: 50,
    });
    const current = entry({
      id: liveId('i/c1', A),
      agent: A,
      attributes: { a: 'new' },
      revisions: { a: 4 },
      createdAt: 20,
      dueAt: 40,
    });
    const adopted = adoptInto(current, unowned, A, 9);
    assert.equal(adopted.id, liveId('i/c1', A));
    assert.equal(adopted.agent, A);
    assert.deepEqual(Object.entries(adopted.attributes).sort(), [
      ['__proto__', 'p'],
      ['a', 'new'],
      ['b', 'mine'],
    ]);
    assert.equal(Object.getPrototypeOf(adopted.attributes), Object.prototype);
    assert.deepEqual({ ...adopted.revisions }, JSON.parse('{"a":4,"b":5,"__proto__":7}'));
    assert.equal(adopted.createdAt, 10);
    assert.equal(adopted.dueAt, 40);
    assert.equal(adopted.revision, 9);
    assert.deepEqual(adoptInto(undefined, unowned, A, 9).attributes, unowned.attributes);
  });

  it('adopts no value older than one that landed since: the newer landed value is not overwritten', async () => {
    const store = new MemoryOutboxStore();
    // Queued before the agent was named (revision 1): Note and Topic.
    const queued = await store.update('i/c1', (_, revision) =>
      entry({
        id: 'i/c1',
        attributes: { Note: 'older', Topic: 'kept' },
        revisions: { Note: revision, Topic: revision },
        revision,
      }),
    );
    // Meanwhile the agent's newer Note (revision 2) was sent and landed, and left the agent's live entry.
    await store.update(liveId('i/c1', A), () => undefined, {
      landed: { contactKey: 'i/c1', revisions: { Note: 2 }, at: 1 },
    });
    await adopt(store, [queued.entry!], A, { still: () => true, changed: () => undefined });
    const live = await store.get(liveId('i/c1', A));
    assert.deepEqual(live?.attributes, { Topic: 'kept' }, 'the older Note is not sent over the newer one');
    assert.equal(await store.get('i/c1'), undefined, 'the unowned copy is gone');
  });

  it('merges landed records per key, the higher revision winning', () => {
    const first = mergeLanded(undefined, { contactKey: 'k', revisions: { a: 3, b: 1 }, at: 5 });
    const next = mergeLanded(first, { contactKey: 'k', revisions: { a: 2, b: 4, c: 1 }, at: 9 });
    assert.deepEqual(next, { contactKey: 'k', revisions: { a: 3, b: 4, c: 1 }, at: 9 });
  });
});

describe('Mirror', () => {
  const live = (agent: string | undefined, attributes: Record<string, string>, revision = 1): OutboxEntry =>
    entry({ id: liveId('i/c1', agent), agent, attributes, revision });
  const kept = (agent: string | undefined, n: number, contactKey = 'i/c1'): OutboxEntry =>
    entry({
      id: `${contactKey}#failed:${n}`,
      contactKey,
      agent,
      attributes: { x: String(n) },
      failed: true,
      revision: n,
      createdAt: n,
    });

  it("answers for the agent named: another agent's entries are neither pending, failures nor counted", () => {
    const mirror = new Mirror();
    mirror.setAgent(A);
    for (const item of [live(A, { a: '1' }), live(B, { b: '1' }), kept(A, 3), kept(B, 4), kept(A, 2, 'i/c2')])
      mirror.apply(item.id, item, item.revision);
    assert.deepEqual(
      mirror.pending().map((item) => item.agent),
      [A],
    );
    assert.deepEqual(
      mirror.failures().map((item) => item.id),
      ['i/c2#failed:2', 'i/c1#failed:3'],
    );
    assert.deepEqual(
      mirror.failures('i/c1').map((item) => item.id),
      ['i/c1#failed:3'],
    );
    assert.equal(mirror.failureCount, 2);
    assert.deepEqual([...mirror.contactKeys()].sort(), ['i/c1', 'i/c2']);
    mirror.setAgent(B);
    assert.deepEqual(
      mirror.pending().map((item) => item.agent),
      [B],
    );
    assert.deepEqual(
      mirror.failures().map((item) => item.id),
      ['i/c1#failed:4'],
    );
    assert.equal(mirror.failureCount, 1);
    assert.equal(mirror.holds('i/c2'), false);
  });

  it('keeps its index right through updates and deletions, and refuses older copies', () => {
    const mirror = new Mirror();
    mirror.setAgent(A);
    const first = kept(A, 3);
    mirror.apply(first.id, first, 3);
    mirror.apply(first.id, { ...first, revision: 5 }, 5);
    assert.equal(mirror.failureCount, 1);
    assert.equal(mirror.apply(first.id, null, 4), false);
    assert.equal(mirror.apply(first.id, null, 6), true);
    assert.equal(mirror.failureCount, 0);
    assert.equal(mirror.holds('i/c1'), false);
    assert.equal(mirror.apply(first.id, first, 3), false, 'a deleted entry does not come back');
  });

  it('sends nothing while an expected agent is not named; unowned entries are shown meanwhile', () => {
    const mirror = new Mirror();
    const unowned = live(undefined, { a: '1' });
    mirror.apply(unowned.id, unowned, 1);
    mirror.setAgent(undefined, false);
    assert.equal(mirror.sendable().length, 1, 'an outbox that expects no agent sends for whoever uses it');
    mirror.setAgent(undefined, true);
    assert.equal(mirror.pending().length, 1);
    assert.equal(mirror.sendable().length, 0);
  });
});

describe('sweepKept', () => {
  async function storeWith(entries: OutboxEntry[]): Promise<MemoryOutboxStore> {
    const store = new MemoryOutboxStore();
    for (const item of entries) await store.update(item.id, (_, revision) => ({ ...item, revision }));
    return store;
  }
  const failure = (n: number, agent: string, at: number, attributes: Record<string, string> = { x: String(n) }) =>
    entry({
      id: `i/c${n}#failed:${n}`,
      contactKey: `i/c${n}`,
      agent,
      attributes,
      revisions: Object.fromEntries(Object.keys(attributes).map((key) => [key, n])),
      failed: true,
      createdAt: at,
      updatedAt: at,
    });

  it('drops expired failures, caps each agent separately, removes superseded ones and prunes landed records', async () => {
    const store = await storeWith([
      failure(1, A, 0), // older than the TTL
      failure(2, A, 500),
      failure(3, A, 600),
      failure(4, A, 700),
      failure(5, B, 100),
      failure(6, B, 800, { s: 'old' }),
    ]);
    // c6's value was replaced by a newer one that landed; c9 landed long ago and nothing needs it.
    await store.update('i/c6', () => undefined, { landed: { contactKey: 'i/c6', revisions: { s: 99 }, at: 900 } });
    await store.update('i/c9', () => undefined, { landed: { contactKey: 'i/c9', revisions: { s: 1 }, at: 10 } });
    const ended: [string, KeptEnd][] = [];
    await sweepKept(
      store,
      { now: 1_000, failureTtlMs: 950, maxFailures: 2, landedTtlMs: 500 },
      (_, removed, reason) => ended.push([removed.contactKey, reason]),
      () => false,
    );
    assert.deepEqual(ended, [
      ['i/c1', 'expired'],
      ['i/c6', 'superseded'],
      ['i/c2', 'cap'],
    ]);
    assert.deepEqual((await store.list()).map((item) => item.contactKey).sort(), ['i/c3', 'i/c4', 'i/c5']);
    assert.deepEqual(
      (await store.listLanded()).map((record) => record.contactKey),
      ['i/c6'],
    );
  });
});

/**
 * What ends a kept failure besides the agent's retry or discard: newer values of every one of its keys landed
 * (superseded, judged on what landed as the store records it, so every tab and a reload agree), it is older than
 * `failureTtlMs` (expired), or its agent keeps more than `maxFailures` (the oldest go: cap). Each removal is one
 * transaction that checks the failure is still there, and is reported once it committed.
 */
import { isSuperseded } from './entry.ts';
import type { Change } from './flight.ts';
import type { LandedRecord, OutboxEntry, OutboxStore } from './types.ts';

/** Why a kept failure was removed without the agent asking. */
export type KeptEnd = 'superseded' | 'expired' | 'cap';

/** Tells the outbox of a removed failure (its change for the mirror and the other tabs, and why). */
export type KeptReport = (change: Change, removed: OutboxEntry, reason: KeptEnd) => void;

/** Deletes the kept failure `id` when `when` holds for it in the transaction; returns what it removed. */
export async function removeKept(
  store: OutboxStore,
  id: string,
  when: (kept: OutboxEntry) => boolean,
): Promise<{ removed: OutboxEntry; change: Change } | undefined> {
  let removed: OutboxEntry | undefined;
  const result = await store.update(id, (current) => {
    removed = current?.failed && when(current) ? current : undefined;
    return removed ? null : undefined;
  });
  return removed && { removed, change: { id, contactKey: removed.contactKey, entry: null, revision: result.revision } };
}

/** Removes the failures of `candidates` (of one contact) that what landed for it supersedes. */
export async function supersede(
  store: OutboxStore,
  contactKey: string,
  candidates: readonly OutboxEntry[],
  report: KeptReport,
): Promise<void> {
  if (candidates.length === 0) return;
  const landed = (await store.landed(contactKey))?.revisions ?? {};
  for (const kept of candidates) {
    if (!isSuperseded(kept, landed)) continue;
    const done = await removeKept(store, kept.id, (current) => isSuperseded(current, landed));
    if (done) report(done.change, done.removed, 'superseded');
  }
}

/** Removes the oldest of one agent's failures (`failures`, oldest first) beyond `max`. */
export async function capKept(
  store: OutboxStore,
  failures: readonly OutboxEntry[],
  max: number,
  report: KeptReport,
): Promise<void> {
  for (const kept of failures.slice(0, Math.max(0, failures.length - max))) {
    const done = await removeKept(store, kept.id, () => true);
    if (done) report(done.change, done.removed, 'cap');
  }
}

/** Settings of a sweep. */
export interface SweepSettings {
  now: number;
  failureTtlMs: number;
  maxFailures: number;
  /** Landed records of contacts with no kept failure are dropped this long after their last landing. */
  landedTtlMs: number;
}

/**
 * One pass over every agent's kept failures (an expiry pass): those superseded by what landed, those older than the
 * TTL, and each agent's oldest beyond the cap are removed; landed records nothing needs any more are deleted.
 * Stops once `stopped()`.
 */
export async function sweepKept(
  store: OutboxStore,
  settings: SweepSettings,
  report: KeptReport,
  stopped: () => boolean,
): Promise<void> {
  const { now, failureTtlMs, maxFailures, landedTtlMs } = settings;
  const [entries, records] = await Promise.all([store.list(), store.listLanded()]);
  const landed = new Map<string, LandedRecord>(records.map((record) => [record.contactKey, record]));
  const left = new Map<string | undefined, OutboxEntry[]>();
  for (const kept of entries.filter((entry) => entry.failed).sort((a, b) => a.createdAt - b.createdAt)) {
    if (stopped()) return;
    const record = landed.get(kept.contactKey);
    const reason: KeptEnd | undefined =
      record && isSuperseded(kept, record.revisions)
        ? 'superseded'
        : kept.updatedAt < now - failureTtlMs
          ? 'expired'
          : undefined;
    if (reason) {
      const done = await removeKept(store, kept.id, (current) => current.revision === kept.revision);
      if (done) report(done.change, done.removed, reason);
      continue;
    }
    const agents = left.get(kept.agent);
    if (agents) agents.push(kept);
    else left.set(kept.agent, [kept]);
  }
  for (const failures of left.values()) {
    if (stopped()) return;
    await capKept(store, failures, maxFailures, report);
  }
  // An accepted request may yet become a kept failure: what landed for its contact is still needed then.
  const awaiting = entries.filter((entry) => entry.accepted && !entry.failed);
  const needed = new Set(
    [...left.values()]
      .flat()
      .concat(awaiting)
      .map((held) => held.contactKey),
  );
  for (const record of records) {
    if (stopped()) return;
    if (!needed.has(record.contactKey) && record.at < now - landedTtlMs)
      await store.deleteLanded(record.contactKey, record.at);
  }
}

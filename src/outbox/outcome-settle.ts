/**
 * How an outcome a queued relay reported (polled, or pushed over the feed) settles its accepted entry, in one place:
 * - landed: the entry goes and the store records the landing (one transaction), so kept failures the values
 *   supersede go too; every tab hears `landed`.
 * - refused, failed, dead-letter: the entry becomes a kept failure (kept first, then the accepted entry removed: a
 *   crash in between duplicates, never loses) with the relay's error; every tab hears `failed`.
 */
import { AttributesError, classifyFailure, relayReadableKinds } from '../errors.ts';
import { failureId, own, revisionOf, toStoredError } from './entry.ts';
import type { Change } from './flight.ts';
import { capKept, supersede, type KeptReport } from './kept.ts';
import type { Message } from './leadership.ts';
import type { Mirror } from './mirror.ts';
import type { Settings, WriteOutcomeReport } from './options.ts';
import type { AcceptedWrite, OutboxEntry } from './types.ts';

/** What settling needs of the flusher. */
export interface OutcomeHost {
  readonly mirror: Mirror;
  changed(change: Change): void;
  announce(message: Extract<Message, { type: 'landed' | 'failed' }>): void;
  /** Tells of kept failures removed (superseded by what landed, or beyond the cap). */
  readonly reportKept: KeptReport;
  fail(error: unknown): void;
}

export class OutcomeSettler {
  readonly #settings: Settings;
  readonly #host: OutcomeHost;

  constructor(settings: Settings, host: OutcomeHost) {
    this.#settings = settings;
    this.#host = host;
  }

  /** Applies one outcome to its accepted entry; false when the entry was gone already. */
  async settle(entry: OutboxEntry, report: WriteOutcomeReport): Promise<boolean> {
    if (report.state !== 'landed') return this.keep(entry, errorOf(report), report.state);
    const { store, clock } = this.#settings;
    const { contactKey } = entry;
    let gone = false as boolean; // set inside the transaction
    const result = await store.update(
      entry.id,
      (current) => {
        gone = current?.accepted !== undefined && !current.failed;
        return gone ? null : undefined;
      },
      { landed: { contactKey, revisions: { ...entry.revisions }, at: clock.now() } },
    );
    if (!gone) return false;
    const host = this.#host;
    host.changed({ id: entry.id, contactKey, entry: null, revision: result.revision });
    // Values a newer request carried (accepted, or landed) are what the contact holds now: only the others are told.
    const landed = (await store.landed(contactKey))?.revisions ?? {};
    const newer = host.mirror.accepted(contactKey);
    const current = Object.keys(entry.attributes).filter(
      (key) =>
        (own(landed, key) ?? 0) <= revisionOf(entry, key) &&
        !newer.some((other) => (own(other.revisions, key) ?? 0) > revisionOf(entry, key)),
    );
    host.announce({
      type: 'landed',
      contact: entry.contact,
      contactKey,
      attributes: Object.fromEntries(current.map((key) => [key, own(entry.attributes, key) ?? ''])),
      revisions: Object.fromEntries(current.map((key) => [key, revisionOf(entry, key)])),
      writeId: entry.accepted?.writeId,
    });
    await supersede(store, contactKey, host.mirror.failures(contactKey), host.reportKept);
    return true;
  }

  /** Turns an accepted entry into a kept failure with `error`; false when the entry was gone already. */
  async keep(
    entry: OutboxEntry,
    error: AttributesError,
    outcome: NonNullable<AcceptedWrite['outcome']>,
  ): Promise<boolean> {
    const { store, clock, maxFailures } = this.#settings;
    const current = await store.get(entry.id);
    if (!current?.accepted || current.failed) return false;
    const accepted = { ...current.accepted, outcome };
    const now = clock.now();
    const id = failureId(current.contactKey, current.revision);
    const put = await store.update(id, (_, revision) => ({
      ...current,
      accepted,
      id,
      revision,
      attempts: 1,
      lastError: toStoredError(error),
      updatedAt: now,
      failed: true,
    }));
    const kept = put.entry;
    if (!kept) throw new Error('Outbox: the store did not keep the failed entry.');
    const host = this.#host;
    host.changed({ id, contactKey: kept.contactKey, entry: kept, revision: put.revision });
    let gone = false as boolean; // set inside the transaction
    const removed = await store.update(entry.id, (held) => {
      gone = held !== undefined;
      return gone ? null : undefined;
    });
    if (gone) host.changed({ id: entry.id, contactKey: kept.contactKey, entry: null, revision: removed.revision });
    host.announce({ type: 'failed', entry: kept });
    await capKept(store, host.mirror.failures(), maxFailures, host.reportKept);
    return true;
  }
}

/**
 * The outcome of the request `writeId` among `reports`: a landing wins (the values are stored, whatever a later
 * delivery of the same message said), else the latest.
 */
export function outcomeOf(
  reports: readonly WriteOutcomeReport[],
  writeId: string | undefined,
): WriteOutcomeReport | undefined {
  const mine = reports.filter((report) => report.writeId === writeId);
  return mine.find((report) => report.state === 'landed') ?? mine.sort((a, b) => a.at - b.at).at(-1);
}

/** A refusal, failure or dead letter as an AttributesError the agent can read. */
export function errorOf(report: WriteOutcomeReport): AttributesError {
  const { status, errorType: type, message } = report;
  if (report.state === 'dead-letter') {
    return new AttributesError(
      'server',
      'Amazon Connect did not take this write after several attempts: the relay set it aside (dead-letter queue).',
      { status, ...(type ? { awsType: type } : {}) },
    );
  }
  return classifyFailure({ type, status, message }, relayReadableKinds);
}

/** The error of an accepted request whose outcome never came. */
export function noOutcome(giveUpMs: number): AttributesError {
  const minutes = Math.round(giveUpMs / 60_000);
  return new AttributesError(
    'network',
    `The relay accepted this write but reported no outcome within ${minutes} minutes: it may not be stored.`,
  );
}

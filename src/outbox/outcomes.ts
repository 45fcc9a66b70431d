/**
 * After a queued relay accepted a request (202), nothing may fail in silence: the flusher tab asks the relay for
 * the outcomes of the agent's recent requests (`OutboxOptions.outcomes`) while any accepted request of the agent
 * awaits one, with backoff (`outcomePolling`: the first poll soon after an accept, then doubling up to a cap while
 * nothing settles), every call within `requestTimeoutMs`, and stops once none is left. Each outcome is matched to
 * its accepted entry by WriteId:
 * - landed: the entry goes and the store records the landing (one transaction), so kept failures the values
 *   supersede go too; every tab hears `landed`.
 * - refused, failed, dead-letter: the entry becomes a kept failure (kept first, then the accepted entry removed: a
 *   crash in between duplicates, never loses) with the relay's error; every tab hears `failed`.
 * An accepted request with no outcome within `giveUpMs` becomes a kept failure saying so: the agent may send it
 * again (the same values again are harmless) or discard it.
 */
import { AttributesError, classifyFailure, relayReadableKinds } from '../errors.ts';
import { failureId, own, revisionOf, toStoredError } from './entry.ts';
import type { Change } from './flight.ts';
import { capKept, supersede, type KeptReport } from './kept.ts';
import type { Message } from './leadership.ts';
import type { Mirror } from './mirror.ts';
import type { Settings, WriteOutcomeReport } from './options.ts';
import type { AcceptedWrite, OutboxEntry } from './types.ts';

/** What the poller needs of the flusher. */
export interface OutcomeHost {
  readonly mirror: Mirror;
  changed(change: Change): void;
  announce(message: Extract<Message, { type: 'landed' | 'failed' }>): void;
  /** Tells of kept failures removed (superseded by what landed, or beyond the cap). */
  readonly reportKept: KeptReport;
  fail(error: unknown): void;
}

/** Outcomes of requests accepted this long before the oldest one still waiting are asked for too: the relay's clock may differ. */
const CLOCK_MARGIN_MS = 10 * 60_000;

export class OutcomePoller {
  readonly #settings: Settings;
  readonly #host: OutcomeHost;
  #timer: unknown;
  #delay: number;
  #pass: Promise<void> = Promise.resolve();
  #passing = false;
  #call: AbortController | undefined;
  /** Set once this tab became the flusher (`wake`): before, it never polls. */
  #woken = false;
  #stopped = false;

  constructor(settings: Settings, host: OutcomeHost) {
    this.#settings = settings;
    this.#host = host;
    this.#delay = settings.outcomePolling.firstMs;
  }

  /** A request was accepted (or this tab became the flusher): poll soon, from the first delay again. */
  wake(): void {
    if (this.#stopped) return;
    this.#woken = true;
    this.#delay = this.#settings.outcomePolling.firstMs;
    if (!this.#passing) this.#schedule();
  }

  /**
   * Polls again, at the current backoff, when accepted requests await an outcome and no poll is due: e.g. once the
   * agent named again on a shared desk has some, or another tab's writes were found. Nothing before `wake`.
   */
  resume(): void {
    if (this.#woken && !this.#stopped && !this.#passing && this.#timer === undefined) this.#schedule();
  }

  /** Stops polling; resolves once a pass under way has recorded what it learnt (its call is aborted). */
  stop(): Promise<void> {
    this.#stopped = true;
    this.#settings.clock.clearTimeout(this.#timer);
    this.#call?.abort(new DOMException('The outbox was closed.', 'AbortError'));
    return this.#pass;
  }

  #schedule(): void {
    const { clock } = this.#settings;
    clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#stopped || this.#host.mirror.acceptedCount === 0) return;
    this.#timer = clock.setTimeout(() => {
      this.#timer = undefined;
      this.#passing = true;
      this.#pass = this.#poll().finally(() => {
        this.#passing = false;
        this.#schedule();
      });
    }, this.#delay);
  }

  async #poll(): Promise<void> {
    const { outcomes, clock, outcomePolling } = this.#settings;
    let settled = 0;
    try {
      const waiting = this.#host.mirror.accepted();
      const oldest = Math.min(...waiting.map((entry) => entry.accepted?.at ?? Infinity));
      if (outcomes && waiting.length > 0) {
        const reports = await this.#read(Math.max(0, oldest - CLOCK_MARGIN_MS));
        for (const entry of waiting) {
          if (this.#stopped) return;
          const report = outcomeOf(reports, entry.accepted?.writeId);
          if (report && (await this.#settle(entry, report))) settled++;
        }
      }
      const giveUpBefore = clock.now() - outcomePolling.giveUpMs;
      for (const entry of this.#host.mirror.accepted()) {
        if (this.#stopped) return;
        if (
          (entry.accepted?.at ?? 0) < giveUpBefore &&
          (await this.#keep(entry, noOutcome(outcomePolling.giveUpMs), 'unconfirmed'))
        )
          settled++;
      }
    } catch (error) {
      // A failed call is tried again after the backoff; the accepted requests stay as they are.
      if (!this.#stopped) this.#host.fail(error);
    }
    this.#delay = settled > 0 ? outcomePolling.firstMs : Math.min(this.#delay * 2, outcomePolling.capMs);
  }

  /** One call to the reader, within `requestTimeoutMs` (its signal aborts then, and the call is raced with it). */
  async #read(since: number): Promise<WriteOutcomeReport[]> {
    const { outcomes, clock, requestTimeoutMs } = this.#settings;
    if (!outcomes) return [];
    const controller = new AbortController();
    this.#call = controller;
    const timer = clock.setTimeout(
      () => controller.abort(new DOMException(`No outcomes within ${requestTimeoutMs} ms.`, 'TimeoutError')),
      requestTimeoutMs,
    );
    try {
      const aborted = new Promise<never>((_, reject) => {
        controller.signal.addEventListener('abort', () => reject(controller.signal.reason as Error), { once: true });
      });
      return await Promise.race([outcomes(since, { signal: controller.signal }), aborted]);
    } finally {
      clock.clearTimeout(timer);
      this.#call = undefined;
    }
  }

  /** Applies one outcome to its accepted entry; false when the entry was gone already. */
  async #settle(entry: OutboxEntry, report: WriteOutcomeReport): Promise<boolean> {
    if (report.state !== 'landed') return this.#keep(entry, errorOf(report), report.state);
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
  async #keep(
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
function noOutcome(giveUpMs: number): AttributesError {
  const minutes = Math.round(giveUpMs / 60_000);
  return new AttributesError(
    'network',
    `The relay accepted this write but reported no outcome within ${minutes} minutes: it may not be stored.`,
  );
}

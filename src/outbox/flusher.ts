/**
 * The sending side, run by the one tab holding the flusher lock: the pump starts requests as pacing allows, each
 * request's outcome is recorded (flight.ts), kept failures superseded by newer landed values are removed, and
 * expiry runs on its timer. Everything it learns goes back to the Outbox through `FlusherHost`, which owns the
 * mirror, the waiters and the events.
 */
import type { AttributesError } from '../errors.ts';
import type { WriteReceipt } from '../writer.ts';
import { contactKeyOfLive, own, type Revisions } from './entry.ts';
import { expireBefore } from './expiry.ts';
import { fly, recordUnanswered, sentOf, type Change, type FlightResult, type Sent } from './flight.ts';
import { capKept, supersede, sweepKept, type KeptReport } from './kept.ts';
import type { Mirror } from './mirror.ts';
import type { Settings } from './options.ts';
import { backoffDelay } from './pacing.ts';
import { OutcomePoller } from './outcomes.ts';
import { Pump } from './pump.ts';
import type { Message } from './leadership.ts';
import type { OutboxEntry } from './types.ts';

/** What the flusher needs of the Outbox. */
export interface FlusherHost {
  readonly mirror: Mirror;
  /** True while this tab still has store updates of the contact under way (its request waits for them). */
  enqueuing(contactKey: string): boolean;
  /** Values of aborted writes no request may carry, per contact. */
  abandoned(contactKey: string): readonly Revisions[];
  /** Everything that landed for the contact (see Ledger). */
  landed(contactKey: string): Readonly<Revisions>;
  changed(change: Change): void;
  /** An entry as the store holds it: applied (and told) when this tab did not know it, or knew an older copy. */
  found(entry: OutboxEntry): void;
  sending(contactKey: string, sending: boolean, emit: boolean): void;
  /** Tells every tab (this one too) how a request ended or what expiry dropped. */
  announce(
    message: Extract<Message, { type: 'landed' | 'accepted' | 'failed' | 'expired' | 'superseded' | 'dropped' }>,
  ): void;
  onRetry(error: AttributesError): void;
  fail(error: unknown): void;
}

/** The values of `entry` a request may carry: all but those of aborted writes. */
export function sendable(entry: OutboxEntry, abandoned: readonly Revisions[]): Sent | undefined {
  const { attributes, revisions } = sentOf(entry);
  const keep = ([name]: [string, unknown]): boolean =>
    !abandoned.some((gone) => own(gone, name) === own(revisions, name));
  const sent = {
    attributes: Object.fromEntries(Object.entries(attributes).filter(keep)),
    revisions: Object.fromEntries(Object.entries(revisions).filter(keep)),
  };
  return Object.keys(sent.attributes).length > 0 ? sent : undefined;
}

/**
 * A contact whose request outcomes the store could not record, that many times in a row: its entry goes on holding
 * the values, so each new request repeats the last. After the first failures it waits (backoff); after
 * `MAX_UNRECORDED` it is held until the store takes a newer revision of its entry (the store works again).
 */
interface Unrecorded {
  failures: number;
  until: number;
  /** Set once held: the revision of the entry then. */
  heldAt?: number;
}

/** Outcomes in a row that the store could not record before the contact is held. */
const MAX_UNRECORDED = 3;

/** A request on the wire: what it carries, how to abort it, and (once answered) its outcome being recorded. */
interface Flight {
  /** The store id of the entry it was sent from (the agent's live entry of the contact). */
  id: string;
  sent: Sent;
  controller: AbortController;
  answered: boolean;
  done: Promise<void>;
}

export class Flusher {
  readonly #settings: Settings;
  readonly #host: FlusherHost;
  readonly #pump: Pump;
  readonly #outcomes: OutcomePoller;
  /** Requests on the wire, by contact: what each carries, and how to abort it. */
  readonly #inFlight = new Map<string, Flight>();
  /** Contacts whose last outcomes the store could not record. */
  readonly #unrecorded = new Map<string, Unrecorded>();
  #expiryTimer: unknown;
  #expiring: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(settings: Settings, host: FlusherHost) {
    this.#settings = settings;
    this.#host = host;
    this.#pump = new Pump({
      clock: settings.clock,
      rate: settings.rate,
      maxInFlight: settings.maxInFlight,
      candidates: () =>
        host.mirror
          .sendable()
          .filter((entry) => !this.#inFlight.has(entry.contactKey) && !host.enqueuing(entry.contactKey))
          .map((entry) => ({
            id: entry.contactKey,
            at: Math.max(entry.dueAt, entry.notBefore, this.#unrecordedUntil(entry)),
          }))
          .filter((candidate) => candidate.at < Infinity),
      inFlight: () => this.#inFlight.size,
      start: (id) => this.#start(id),
    });
    this.#outcomes = new OutcomePoller(settings, {
      mirror: host.mirror,
      changed: (change) => host.changed(change),
      announce: (message) => host.announce(message),
      reportKept: this.#reportKept,
      fail: (error) => host.fail(error),
    });
  }

  /** Starts sending and expiring (this tab became the flusher). */
  run(): void {
    this.#pump.run();
    void this.#expire();
    this.#outcomes.wake();
  }

  /** Looks for due entries soon, and for outcomes when accepted requests await one and no poll is due. */
  schedule(): void {
    this.#pump.schedule();
    this.#outcomes.resume();
  }

  /** What the request of a contact on the wire carries, if any. */
  inFlight(contactKey: string): Sent | undefined {
    return this.#inFlight.get(contactKey)?.sent;
  }

  /**
   * Stops for good: timers stop and requests still waiting for their answer are aborted (their entries stay queued in
   * the store, their values recorded as maybe stored: the service may have processed them). With `drain` (a
   * hand-over to another sender, not a close) they are waited for instead, each within its request deadline, so
   * their values are not sent twice. A request already answered is recorded and told to the other tabs before the
   * returned promise resolves: the tab taking over then finds the store as it is, and the other tabs' writes settle.
   */
  stop(options: { drain?: boolean } = {}): Promise<void> {
    this.#stopped = true;
    this.#pump.stop();
    this.#settings.clock.clearTimeout(this.#expiryTimer);
    const recording: Promise<void>[] = [this.#expiring, this.#outcomes.stop()];
    for (const flight of this.#inFlight.values()) {
      // Draining (a hand-over, not a close): each request on the wire ends on its own, within its deadline.
      if (flight.answered || options.drain) {
        recording.push(flight.done);
        continue;
      }
      flight.controller.abort(new DOMException('The outbox was closed.', 'AbortError'));
      // The request may have reached Amazon Connect: the next flusher must not take its values back for an abort.
      const recorded = recordUnanswered(this.#settings.store, flight.id, flight.sent.revisions).then(
        (change) => change && this.#host.changed(change),
        (error: unknown) => this.#host.fail(error),
      );
      recording.push(recorded);
    }
    return Promise.all(recording).then(() => undefined);
  }

  #start(key: string): void {
    const host = this.#host;
    const entry = host.mirror.live(key);
    const sent = entry && sendable(entry, host.abandoned(key));
    if (!entry || !sent) return;
    const controller = new AbortController();
    const flight: Flight = { id: entry.id, sent, controller, answered: false, done: Promise.resolve() };
    this.#inFlight.set(key, flight);
    host.sending(key, true, true);
    // The contact stops "sending" once the answer came; its status changes once the store recorded the outcome.
    let landed = false;
    const answered = (error: AttributesError | undefined, receipt: WriteReceipt | undefined): void => {
      flight.answered = true;
      landed = error === undefined && receipt?.state !== 'accepted';
      host.sending(key, false, false);
    };
    flight.done = fly(entry, sent, controller.signal, this.#settings, answered)
      .then(
        async (result) => {
          await this.#record(key, entry, result);
          this.#unrecorded.delete(key);
        },
        (error: unknown) => {
          host.fail(error);
          // The values are stored by Amazon Connect even if the browser's store cannot say so: the writes resolve.
          if (landed) host.announce({ type: 'landed', contact: entry.contact, contactKey: key, ...sent });
          this.#recordFailed(entry, error);
        },
      )
      .catch((error: unknown) => {
        host.fail(error);
      })
      .finally(() => {
        this.#inFlight.delete(key);
        if (this.#stopped) return;
        host.sending(key, false, true);
        this.#pump.schedule();
      });
  }

  /** The earliest time the contact may be sent after unrecorded outcomes: 0 when none, Infinity while held. */
  #unrecordedUntil(entry: OutboxEntry): number {
    const unrecorded = this.#unrecorded.get(entry.contactKey);
    if (!unrecorded) return 0;
    if (unrecorded.heldAt === undefined) return unrecorded.until;
    if (entry.revision <= unrecorded.heldAt) return Infinity;
    this.#unrecorded.delete(entry.contactKey); // the store took a newer change of the entry: it records again
    return 0;
  }

  /**
   * The store could not record a request's outcome (closed, full): the entry still holds the values, so the next
   * request repeats this one. Back off, and after MAX_UNRECORDED in a row hold the contact and say so: repeating a
   * request whose outcome cannot be kept spends the account's shared quota for nothing.
   */
  #recordFailed(entry: OutboxEntry, error: unknown): void {
    const key = entry.contactKey;
    const failures = (this.#unrecorded.get(key)?.failures ?? 0) + 1;
    const { clock, backoff, random } = this.#settings;
    if (failures < MAX_UNRECORDED) {
      this.#unrecorded.set(key, { failures, until: clock.now() + backoffDelay(failures, backoff, random) });
      return;
    }
    const revision = this.#host.mirror.live(key)?.revision ?? entry.revision;
    this.#unrecorded.set(key, { failures, until: Infinity, heldAt: revision });
    const reason = error instanceof Error ? `: ${error.message}` : '';
    this.#host.fail(
      new Error(
        `Outbox: the outcome of the requests for contact ${key} could not be recorded in the store ${failures} ` +
          `times in a row${reason}. The contact is not sent again until the store takes a new write of it, or ` +
          'the outbox is reopened; its values stay queued.',
        { cause: error },
      ),
    );
  }

  async #record(key: string, entry: OutboxEntry, result: FlightResult): Promise<void> {
    if (result.type === 'aborted') return;
    const host = this.#host;
    for (const change of result.changes) host.changed(change);
    if (result.type === 'landed') {
      host.announce({ type: 'landed', contact: entry.contact, contactKey: key, ...result.sent });
      await this.#supersede(key);
    } else if (result.type === 'accepted') {
      const { contact, accepted } = result.accepted;
      const { writeId, requestId } = accepted;
      host.announce({ type: 'accepted', contact, contactKey: key, ...result.sent, writeId, requestId });
      this.#outcomes.wake();
    } else if (result.type === 'retry') {
      host.onRetry(result.error);
      if (result.error.kind === 'throttled') this.#pump.pause(result.retryAt);
    } else {
      host.announce({ type: 'failed', entry: result.kept });
      await capKept(this.#settings.store, host.mirror.failures(), this.#settings.maxFailures, this.#reportKept);
    }
  }

  /** Tells every tab of a kept failure removed without the agent asking. */
  readonly #reportKept: KeptReport = (change, removed, reason) => {
    this.#host.changed(change);
    if (reason === 'superseded') this.#host.announce({ type: 'superseded', entry: removed });
    else this.#host.announce({ type: 'dropped', entry: removed, reason });
  };

  /** Removes the kept failures of a contact whose every key a newer landed value replaced (as the store records it). */
  async #supersede(key: string): Promise<void> {
    // Told even while closing: stop() waits for this request's flight, and the channel stays open until then.
    await supersede(this.#settings.store, key, this.#host.mirror.failures(key), this.#reportKept);
  }

  /**
   * Runs one pass over the store: finds entries no tab told this one of, and expires old values (`stop()` waits for
   * a pass under way: what it dropped is told, even while closing).
   */
  #expire(): Promise<void> {
    this.#expiring = this.#expirePass();
    return this.#expiring;
  }

  async #expirePass(): Promise<void> {
    const { clock, store, maxAgeMs, markerMaxAgeMs, expiryIntervalMs } = this.#settings;
    const now = clock.now();
    const stopped = (): boolean => this.#stopped; // read afresh after each await
    try {
      const report = (change: Change, expired: OutboxEntry): void => {
        this.#host.changed(change);
        this.#host.announce({ type: 'expired', entry: expired });
      };
      // Entries no tab told of: one stored by a tab killed (or closed) before it could tell, so no one sends it.
      for (const entry of await store.list()) if (!stopped()) this.#host.found(entry);
      const inFlight = (id: string): Revisions | undefined => this.#inFlight.get(contactKeyOfLive(id))?.sent.revisions;
      await expireBefore(store, now - maxAgeMs, inFlight, report, stopped);
      const { failureTtlMs, maxFailures } = this.#settings;
      const sweep = { now, failureTtlMs, maxFailures, landedTtlMs: maxAgeMs };
      if (!stopped()) await sweepKept(store, sweep, this.#reportKept, stopped);
      if (!stopped()) await store.pruneMarkers(now - markerMaxAgeMs);
    } catch (error) {
      this.#host.fail(error);
    }
    if (!stopped()) this.#expiryTimer = clock.setTimeout(() => void this.#expire(), expiryIntervalMs);
  }
}

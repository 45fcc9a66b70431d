/**
 * Aborted writes. Only the flusher tab knows whether a request already carries a write's values, so only it
 * decides what an abort does, whichever tab's write aborted:
 * - no request carries the values: they are taken out of the queue (no request may carry them meanwhile), then every
 *   tab is told (`aborted`), and the write rejects with its signal's reason in the tab that wrote it;
 * - a request carries them, or carried them and failed ambiguously (a 500, a dropped connection: they may be stored
 *   already, `OutboxEntry.maybeStored`), or the same holds for an older value of one of their keys (an older write
 *   waits for it): nothing is done, and the write settles with that request or its retries.
 * A tab that is not the flusher asks the flusher (`abort`) and its write waits for the answer; when another tab
 * becomes the flusher, the questions still unanswered are asked again (taking values out twice changes nothing).
 */
import { own, type Revisions } from './entry.ts';
import { takeOut, type Change, type Sent } from './flight.ts';
import type { Message } from './leadership.ts';
import type { OutboxEntry, OutboxStore } from './types.ts';
import type { Waiter, Waiters } from './waiters.ts';

/** What aborting needs of the Outbox. */
export interface AbortsHost {
  readonly waiters: Waiters;
  /** True while this tab is the flusher. */
  flusher(): boolean;
  /** What this tab's request of the contact on the wire carries, if any. */
  inFlight(contactKey: string): Sent | undefined;
  /** The contact's live entry as this tab knows it (its agent's). */
  entry(contactKey: string): OutboxEntry | undefined;
  /** The store id of the contact's live entry of this tab's agent. */
  liveId(contactKey: string): string;
  changed(change: Change): void;
  /** Tells every tab, this one too. */
  announce(message: Extract<Message, { type: 'aborted' | 'erased' }>): void;
  /** Tells the other tabs (the flusher). */
  post(message: Extract<Message, { type: 'abort' }>): void;
  /** Counts a store update among those `close()` waits for. */
  track(operation: Promise<void>): void;
  fail(error: unknown): void;
}

function sameRevisions(a: Readonly<Revisions>, b: Readonly<Revisions>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => own(a, key) === own(b, key));
}

export class Aborts {
  readonly #store: OutboxStore;
  readonly #host: AbortsHost;
  /** Per contact, values of aborted writes the store is forgetting: no request may carry them. */
  readonly #abandoned = new Map<string, Revisions[]>();
  /** This tab's aborted writes waiting for the flusher's decision, with what each rejects with. */
  readonly #asked = new Map<Waiter, unknown>();

  constructor(store: OutboxStore, host: AbortsHost) {
    this.#store = store;
    this.#host = host;
  }

  /** Values of aborted writes of the contact that no request may carry. */
  abandoned(contactKey: string): readonly Revisions[] {
    return this.#abandoned.get(contactKey) ?? [];
  }

  /** A write's signal aborted while it waits: the flusher decides (this tab, or asked). */
  requested(waiter: Waiter, reason: unknown): void {
    this.#forgetSettled();
    this.#asked.set(waiter, reason ?? new DOMException('The write was aborted.', 'AbortError'));
    this.#ask(waiter);
  }

  /** The flusher: another tab's write aborted. */
  asked(contactKey: string, revisions: Readonly<Revisions>): void {
    if (this.#host.flusher()) this.#host.track(this.#decide(contactKey, revisions));
  }

  /** The flusher took a write's values out of the queue: that write rejects, in the tab that wrote it. */
  aborted(contactKey: string, revisions: Readonly<Revisions>): void {
    for (const [waiter, reason] of this.#asked) {
      if (waiter.contactKey !== contactKey || !sameRevisions(waiter.revisions, revisions)) continue;
      this.#asked.delete(waiter);
      this.#host.waiters.drop(waiter, reason);
    }
  }

  /** A tab (this one or another) became the flusher: it decides the aborts no flusher answered. */
  led(): void {
    this.#forgetSettled();
    for (const waiter of this.#asked.keys()) this.#ask(waiter);
  }

  #ask(waiter: Waiter): void {
    const { contactKey, revisions } = waiter;
    if (this.#host.flusher()) this.#host.track(this.#decide(contactKey, revisions));
    else this.#host.post({ type: 'abort', contactKey, revisions });
  }

  /** Drops the questions whose write settled otherwise meanwhile (its request landed, failed, or it expired). */
  #forgetSettled(): void {
    for (const waiter of this.#asked.keys()) if (!this.#host.waiters.waiting(waiter)) this.#asked.delete(waiter);
  }

  /** The flusher's decision: unless a request carries the values, they are taken out and every tab is told. */
  async #decide(contactKey: string, revisions: Readonly<Revisions>): Promise<void> {
    const host = this.#host;
    // A request carries (or may have stored) a value of one of the keys, the write's or an older one it replaced: the
    // write settles with that request or its retries. Taking the newer value out would also take the older one's
    // key off the queue, and that older write, whose value may be in Connect, would be told it was not written.
    const carried = host.inFlight(contactKey)?.revisions;
    const maybeStored = host.entry(contactKey)?.maybeStored;
    const touched = (key: string): boolean => own(carried, key) !== undefined || own(maybeStored, key) !== undefined;
    if (Object.keys(revisions).some(touched)) return;
    this.#abandoned.set(contactKey, [...this.abandoned(contactKey), revisions]);
    try {
      const change = await takeOut(this.#store, host.liveId(contactKey), revisions);
      if (change) host.changed(change);
      host.announce({ type: 'aborted', contactKey, revisions });
      // The values taken out had replaced older writes' values of the same keys: those writes cannot land now.
      const left = change?.entry?.revisions;
      const erased = change ? Object.entries(revisions).filter(([key, revision]) => own(left, key) !== revision) : [];
      if (erased.length > 0) host.announce({ type: 'erased', contactKey, revisions: Object.fromEntries(erased) });
    } catch (error) {
      // Not taken out: the values may still be sent, and the write settles with that request.
      host.fail(error);
    } finally {
      const left = this.abandoned(contactKey).filter((other) => other !== revisions);
      if (left.length > 0) this.#abandoned.set(contactKey, left);
      else this.#abandoned.delete(contactKey);
    }
  }
}

/**
 * One flusher for all tabs of an origin: the tab holding the Web Lock (`navigator.locks`) named after the store
 * sends; every tab mirrors the store and learns of the others' changes over a BroadcastChannel of the same name.
 * The store stays the truth: messages only tell a tab sooner what it would read there.
 */
import type { Attributes } from '../validate.ts';
import type { ContactRef } from '../writer.ts';
import type { Revisions } from './entry.ts';
import type { LockManagerLike } from './options.ts';
import type { OutboxEntry } from './types.ts';

/** What tabs tell each other. */
export type Message =
  /** An entry changed in the store (null: deleted) at this revision. */
  | { type: 'entry'; id: string; contactKey: string; entry: OutboxEntry | null; revision: number }
  /** The flusher started or ended a request of the contact. */
  | { type: 'sending'; contactKey: string; sending: boolean }
  /** A request landed, carrying these values at these revisions. */
  | {
      type: 'landed';
      contact: ContactRef;
      contactKey: string;
      attributes: Attributes;
      revisions: Revisions;
      /** Set when the request was accepted by a queued relay first (the outcome reported under this id). */
      writeId?: string | undefined;
    }
  /** A queued relay accepted a request carrying these values (durable there, not yet stored by Amazon Connect). */
  | {
      type: 'accepted';
      contact: ContactRef;
      contactKey: string;
      attributes: Attributes;
      revisions: Revisions;
      writeId: string;
      requestId?: string | undefined;
    }
  | { type: 'failed'; entry: OutboxEntry }
  | { type: 'expired'; entry: OutboxEntry }
  | { type: 'superseded'; entry: OutboxEntry }
  /** A kept failure removed for its age or the cap (see kept.ts). */
  | { type: 'dropped'; entry: OutboxEntry; reason: 'expired' | 'cap' }
  /** An aborted write took these values out of the queue, and with them the older values of the same keys. */
  | { type: 'erased'; contactKey: string; revisions: Revisions }
  /** A tab that is not the flusher asks it to abort the write that got these revisions (see aborts.ts). */
  | { type: 'abort'; contactKey: string; revisions: Revisions }
  /** The flusher took the values of the write that got these revisions out of the queue: that write rejects. */
  | { type: 'aborted'; contactKey: string; revisions: Revisions }
  /** A tab became the flusher: aborts no flusher answered are asked again. */
  | { type: 'flusher' }
  /** A tab that is not the flusher asks it to send everything now. */
  | { type: 'flush' };

export interface LeadershipOptions {
  lockName: string;
  /** Null: no other tab shares the store, so this tab is always the flusher. */
  locks: LockManagerLike | null;
  /** True when other tabs see the store (a BroadcastChannel is opened then). */
  shared: boolean;
  onMessage(message: Message): void;
  onError(error: unknown): void;
}

export class Leadership {
  readonly #options: LeadershipOptions;
  readonly #channel: BroadcastChannel | null;
  readonly #abort = new AbortController();
  /** Withdraws the current lock request (waiting or granted); replaced at each `acquire`. */
  #request: AbortController | undefined;
  #release: (() => void) | undefined;

  constructor(options: LeadershipOptions) {
    this.#options = options;
    this.#channel =
      options.shared && typeof BroadcastChannel === 'function' ? new BroadcastChannel(options.lockName) : null;
    if (this.#channel) this.#channel.onmessage = (event: MessageEvent<Message>) => options.onMessage(event.data);
  }

  /** Waits for the flusher lock, then calls `lead`; the lock is held until `yield()` or `close()`. */
  acquire(lead: () => void): void {
    const { locks } = this.#options;
    if (!locks) {
      lead();
      return;
    }
    const request = new AbortController();
    this.#request = request;
    const signal = AbortSignal.any([this.#abort.signal, request.signal]);
    locks
      .request(this.#options.lockName, { signal }, () => {
        if (signal.aborted) return Promise.resolve();
        return new Promise<void>((release) => {
          this.#release = release;
          lead();
        });
      })
      .catch((error: unknown) => {
        if (!signal.aborted) this.#options.onError(error);
      });
  }

  /**
   * Gives the lock up, or withdraws the request still waiting for it, and keeps listening: another tab becomes the
   * flusher, and this one competes again only when `acquire` is called again.
   */
  yield(): void {
    this.#request?.abort();
    this.#request = undefined;
    this.#release?.();
    this.#release = undefined;
  }

  /** Tells the other tabs. */
  post(message: Message): void {
    try {
      this.#channel?.postMessage(message);
    } catch (error) {
      this.#options.onError(error);
    }
  }

  /** Gives the lock up (another tab becomes the flusher) and stops listening. */
  close(): void {
    this.#abort.abort();
    this.#release?.();
    this.#channel?.close();
  }
}

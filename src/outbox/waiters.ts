/**
 * The promises handed out by `write()` and `whenIdle()`, and how they settle. A waiter waits for the revisions its
 * write got, per key; it resolves once each landed, or rejects with the error that stopped them. After `close()`
 * every waiter has settled and new ones reject at once: no promise outlives the outbox.
 */
import type { WriteProgress, WriteReceipt } from '../writer.ts';
import { covers, holdsAny, own, type Revisions } from './entry.ts';
import type { OutboxEntry } from './types.ts';

const LANDED: WriteReceipt = Object.freeze({ state: 'landed' });

/** Per key, the higher revision of the two. */
function highest(a: Readonly<Revisions>, b: Readonly<Revisions>): Revisions {
  const out: Revisions = { ...a };
  const higher = Object.entries(b).filter(([key, revision]) => revision > (own(out, key) ?? 0));
  return { ...out, ...Object.fromEntries(higher) };
}

/** One write() waiting to land. */
export interface Waiter {
  readonly contactKey: string;
  /** Per key, the revision the write got. */
  readonly revisions: Readonly<Revisions>;
}

interface Pending extends Waiter {
  resolve(receipt: WriteReceipt): void;
  reject(error: unknown): void;
  onProgress: ((progress: WriteProgress) => void) | undefined;
  cleanup(): void;
}

/** What a waiter needs besides its contact and revisions. */
export interface WaitOptions {
  signal?: AbortSignal | undefined;
  onProgress?: ((progress: WriteProgress) => void) | undefined;
  /** Called when `signal` aborts while the waiter still waits; it decides, and settles it with `drop`. */
  onAbort(waiter: Waiter, reason: unknown): void;
}

export class Waiters {
  readonly #pending = new Set<Pending>();
  readonly #idle = new Set<{ resolve(): void; reject(error: unknown): void }>();
  /** Set by `close()`: what every waiter then rejects with. */
  #closedWith: Error | undefined;

  /** A promise for a write of the contact that got `revisions`. */
  add(contactKey: string, revisions: Readonly<Revisions>, options: WaitOptions): Promise<WriteReceipt> {
    return new Promise<WriteReceipt>((resolve, reject) => {
      if (this.#closedWith) {
        reject(this.#closedWith);
        return;
      }
      const { signal } = options;
      const onAbort = (): void => options.onAbort(waiter, signal?.reason);
      const waiter: Pending = {
        contactKey,
        revisions,
        resolve,
        reject,
        onProgress: options.onProgress,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#pending.add(waiter);
      // A signal that aborted while the write was being stored fires no event any more.
      if (signal?.aborted) queueMicrotask(onAbort);
      else signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** True while a write of the contact waits. */
  has(contactKey: string): boolean {
    for (const waiter of this.#pending) if (waiter.contactKey === contactKey) return true;
    return false;
  }

  /** True while `waiter` waits. */
  waiting(waiter: Waiter): boolean {
    return this.#pending.has(waiter as Pending);
  }

  /** Settles a waiter: rejects it with `error`, or resolves it (landed) when `error` is undefined. */
  drop(waiter: Waiter, error?: unknown): void {
    this.#end(waiter, error === undefined ? { receipt: LANDED } : { error });
  }

  #end(waiter: Waiter, end: { receipt: WriteReceipt } | { error: unknown }): void {
    const pending = waiter as Pending;
    if (!this.#pending.delete(pending)) return;
    pending.cleanup();
    if ('receipt' in end) pending.resolve(end.receipt);
    else pending.reject(end.error);
  }

  /**
   * Resolves the writes of the contact whose every key landed at (or after) its revision, or was accepted by a
   * queued relay (`accepted`: per key the highest accepted revision, with the receipt of the last accept).
   */
  settle(
    contactKey: string,
    landed: Readonly<Revisions>,
    accepted?: { revisions: Readonly<Revisions>; receipt: WriteReceipt },
  ): void {
    const either = accepted ? highest(landed, accepted.revisions) : landed;
    for (const waiter of [...this.#pending]) {
      if (waiter.contactKey !== contactKey || !covers(either, waiter.revisions)) continue;
      this.#end(waiter, { receipt: covers(landed, waiter.revisions) || !accepted ? LANDED : accepted.receipt });
    }
  }

  /** Rejects with `error` the writes of which `entry` (a failed or expired part) holds a value. */
  reject(entry: Pick<OutboxEntry, 'contactKey' | 'revisions'>, error: unknown): void {
    for (const waiter of [...this.#pending]) {
      if (waiter.contactKey === entry.contactKey && holdsAny(entry, waiter.revisions)) this.drop(waiter, error);
    }
  }

  /** Tells the writes of the contact their progress; a throwing callback is reported, never allowed to stop the outbox. */
  progress(contactKey: string, progress: WriteProgress, onError: (error: unknown) => void): void {
    for (const waiter of [...this.#pending]) {
      if (waiter.contactKey !== contactKey) continue;
      try {
        waiter.onProgress?.(progress);
      } catch (error) {
        onError(error);
      }
    }
  }

  /** A promise that resolves the next time `idle(true)` is called (at once when `now` is true). */
  whenIdle(now: boolean): Promise<void> {
    if (this.#closedWith) return Promise.reject(this.#closedWith);
    if (now) return Promise.resolve();
    return new Promise((resolve, reject) => this.#idle.add({ resolve, reject }));
  }

  /** Resolves the `whenIdle` promises when nothing is pending. */
  idle(nothingPending: boolean): void {
    if (!nothingPending) return;
    for (const waiter of this.#idle) waiter.resolve();
    this.#idle.clear();
  }

  /** Rejects every waiter with `error`, and every later one. */
  close(error: Error): void {
    this.#closedWith = error;
    for (const waiter of [...this.#pending]) this.drop(waiter, error);
    for (const waiter of this.#idle) waiter.reject(error);
    this.#idle.clear();
  }
}

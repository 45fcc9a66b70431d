/**
 * The relay's pace for SearchContacts: a token bucket per relay process, so agents' searches stay under the action's
 * quota (per account and Region, shared by every caller; the API reference's default is 2 requests a second, burst 5)
 * and leave room for the instance's other users of it. A search waits for a token until its deadline, then is refused
 * with a retryable 429, as Connect throttles.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { RelayError } from './respond.ts';

/** Hands out tokens at `ratePerSecond`, up to `burst` at once. */
export class SearchPacer {
  readonly #ratePerSecond: number;
  readonly #burst: number;
  readonly #now: () => number;
  #tokens: number;
  #atMs: number;
  /** Callers waiting, served in order. */
  #queue: Promise<void> = Promise.resolve();

  constructor(ratePerSecond: number, burst: number, now: () => number) {
    this.#ratePerSecond = ratePerSecond;
    this.#burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#atMs = now();
  }

  /** Resolves when a token is taken; throws a 429 RelayError when none comes before `deadline` aborts. */
  take(deadline: AbortSignal): Promise<void> {
    const turn = this.#queue.then(() => this.#wait(deadline));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #wait(deadline: AbortSignal): Promise<void> {
    for (;;) {
      const nowMs = this.#now();
      this.#tokens = Math.min(this.#burst, this.#tokens + ((nowMs - this.#atMs) * this.#ratePerSecond) / 1000);
      this.#atMs = nowMs;
      if (this.#tokens >= 1) {
        this.#tokens -= 1;
        return;
      }
      if (deadline.aborted) throw throttled();
      const waitMs = Math.ceil(((1 - this.#tokens) * 1000) / this.#ratePerSecond);
      try {
        await sleep(waitMs, undefined, { signal: deadline });
      } catch {
        throw throttled();
      }
    }
  }
}

const throttled = (): RelayError =>
  new RelayError(429, 'ThrottlingException', 'Too many searches right now; try again in a moment.', 'paced');

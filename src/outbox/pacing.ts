/** The outbox's pacing: a client-side token bucket and capped exponential backoff with full jitter. */

/** A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;

  constructor(ratePerSecond: number, burst: number, now: () => number) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new TypeError('TokenBucket: ratePerSecond must be > 0 and burst >= 1.');
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.#now = now;
    this.#tokens = burst;
    this.#updated = now();
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updated);
    this.#tokens = Math.min(this.burst, this.#tokens + (elapsed * this.ratePerSecond) / 1000);
    this.#updated = now;
  }

  /** Takes one token; returns 0 when it was taken, else the milliseconds until one is available (nothing taken). */
  take(): number {
    this.#refill();
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.#tokens) * 1000) / this.ratePerSecond);
  }

  /** Empties the bucket (after the service said it is throttling). */
  drain(): void {
    this.#refill();
    this.#tokens = Math.min(this.#tokens, 0);
  }
}

/** Backoff settings: the first delay's ceiling and the cap, in ms. */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
}

/**
 * "Full jitter" (AWS Architecture Blog, Exponential Backoff And Jitter): a random delay between 0 and
 * min(cap, base * 2^(attempt-1)), for attempt >= 1.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number): number {
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.floor(random() * ceiling);
}

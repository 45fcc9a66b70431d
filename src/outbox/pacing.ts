/** The outbox's pacing: a client-side token bucket and capped exponential backoff with full, equal or decorrelated jitter. */

/** A token bucket: `burst` tokens at most, refilled at `ratePerSecond`. */
export class TokenBucket {
  readonly ratePerSecond: number;
  readonly burst: number;
  readonly #now: () => number;
  #tokens: number;
  #updated: number;

  constructor(ratePerSecond: number, burst: number, now: () => number) {
    if (!(ratePerSecond > 0) || !(burst >= 1))
      throw new TypeError('TokenBucket: ratePerSecond must be > 0 and burst >= 1.');
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

/**
 * How a retry delay is drawn below its ceiling (AWS Architecture Blog, "Exponential Backoff And Jitter",
 * https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/):
 * - `full`: between 0 and min(cap, base * 2^(attempt-1));
 * - `equal`: between half of that ceiling and the ceiling;
 * - `decorrelated`: between base and min(cap, 3 * the previous delay of the same run of failures), so it needs the
 *   previous delay; a first attempt starts from base.
 */
export type Jitter = 'full' | 'equal' | 'decorrelated';

/** Backoff settings: the first delay's ceiling and the cap, in ms, and the jitter (default `full`). */
export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  jitter?: Jitter;
}

/** The largest exponent applied to base, so that 2^(attempt-1) stays a finite, exact number. */
const MAX_DOUBLINGS = 30;

/**
 * The longest delay `backoffDelay` can return for failed attempt `attempt` (>= 1). For `decorrelated` it depends on
 * `previousMs`, the delay returned for attempt - 1 (ignored when attempt is 1), not on the attempt count.
 */
export function backoffCeiling(attempt: number, options: BackoffOptions, previousMs?: number): number {
  const { baseMs, capMs } = options;
  switch (options.jitter ?? 'full') {
    case 'full':
    case 'equal':
      return Math.min(capMs, baseMs * 2 ** Math.max(0, Math.min(attempt - 1, MAX_DOUBLINGS)));
    case 'decorrelated':
      return Math.min(capMs, 3 * previousDelay(attempt, baseMs, previousMs));
    default:
      throw new TypeError(`backoff: jitter must be 'full', 'equal' or 'decorrelated' (got ${String(options.jitter)}).`);
  }
}

/**
 * The delay in ms before retrying failed attempt `attempt` (>= 1), drawn with `random` (values in [0, 1)) below
 * `backoffCeiling`. `previousMs` is what this function returned for the previous attempt of the same run of failures;
 * only `decorrelated` reads it, so a caller using that jitter keeps the last delay beside the attempt count
 * (a run that ended in success starts again at attempt 1, where it is ignored).
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions,
  random: () => number,
  previousMs?: number,
): number {
  const ceiling = backoffCeiling(attempt, options, previousMs);
  switch (options.jitter ?? 'full') {
    case 'full':
      return Math.floor(random() * ceiling);
    case 'equal':
      return Math.floor(ceiling / 2 + random() * (ceiling / 2));
    default: {
      // decorrelated: between base and the ceiling (both capped); backoffCeiling has already refused unknown jitters.
      const floor = Math.min(options.baseMs, ceiling);
      return Math.floor(floor + random() * (ceiling - floor));
    }
  }
}

/** Decorrelated jitter's previous delay: base on a first attempt or when none is known, and never below base. */
function previousDelay(attempt: number, baseMs: number, previousMs: number | undefined): number {
  if (attempt <= 1 || previousMs === undefined || !(previousMs >= baseMs)) return baseMs;
  return previousMs;
}

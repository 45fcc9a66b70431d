/**
 * Paces one API's calls under its quota: calls start at least 1/rate seconds apart, in the order they asked, however
 * many wait. After a throttle the caller holds the pace back for a while (`holdOff`), so a quota shared with others
 * (every agent's Connect calls count against the account's per-API rate) gets room before the next call.
 * Amazon Connect's quotas are per API and per account, e.g. about 10 requests per second for DescribeContact and for
 * UpdateContactAttributes by default (https://docs.aws.amazon.com/connect/latest/adminguide/amazon-connect-service-limits.html).
 */

/** A pacer of one API's calls. */
export interface Pacer {
  /** Resolves when the next call may start; each resolution takes one slot. Rejects with `signal`'s reason if it aborts first. */
  take(signal?: AbortSignal): Promise<void>;
  /** No slot starts before `ms` from now. */
  holdOff(ms: number): void;
  /** Calls per second. */
  readonly ratePerSecond: number;
}

/** Clock and timer, injectable for tests. */
export interface PacerClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const systemClock: PacerClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(signal?.reason as Error);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/** A pacer of `ratePerSecond` calls per second (a finite number above 0). */
export function createPacer(ratePerSecond: number, clock: PacerClock = systemClock): Pacer {
  if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0))
    throw new TypeError(`pacer: the rate must be a number of calls per second above 0, got ${ratePerSecond}`);
  const spacingMs = 1000 / ratePerSecond;
  /** When the next slot opens (ms since the epoch). */
  let nextAtMs = 0;
  return {
    ratePerSecond,
    async take(signal) {
      // Reserve the slot at once (callers are served in order), then wait for it.
      const now = clock.now();
      const at = Math.max(now, nextAtMs);
      nextAtMs = at + spacingMs;
      if (at > now) await clock.sleep(at - now, signal);
      else if (signal?.aborted) throw signal.reason as Error;
    },
    holdOff(ms) {
      nextAtMs = Math.max(nextAtMs, clock.now() + ms);
    },
  };
}

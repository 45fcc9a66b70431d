/**
 * Remembers, per caller and contact leg, what DescribeContact said, so a burst of writes to one leg costs one call:
 * - an owned leg that is ongoing or in after-contact work: a short time to live (`liveTtlMs`), never past a window from
 *   the check (it cannot have ended before the check, so it stays owned at least that long: src/relay/ownership.ts);
 * - an owned leg that has ended: until its window closes, when the answer would turn to 'window-passed';
 * - a refusal (not the agent yet, another chain, the window passed, no such contact): only briefly (`refusalTtlMs`),
 *   since a leg being routed gets its agent a moment later;
 * - a failure (throttle, server error, timeout): not at all.
 * Writes that arrive while a DescribeContact for their leg is in flight wait for it instead of sending their own; the
 * call is aborted (and forgotten) once every write waiting for it has given up, so a hung call wedges no leg.
 * Bounded: past `maxEntries` the least recently used entry goes. No I/O here: the caller passes how to describe.
 */
import type { Contact } from '@aws-sdk/client-connect';
import { checkOwnership, type Ownership } from './ownership.ts';

/** One caller's question on one leg. */
export interface LegQuestion {
  /** The caller's Connect user id. */
  userId: string;
  instanceId: string;
  /** The leg. */
  contactId: string;
  /** The chain the write addresses. */
  initialContactId: string;
}

/** The decision on a leg: checkOwnership's, or no such contact. */
export type LegDecision = Ownership | { owned: false; reason: 'contact-not-found' };

/** Settings of the cache; times in ms. */
export interface OwnershipCacheOptions {
  /** How long after its end a leg can still be written. */
  windowMs: number;
  /** The clock (ms since the epoch); default Date.now. */
  now?: () => number;
  /** How long an ongoing leg (or one in after-contact work) is remembered as owned; default 60,000. */
  liveTtlMs?: number;
  /** How long a refusal is remembered; default 5,000. */
  refusalTtlMs?: number;
  /** The most legs remembered; default 10,000. */
  maxEntries?: number;
}

/** What the cache saw, for tests and benchmarks. */
export interface OwnershipCacheStats {
  /** Decisions answered from memory or by joining a call in flight. */
  hits: number;
  /** Calls to `describe`. */
  describes: number;
  /** Entries dropped to stay within `maxEntries`. */
  evictions: number;
}

/** The cache. */
export interface OwnershipCache {
  /**
   * The decision on `question`'s leg: remembered, joined in flight, or judged on `describe`'s answer (undefined: no
   * such contact). `describe`'s rejection passes on to every waiter and is not remembered. `signal` ends this
   * caller's wait (rejecting with its reason); `describe`'s own signal aborts when no caller waits any more.
   */
  decide(
    question: LegQuestion,
    describe: (signal: AbortSignal) => Promise<Contact | undefined>,
    signal?: AbortSignal,
  ): Promise<LegDecision>;
  readonly size: number;
  readonly stats: Readonly<OwnershipCacheStats>;
}

interface Entry {
  decision: LegDecision;
  expiresAtMs: number;
}

/** A DescribeContact in flight and how many callers wait for it (one without a signal waits for good). */
interface Flight {
  decision: Promise<LegDecision>;
  controller: AbortController;
  waiters: number;
}

/** A cache with the given settings. */
export function createOwnershipCache(options: OwnershipCacheOptions): OwnershipCache {
  const { windowMs, now = Date.now, liveTtlMs = 60_000, refusalTtlMs = 5_000, maxEntries = 10_000 } = options;
  for (const [name, value] of Object.entries({ windowMs, liveTtlMs, refusalTtlMs, maxEntries })) {
    if (!Number.isFinite(value) || value < 0) throw new TypeError(`ownership cache: ${name} must be 0 or more`);
  }
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Flight>();
  const stats: OwnershipCacheStats = { hits: 0, describes: 0, evictions: 0 };

  const expiry = (decision: LegDecision, atMs: number): number => {
    if (!decision.owned) return atMs + refusalTtlMs;
    if (decision.state === 'recently-ended') return decision.holdsUntilMs;
    return Math.min(atMs + liveTtlMs, decision.holdsUntilMs);
  };

  const remember = (key: string, decision: LegDecision, atMs: number): void => {
    const expiresAtMs = expiry(decision, atMs);
    if (expiresAtMs <= atMs || maxEntries === 0) return;
    entries.delete(key);
    entries.set(key, { decision, expiresAtMs });
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
      stats.evictions += 1;
    }
  };

  const fly = (
    key: string,
    question: LegQuestion,
    describe: (signal: AbortSignal) => Promise<Contact | undefined>,
  ): Flight => {
    stats.describes += 1;
    const controller = new AbortController();
    const decision = (async (): Promise<LegDecision> => {
      const contact = await describe(controller.signal);
      const atMs = now();
      const judged: LegDecision = contact
        ? checkOwnership(contact, { ...question, nowMs: atMs, windowMs })
        : { owned: false, reason: 'contact-not-found' };
      remember(key, judged, atMs);
      return judged;
    })();
    const flight: Flight = { decision, controller, waiters: 0 };
    inFlight.set(key, flight);
    const landed = (): void => {
      if (inFlight.get(key) === flight) inFlight.delete(key);
    };
    decision.then(landed, landed);
    return flight;
  };

  const join = (key: string, flight: Flight, signal: AbortSignal | undefined): Promise<LegDecision> => {
    flight.waiters += 1;
    if (!signal) return flight.decision;
    return new Promise((resolve, reject) => {
      const leave = (): void => {
        flight.waiters -= 1;
        if (flight.waiters === 0) {
          if (inFlight.get(key) === flight) inFlight.delete(key);
          flight.controller.abort(signal.reason);
        }
        reject(signal.reason as Error);
      };
      if (signal.aborted) {
        leave();
        return;
      }
      signal.addEventListener('abort', leave, { once: true });
      void flight.decision.then(resolve, reject).finally(() => {
        signal.removeEventListener('abort', leave);
      });
    });
  };

  return {
    async decide(question, describe, signal) {
      // JSON, not a separator: ids from the request cannot make two questions share a key.
      const key = JSON.stringify([question.userId, question.instanceId, question.contactId, question.initialContactId]);
      const entry = entries.get(key);
      if (entry) {
        if (entry.expiresAtMs > now()) {
          // Most recently used goes last, so eviction takes the least recently used first.
          entries.delete(key);
          entries.set(key, entry);
          stats.hits += 1;
          return entry.decision;
        }
        entries.delete(key);
      }
      const pending = inFlight.get(key);
      if (pending) stats.hits += 1;
      return join(key, pending ?? fly(key, question, describe), signal);
    },
    get size() {
      return entries.size;
    },
    get stats() {
      return { ...stats };
    },
  };
}

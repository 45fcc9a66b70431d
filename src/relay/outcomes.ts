/**
 * What became of a write after the relay answered 202 (queued mode): the worker records an outcome for every message it
 * settles (landed, refused, failed, dead letter), and the caller's browser reads its own back with
 * `GET /contact/attributes/outcomes?since=<ms>` (src/relay/outcomes-route.ts), so nothing fails in silence after 202.
 * The shapes are the ones the queue's helpers agreed on; the DynamoDB store lives in src/relay/outcomes-dynamodb.ts.
 */

/** One settled write. Attribute keys only, never values. */
export interface WriteOutcome {
  /** The caller's token subject (partition). */
  sub: string;
  writeId: string;
  /** The relay request id given at accept. */
  requestId: string;
  instanceId: string;
  initialContactId: string;
  contactId: string;
  /** Attribute keys, never values. */
  keys: string[];
  state: 'landed' | 'refused' | 'failed' | 'dead-letter';
  /** HTTP-like status (200 landed, 403 refused, 400 over budget, 404 unknown contact, ...). */
  status: number;
  /** Connect/relay error type, e.g. ResourceNotFoundException. */
  errorType?: string;
  message?: string;
  /** ms since the epoch. */
  at: number;
}

/** Where outcomes are kept. */
export interface OutcomeStore {
  record(outcome: WriteOutcome): Promise<void>;
  /** The caller's only, oldest first, from `sinceMs` (inclusive). */
  recent(sub: string, sinceMs: number): Promise<WriteOutcome[]>;
}

/** Settings of the in-memory store. */
export interface MemoryOutcomeStoreOptions {
  /** How long an outcome is kept (ms); default 86,400,000 (a day, as the DynamoDB store's time to live). */
  retentionMs?: number;
  /** The most outcomes kept, every caller together (the oldest go first); default 10,000. */
  maxOutcomes?: number;
  /** The clock (ms since the epoch); default Date.now. */
  now?: () => number;
}

/**
 * An in-memory store, for tests and a relay and worker sharing one process. Bounded by age and count; lost when the
 * process ends (a deployment with more than one process uses the DynamoDB store).
 */
export function createMemoryOutcomeStore(options: MemoryOutcomeStoreOptions = {}): OutcomeStore {
  const { retentionMs = 86_400_000, maxOutcomes = 10_000, now = Date.now } = options;
  if (!(Number.isFinite(retentionMs) && retentionMs > 0))
    throw new TypeError('outcome store: retentionMs must be above 0');
  if (!(Number.isInteger(maxOutcomes) && maxOutcomes > 0))
    throw new TypeError('outcome store: maxOutcomes must be a whole number above 0');
  /** Oldest first. */
  const all: WriteOutcome[] = [];

  const prune = (): void => {
    const oldest = now() - retentionMs;
    let drop = 0;
    while (drop < all.length && ((all[drop]?.at ?? 0) < oldest || all.length - drop > maxOutcomes)) drop += 1;
    all.splice(0, drop);
  };

  return {
    record(outcome) {
      const copy = structuredClone(outcome);
      // Usually the newest: look for its place from the end.
      let index = all.length;
      while (index > 0 && (all[index - 1]?.at ?? 0) > copy.at) index -= 1;
      all.splice(index, 0, copy);
      prune();
      return Promise.resolve();
    },
    recent(sub, sinceMs) {
      prune();
      return Promise.resolve(
        all
          .filter((outcome) => outcome.sub === sub && outcome.at >= sinceMs)
          .map((outcome) => structuredClone(outcome)),
      );
    },
  };
}

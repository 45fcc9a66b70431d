/** The durable outbox: coalescing, pacing, retries, persistence and one flusher across tabs. */
export { Outbox, createOutbox } from './outbox.ts';
export type { OutboxPart, OutboxWriteOptions } from './queue.ts';
export { DEFAULT_BACKOFF, DEFAULT_FAILURE_TTL_MS, DEFAULT_MAX_FAILURES, DEFAULT_OUTCOME_POLLING } from './options.ts';
export type {
  OutboxOptions,
  OutboxSender,
  SendOptions,
  OutcomeReader,
  OutcomeFeed,
  OutcomeFeedHandle,
  OutcomeFeedListener,
  OutcomeFeedState,
  OutcomePolling,
  WriteOutcomeReport,
  UpdatingClient,
  OutboxClock,
  LockManagerLike,
} from './options.ts';
export type {
  OutboxState,
  OutboxEventMap,
  LandedEvent,
  AcceptedEvent,
  FailedEvent,
  ExpiredEvent,
  SupersededEvent,
  DroppedEvent,
} from './events.ts';
export type { ContactStatus, ContactStatusState } from './status.ts';
export { contactKeyOf, fromStoredError } from './entry.ts';
export * from './types.ts';
export { MemoryOutboxStore } from './memory-store.ts';
export { IdbOutboxStore, openIdbOutboxStore, DEFAULT_OUTBOX_DB, OUTBOX_DB_VERSION } from './idb-store.ts';
export { TokenBucket, backoffDelay, backoffCeiling, type BackoffOptions, type Jitter } from './pacing.ts';
export { Emitter, type Subscribable } from './emitter.ts';

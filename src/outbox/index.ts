/** The durable outbox: coalescing, pacing, retries, persistence and one flusher across tabs. */
export * from './outbox.ts';
export * from './types.ts';
export { MemoryOutboxStore } from './memory-store.ts';
export { IdbOutboxStore, openIdbOutboxStore, DEFAULT_OUTBOX_DB } from './idb-store.ts';
export { TokenBucket, backoffDelay, type BackoffOptions } from './pacing.ts';
export { Emitter, type Subscribable } from './emitter.ts';

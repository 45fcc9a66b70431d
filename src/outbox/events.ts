/** What the outbox tells its listeners: its state and its events. */
import type { AttributesError } from '../errors.ts';
import type { Attributes } from '../validate.ts';
import type { ContactRef } from '../writer.ts';
import type { ContactStatus } from './status.ts';
import type { OutboxEntry } from './types.ts';

/** A snapshot of the whole outbox. */
export interface OutboxState {
  /** Contacts with writes not yet landed (the agent's: see `Outbox.setAgent`). */
  pending: number;
  /** The agent's kept failures (non-retryable errors), across contacts. */
  failed: number;
  /**
   * The agent's requests a queued relay accepted whose outcome is not known yet (durable at the relay, not yet
   * stored by Amazon Connect), across contacts.
   */
  accepted: number;
  /** True while this tab is the one that sends. */
  flusher: boolean;
  /** Status per contact that has pending writes or kept failures. */
  contacts: ReadonlyMap<string, ContactStatus>;
  /** The most recent error of any attempt. */
  lastError: AttributesError | undefined;
}

/** A request that landed: Amazon Connect stored these attributes. */
export interface LandedEvent {
  contact: ContactRef;
  attributes: Attributes;
  /** Set when a queued relay had accepted the request: the WriteId its `accepted` event and receipt gave. */
  writeId?: string | undefined;
}

/**
 * A request a queued relay accepted (HTTP 202): the values are durable at the relay and a worker writes them to
 * Amazon Connect shortly. The outcome follows as a `landed` event, or a `failed` one (its entry's `accepted` set).
 */
export interface AcceptedEvent {
  contact: ContactRef;
  attributes: Attributes;
  writeId: string;
  requestId?: string | undefined;
}

/**
 * A request that failed for good: the entry is kept (see `failures()`), until retried, discarded or superseded. When
 * a queued relay had accepted it, `entry.accepted` says so: the refusal came after the write() promise resolved.
 */
export interface FailedEvent {
  entry: OutboxEntry;
  error: AttributesError;
}

/** Queued values dropped because they were not sent within `maxAgeMs` (the entry holds only those values). */
export interface ExpiredEvent {
  entry: OutboxEntry;
}

/**
 * A kept failure removed because newer values of every one of its keys landed since (e.g. the agent fixed the value
 * and saved again): what it would have written is obsolete.
 */
export interface SupersededEvent {
  entry: OutboxEntry;
}

/**
 * A kept failure removed without the agent asking: older than `failureTtlMs` (`expired`), or the oldest beyond the
 * agent's `maxFailures` (`cap`). Its values were never stored by Amazon Connect.
 */
export interface DroppedEvent {
  entry: OutboxEntry;
  reason: 'expired' | 'cap';
}

/** Events of the outbox; each tells only of the entries of the agent named in this tab. */
export interface OutboxEventMap {
  change: OutboxState;
  status: ContactStatus;
  landed: LandedEvent;
  accepted: AcceptedEvent;
  failed: FailedEvent;
  expired: ExpiredEvent;
  superseded: SupersededEvent;
  dropped: DroppedEvent;
  /** Storage failures, a throwing progress callback, and other unexpected errors. */
  error: Error;
}

/** The write path every part of the plugin saves through: the direct client or the durable outbox. */
import type { AttributesError } from './errors.ts';
import type { Attributes } from './validate.ts';

/** The contact a write is for: the ids UpdateContactAttributes needs. */
export interface ContactRef {
  contactId: string;
  initialContactId: string;
  instanceId: string;
  /** The AWS region of the instance, when known: the outbox keeps it with the queued write, so it is sent there. */
  region?: string | undefined;
}

/** Who asked for a write. */
export type WriteOrigin = 'agent' | 'rule';

/** Progress of a write that has not landed yet. */
export interface WriteProgress {
  /** queued: waiting to be sent; sending: on the wire; waiting: will retry after a retryable error. */
  state: 'queued' | 'sending' | 'waiting';
  /** The retryable error that caused a wait. */
  error?: AttributesError;
  /** When the next attempt is due (ms since the epoch), while waiting. */
  retryAt?: number;
}

export interface WriteOptions {
  origin?: WriteOrigin;
  /** Abandons the write (rejects with an AbortError) if it has not been sent. */
  signal?: AbortSignal;
  /** What is known to be stored, so the byte budget is checked on the merged result. */
  stored?: Readonly<Attributes>;
  /** Called on each change of progress until the promise settles. */
  onProgress?: (progress: WriteProgress) => void;
}

/**
 * How a write settled. `landed`: Amazon Connect stored the attributes. `accepted`: a relay in queued mode accepted
 * them (HTTP 202): they are durable there and a worker writes them to Amazon Connect shortly; the outbox learns the
 * outcome from the relay, and a refusal then becomes a kept failure (its `failed` event) rather than a rejection.
 */
export type WriteReceipt =
  | { readonly state: 'landed' }
  | {
      readonly state: 'accepted';
      /** The id the relay knows the request by (its outcome is reported under it). */
      readonly writeId: string;
      /** The relay's request id, when it gave one (its audit line carries it). */
      readonly requestId?: string | undefined;
    };

/**
 * Saves attributes; resolves once they are stored by Amazon Connect (or accepted by a queued relay: the receipt says
 * which; writers made before receipts resolve with nothing, which means landed), rejects with an AttributesError.
 */
export interface AttributeWriter {
  // Writers written before receipts resolve with nothing: `void` keeps them valid.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
  write(contact: ContactRef, attributes: Readonly<Attributes>, options?: WriteOptions): Promise<WriteReceipt | void>;
}

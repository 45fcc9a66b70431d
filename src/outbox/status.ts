/** Where one contact's writes stand, derived in one place from the entries (pure, tested in Node). */
import type { AttributesError } from '../errors.ts';
import type { ContactRef, WriteProgress } from '../writer.ts';
import { fromStoredError } from './entry.ts';
import type { OutboxEntry } from './types.ts';

/**
 * Where a contact's writes stand. `accepted`: nothing is left to send and a queued relay holds requests whose outcome
 * is not known yet (durable there, not yet stored by Amazon Connect).
 */
export type ContactStatusState = 'idle' | 'queued' | 'sending' | 'waiting' | 'failed' | 'accepted';

/** The status of one contact's writes. */
export interface ContactStatus {
  contactKey: string;
  contact: ContactRef;
  state: ContactStatusState;
  /** Attribute keys waiting to be sent. */
  pendingKeys: number;
  /** Kept failures of this contact. */
  failed: number;
  /** Requests of this contact a queued relay accepted whose outcome is not known yet. */
  accepted: number;
  /** Failed attempts since the last success. */
  attempts: number;
  /** The last error (retryable while waiting, non-retryable when failed). */
  error: AttributesError | undefined;
  /** When the next attempt is due, while waiting (ms since the epoch). */
  retryAt: number | undefined;
}

/**
 * The status of a contact from its live entry, its kept failures (oldest first), whether a request of it is on the
 * wire and its accepted requests awaiting an outcome; undefined when the outbox holds nothing of it.
 */
export function contactStatus(
  contactKey: string,
  live: OutboxEntry | undefined,
  failures: readonly OutboxEntry[],
  sending: boolean,
  now: number,
  accepted: readonly OutboxEntry[] = [],
): ContactStatus | undefined {
  const lastFailure = failures.at(-1);
  const contact = live?.contact ?? lastFailure?.contact ?? accepted.at(-1)?.contact;
  if (!contact) return undefined;
  const pendingKeys = live ? Object.keys(live.attributes).length : 0;
  let state: ContactStatusState;
  if (sending) state = 'sending';
  else if (live && pendingKeys > 0) state = live.notBefore > now ? 'waiting' : 'queued';
  else if (failures.length > 0) state = 'failed';
  else if (accepted.length > 0) state = 'accepted';
  else state = 'idle';
  const stored = state === 'failed' ? lastFailure?.lastError : live?.lastError;
  return {
    contactKey,
    contact,
    state,
    pendingKeys,
    failed: failures.length,
    accepted: accepted.length,
    attempts: live?.attempts ?? 0,
    error: stored ? fromStoredError(stored) : undefined,
    retryAt: state === 'waiting' ? live?.notBefore : undefined,
  };
}

/** The status a contact reports once the outbox holds nothing of it any more. */
export function idleStatus(previous: ContactStatus): ContactStatus {
  return {
    ...previous,
    state: 'idle',
    pendingKeys: 0,
    failed: 0,
    accepted: 0,
    attempts: 0,
    error: undefined,
    retryAt: undefined,
  };
}

/** True when nothing a listener sees changed between two statuses of a contact. */
export function sameStatus(a: ContactStatus | undefined, b: ContactStatus): boolean {
  return (
    a !== undefined &&
    a.state === b.state &&
    a.pendingKeys === b.pendingKeys &&
    a.failed === b.failed &&
    a.accepted === b.accepted &&
    a.attempts === b.attempts &&
    a.retryAt === b.retryAt
  );
}

/** What a waiting write() is told of a status: its progress, or undefined once it is neither queued, sending nor waiting. */
export function progressOf(status: ContactStatus): WriteProgress | undefined {
  if (status.state !== 'queued' && status.state !== 'sending' && status.state !== 'waiting') return undefined;
  const progress: WriteProgress = { state: status.state };
  if (status.state === 'waiting') {
    if (status.error) progress.error = status.error;
    if (status.retryAt !== undefined) progress.retryAt = status.retryAt;
  }
  return progress;
}

/** The statuses last told per contact, so a listener hears only of changes. */
export class StatusBoard {
  readonly #told = new Map<string, ContactStatus>();

  /** The contact's status to tell now (its current one, or idle once the outbox holds nothing of it), if it changed. */
  change(contactKey: string, current: ContactStatus | undefined): ContactStatus | undefined {
    const previous = this.#told.get(contactKey);
    const status = current ?? (previous && idleStatus(previous));
    if (!status || sameStatus(previous, status)) return undefined;
    if (status.state === 'idle') this.#told.delete(contactKey);
    else this.#told.set(contactKey, status);
    return status;
  }
}

/**
 * One request of one entry, start to end: send the values the entry holds within the attempt's deadline, classify the
 * outcome, and record it in the store in one transaction per entry touched. It returns what changed; the Outbox
 * applies that to its mirror, tells the other tabs and settles the waiters.
 */
import { orAbort } from '../deadline.ts';
import { classifyFailure, isAttributesError, toAttributesError, type AttributesError } from '../errors.ts';
import type { Attributes } from '../validate.ts';
import type { WriteReceipt } from '../writer.ts';
import {
  acceptedId,
  contactKeyOfLive,
  failureId,
  own,
  pick,
  toStoredError,
  withoutSent,
  type Revisions,
} from './entry.ts';
import type { Settings } from './options.ts';
import { backoffDelay } from './pacing.ts';
import type { AcceptedWrite, OutboxEntry, OutboxStore } from './types.ts';
import { writeIdOf } from './write-id.ts';

/** A change of one stored entry (null: deleted) at a store revision. */
export interface Change {
  id: string;
  contactKey: string;
  entry: OutboxEntry | null;
  revision: number;
}

/** What a request's values were: the attributes sent and the revision of each. */
export interface Sent {
  attributes: Attributes;
  revisions: Revisions;
}

/** How a request ended, and the store changes recorded for it. */
export type FlightResult =
  | { type: 'landed'; sent: Sent; changes: Change[] }
  /** A queued relay accepted it: the values moved to an accepted entry awaiting the outcome. */
  | { type: 'accepted'; sent: Sent; accepted: OutboxEntry & { accepted: AcceptedWrite }; changes: Change[] }
  | { type: 'retry'; error: AttributesError; retryAt: number; changes: Change[] }
  | { type: 'failed'; error: AttributesError; kept: OutboxEntry; changes: Change[] }
  /** The outbox closed while the request was out: nothing is recorded, the entry stays queued in the store. */
  | { type: 'aborted' };

/** What the values of `entry` are, as one request carries them. */
export function sentOf(entry: OutboxEntry): Sent {
  const { attributes, revisions } = pick(entry, Object.keys(entry.attributes));
  return { attributes, revisions };
}

/**
 * Whether an error is worth another attempt: retryable kinds, and an `auth` refusal while the refusals before it
 * (`authRefusals`, not the other failed attempts) are fewer than `authRetries`.
 */
export function shouldRetry(error: AttributesError, authRefusals: number, authRetries: number): boolean {
  return error.retryable || (error.kind === 'auth' && authRefusals < authRetries);
}

/**
 * Sends `entry`'s values and records the outcome (see FlightResult); `answered` is called when the answer came, with
 * its error (undefined: the values landed, or were accepted as the receipt says), before the outcome is recorded.
 */
export async function fly(
  entry: OutboxEntry,
  sent: Sent,
  signal: AbortSignal,
  settings: Settings,
  answered: (error: AttributesError | undefined, receipt: WriteReceipt | undefined) => void,
): Promise<FlightResult> {
  let error: AttributesError | undefined;
  let receipt: WriteReceipt | undefined;
  const writeId = await writeIdOf(entry, sent.revisions);
  const attempt = deadline(signal, settings);
  try {
    // Raced with the attempt's signal: a sender that ignores it still ends at the deadline.
    const sending = settings.sender(entry.contact, sent.attributes, { signal: attempt.signal, writeId });
    receipt = (await orAbort(sending, attempt.signal)) || undefined;
  } catch (thrown) {
    if (signal.aborted) return { type: 'aborted' };
    // At the deadline: a retryable network error. The request may have landed, or may still land: its values are
    // sent again after the backoff, as after an ambiguous failure.
    if (attempt.timedOut()) error = classifyFailure({ cause: attempt.signal.reason });
    else error = isAttributesError(thrown) ? thrown : toAttributesError(thrown);
  } finally {
    attempt.clear();
  }
  if (signal.aborted) return { type: 'aborted' };
  answered(error, receipt);
  const { store, clock } = settings;
  const now = clock.now();
  if (!error && receipt?.state === 'accepted') {
    const { writeId: given, requestId } = receipt;
    return accept(store, entry, sent, { writeId: given, ...(requestId ? { requestId } : {}), at: now });
  }
  if (!error)
    return {
      type: 'landed',
      sent,
      changes: [await takeOut(store, entry.id, sent.revisions, now, true)].flatMap((c) => c ?? []),
    };
  if (shouldRetry(error, entry.authRefusals ?? 0, settings.authRetries))
    return retry(store, entry.id, sent.revisions, error, now, settings);
  // Keep the failure first, then take its values out of the live entry: a crash in between duplicates, never loses.
  const id = failureId(entry.contactKey, entry.revision);
  const put = await store.update(id, (_, revision) => ({
    ...entry,
    ...pick(entry, Object.keys(sent.attributes)),
    id,
    revision,
    attempts: entry.attempts + 1,
    lastError: toStoredError(error),
    updatedAt: now,
    failed: true,
  }));
  const kept = put.entry;
  if (!kept) throw new Error('Outbox: the store did not keep the failed entry.');
  const changes: Change[] = [{ id, contactKey: entry.contactKey, entry: kept, revision: put.revision }];
  const live = await takeOut(store, entry.id, sent.revisions, now);
  if (live) changes.push(live);
  return { type: 'failed', error, kept, changes };
}

/**
 * Records a request a queued relay accepted: its values go to an accepted entry (kept until the relay reports the
 * outcome), then out of the live entry, without a landing. A crash in between leaves them in both: sent again with
 * the same WriteId, the relay drops the copy.
 */
async function accept(
  store: OutboxStore,
  entry: OutboxEntry,
  sent: Sent,
  accepted: AcceptedWrite,
): Promise<FlightResult> {
  const id = acceptedId(entry.contactKey, entry.revision);
  const now = accepted.at;
  const put = await store.update(id, (_, revision) => ({
    ...entry,
    ...pick(entry, Object.keys(sent.attributes)),
    id,
    revision,
    attempts: 0,
    authRefusals: undefined,
    maybeStored: undefined,
    lastError: undefined,
    updatedAt: now,
    failed: false,
    accepted,
  }));
  const kept = put.entry;
  if (!kept?.accepted) throw new Error('Outbox: the store did not keep the accepted entry.');
  const changes: Change[] = [{ id, contactKey: entry.contactKey, entry: kept, revision: put.revision }];
  const live = await takeOut(store, entry.id, sent.revisions, now);
  if (live) changes.push(live);
  return { type: 'accepted', sent, accepted: { ...kept, accepted: kept.accepted }, changes };
}

/**
 * The signal of one attempt: aborted when the outbox aborts `outer` (it closes), or at `requestTimeoutMs` on the
 * outbox's clock with a TimeoutError. `clear` stops the timer once the attempt ended.
 */
function deadline(
  outer: AbortSignal,
  { clock, requestTimeoutMs }: Settings,
): { signal: AbortSignal; timedOut(): boolean; clear(): void } {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(outer.reason);
  if (outer.aborted) onAbort();
  else outer.addEventListener('abort', onAbort, { once: true });
  const timer = clock.setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`No answer within ${requestTimeoutMs} ms.`, 'TimeoutError'));
  }, requestTimeoutMs);
  return {
    signal: controller.signal,
    timedOut: () => timedOut && !outer.aborted,
    clear: () => {
      clock.clearTimeout(timer);
      outer.removeEventListener('abort', onAbort);
    },
  };
}

/**
 * Takes values (at the given revisions) out of a contact's live entry; newer values of the same keys stay. With
 * `reset` (after a request's outcome) the entry's attempts and backoff are cleared too; without it (an aborted
 * write) nothing is written unless a value was taken out. With `landed` (they landed), the contact's landed record
 * takes their revisions in the same transaction.
 */
export async function takeOut(
  store: OutboxStore,
  id: string,
  revisions: Readonly<Revisions>,
  reset?: number,
  landed = false,
): Promise<Change | undefined> {
  const contactKey = contactKeyOfLive(id);
  const record = landed ? { contactKey, revisions: { ...revisions }, at: reset ?? 0 } : undefined;
  let changed = false as boolean; // set inside the transaction
  const result = await store.update(
    id,
    (current, revision) => {
      if (!current) {
        // Gone from the store (a tab that closed right after its own request landed removed it): drop the copy too.
        changed = true;
        return null;
      }
      const next = withoutSent(current, revisions, revision, reset);
      changed =
        reset !== undefined ||
        next === null ||
        Object.keys(next.attributes).length < Object.keys(current.attributes).length;
      return changed ? next : undefined;
    },
    { landed: record },
  );
  return changed ? { id, contactKey, entry: result.entry ?? null, revision: result.revision } : undefined;
}

/**
 * True when a failed request may still have been processed: a server error or a network failure (no answer, a
 * dropped connection, a request given up) can come after UpdateContactAttributes stored the values. A refusal or a
 * 429 answers a request that was not processed.
 */
function mayHaveStored(error: AttributesError): boolean {
  return error.kind === 'server' || error.kind === 'network';
}

/** The revisions of `sent` still queued in `entry` (not replaced by newer values since). */
function stillQueued(entry: OutboxEntry, sent: Readonly<Revisions>): Revisions {
  return Object.fromEntries(Object.entries(sent).filter(([key, revision]) => own(entry.revisions, key) === revision));
}

/**
 * Records that a request carried `sent` and got no answer before the outbox closed: aborting the fetch does not undo
 * what the service may already have done, so the values still queued may be stored (`maybeStored`: an abort no
 * longer takes them back). Nothing else changes: they stay queued for the next flusher.
 */
export async function recordUnanswered(
  store: OutboxStore,
  id: string,
  sent: Readonly<Revisions>,
): Promise<Change | undefined> {
  let changed = false as boolean; // set inside the transaction
  const result = await store.update(id, (current, revision) => {
    const carried = current && stillQueued(current, sent);
    if (!current || !carried || Object.keys(carried).length === 0) return undefined;
    changed = true;
    return { ...current, revision, maybeStored: { ...current.maybeStored, ...carried } };
  });
  const contactKey = contactKeyOfLive(id);
  return changed ? { id, contactKey, entry: result.entry ?? null, revision: result.revision } : undefined;
}

/** Schedules the next attempt with backoff; the previous delay (for decorrelated jitter) is the last retry's wait. */
async function retry(
  store: OutboxStore,
  id: string,
  sent: Readonly<Revisions>,
  error: AttributesError,
  now: number,
  settings: Settings,
): Promise<FlightResult> {
  let retryAt = now;
  let changed = false as boolean; // set inside the transaction
  const result = await store.update(id, (current, revision) => {
    changed = true;
    if (!current) return null; // gone from the store: drop the copy too
    const attempts = current.attempts + 1;
    const authRefusals = (current.authRefusals ?? 0) + (error.kind === 'auth' ? 1 : 0);
    const previous = current.attempts > 0 ? current.notBefore - current.updatedAt : undefined;
    retryAt = now + backoffDelay(attempts, settings.backoff, settings.random, previous);
    const lastError = toStoredError(error);
    const maybeStored = mayHaveStored(error) ? { ...current.maybeStored, ...stillQueued(current, sent) } : undefined;
    return {
      ...current,
      ...(maybeStored ? { maybeStored } : {}),
      revision,
      attempts,
      authRefusals,
      lastError,
      updatedAt: now,
      notBefore: retryAt,
    };
  });
  const changes = changed
    ? [{ id, contactKey: contactKeyOfLive(id), entry: result.entry ?? null, revision: result.revision }]
    : [];
  return { type: 'retry', error, retryAt, changes };
}

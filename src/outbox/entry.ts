/**
 * Pure logic over outbox entries, apart from any I/O so it is tested in Node: merging the parts of a write, what
 * stays queued after a request, supersession, due times and expiry. Attribute keys are user-given and `__proto__`,
 * `constructor` or `toString` are valid ones: records here are only read with `own` and built with
 * `Object.fromEntries` (which defines own properties), never with `record[key] = value`.
 */
import { AttributesError, validationError } from '../errors.ts';
import { checkUpdate, type Attributes } from '../validate.ts';
import type { ContactRef, WriteOrigin } from '../writer.ts';
import type { OutboxEntry, StoredError } from './types.ts';

/** Per attribute key, a store revision. */
export type Revisions = Record<string, number>;

/** The own value of `key`, never an inherited one. */
export function own<T>(record: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return record !== undefined && Object.hasOwn(record, key) ? record[key] : undefined;
}

/** The live entry id of a contact. */
export function contactKeyOf(contact: ContactRef): string {
  return `${contact.instanceId}/${contact.initialContactId}`;
}

/** Separates a live entry's contact from its agent in the entry's id. */
const AGENT_MARK = '#agent:';

/** The id of `agent`'s live entry of a contact (`agent` undefined: a write queued before the host named the agent). */
export function liveId(contactKey: string, agent: string | undefined): string {
  return agent === undefined ? contactKey : `${contactKey}${AGENT_MARK}${agent}`;
}

/** The contact of a live entry's id (see `liveId`). */
export function contactKeyOfLive(id: string): string {
  const mark = id.lastIndexOf(AGENT_MARK);
  return mark < 0 ? id : id.slice(0, mark);
}

/** True when `agent` owns `entry`: the agent named in this tab wrote it (before naming: an entry nobody owns). */
export function ownedBy(entry: Pick<OutboxEntry, 'agent'>, agent: string | undefined): boolean {
  return entry.agent === agent;
}

/** The id of a kept failure: unique, since a store revision is. */
export function failureId(contactKey: string, revision: number): string {
  return `${contactKey}#failed:${revision}`;
}

/** The id of a request a queued relay accepted, awaiting its outcome: unique, since a store revision is. */
export function acceptedId(contactKey: string, revision: number): string {
  return `${contactKey}#accepted:${revision}`;
}

/** The revision that set the current value of `key` (0 when unknown). */
export function revisionOf(entry: OutboxEntry, key: string): number {
  return own(entry.revisions, key) ?? 0;
}

/** When the current value of `key` was queued (entries stored without per-key times use `createdAt`). */
export function queuedAtOf(entry: OutboxEntry, key: string): number {
  return own(entry.queuedAt, key) ?? entry.createdAt;
}

/** The part of `entry` holding only `keys`. */
export function pick(
  entry: OutboxEntry,
  keys: readonly string[],
): Pick<OutboxEntry, 'attributes' | 'revisions' | 'queuedAt'> {
  const wanted = new Set(keys);
  return {
    attributes: Object.fromEntries(Object.entries(entry.attributes).filter(([key]) => wanted.has(key))),
    revisions: Object.fromEntries(keys.map((key) => [key, revisionOf(entry, key)])),
    queuedAt: Object.fromEntries(keys.map((key) => [key, queuedAtOf(entry, key)])),
  };
}

/** True when the value of `key` in `entry` is the one `sent` carried (same revision). */
function wasSent(entry: OutboxEntry, sent: Readonly<Revisions>, key: string): boolean {
  return own(sent, key) === revisionOf(entry, key);
}

/**
 * The live entry once the keys a request carried (at their sent revision) are taken out, or `null` when nothing is
 * left. Values written since the request read the entry have another revision and stay. `reset` (the time the
 * request settled) also clears the attempts and the backoff: it is given after a request's outcome, not on an abort.
 */
export function withoutSent(
  current: OutboxEntry,
  sent: Readonly<Revisions>,
  revision: number,
  reset?: number,
): OutboxEntry | null {
  const keys = Object.keys(current.attributes).filter((key) => !wasSent(current, sent, key));
  if (keys.length === 0) return null;
  const next: OutboxEntry = { ...current, ...pick(current, keys), revision };
  if (reset === undefined) return next;
  return {
    ...next,
    attempts: 0,
    authRefusals: undefined,
    maybeStored: undefined,
    lastError: undefined,
    createdAt: reset,
    updatedAt: reset,
    notBefore: 0,
  };
}

/**
 * True when every key of `entry` (a kept failure) landed since, at its own revision or a newer one (`landed`: per
 * key, the highest landed revision). The same revision lands when a tab closed between keeping a failure and taking
 * its values out of the queue, and the queued copy was sent again: what the failure would write is then stored.
 */
export function isSuperseded(entry: OutboxEntry, landed: Readonly<Revisions>): boolean {
  const keys = Object.keys(entry.attributes);
  return keys.length > 0 && keys.every((key) => (own(landed, key) ?? 0) >= revisionOf(entry, key));
}

/** True when every key of `wanted` landed at (or after) its revision. */
export function covers(landed: Readonly<Revisions>, wanted: Readonly<Revisions>): boolean {
  return Object.entries(wanted).every(([key, revision]) => (own(landed, key) ?? 0) >= revision);
}

/** True when any key of `entry` is at or after the revision `wanted` waits for (the entry holds that write). */
export function holdsAny(entry: Pick<OutboxEntry, 'revisions'>, wanted: Readonly<Revisions>): boolean {
  return Object.entries(wanted).some(([key, revision]) => (own(entry.revisions, key) ?? 0) >= revision);
}

/** Settings of a merge. */
export interface MergeContext {
  contact: ContactRef;
  /** Who writes (see `OutboxEntry.agent`). */
  agent?: string | undefined;
  origin: WriteOrigin;
  /** The store revision of this transaction. */
  revision: number;
  now: number;
  /** What is stored for the contact, when known: the byte budget is counted on it plus everything pending. */
  stored: Readonly<Attributes> | undefined;
  /** Markers of parts already fired: those parts are left out. */
  fired: ReadonlySet<string>;
  debounceMs: number;
  maxDebounceMs: number;
  /** The nonce of a live entry this merge creates (see write-id.ts); an existing entry keeps its own. */
  writeNonce?: string | undefined;
}

/** One part of a write: its attributes and its fired marker. */
export interface MergePart {
  attributes: Readonly<Attributes>;
  once?: string | undefined;
}

/** What a merge decided: the new live entry (undefined when no part was accepted) and each part's fate by index. */
export interface MergeResult {
  entry: OutboxEntry | undefined;
  accepted: ReadonlySet<number>;
  refused: ReadonlyMap<number, AttributesError>;
}

/**
 * Merges parts into a contact's live entry, in order, later values winning per key, as if written one after the
 * other. A part that would take the stored plus pending attributes over the API's byte budget is refused alone.
 */
export function mergeParts(
  current: OutboxEntry | undefined,
  parts: readonly MergePart[],
  context: MergeContext,
): MergeResult {
  const { contact, revision, now } = context;
  let attributes: Attributes = { ...current?.attributes };
  let revisions: Revisions = { ...current?.revisions };
  let queuedAt: Revisions = { ...current?.queuedAt };
  const accepted = new Set<number>();
  const refused = new Map<number, AttributesError>();
  parts.forEach((part, index) => {
    if (part.once !== undefined && context.fired.has(part.once)) return;
    const next = { ...attributes, ...part.attributes };
    const problems = checkUpdate({
      instanceId: contact.instanceId,
      initialContactId: contact.initialContactId,
      attributes: next,
      stored: context.stored,
    });
    if (problems.length > 0) {
      refused.set(index, validationError(problems));
      return;
    }
    const keys = Object.keys(part.attributes);
    attributes = next;
    revisions = { ...revisions, ...Object.fromEntries(keys.map((key) => [key, revision])) };
    queuedAt = { ...queuedAt, ...Object.fromEntries(keys.map((key) => [key, now])) };
    accepted.add(index);
  });
  if (accepted.size === 0) return { entry: undefined, accepted, refused };
  const key = contactKeyOf(contact);
  const createdAt = current?.createdAt ?? now;
  return {
    entry: {
      id: liveId(key, context.agent),
      contactKey: key,
      ...(context.agent === undefined ? {} : { agent: context.agent }),
      // The leg of the latest write: the relay checks that the agent is on the leg a request names, and an agent who
      // got the chain back after a transfer is on a later leg than the one the entry's first write was queued on.
      contact: { ...current?.contact, ...contact },
      attributes,
      revisions,
      queuedAt,
      revision,
      origin: current?.origin === 'agent' || context.origin === 'agent' ? 'agent' : 'rule',
      attempts: current?.attempts ?? 0,
      ...(current?.authRefusals ? { authRefusals: current.authRefusals } : {}),
      ...(current?.maybeStored ? { maybeStored: current.maybeStored } : {}),
      lastError: current?.lastError,
      createdAt,
      updatedAt: now,
      dueAt: dueTime(current, context.origin, now, createdAt, context.debounceMs, context.maxDebounceMs),
      notBefore: current?.notBefore ?? 0,
      failed: false,
      ...writeNonceOf(current, context.writeNonce),
    },
    accepted,
    refused,
  };
}

/** The nonce a merged live entry keeps: its own, else the one given. */
function writeNonceOf(current: OutboxEntry | undefined, given: string | undefined): { writeNonce?: string } {
  const writeNonce = current?.writeNonce ?? given;
  return writeNonce === undefined ? {} : { writeNonce };
}

/**
 * `agent`'s live entry once `unowned` (a live entry nobody owned: queued before the agent was named) is merged into
 * `current` (the agent's live entry of the same contact, if any): per key the value with the higher revision wins.
 */
export function adoptInto(
  current: OutboxEntry | undefined,
  unowned: OutboxEntry,
  agent: string,
  revision: number,
): OutboxEntry {
  const base = current ?? { ...unowned, attributes: {}, revisions: {}, queuedAt: {} };
  const taken = Object.keys(unowned.attributes).filter(
    (key) => revisionOf(unowned, key) > (own(base.revisions, key) ?? 0),
  );
  const incoming = pick(unowned, taken);
  const kept = pick(base, Object.keys(base.attributes));
  return {
    ...base,
    id: liveId(unowned.contactKey, agent),
    agent,
    attributes: { ...kept.attributes, ...incoming.attributes },
    revisions: { ...kept.revisions, ...incoming.revisions },
    queuedAt: { ...kept.queuedAt, ...incoming.queuedAt },
    revision,
    origin: base.origin === 'agent' || unowned.origin === 'agent' ? 'agent' : 'rule',
    createdAt: Math.min(base.createdAt, unowned.createdAt),
    dueAt: Math.min(base.dueAt, unowned.dueAt),
    failed: false,
  };
}

/**
 * When an entry is due after a write: at once for the agent; for a rule, after the debounce, pushed back by later
 * rule writes but never past `createdAt + maxDebounceMs`; an entry already due stays due.
 */
export function dueTime(
  current: OutboxEntry | undefined,
  origin: WriteOrigin,
  now: number,
  createdAt: number,
  debounceMs: number,
  maxDebounceMs: number,
): number {
  if (origin === 'agent') return now;
  if (!current) return now + debounceMs;
  if (current.dueAt <= now) return current.dueAt;
  return Math.min(Math.max(current.dueAt, now + debounceMs), createdAt + maxDebounceMs);
}

/** What expiry does to one live entry: what stays (null: nothing) and the expired part (undefined: nothing expired). */
export interface ExpiryResult {
  rest: OutboxEntry | null;
  expired: OutboxEntry | undefined;
}

/**
 * Expires the values of a live entry queued before `before`, except those a request in flight carries (`inFlight`,
 * the revisions it sent): that request decides their fate. Each value is judged by its own queue time, so a value
 * merged in later is never expired with older ones.
 */
export function expireKeys(
  entry: OutboxEntry,
  before: number,
  revision: number,
  inFlight: Readonly<Revisions> = {},
): ExpiryResult {
  const old = Object.keys(entry.attributes).filter(
    (key) => queuedAtOf(entry, key) < before && !wasSent(entry, inFlight, key),
  );
  if (old.length === 0) return { rest: entry, expired: undefined };
  const expired: OutboxEntry = { ...entry, ...pick(entry, old) };
  const keep = Object.keys(entry.attributes).filter((key) => !old.includes(key));
  const rest = keep.length === 0 ? null : { ...entry, ...pick(entry, keep), revision };
  return { rest, expired };
}

/** An AttributesError as plain data that survives structured cloning. */
export function toStoredError(error: AttributesError): StoredError {
  return {
    kind: error.kind,
    message: error.message,
    status: error.status,
    awsType: error.awsType,
    problems: error.problems.map((problem) => ({ ...problem })),
  };
}

/** Turns a stored error back into an AttributesError. */
export function fromStoredError(error: StoredError): AttributesError {
  return new AttributesError(error.kind, error.message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.awsType === undefined ? {} : { awsType: error.awsType }),
    ...(error.problems === undefined ? {} : { problems: error.problems }),
  });
}

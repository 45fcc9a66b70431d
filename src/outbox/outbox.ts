/**
 * The durable outbox every write goes through (issue 6): coalesces writes per contact, debounces
 * rule tags, paces requests with a token bucket, retries what can succeed later with capped
 * exponential backoff and full jitter, keeps what cannot, persists everything in an OutboxStore,
 * and lets one tab flush for all tabs of the origin (Web Locks API).
 *
 * Cross-tab protocol: the store is the truth; every tab mirrors its entries (ordered by the store
 * revision each entry carries) and learns of other tabs' changes over a BroadcastChannel named like
 * the flusher lock. Only the tab holding the lock sends.
 */
import { AttributesError, isAttributesError, toAttributesError } from '../errors.ts';
import { checkUpdate, type Attributes } from '../validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions, WriteOrigin, WriteProgress } from '../writer.ts';
import { Emitter, type Subscribable } from './emitter.ts';
import { TokenBucket, backoffDelay, type BackoffOptions } from './pacing.ts';
import type { OutboxEntry, OutboxStore, StoredError, StoreUpdateResult } from './types.ts';

/** Sends one merged request; the default calls `AttributesClient.update`. Must reject with (or with something convertible to) an AttributesError. */
export type OutboxSender = (
  contact: ContactRef,
  attributes: Readonly<Attributes>,
  options: { signal: AbortSignal; stored?: Readonly<Attributes> },
) => Promise<void>;

/** The part of AttributesClient the outbox uses (create the client with `maxAttempts: 1`: the outbox retries). */
export interface UpdatingClient {
  update(
    instanceId: string,
    initialContactId: string,
    attributes: Readonly<Attributes>,
    options?: { signal?: AbortSignal; stored?: Readonly<Attributes> },
  ): Promise<void>;
}

/** Time source and timers (tests inject fakes). */
export interface OutboxClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The Web Locks API surface the outbox needs (`navigator.locks`). */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export interface OutboxOptions {
  /** Where entries persist: `openIdbOutboxStore()` in browsers, `new MemoryOutboxStore()` elsewhere. */
  store: OutboxStore;
  /** Sends one request; default: `client.update`. One of `sender` and `client` is required. */
  sender?: OutboxSender;
  /** The client behind the default sender. */
  client?: UpdatingClient;
  /** Delay before rule tags are sent, so several rules coalesce (ms, default 200). Agent writes flush at once. */
  debounceMs?: number;
  /** The longest a rule tag waits while more rules keep arriving (ms, default 2000). */
  maxDebounceMs?: number;
  /**
   * Retry backoff for throttling, server and network errors (default base 500 ms, cap 5 s). The cap is short on
   * purpose: with a quota shared by a fleet, clients that wait long leave it unused once the crowd thins
   * (bench/outbox.bench.ts fleet: cap 30 s used 67 % of the quota, cap 5 s 94 %).
   */
  backoff?: Partial<BackoffOptions>;
  /** Client-side token bucket (default 2 requests/s, burst 5). */
  rate?: { ratePerSecond: number; burst: number };
  /**
   * Retries of an `auth` error before the entry is kept as a failure (default 0: auth errors are not retried).
   * In a browser an expired token and a missing permission both look like a bare 403 (CORS hides the error
   * type); 1 gives a credential provider that refreshes late one more chance.
   */
  authRetries?: number;
  /** Requests in flight at once (default 4; one per contact at most). */
  maxInFlight?: number;
  /** Entries older than this are expired with an `expired` event (ms, default 24 h). */
  maxAgeMs?: number;
  /** How often the flusher looks for expired entries (ms, default 60 s). */
  expiryIntervalMs?: number;
  /** Fired markers older than this are pruned (ms, default 7 days). */
  markerMaxAgeMs?: number;
  /** Name of the flusher lock and the BroadcastChannel (default `ccp-attributes-outbox:<store name>`). */
  lockName?: string;
  /** The lock manager; default `navigator.locks` for a shared store, none (always the flusher) otherwise. `null` disables. */
  locks?: LockManagerLike | null;
  /** Clock and timers (default: the global ones). */
  clock?: OutboxClock;
  /** Random numbers in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
}

/** One part of `Outbox.writeBatch`: attributes with their own fired marker. */
export interface OutboxPart {
  attributes: Readonly<Attributes>;
  /** The part's fired marker: when it is already set (by this or another tab, before or after a reload) the part is left out. */
  once: string;
}

/** How one part of an enqueue settled: queued (`landed` resolves when it landed), or refused. */
type PartOutcome = { landed: Promise<void> } | { error: unknown };

/** Options of `Outbox.write`. */
export interface OutboxWriteOptions extends WriteOptions {
  /** A fired marker: when it was already set (by this or another tab, before or after a reload) nothing is queued. */
  once?: string;
}

/** Where one contact's writes stand. */
export type ContactStatusState = 'idle' | 'queued' | 'sending' | 'waiting' | 'failed';

/** The status of one contact's writes. */
export interface ContactStatus {
  contactKey: string;
  contact: ContactRef;
  state: ContactStatusState;
  /** Attribute keys waiting to be sent. */
  pendingKeys: number;
  /** Kept failures of this contact. */
  failed: number;
  /** Failed attempts since the last success. */
  attempts: number;
  /** The last error (retryable while waiting, non-retryable when failed). */
  error: AttributesError | undefined;
  /** When the next attempt is due, while waiting (ms since the epoch). */
  retryAt: number | undefined;
}

/** A snapshot of the whole outbox. */
export interface OutboxState {
  /** Contacts with writes not yet landed. */
  pending: number;
  /** Kept failures (non-retryable errors), across contacts. */
  failed: number;
  /** True while this tab is the one that sends. */
  flusher: boolean;
  /** Status per contact that has pending writes or kept failures. */
  contacts: ReadonlyMap<string, ContactStatus>;
  /** The most recent error of any attempt. */
  lastError: AttributesError | undefined;
}

/** A request that landed. */
export interface LandedEvent {
  contact: ContactRef;
  attributes: Attributes;
}

/** A request that failed for good: the entry is kept (see `failures()`), until retried or discarded. */
export interface FailedEvent {
  entry: OutboxEntry;
  error: AttributesError;
}

/** An entry removed because it grew older than `maxAgeMs`. */
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

/** Events of the outbox. */
export interface OutboxEventMap {
  change: OutboxState;
  status: ContactStatus;
  landed: LandedEvent;
  failed: FailedEvent;
  expired: ExpiredEvent;
  superseded: SupersededEvent;
  /** Storage failures and other unexpected errors. */
  error: Error;
}

type Message =
  | { type: 'entry'; id: string; entry: OutboxEntry | null; revision: number }
  | { type: 'sending'; contactKey: string; sending: boolean }
  | { type: 'landed'; contactKey: string; contact: ContactRef; attributes: Attributes; revisions: Record<string, number> }
  | { type: 'failed'; entry: OutboxEntry }
  | { type: 'expired'; entry: OutboxEntry }
  | { type: 'superseded'; entry: OutboxEntry }
  | { type: 'flush' }
  /** A non-flusher tab starts (+1) or ends (-1) a store update of a contact's entry: a hint, for coalescing only. */
  | { type: 'enqueuing'; contactKey: string; delta: 1 | -1 };

/** How long an `enqueuing` hint of another tab holds without its end (a tab that died mid-write). */
const ENQUEUING_HINT_MS = 1_000;

/** A request being prepared or on the wire. `read` settles once `revisions` says what it sends. */
interface Flight {
  revisions: Record<string, number>;
  controller: AbortController;
  read: Promise<void>;
}

interface Waiter {
  contactKey: string;
  revisions: Record<string, number>;
  resolve: () => void;
  reject: (error: unknown) => void;
  onProgress: ((progress: WriteProgress) => void) | undefined;
  cleanup: () => void;
}

const defaultClock: OutboxClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The live entry id of a contact. */
export function contactKeyOf(contact: ContactRef): string {
  return `${contact.instanceId}/${contact.initialContactId}`;
}

/** Turns a stored error back into an AttributesError. */
export function fromStoredError(error: StoredError): AttributesError {
  return new AttributesError(error.kind, error.message, {
    ...(error.status === undefined ? {} : { status: error.status }),
    ...(error.awsType === undefined ? {} : { awsType: error.awsType }),
    ...(error.problems === undefined ? {} : { problems: error.problems }),
  });
}

function toStoredError(error: AttributesError): StoredError {
  return {
    kind: error.kind,
    message: error.message,
    status: error.status,
    awsType: error.awsType,
    problems: error.problems.map((problem) => ({ ...problem })),
  };
}

function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

/** Removes from `entry` the keys whose value is still the one sent at `revisions`. */
function withoutSent(entry: OutboxEntry, revisions: Readonly<Record<string, number>>): { attributes: Attributes; revisions: Record<string, number> } {
  const attributes: Attributes = {};
  const kept: Record<string, number> = {};
  for (const [key, value] of Object.entries(entry.attributes)) {
    const revision = entry.revisions[key] ?? 0;
    if (revisions[key] === revision) continue;
    attributes[key] = value;
    kept[key] = revision;
  }
  return { attributes, revisions: kept };
}

/** True when a newer value of every key of a kept failure landed (`landed`: per key, the highest landed revision). */
function isSuperseded(entry: OutboxEntry, landed: Readonly<Record<string, number>>): boolean {
  const keys = Object.keys(entry.attributes);
  return keys.length > 0 && keys.every((key) => (landed[key] ?? 0) > (entry.revisions[key] ?? 0));
}

/**
 * The durable outbox; an AttributeWriter. `write()` resolves once the (coalesced) request carrying
 * the attributes landed, and rejects with the non-retryable AttributesError that stopped it (the
 * entry is then kept: `failures()`, `retry()`, `discard()`).
 */
export class Outbox implements AttributeWriter, Subscribable<OutboxEventMap> {
  readonly store: OutboxStore;
  readonly lockName: string;
  /** Resolves once the entries in the store are loaded into this tab. */
  readonly ready: Promise<void>;

  readonly #emitter = new Emitter<OutboxEventMap>();
  readonly #sender: OutboxSender;
  readonly #clock: OutboxClock;
  readonly #random: () => number;
  readonly #debounceMs: number;
  readonly #maxDebounceMs: number;
  readonly #backoff: BackoffOptions;
  readonly #bucket: TokenBucket;
  readonly #maxInFlight: number;
  readonly #authRetries: number;
  readonly #maxAgeMs: number;
  readonly #expiryIntervalMs: number;
  readonly #markerMaxAgeMs: number;
  readonly #locks: LockManagerLike | null;
  readonly #channel: BroadcastChannel | null;

  /** Mirror of the store's entries, by id. */
  readonly #entries = new Map<string, OutboxEntry>();
  /** Revision of the last deletion per id, so late copies do not resurrect an entry. */
  readonly #deleted = new Map<string, number>();
  readonly #waiters = new Set<Waiter>();
  /** Per contact and key, the highest revision known to have landed. */
  readonly #landed = new Map<string, Record<string, number>>();
  /** Per contact, attributes known to be stored (given by callers, plus what landed). */
  readonly #known = new Map<string, Attributes>();
  /** Per contact, what this outbox saw land. */
  readonly #landedAttributes = new Map<string, Attributes>();
  /** Contacts whose request is on the wire (sent by this tab, or reported by the flusher). */
  readonly #sending = new Set<string>();
  /** This tab's requests in flight: contact -> revisions sent and the abort controller. */
  readonly #inFlight = new Map<string, Flight>();
  /**
   * Live entries this tab just wrote itself while holding the flusher lock: id -> the revision its own awaited
   * store update returned. Only the next pump may send them without reading them back (see #send); it forgets
   * them all, and a copy of the entry from another tab voids it at once.
   */
  readonly #fresh = new Map<string, number>();
  /** Per contact, this tab's writes whose store update has not returned yet (a read-back would wait for them). */
  readonly #enqueuing = new Map<string, number>();
  /** Per contact, the same for other tabs, from their `enqueuing` hints: count and when the last one came. */
  readonly #remoteEnqueuing = new Map<string, { count: number; at: number }>();
  readonly #statuses = new Map<string, ContactStatus>();
  /**
   * Contacts `forget()` dropped, so a late `landed` message of another tab (it comes after the entry's deletion)
   * does not bring their bookkeeping back; a new write of the contact takes it out. Bounded like `#deleted`.
   */
  readonly #forgotten = new Set<string>();
  #lastError: AttributesError | undefined;
  #flusher = false;
  #closed = false;
  #pumpTimer: unknown;
  #pumpAt = Infinity;
  #pumpQueued = false;
  #expiryTimer: unknown;
  #pausedUntil = 0;
  #releaseLock: (() => void) | undefined;
  readonly #lockAbort = new AbortController();

  constructor(options: OutboxOptions) {
    if (!options || !options.store) throw new TypeError('Outbox: the `store` option is required (openIdbOutboxStore() or new MemoryOutboxStore()).');
    const { client } = options;
    if (!options.sender && !client) throw new TypeError('Outbox: a `sender` or a `client` option is required.');
    this.store = options.store;
    this.#sender =
      options.sender ??
      ((contact, attributes, { signal, stored }) =>
        client!.update(contact.instanceId, contact.initialContactId, attributes, { signal, ...(stored ? { stored } : {}) }));
    this.#clock = options.clock ?? defaultClock;
    this.#random = options.random ?? Math.random;
    this.#debounceMs = options.debounceMs ?? 200;
    this.#maxDebounceMs = Math.max(this.#debounceMs, options.maxDebounceMs ?? 2000);
    this.#backoff = { baseMs: options.backoff?.baseMs ?? 500, capMs: options.backoff?.capMs ?? 5_000 };
    const rate = options.rate ?? { ratePerSecond: 2, burst: 5 };
    this.#bucket = new TokenBucket(rate.ratePerSecond, rate.burst, () => this.#clock.now());
    this.#maxInFlight = options.maxInFlight ?? 4;
    this.#authRetries = options.authRetries ?? 0;
    this.#maxAgeMs = options.maxAgeMs ?? 24 * 3600_000;
    this.#expiryIntervalMs = options.expiryIntervalMs ?? 60_000;
    this.#markerMaxAgeMs = options.markerMaxAgeMs ?? 7 * 24 * 3600_000;
    this.lockName = options.lockName ?? `ccp-attributes-outbox:${this.store.name}`;
    const globalLocks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
    this.#locks = options.locks === undefined ? (this.store.shared ? (globalLocks ?? null) : null) : options.locks;
    this.#channel = this.store.shared && typeof BroadcastChannel === 'function' ? new BroadcastChannel(this.lockName) : null;
    if (this.#channel) this.#channel.onmessage = (event: MessageEvent<Message>) => this.#receive(event.data);
    this.ready = this.#load();
    void this.ready.then(() => this.#acquire());
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof OutboxEventMap>(type: K, listener: (event: OutboxEventMap[K]) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  /** True while this tab sends for all tabs. */
  get flusher(): boolean {
    return this.#flusher;
  }

  /** The current state: pending count, per-contact status, last error. */
  get state(): OutboxState {
    const contacts = new Map<string, ContactStatus>();
    for (const key of this.#contactKeys()) {
      const status = this.#statusOf(key);
      if (status) contacts.set(key, status);
    }
    let pending = 0;
    let failed = 0;
    for (const entry of this.#entries.values()) {
      if (entry.failed) failed++;
      else if (Object.keys(entry.attributes).length > 0) pending++;
    }
    return { pending, failed, flusher: this.#flusher, contacts, lastError: this.#lastError };
  }

  /** The status of one contact's writes. */
  statusOf(contact: ContactRef): ContactStatus | undefined {
    return this.#statusOf(contactKeyOf(contact));
  }

  /** Kept failures, oldest first. */
  failures(): OutboxEntry[] {
    return [...this.#entries.values()].filter((entry) => entry.failed).sort((a, b) => a.createdAt - b.createdAt).map((e) => structuredClone(e));
  }

  /** Tells the outbox what is stored for a contact (for the byte budget at enqueue). */
  setKnownStored(contact: ContactRef, stored: Readonly<Attributes>): void {
    const key = contactKeyOf(contact);
    this.#forgotten.delete(key);
    this.#known.set(key, { ...stored, ...this.#landedValues(key) });
  }

  /**
   * Drops the in-memory bookkeeping of a contact (what is known to be stored, what landed, its last status) once it
   * has nothing left in the outbox: no pending entry, no kept failure, no write on its way to the store or on the
   * wire, no write() waiting. Returns whether it forgot; otherwise it is a no-op (call it again once the writes
   * settled, e.g. on the next `landed` or `change`). For contacts that are gone (Streams destroyed them), so a long
   * shift does not grow memory. A later write of the contact starts afresh.
   */
  forget(contact: ContactRef): boolean {
    const key = contactKeyOf(contact);
    if (this.#closed) return false;
    if (this.#inFlight.has(key) || this.#sending.has(key) || this.#enqueuing.has(key) || this.#otherTabWriting(key)) return false;
    for (const entry of this.#entries.values()) if (entry.contactKey === key) return false;
    for (const waiter of this.#waiters) if (waiter.contactKey === key) return false;
    this.#known.delete(key);
    this.#landed.delete(key);
    this.#landedAttributes.delete(key);
    this.#statuses.delete(key);
    this.#remoteEnqueuing.delete(key);
    this.#fresh.delete(key);
    this.#forgotten.delete(key);
    this.#forgotten.add(key);
    if (this.#forgotten.size > 1000) {
      const oldest = this.#forgotten.values().next().value;
      if (oldest !== undefined) this.#forgotten.delete(oldest);
    }
    return true;
  }

  /**
   * Queues attributes for a contact; resolves when the request carrying them landed. origin 'agent'
   * (the default) flushes at once; 'rule' waits the debounce. Rejects at once, keeping what was pending,
   * when the merged pending attributes would break a rule of the API (the byte budget counted on what
   * is known to be stored).
   */
  async write(contact: ContactRef, attributes: Readonly<Attributes>, options: OutboxWriteOptions = {}): Promise<void> {
    const [outcome] = await this.#enqueue(contact, [{ attributes, once: options.once }], options);
    if ('error' in outcome!) throw outcome.error;
    return outcome!.landed;
  }

  /**
   * Queues several writes of one contact, each with its own fired marker, in ONE store transaction (the rules
   * one event matched): the markers are checked and set in it, parts whose marker is already set are left out,
   * and the others are merged in order, as if written one after the other with `write()`. Returns one promise
   * per part, settling like `write()`'s would: resolved when its attributes landed (at once when its marker was
   * already set), rejected with its own error (invalid, or over the byte budget: that part alone is refused and
   * its marker stays unset).
   */
  writeBatch(contact: ContactRef, parts: readonly OutboxPart[], options: WriteOptions = {}): Promise<void>[] {
    const outcomes = this.#enqueue(contact, parts, options);
    return parts.map((_, index) =>
      outcomes.then((all) => {
        const outcome = all[index]!;
        if ('error' in outcome) throw outcome.error;
        return outcome.landed;
      }),
    );
  }

  /**
   * Queues parts in one store transaction (one part for `write()`); settles each part on its own, and rejects as a
   * whole only when nothing could be queued for a reason common to all parts (closed, aborted, the store failed).
   * Every part carries a marker, or it is the only part (the store leaves nothing done only when every marker is set).
   */
  async #enqueue(contact: ContactRef, parts: readonly { attributes: Readonly<Attributes>; once?: string | undefined }[], options: WriteOptions): Promise<PartOutcome[]> {
    if (this.#closed) throw new Error('Outbox: closed.');
    options.signal?.throwIfAborted();
    const origin: WriteOrigin = options.origin ?? 'agent';
    const ref: ContactRef = { contactId: contact.contactId, initialContactId: contact.initialContactId, instanceId: contact.instanceId };
    const outcomes: PartOutcome[] = [];
    const valid: { index: number; values: Attributes; once: string | undefined }[] = [];
    parts.forEach((part, index) => {
      const problems = checkUpdate({ instanceId: ref.instanceId, initialContactId: ref.initialContactId, attributes: part.attributes });
      if (problems.length > 0) outcomes[index] = { error: validationError(problems) };
      else valid.push({ index, values: { ...part.attributes }, once: part.once });
    });
    if (valid.length === 0) return outcomes;
    const key = contactKeyOf(ref);
    this.#forgotten.delete(key);
    if (options.stored) this.setKnownStored(ref, options.stored);
    const known = this.#known.get(key);
    const queued = valid.filter((part) => {
      if (Object.keys(part.values).length > 0) return true;
      outcomes[part.index] = { landed: Promise.resolve() };
      return false;
    });
    if (queued.length === 0) return outcomes;
    const now = this.#clock.now();
    const markers = queued.flatMap((part) => (part.once === undefined ? [] : [{ id: part.once, at: now }]));
    if (markers.length > 0 && markers.length < queued.length) throw new TypeError('Outbox: every part of a batched write needs its own marker.');
    let accepted = new Set<number>();
    let refused = new Map<number, AttributesError>();
    let refusedAll = false;
    let result: StoreUpdateResult;
    this.#enqueuing.set(key, (this.#enqueuing.get(key) ?? 0) + 1);
    const hinted = !this.#flusher && this.#channel !== null;
    if (hinted) this.#post({ type: 'enqueuing', contactKey: key, delta: 1 });
    try {
      result = await this.store.update(
        key,
        (current, revision, marks) => {
          accepted = new Set();
          refused = new Map();
          const live = current && !current.failed ? current : undefined;
          let merged: Attributes = { ...(live?.attributes ?? {}) };
          const revisions = { ...(live?.revisions ?? {}) };
          for (const part of queued) {
            if (part.once !== undefined && marks.fired.has(part.once)) continue; // fired before: left out
            const next = { ...merged, ...part.values };
            const budget = checkUpdate({ instanceId: ref.instanceId, initialContactId: ref.initialContactId, attributes: next, stored: known });
            if (budget.length > 0) {
              refused.set(part.index, validationError(budget));
              if (part.once !== undefined) marks.set.delete(part.once);
              continue;
            }
            merged = next;
            for (const name of Object.keys(part.values)) revisions[name] = revision;
            accepted.add(part.index);
          }
          if (accepted.size === 0) {
            // Nothing to queue: abort the transaction (no marker set), each refused part rejects with its reason.
            refusedAll = true;
            throw refused.values().next().value ?? new Error('Outbox: nothing to queue.');
          }
          const createdAt = live?.createdAt ?? now;
          let dueAt: number;
          if (origin === 'agent') dueAt = now;
          else if (!live) dueAt = now + this.#debounceMs;
          else if (live.dueAt <= now) dueAt = live.dueAt;
          else dueAt = Math.min(Math.max(live.dueAt, now + this.#debounceMs), createdAt + this.#maxDebounceMs);
          return {
            id: key,
            contactKey: key,
            contact: live?.contact ?? ref,
            attributes: merged,
            revisions,
            revision,
            origin: live?.origin === 'agent' || origin === 'agent' ? 'agent' : 'rule',
            attempts: live?.attempts ?? 0,
            lastError: live?.lastError,
            createdAt,
            updatedAt: now,
            dueAt,
            notBefore: live?.notBefore ?? 0,
            failed: false,
          };
        },
        markers.length === 0 ? {} : { markers },
      ).finally(() => {
        const left = this.#enqueuing.get(key)! - 1;
        if (left > 0) this.#enqueuing.set(key, left);
        else this.#enqueuing.delete(key);
        if (hinted && !this.#closed) this.#post({ type: 'enqueuing', contactKey: key, delta: -1 });
      });
    } catch (error) {
      if (!refusedAll) throw error;
      for (const part of queued) outcomes[part.index] = refused.has(part.index) ? { error: refused.get(part.index) } : { landed: Promise.resolve() };
      return outcomes;
    }
    if (!result.applied) {
      for (const part of queued) outcomes[part.index] = { landed: Promise.resolve() };
      return outcomes;
    }
    const entry = result.entry!;
    for (const part of queued) {
      if (refused.has(part.index)) outcomes[part.index] = { error: refused.get(part.index) };
      else if (!accepted.has(part.index)) outcomes[part.index] = { landed: Promise.resolve() };
      else {
        const waitFor: Record<string, number> = {};
        for (const name of Object.keys(part.values)) waitFor[name] = entry.revisions[name] ?? result.revision;
        outcomes[part.index] = { landed: this.#waitFor(key, waitFor, options) };
      }
    }
    this.#changed(key, entry, result.revision);
    this.#schedule();
    return outcomes;
  }

  /** Sends every pending entry as soon as the pacing allows, without waiting for the debounce. */
  flush(): void {
    if (!this.#flusher) {
      this.#post({ type: 'flush' });
      return;
    }
    const now = this.#clock.now();
    for (const entry of this.#entries.values()) if (!entry.failed && entry.dueAt > now) entry.dueAt = now;
    this.#schedule();
  }

  /** Puts a kept failure back in the queue (values pending since then win); resolves when it landed. */
  async retry(id: string): Promise<void> {
    const failed = await this.store.get(id);
    if (!failed || !failed.failed) throw new Error(`Outbox.retry: no kept failure with id ${id}.`);
    const live = await this.store.get(failed.contactKey);
    const values: Attributes = {};
    for (const [key, value] of Object.entries(failed.attributes)) {
      if (!live || live.failed || !(key in live.attributes)) values[key] = value;
    }
    const [outcome] = await this.#enqueue(failed.contact, [{ attributes: values }], { origin: 'agent' });
    if ('error' in outcome!) throw outcome.error;
    await this.#remove(id, (current) => current?.failed === true);
    return outcome!.landed;
  }

  /** Deletes a kept failure for good (an explicit decision of the agent or the host page). */
  async discard(id: string): Promise<void> {
    await this.#remove(id, (current) => current?.failed === true);
  }

  /** Resolves when nothing is pending (kept failures aside). */
  whenIdle(): Promise<void> {
    if (this.state.pending === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const off = this.on('change', (state) => {
        if (state.pending === 0) {
          off();
          resolve();
        }
      });
    });
  }

  /**
   * Stops this outbox (like a closed tab): timers stop, requests in flight are aborted, the flusher
   * lock passes to another tab, and promises of `write()` reject with an AbortError. Queued entries
   * stay in the store for the next outbox. The store is not closed.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flusher = false;
    this.#clock.clearTimeout(this.#pumpTimer);
    this.#clock.clearTimeout(this.#expiryTimer);
    for (const { controller } of this.#inFlight.values()) controller.abort(abortError('The outbox was closed.'));
    this.#lockAbort.abort();
    this.#releaseLock?.();
    this.#channel?.close();
    for (const waiter of [...this.#waiters]) {
      this.#dropWaiter(waiter);
      waiter.reject(abortError('The outbox was closed; the write stays queued for the next outbox over this store.'));
    }
    this.#emitter.clear();
  }

  // ---- loading and the flusher lock ----

  async #load(): Promise<void> {
    this.#fresh.clear();
    try {
      for (const entry of await this.store.list()) this.#apply(entry.id, entry, entry.revision);
    } catch (error) {
      this.#fail(error);
    }
  }

  #acquire(): void {
    if (this.#closed) return;
    if (!this.#locks) {
      this.#becomeFlusher();
      return;
    }
    this.#locks
      .request(this.lockName, { signal: this.#lockAbort.signal }, () => {
        if (this.#closed) return Promise.resolve();
        return new Promise<void>((release) => {
          this.#releaseLock = release;
          void this.#load().then(() => this.#becomeFlusher());
        });
      })
      .catch((error: unknown) => {
        if (!this.#closed) this.#fail(error);
      });
  }

  #becomeFlusher(): void {
    if (this.#closed) return;
    this.#flusher = true;
    // Another tab may have died mid-send: its "sending" flags mean nothing now. Its debounce does not bind us.
    this.#sending.clear();
    const latest = this.#clock.now() + this.#debounceMs;
    for (const entry of this.#entries.values()) entry.dueAt = Math.min(entry.dueAt, latest);
    this.#emitChange([...this.#contactKeys()]);
    this.#schedule();
    void this.#expire();
  }

  // ---- cross-tab messages ----

  #post(message: Message): void {
    try {
      this.#channel?.postMessage(message);
    } catch (error) {
      this.#fail(error);
    }
  }

  #receive(message: Message): void {
    if (this.#closed) return;
    switch (message.type) {
      case 'entry':
        this.#fresh.delete(message.id);
        this.#apply(message.id, message.entry, message.revision);
        this.#emitChange([message.entry?.contactKey ?? message.id]);
        this.#schedule();
        break;
      case 'sending':
        if (this.#flusher) break;
        if (message.sending) this.#sending.add(message.contactKey);
        else this.#sending.delete(message.contactKey);
        this.#emitChange([message.contactKey]);
        break;
      case 'landed':
        this.#onLanded(message.contactKey, message.contact, message.attributes, message.revisions);
        break;
      case 'failed':
        this.#onFailed(message.entry);
        break;
      case 'expired':
        this.#onExpired(message.entry);
        break;
      case 'superseded':
        this.#emitter.emit('superseded', { entry: structuredClone(message.entry) });
        break;
      case 'flush':
        if (this.#flusher) this.flush();
        break;
      case 'enqueuing': {
        const count = (this.#remoteEnqueuing.get(message.contactKey)?.count ?? 0) + message.delta;
        if (count > 0) this.#remoteEnqueuing.set(message.contactKey, { count, at: this.#clock.now() });
        else this.#remoteEnqueuing.delete(message.contactKey);
        break;
      }
    }
  }

  // ---- the mirror ----

  #apply(id: string, entry: OutboxEntry | null, revision: number): void {
    const current = this.#entries.get(id);
    if (current && current.revision > revision) return;
    if ((this.#deleted.get(id) ?? 0) > revision) return;
    if (entry === null) {
      this.#entries.delete(id);
      this.#deleted.set(id, revision);
      if (this.#deleted.size > 1000) {
        const oldest = this.#deleted.keys().next().value;
        if (oldest !== undefined) this.#deleted.delete(oldest);
      }
    } else {
      this.#entries.set(id, entry);
      if (!entry.failed) this.#forgotten.delete(entry.contactKey);
    }
  }

  /** Applies a change made by this tab and tells the other tabs. */
  #changed(id: string, entry: OutboxEntry | null, revision: number): void {
    this.#apply(id, entry, revision);
    if (entry && this.#flusher && !entry.failed && this.#entries.get(id) === entry) {
      this.#fresh.set(id, revision);
      this.#schedule();
    } else this.#fresh.delete(id);
    this.#post({ type: 'entry', id, entry, revision });
    this.#emitChange([entry?.contactKey ?? id.split('#')[0] ?? id]);
  }

  async #remove(id: string, when: (current: OutboxEntry | undefined) => boolean): Promise<void> {
    let removed = false;
    const result = await this.store.update(id, (current) => {
      removed = when(current);
      return removed ? null : undefined;
    });
    if (removed) this.#changed(id, null, result.revision);
  }

  *#contactKeys(): Iterable<string> {
    const keys = new Set<string>();
    for (const entry of this.#entries.values()) keys.add(entry.contactKey);
    for (const key of this.#sending) keys.add(key);
    yield* keys;
  }

  #statusOf(key: string): ContactStatus | undefined {
    const live = this.#entries.get(key);
    const failures = [...this.#entries.values()].filter((entry) => entry.failed && entry.contactKey === key);
    const lastFailure = failures.at(-1);
    const ref = live?.contact ?? lastFailure?.contact;
    if (!ref) return undefined;
    const pendingKeys = live ? Object.keys(live.attributes).length : 0;
    const now = this.#clock.now();
    let state: ContactStatusState;
    if (this.#sending.has(key)) state = 'sending';
    else if (live && pendingKeys > 0 && live.notBefore > now) state = 'waiting';
    else if (live && pendingKeys > 0) state = 'queued';
    else if (failures.length > 0) state = 'failed';
    else state = 'idle';
    const stored = state === 'failed' ? lastFailure?.lastError : live?.lastError;
    return {
      contactKey: key,
      contact: ref,
      state,
      pendingKeys,
      failed: failures.length,
      attempts: live?.attempts ?? 0,
      error: stored ? fromStoredError(stored) : undefined,
      retryAt: state === 'waiting' ? live?.notBefore : undefined,
    };
  }

  #emitChange(keys: Iterable<string>): void {
    if (this.#closed) return;
    for (const key of keys) {
      const status = this.#statusOf(key) ?? this.#idleStatus(key);
      if (!status) continue;
      const previous = this.#statuses.get(key);
      if (
        previous &&
        previous.state === status.state &&
        previous.pendingKeys === status.pendingKeys &&
        previous.failed === status.failed &&
        previous.attempts === status.attempts &&
        previous.retryAt === status.retryAt
      ) {
        continue;
      }
      if (status.state === 'idle') this.#statuses.delete(key);
      else this.#statuses.set(key, status);
      this.#emitter.emit('status', status);
      this.#progress(key, status);
    }
    this.#emitter.emit('change', this.state);
  }

  #idleStatus(key: string): ContactStatus | undefined {
    const previous = this.#statuses.get(key);
    if (!previous) return undefined;
    return { ...previous, state: 'idle', pendingKeys: 0, failed: 0, attempts: 0, error: undefined, retryAt: undefined };
  }

  #progress(key: string, status: ContactStatus): void {
    if (status.state !== 'queued' && status.state !== 'sending' && status.state !== 'waiting') return;
    const progress: WriteProgress = { state: status.state };
    if (status.state === 'waiting') {
      if (status.error) progress.error = status.error;
      if (status.retryAt !== undefined) progress.retryAt = status.retryAt;
    }
    for (const waiter of this.#waiters) {
      if (waiter.contactKey === key) waiter.onProgress?.(progress);
    }
  }

  // ---- waiters ----

  #waitFor(key: string, revisions: Record<string, number>, options: OutboxWriteOptions): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const { signal } = options;
      const onAbort = (): void => void this.#abortWaiter(waiter, signal?.reason);
      const waiter: Waiter = {
        contactKey: key,
        revisions,
        resolve,
        reject,
        onProgress: options.onProgress,
        cleanup: () => signal?.removeEventListener('abort', onAbort),
      };
      this.#waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      waiter.onProgress?.({ state: this.#sending.has(key) ? 'sending' : 'queued' });
      this.#settle(key);
    });
  }

  #dropWaiter(waiter: Waiter): void {
    this.#waiters.delete(waiter);
    waiter.cleanup();
  }

  async #abortWaiter(waiter: Waiter, reason: unknown): Promise<void> {
    if (!this.#waiters.has(waiter)) return;
    // A request being prepared may already hold these values (its entry was read before this abort): wait until it
    // says what it sends. Values it sends are not abandoned: the waiter settles with that request.
    await this.#inFlight.get(waiter.contactKey)?.read;
    if (!this.#waiters.has(waiter)) return;
    const inFlight = this.#inFlight.get(waiter.contactKey);
    if (inFlight && Object.entries(waiter.revisions).some(([key, revision]) => (inFlight.revisions[key] ?? 0) >= revision)) return;
    this.#dropWaiter(waiter);
    try {
      let changed = false;
      const result = await this.store.update(waiter.contactKey, (current, revision) => {
        if (!current || current.failed) return undefined;
        const rest = withoutSent(current, waiter.revisions);
        if (Object.keys(rest.attributes).length === Object.keys(current.attributes).length) return undefined;
        changed = true;
        if (Object.keys(rest.attributes).length === 0) return null;
        return { ...current, ...rest, revision };
      });
      if (changed) this.#changed(waiter.contactKey, result.entry ?? null, result.revision);
    } catch (error) {
      this.#fail(error);
    }
    waiter.reject(reason ?? abortError('The write was aborted.'));
  }

  /** Resolves the waiters of a contact whose every key landed at (or after) their revision. */
  #settle(key: string): void {
    const landed = this.#landed.get(key);
    if (!landed) return;
    for (const waiter of [...this.#waiters]) {
      if (waiter.contactKey !== key) continue;
      if (Object.entries(waiter.revisions).every(([name, revision]) => (landed[name] ?? 0) >= revision)) {
        this.#dropWaiter(waiter);
        waiter.resolve();
      }
    }
  }

  #landedValues(key: string): Attributes {
    return this.#landedAttributes.get(key) ?? {};
  }

  #onLanded(key: string, contact: ContactRef, attributes: Attributes, revisions: Record<string, number>): void {
    if (this.#forgotten.has(key) && !this.#entries.has(key) && ![...this.#waiters].some((waiter) => waiter.contactKey === key)) {
      // Another tab's landing, told after its entry's deletion, of a contact this tab already forgot.
      this.#emitter.emit('landed', { contact, attributes });
      return;
    }
    const landed = { ...(this.#landed.get(key) ?? {}) };
    for (const [name, revision] of Object.entries(revisions)) landed[name] = Math.max(landed[name] ?? 0, revision);
    this.#landed.set(key, landed);
    this.#landedAttributes.set(key, { ...(this.#landedAttributes.get(key) ?? {}), ...attributes });
    this.#known.set(key, { ...(this.#known.get(key) ?? {}), ...attributes });
    this.#settle(key);
    this.#emitter.emit('landed', { contact, attributes });
  }

  #onFailed(entry: OutboxEntry): void {
    const error = entry.lastError ? fromStoredError(entry.lastError) : new AttributesError('server', 'The write failed.');
    this.#lastError = error;
    for (const waiter of [...this.#waiters]) {
      if (waiter.contactKey !== entry.contactKey) continue;
      if (Object.entries(waiter.revisions).some(([name, revision]) => (entry.revisions[name] ?? 0) >= revision)) {
        this.#dropWaiter(waiter);
        waiter.reject(error);
      }
    }
    this.#emitter.emit('failed', { entry: structuredClone(entry), error });
  }

  #onExpired(entry: OutboxEntry): void {
    for (const waiter of [...this.#waiters]) {
      if (waiter.contactKey !== entry.contactKey) continue;
      if (Object.entries(waiter.revisions).some(([name, revision]) => (entry.revisions[name] ?? 0) >= revision)) {
        this.#dropWaiter(waiter);
        waiter.reject(new DOMException(`The write was not sent within ${this.#maxAgeMs} ms and expired.`, 'TimeoutError'));
      }
    }
    this.#emitter.emit('expired', { entry: structuredClone(entry) });
  }

  // ---- the flusher ----

  /** Runs the pump soon (a microtask), once. */
  #schedule(): void {
    if (!this.#flusher || this.#closed || this.#pumpQueued) return;
    this.#pumpQueued = true;
    queueMicrotask(() => {
      this.#pumpQueued = false;
      this.#pump();
    });
  }

  #pump(): void {
    if (!this.#flusher || this.#closed) return;
    const now = this.#clock.now();
    let wake = Infinity;
    const candidates = [...this.#entries.values()]
      .filter((entry) => !entry.failed && entry.id === entry.contactKey && !this.#inFlight.has(entry.id) && Object.keys(entry.attributes).length > 0)
      .map((entry) => ({ entry, at: Math.max(entry.dueAt, entry.notBefore, this.#pausedUntil) }))
      .sort((a, b) => a.at - b.at);
    for (const { entry, at } of candidates) {
      if (at > now) {
        wake = Math.min(wake, at);
        break;
      }
      if (this.#inFlight.size >= this.#maxInFlight) break;
      const wait = this.#bucket.take();
      if (wait > 0) {
        wake = Math.min(wake, now + wait);
        break;
      }
      void this.#send(entry.id);
    }
    // Entries not sent by this pump (debounce, pacing) are read back from the store when their turn comes.
    this.#fresh.clear();
    if (wake < Infinity && wake !== this.#pumpAt) {
      this.#clock.clearTimeout(this.#pumpTimer);
      this.#pumpAt = wake;
      this.#pumpTimer = this.#clock.setTimeout(() => {
        this.#pumpAt = Infinity;
        this.#pump();
      }, Math.max(0, wake - now));
    }
  }

  async #send(key: string): Promise<void> {
    const controller = new AbortController();
    let markRead = (): void => {};
    const flight: Flight = { revisions: {}, controller, read: new Promise<void>((resolve) => (markRead = resolve)) };
    this.#inFlight.set(key, flight);
    try {
      await this.#sendFlight(key, flight, markRead);
    } finally {
      markRead();
    }
  }

  async #sendFlight(key: string, flight: Flight, markRead: () => void): Promise<void> {
    const { controller } = flight;
    let entry: OutboxEntry | undefined;
    const mirror = this.#entries.get(key);
    if (mirror && this.#fresh.get(key) === mirror.revision && !this.#enqueuing.has(key) && !this.#otherTabWriting(key)) {
      // This tab holds the flusher lock and its own store update, awaited just now (this pump runs in a microtask
      // after it), returned this entry: committed, so persisted before it is sent, and what a read-back would return
      // unless another tab wrote since. Such a write is handled like one made just after a read-back: #succeeded
      // removes only the keys sent at their revision, so newer values stay queued for the next request. When this
      // tab (or, by their hints, another tab) has more writes of the contact on their way to the store, it reads
      // back instead: the read queues behind them, so they ride along in this request, as before.
      this.#fresh.delete(key);
      entry = mirror;
    } else {
      try {
        entry = await this.store.get(key);
      } catch (error) {
        this.#inFlight.delete(key);
        this.#fail(error);
        return;
      }
    }
    if (this.#closed) return;
    if (!entry || entry.failed || Object.keys(entry.attributes).length === 0) {
      this.#inFlight.delete(key);
      if (entry) this.#apply(key, entry, entry.revision);
      else this.#entries.delete(key);
      this.#emitChange([key]);
      return;
    }
    this.#apply(key, entry, entry.revision);
    const sent = { attributes: { ...entry.attributes }, revisions: { ...entry.revisions } };
    flight.revisions = sent.revisions;
    markRead();
    this.#sending.add(key);
    this.#post({ type: 'sending', contactKey: key, sending: true });
    this.#emitChange([key]);
    let failure: AttributesError | undefined;
    try {
      const known = this.#known.get(key);
      await this.#sender(entry.contact, sent.attributes, { signal: controller.signal, ...(known ? { stored: known } : {}) });
    } catch (error) {
      if (this.#closed || controller.signal.aborted) return;
      failure = isAttributesError(error) ? error : toAttributesError(error);
    }
    if (this.#closed) return;
    this.#sending.delete(key);
    this.#post({ type: 'sending', contactKey: key, sending: false });
    try {
      if (!failure) await this.#succeeded(key, entry, sent);
      else if (failure.retryable || (failure.kind === 'auth' && entry.attempts < this.#authRetries)) await this.#retryLater(key, failure);
      else await this.#failed(key, entry, sent, failure);
    } catch (error) {
      this.#fail(error);
    } finally {
      this.#inFlight.delete(key);
      this.#emitChange([key]);
      this.#schedule();
    }
  }

  /** True while another tab announced a store update of this contact's entry that has not ended (and is recent). */
  #otherTabWriting(key: string): boolean {
    const hint = this.#remoteEnqueuing.get(key);
    if (!hint) return false;
    if (this.#clock.now() - hint.at < ENQUEUING_HINT_MS) return true;
    this.#remoteEnqueuing.delete(key);
    return false;
  }

  async #succeeded(key: string, entry: OutboxEntry, sent: { attributes: Attributes; revisions: Record<string, number> }): Promise<void> {
    const now = this.#clock.now();
    const result = await this.store.update(key, (current, revision) => {
      if (!current || current.failed) return undefined;
      const rest = withoutSent(current, sent.revisions);
      if (Object.keys(rest.attributes).length === 0) return null;
      return { ...current, ...rest, revision, attempts: 0, lastError: undefined, createdAt: now, updatedAt: now, notBefore: 0 };
    });
    if (result.applied) this.#changed(key, result.entry ?? null, result.revision);
    const message: Message = { type: 'landed', contactKey: key, contact: entry.contact, attributes: sent.attributes, revisions: sent.revisions };
    this.#post(message);
    this.#onLanded(key, entry.contact, sent.attributes, sent.revisions);
    await this.#removeSuperseded(key);
  }

  /**
   * Removes the kept failures of a contact whose every key a newer value that landed replaced (compared by the
   * per-key revisions), each with a `superseded` event; a failure with any key not superseded stays.
   */
  async #removeSuperseded(key: string): Promise<void> {
    const landed = this.#landed.get(key);
    if (!landed) return;
    for (const kept of [...this.#entries.values()]) {
      if (!kept.failed || kept.contactKey !== key || !isSuperseded(kept, landed)) continue;
      let removed: OutboxEntry | undefined;
      const result = await this.store.update(kept.id, (current) => {
        if (!current?.failed || !isSuperseded(current, landed)) return undefined;
        removed = current;
        return null;
      });
      if (!removed || this.#closed) continue;
      this.#changed(kept.id, null, result.revision);
      this.#post({ type: 'superseded', entry: removed });
      this.#emitter.emit('superseded', { entry: structuredClone(removed) });
    }
  }

  async #retryLater(key: string, error: AttributesError): Promise<void> {
    this.#lastError = error;
    const now = this.#clock.now();
    const current = this.#entries.get(key);
    const attempts = (current?.attempts ?? 0) + 1;
    const retryAt = now + backoffDelay(attempts, this.#backoff, this.#random);
    if (error.kind === 'throttled') {
      // The quota is shared by every request of the account: hold back every contact, not just this one.
      this.#bucket.drain();
      this.#pausedUntil = Math.max(this.#pausedUntil, retryAt);
    }
    const stored = toStoredError(error);
    const result = await this.store.update(key, (entry, revision) => {
      if (!entry || entry.failed) return undefined;
      return { ...entry, revision, attempts, lastError: stored, updatedAt: now, notBefore: retryAt };
    });
    if (result.applied && result.entry) this.#changed(key, result.entry, result.revision);
  }

  async #failed(key: string, entry: OutboxEntry, sent: { attributes: Attributes; revisions: Record<string, number> }, error: AttributesError): Promise<void> {
    this.#lastError = error;
    const now = this.#clock.now();
    const stored = toStoredError(error);
    // Keep the failure first, then take its keys out of the live entry: a crash in between duplicates, never loses.
    // The snapshot's revision is unique in the store, so it names the kept failure.
    const id = `${key}#failed:${entry.revision}`;
    const put = await this.store.update(id, (_, revision) => ({
      ...entry,
      id,
      attributes: sent.attributes,
      revisions: sent.revisions,
      revision,
      attempts: entry.attempts + 1,
      lastError: stored,
      updatedAt: now,
      failed: true,
    }));
    const keptEntry = put.entry!;
    this.#changed(keptEntry.id, keptEntry, put.revision);
    const result = await this.store.update(key, (current, revision) => {
      if (!current || current.failed) return undefined;
      const rest = withoutSent(current, sent.revisions);
      if (Object.keys(rest.attributes).length === 0) return null;
      return { ...current, ...rest, revision, attempts: 0, lastError: undefined, updatedAt: now, notBefore: 0 };
    });
    if (result.applied) this.#changed(key, result.entry ?? null, result.revision);
    this.#post({ type: 'failed', entry: keptEntry });
    this.#onFailed(keptEntry);
  }

  async #expire(): Promise<void> {
    if (!this.#flusher || this.#closed) return;
    const now = this.#clock.now();
    try {
      for (const entry of await this.store.list()) {
        if (entry.createdAt >= now - this.#maxAgeMs || this.#inFlight.has(entry.id)) continue;
        const result = await this.store.update(entry.id, (current) => (current && current.createdAt === entry.createdAt ? null : undefined));
        if (!result.applied || result.entry !== undefined) continue;
        this.#changed(entry.id, null, result.revision);
        this.#post({ type: 'expired', entry });
        this.#onExpired(entry);
      }
      await this.store.pruneMarkers(now - this.#markerMaxAgeMs);
    } catch (error) {
      this.#fail(error);
    }
    if (this.#closed) return;
    this.#expiryTimer = this.#clock.setTimeout(() => void this.#expire(), this.#expiryIntervalMs);
  }

  #fail(error: unknown): void {
    this.#emitter.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}

function validationError(problems: ReturnType<typeof checkUpdate>): AttributesError {
  const first = problems[0]!;
  const more = problems.length > 1 ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})` : '';
  return new AttributesError('validation', first.message + more, { problems });
}

/** Creates an outbox (see `OutboxOptions`). */
export function createOutbox(options: OutboxOptions): Outbox {
  return new Outbox(options);
}

/**
 * The durable outbox every write goes through: it coalesces writes per contact, debounces rule tags, paces and
 * retries requests, keeps what cannot land, persists everything in an OutboxStore, and lets one tab send for all
 * tabs. This class only composes the parts, each in its own module: the pure entry logic (entry.ts), the mirror of
 * the store (mirror.ts), what landed (ledger.ts), the write() promises (waiters.ts), cross-tab leadership
 * (leadership.ts), the pump (pump.ts), one request (flight.ts) and expiry (expiry.ts).
 */
import { AttributesError, validationError } from '../errors.ts';
import { checkUpdate, type Attributes } from '../validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions } from '../writer.ts';
import { Emitter, type Subscribable } from './emitter.ts';
import { contactKeyOf, fromStoredError, holdsAny, isSuperseded, mergeParts, own, withoutSent, type MergeResult, type Revisions } from './entry.ts';
import type { OutboxEventMap, OutboxState } from './events.ts';
import { expireBefore } from './expiry.ts';
import { fly, sentOf, type Change, type FlightResult, type Sent } from './flight.ts';
import { Leadership, type Message } from './leadership.ts';
import { Ledger } from './ledger.ts';
import { Mirror } from './mirror.ts';
import { settingsOf, type OutboxOptions, type Settings } from './options.ts';
import { Pump } from './pump.ts';
import { contactStatus, idleStatus, progressOf, sameStatus, type ContactStatus } from './status.ts';
import type { OutboxEntry, OutboxStore, StoreUpdateResult } from './types.ts';
import { Waiters, type Waiter } from './waiters.ts';

export type { OutboxOptions, OutboxSender, UpdatingClient, OutboxClock, LockManagerLike } from './options.ts';

/** One part of `Outbox.writeBatch`: attributes with their own fired marker. */
export interface OutboxPart {
  attributes: Readonly<Attributes>;
  /** The part's fired marker: when it is already set (by this or another tab, before or after a reload) the part is left out. */
  once: string;
}

/** Options of `Outbox.write`. */
export interface OutboxWriteOptions extends WriteOptions {
  /** A fired marker: when it was already set (by this or another tab, before or after a reload) nothing is queued. */
  once?: string;
}

/** How one part of an enqueue settled: queued (`landed` resolves when it landed), or refused. */
type PartOutcome = { landed: Promise<void> } | { error: AttributesError };

function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

function part(outcome: PartOutcome | undefined): Promise<void> {
  if (!outcome) return Promise.resolve();
  return 'error' in outcome ? Promise.reject(outcome.error) : outcome.landed;
}

/**
 * The durable outbox; an AttributeWriter. `write()` resolves once the (coalesced) request carrying the attributes
 * landed, and rejects with the non-retryable AttributesError that stopped it (the values are then kept:
 * `failures()`, `retry()`, `discard()`), or with a TimeoutError when they expired unsent.
 */
export class Outbox implements AttributeWriter, Subscribable<OutboxEventMap> {
  readonly store: OutboxStore;
  readonly lockName: string;
  /** Resolves once the entries in the store are loaded into this tab. */
  readonly ready: Promise<void>;

  readonly #settings: Settings;
  readonly #emitter = new Emitter<OutboxEventMap>();
  readonly #mirror = new Mirror();
  readonly #ledger = new Ledger();
  readonly #waiters = new Waiters();
  readonly #leadership: Leadership;
  readonly #pump: Pump;
  /** This tab's requests on the wire, by contact: what each carries, and how to abort it. */
  readonly #inFlight = new Map<string, { sent: Sent; controller: AbortController }>();
  /** Per contact, values whose write() was aborted while the store forgets them: no request may carry them. */
  readonly #abandoned = new Map<string, Revisions[]>();
  /**
   * Per contact, this tab's store updates still under way: its request waits for them, so a burst of writes goes
   * out as one request (another tab's writes that arrive too late go in the next one).
   */
  readonly #enqueuing = new Map<string, number>();
  /** Contacts with a request on the wire (this tab's, or as the flusher tab reports them). */
  readonly #sending = new Set<string>();
  readonly #statuses = new Map<string, ContactStatus>();
  #lastError: AttributesError | undefined;
  #flusher = false;
  #closed = false;
  #expiryTimer: unknown;

  constructor(options: OutboxOptions) {
    const settings = settingsOf(options);
    this.#settings = settings;
    this.store = settings.store;
    this.lockName = settings.lockName;
    this.#leadership = new Leadership({
      lockName: settings.lockName,
      locks: settings.locks,
      shared: settings.store.shared,
      onMessage: (message) => this.#receive(message),
      onError: (error) => this.#fail(error),
    });
    this.#pump = new Pump({
      clock: settings.clock,
      rate: settings.rate,
      maxInFlight: settings.maxInFlight,
      candidates: () =>
        this.#mirror
          .pending()
          .filter((entry) => entry.id === entry.contactKey && !this.#inFlight.has(entry.id) && !this.#enqueuing.has(entry.id))
          .map((entry) => ({ id: entry.id, at: Math.max(entry.dueAt, entry.notBefore) })),
      inFlight: () => this.#inFlight.size,
      start: (id) => this.#start(id),
    });
    this.ready = this.#load();
    void this.ready.then(() => !this.#closed && this.#leadership.acquire(() => void this.#load().then(() => this.#lead())));
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
    for (const key of new Set([...this.#mirror.contactKeys(), ...this.#sending])) {
      const status = this.#statusOf(key);
      if (status) contacts.set(key, status);
    }
    const pending = this.#mirror.pending().length;
    const failed = this.#mirror.failures().length;
    return { pending, failed, flusher: this.#flusher, contacts, lastError: this.#lastError };
  }

  /** The status of one contact's writes. */
  statusOf(contact: ContactRef): ContactStatus | undefined {
    return this.#statusOf(contactKeyOf(contact));
  }

  /** Kept failures, oldest first. */
  failures(): OutboxEntry[] {
    return this.#mirror.failures().map((entry) => structuredClone(entry));
  }

  /**
   * Queues attributes for a contact; resolves when the request carrying them landed. origin 'agent' (the default)
   * flushes at once; 'rule' waits the debounce. Rejects at once, keeping what was pending, when the merged pending
   * attributes would break a rule of the API (the byte budget counted on `options.stored`, what the caller knows
   * to be stored).
   */
  async write(contact: ContactRef, attributes: Readonly<Attributes>, options: OutboxWriteOptions = {}): Promise<void> {
    const [outcome] = await this.#enqueue(contact, [{ attributes, once: options.once }], options);
    return part(outcome);
  }

  /**
   * Queues several writes of one contact, each with its own fired marker, in ONE store transaction (the rules one
   * event matched): parts whose marker is already set are left out, the others are merged in order, as if written
   * one after the other. Returns one promise per part, settling like `write()`'s would (a part over the byte budget
   * is refused alone and its marker stays unset).
   */
  writeBatch(contact: ContactRef, parts: readonly OutboxPart[], options: WriteOptions = {}): Promise<void>[] {
    const outcomes = this.#enqueue(contact, parts, options);
    return parts.map((_, index) => outcomes.then((all) => part(all[index])));
  }

  /** Sends every pending entry as soon as the pacing allows, without waiting for the debounce. */
  flush(): void {
    if (!this.#flusher) return this.#leadership.post({ type: 'flush' });
    const now = this.#settings.clock.now();
    for (const entry of this.#mirror.pending()) entry.dueAt = Math.min(entry.dueAt, now);
    this.#pump.schedule();
  }

  /** Puts a kept failure back in the queue (values pending since then win); resolves when it landed. */
  async retry(id: string): Promise<void> {
    const failed = await this.store.get(id);
    if (!failed?.failed) throw new Error(`Outbox.retry: no kept failure with id ${id}.`);
    const live = await this.store.get(failed.contactKey);
    const values = Object.entries(failed.attributes).filter(([key]) => !live || !Object.hasOwn(live.attributes, key));
    const [outcome] = await this.#enqueue(failed.contact, [{ attributes: Object.fromEntries(values) }], { origin: 'agent' });
    if (outcome && 'error' in outcome) throw outcome.error;
    await this.discard(id);
    return part(outcome);
  }

  /** Deletes a kept failure for good (an explicit decision of the agent or the host page). */
  async discard(id: string): Promise<void> {
    let removed: OutboxEntry | undefined;
    const result = await this.store.update(id, (current) => {
      removed = current?.failed ? current : undefined;
      return removed ? null : undefined;
    });
    if (removed) this.#changed({ id, contactKey: removed.contactKey, entry: null, revision: result.revision });
  }

  /** Resolves when nothing is pending (kept failures aside); rejects with an AbortError once the outbox is closed. */
  whenIdle(): Promise<void> {
    return this.#waiters.whenIdle(this.#mirror.pending().length === 0);
  }

  /**
   * Stops this outbox (like a closed tab): timers stop, requests in flight are aborted, the flusher lock passes to
   * another tab, and every promise of `write()` and `whenIdle()` still waiting rejects with an AbortError, as does
   * any later one. Queued entries stay in the store for the next outbox. The store is not closed.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#flusher = false;
    this.#pump.stop();
    this.#settings.clock.clearTimeout(this.#expiryTimer);
    for (const { controller } of this.#inFlight.values()) controller.abort(abortError('The outbox was closed.'));
    this.#leadership.close();
    this.#waiters.close(abortError('The outbox was closed; the write stays queued for the next outbox over this store.'));
    this.#emitter.clear();
  }

  // ---- queueing ----

  /**
   * Queues parts in one store transaction (one part for `write()`) and settles each on its own; rejects as a whole
   * only for a reason common to all parts (closed, aborted, the store failed).
   */
  async #enqueue(contact: ContactRef, parts: readonly { attributes: Readonly<Attributes>; once?: string | undefined }[], options: OutboxWriteOptions): Promise<PartOutcome[]> {
    if (this.#closed) throw abortError('The outbox was closed.');
    options.signal?.throwIfAborted();
    const { contactId, initialContactId, instanceId, region } = contact;
    const ref: ContactRef = { contactId, initialContactId, instanceId, ...(region ? { region } : {}) };
    const outcomes: PartOutcome[] = [];
    const queued: { index: number; attributes: Attributes; once: string | undefined }[] = [];
    parts.forEach(({ attributes, once }, index) => {
      const problems = checkUpdate({ instanceId, initialContactId, attributes });
      if (problems.length > 0) outcomes[index] = { error: validationError(problems) };
      else if (Object.keys(attributes).length === 0) outcomes[index] = { landed: Promise.resolve() };
      else queued.push({ index, attributes: { ...attributes }, once });
    });
    if (queued.length === 0) return outcomes;
    const { clock, debounceMs, maxDebounceMs } = this.#settings;
    const now = clock.now();
    const markers = queued.flatMap(({ once }) => (once === undefined ? [] : [{ id: once, at: now }]));
    if (markers.length > 0 && markers.length < queued.length) throw new TypeError('Outbox: every part of a batched write needs its own marker.');
    const key = contactKeyOf(ref);
    const context = { contact: ref, origin: options.origin ?? 'agent', now, stored: options.stored, debounceMs, maxDebounceMs } as const;
    let merged: MergeResult | undefined;
    this.#enqueuing.set(key, (this.#enqueuing.get(key) ?? 0) + 1);
    let result: StoreUpdateResult;
    try {
      result = await this.store.update(
        key,
        (current, revision, marks) => {
          merged = mergeParts(current, queued, { ...context, revision, fired: marks.fired });
          for (const index of merged.refused.keys()) {
            const once = queued[index]?.once;
            if (once !== undefined) marks.set.delete(once);
          }
          return merged.entry;
        },
        { markers },
      );
    } finally {
      // In the same turn as the mirror's update below, so the pump never sees the count drop before the change.
      const left = this.#enqueuing.get(key)! - 1;
      if (left > 0) this.#enqueuing.set(key, left);
      else this.#enqueuing.delete(key);
      this.#pump.schedule();
    }
    queued.forEach(({ index, attributes }, position) => {
      const refused = merged?.refused.get(position);
      if (refused) outcomes[index] = { error: refused };
      else if (!result.applied || !merged?.accepted.has(position)) outcomes[index] = { landed: Promise.resolve() };
      else {
        const revisions = Object.fromEntries(Object.keys(attributes).map((name) => [name, result.revision]));
        outcomes[index] = { landed: this.#waitFor(key, revisions, options) };
      }
    });
    if (result.applied && merged?.entry) this.#changed({ id: key, contactKey: key, entry: result.entry!, revision: result.revision });
    return outcomes;
  }

  #waitFor(key: string, revisions: Revisions, options: OutboxWriteOptions): Promise<void> {
    const landed = this.#waiters.add(key, revisions, {
      signal: options.signal,
      onProgress: options.onProgress,
      onAbort: (waiter, reason) => void this.#abandon(waiter, reason),
    });
    try {
      options.onProgress?.({ state: this.#sending.has(key) ? 'sending' : 'queued' });
    } catch (error) {
      this.#fail(error);
    }
    return landed;
  }

  /** An aborted write: unless a request already carries its values, they are taken out of the queue and it rejects. */
  async #abandon(waiter: Waiter, reason: unknown): Promise<void> {
    const flight = this.#inFlight.get(waiter.contactKey);
    if (flight && holdsAny(flight.sent, waiter.revisions)) return; // it settles with that request
    this.#waiters.drop(waiter, reason ?? abortError('The write was aborted.'));
    const { contactKey, revisions } = waiter;
    const abandoned = this.#abandoned.get(contactKey) ?? [];
    this.#abandoned.set(contactKey, [...abandoned, revisions]);
    try {
      let changed = false;
      const result = await this.store.update(contactKey, (current, revision) => {
        if (!current || current.failed) return undefined;
        const next = withoutSent(current, revisions, revision);
        changed = next === null || Object.keys(next.attributes).length < Object.keys(current.attributes).length;
        return changed ? next : undefined;
      });
      if (changed) this.#changed({ id: contactKey, contactKey, entry: result.entry ?? null, revision: result.revision });
    } catch (error) {
      this.#fail(error);
    } finally {
      const left = (this.#abandoned.get(contactKey) ?? []).filter((other) => other !== revisions);
      if (left.length > 0) this.#abandoned.set(contactKey, left);
      else this.#abandoned.delete(contactKey);
    }
  }

  // ---- sending (the flusher) ----

  async #load(): Promise<void> {
    try {
      for (const entry of await this.store.list()) this.#mirror.apply(entry.id, entry, entry.revision);
    } catch (error) {
      this.#fail(error);
    }
  }

  #lead(): void {
    if (this.#closed) return;
    this.#flusher = true;
    // The previous flusher may have died mid-request: its "sending" reports mean nothing now; its debounce does not bind us.
    this.#sending.clear();
    const latest = this.#settings.clock.now() + this.#settings.debounceMs;
    for (const entry of this.#mirror.pending()) entry.dueAt = Math.min(entry.dueAt, latest);
    this.#emitChange(this.#mirror.contactKeys());
    this.#pump.run();
    void this.#expire();
  }

  #start(key: string): void {
    const entry = this.#mirror.get(key);
    if (!entry) return;
    const all = sentOf(entry);
    const abandoned = this.#abandoned.get(key) ?? [];
    const keys = Object.keys(all.attributes).filter((name) => !abandoned.some((revisions) => own(revisions, name) === own(all.revisions, name)));
    if (keys.length === 0) return;
    const sent: Sent = {
      attributes: Object.fromEntries(keys.map((name) => [name, own(all.attributes, name)!])),
      revisions: Object.fromEntries(keys.map((name) => [name, own(all.revisions, name)!])),
    };
    const controller = new AbortController();
    this.#inFlight.set(key, { sent, controller });
    this.#setSending(key, true);
    // The contact stops "sending" once the answer came; its status changes once the store recorded the outcome.
    const answered = (): void => this.#setSending(key, false, false);
    void fly(entry, sent, controller.signal, this.#settings, answered)
      .then((result) => this.#landedOrNot(key, entry, result))
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        if (this.#closed) return;
        this.#inFlight.delete(key);
        this.#setSending(key, false);
        this.#pump.schedule();
      });
  }

  async #landedOrNot(key: string, entry: OutboxEntry, result: FlightResult): Promise<void> {
    if (result.type === 'aborted' || this.#closed) return;
    for (const change of result.changes) this.#changed(change);
    if (result.type === 'landed') {
      const { attributes, revisions } = result.sent;
      this.#leadership.post({ type: 'landed', contact: entry.contact, contactKey: key, attributes, revisions });
      this.#onLanded(key, entry.contact, attributes, revisions);
      await this.#supersede(key);
    } else if (result.type === 'retry') {
      this.#lastError = result.error;
      if (result.error.kind === 'throttled') this.#pump.pause(result.retryAt);
    } else {
      this.#leadership.post({ type: 'failed', entry: result.kept });
      this.#onFailed(result.kept);
    }
  }

  /** Removes the kept failures of a contact whose every key a newer landed value replaced, each with a `superseded` event. */
  async #supersede(key: string): Promise<void> {
    const landed = this.#ledger.landed(key);
    for (const kept of this.#mirror.failures(key)) {
      let removed: OutboxEntry | undefined;
      const result = await this.store.update(kept.id, (current) => {
        removed = current?.failed && isSuperseded(current, landed) ? current : undefined;
        return removed ? null : undefined;
      });
      if (!removed || this.#closed) continue;
      this.#changed({ id: kept.id, contactKey: key, entry: null, revision: result.revision });
      this.#leadership.post({ type: 'superseded', entry: removed });
      this.#emitter.emit('superseded', { entry: structuredClone(removed) });
    }
  }

  async #expire(): Promise<void> {
    if (!this.#flusher || this.#closed) return;
    const { clock, store, maxAgeMs, markerMaxAgeMs, expiryIntervalMs } = this.#settings;
    const now = clock.now();
    try {
      const pass = await expireBefore(store, now - maxAgeMs, (id) => this.#inFlight.get(id)?.sent.revisions);
      if (this.#closed) return;
      for (const change of pass.changes) this.#changed(change);
      for (const expired of pass.expired) {
        this.#leadership.post({ type: 'expired', entry: expired });
        this.#onExpired(expired);
      }
      await store.pruneMarkers(now - markerMaxAgeMs);
    } catch (error) {
      this.#fail(error);
    }
    if (!this.#closed) this.#expiryTimer = clock.setTimeout(() => void this.#expire(), expiryIntervalMs);
  }

  // ---- what every tab does with a change ----

  #onLanded(key: string, contact: ContactRef, attributes: Attributes, revisions: Revisions): void {
    if (this.#waiters.has(key) || this.#mirror.failures(key).length > 0) this.#waiters.settle(key, this.#ledger.record(key, revisions));
    this.#emitter.emit('landed', { contact, attributes });
  }

  #onFailed(kept: OutboxEntry): void {
    const error = kept.lastError ? fromStoredError(kept.lastError) : new AttributesError('server', 'The write failed.');
    this.#lastError = error;
    this.#waiters.reject(kept, error);
    this.#emitter.emit('failed', { entry: structuredClone(kept), error });
  }

  #onExpired(expired: OutboxEntry): void {
    this.#waiters.reject(expired, new DOMException(`The write was not sent within ${this.#settings.maxAgeMs} ms and expired.`, 'TimeoutError'));
    this.#emitter.emit('expired', { entry: structuredClone(expired) });
  }

  #receive(message: Message): void {
    if (this.#closed) return;
    switch (message.type) {
      case 'entry':
        this.#mirror.apply(message.id, message.entry, message.revision);
        this.#emitChange([message.contactKey]);
        this.#pump.schedule();
        break;
      case 'sending':
        if (!this.#flusher) this.#setSending(message.contactKey, message.sending);
        break;
      case 'landed':
        this.#onLanded(message.contactKey, message.contact, message.attributes, message.revisions);
        this.#emitChange([message.contactKey]);
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
    }
  }

  /** Applies a change this tab made to the store and tells the other tabs. */
  #changed(change: Change): void {
    this.#mirror.apply(change.id, change.entry, change.revision);
    this.#leadership.post({ type: 'entry', ...change });
    this.#emitChange([change.contactKey]);
    this.#pump.schedule();
  }

  #setSending(key: string, sending: boolean, emit = true): void {
    if (this.#sending.has(key) === sending) {
      if (emit) this.#emitChange([key]);
      return;
    }
    if (sending) this.#sending.add(key);
    else this.#sending.delete(key);
    if (this.#flusher) this.#leadership.post({ type: 'sending', contactKey: key, sending });
    if (emit) this.#emitChange([key]);
  }

  #statusOf(key: string): ContactStatus | undefined {
    const live = this.#mirror.get(key);
    return contactStatus(key, live, this.#mirror.failures(key), this.#sending.has(key), this.#settings.clock.now());
  }

  #emitChange(keys: Iterable<string>): void {
    if (this.#closed) return;
    for (const key of keys) {
      const previous = this.#statuses.get(key);
      const status = this.#statusOf(key) ?? (previous && idleStatus(previous));
      if (!status || sameStatus(previous, status)) continue;
      if (status.state === 'idle') this.#statuses.delete(key);
      else this.#statuses.set(key, status);
      this.#emitter.emit('status', status);
      const progress = progressOf(status);
      if (progress) this.#waiters.progress(key, progress, (error) => this.#fail(error));
    }
    // What landed is kept only while a write() or a kept failure of the contact still needs it.
    for (const key of keys) if (!this.#waiters.has(key) && this.#mirror.failures(key).length === 0) this.#ledger.release(key);
    const state = this.state;
    this.#emitter.emit('change', state);
    this.#waiters.idle(state.pending === 0);
  }

  #fail(error: unknown): void {
    this.#emitter.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}

/** Creates an outbox (see `OutboxOptions`). */
export function createOutbox(options: OutboxOptions): Outbox {
  return new Outbox(options);
}

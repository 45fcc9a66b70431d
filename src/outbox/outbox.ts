/**
 * The durable outbox every write goes through: it coalesces writes per contact, debounces rule tags, paces and
 * retries requests, keeps what cannot land, persists everything in an OutboxStore, and lets one tab send for all
 * tabs. This class composes the parts and keeps what every tab sees (the mirror, statuses, events): the writing
 * side (queue.ts), the sending side of the flusher tab (flusher.ts, over pump.ts, flight.ts and expiry.ts), the pure
 * entry logic (entry.ts), what landed (ledger.ts), the write() promises (waiters.ts), aborted writes (aborts.ts)
 * and cross-tab leadership (leadership.ts).
 */
import { AttributesError } from '../errors.ts';
import type { Attributes } from '../validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions } from '../writer.ts';
import { Aborts } from './aborts.ts';
import { Emitter, type Subscribable } from './emitter.ts';
import { contactKeyOf, fromStoredError, liveId } from './entry.ts';
import { partPromise, Queue, type OutboxPart, type OutboxWriteOptions } from './queue.ts';
import type { OutboxEventMap, OutboxState } from './events.ts';
import type { Change } from './flight.ts';
import { Flusher } from './flusher.ts';
import { Leadership, type Message } from './leadership.ts';
import { Ledger } from './ledger.ts';
import { Mirror } from './mirror.ts';
import { adopt } from './owners.ts';
import { agentOf, settingsOf, type OutboxOptions, type Settings } from './options.ts';
import { contactStatus, progressOf, StatusBoard, type ContactStatus } from './status.ts';
import type { OutboxEntry, OutboxStore } from './types.ts';
import { Waiters } from './waiters.ts';

export type { OutboxOptions, OutboxSender, UpdatingClient, OutboxClock, LockManagerLike } from './options.ts';
export type { OutboxPart, OutboxWriteOptions } from './queue.ts';

function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
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
  readonly #flusherSide: Flusher;
  readonly #queue: Queue;
  readonly #aborts: Aborts;
  /** Contacts with a request on the wire (this tab's, or as the flusher tab reports them). */
  readonly #sending = new Set<string>();
  readonly #statuses = new StatusBoard();
  #lastError: AttributesError | undefined;
  #flusher = false;
  #competing = false;
  #closed = false;
  #closing: Promise<void> = Promise.resolve();

  constructor(options: OutboxOptions) {
    const settings = settingsOf(options);
    this.#settings = settings;
    this.store = settings.store;
    this.lockName = settings.lockName;
    this.#mirror.setAgent(settings.agent, settings.scoped);
    this.#leadership = new Leadership({
      lockName: settings.lockName,
      locks: settings.locks,
      shared: settings.store.shared,
      onMessage: (message) => this.#receive(message),
      onError: (error) => this.#fail(error),
    });
    const mirror = this.#mirror;
    this.#flusherSide = new Flusher(settings, {
      mirror,
      enqueuing: (key) => this.#queue.enqueuing(key),
      abandoned: (key) => this.#aborts.abandoned(key),
      landed: (key) => this.#ledger.landed(key),
      changed: (change) => this.#changed(change),
      found: (entry) => {
        const known = mirror.get(entry.id);
        if (known && known.revision >= entry.revision) return;
        if (mirror.apply(entry.id, entry, entry.revision))
          this.#changed({ id: entry.id, contactKey: entry.contactKey, entry, revision: entry.revision });
      },
      sending: (key, sending, emit) => this.#setSending(key, sending, emit),
      announce: (message) => {
        this.#leadership.post(message);
        this.#handle(message);
      },
      onRetry: (error) => (this.#lastError = error),
      fail: (error) => this.#fail(error),
    });
    this.#queue = new Queue(settings, {
      waiters: this.#waiters,
      agent: () => this.#mirror.agent,
      closed: () => this.#closed,
      sending: (key) => this.#sending.has(key),
      changed: (change) => this.#changed(change),
      schedule: () => this.#flusherSide.schedule(),
      landed: (key) => this.#ledger.landed(key),
      abort: (waiter, reason) => this.#aborts.requested(waiter, reason),
      fail: (error) => this.#fail(error),
    });
    this.#aborts = new Aborts(settings.store, {
      waiters: this.#waiters,
      flusher: () => this.#flusher,
      inFlight: (key) => this.#flusherSide.inFlight(key),
      entry: (key) => mirror.live(key),
      liveId: (key) => liveId(key, mirror.agent),
      changed: (change) => this.#changed(change),
      announce: (message) => {
        this.#leadership.post(message);
        this.#handle(message);
      },
      post: (message) => this.#leadership.post(message),
      track: (operation) => void this.#queue.track(operation),
      fail: (error) => this.#fail(error),
    });
    this.ready = this.#load();
    void this.ready.then(() => this.#compete());
  }

  /**
   * Competes for the flusher lock, once. A tab expecting an agent waits until one is named: a tab whose host never
   * names one (its CCP not signed in) must not hold the lock and leave every tab's writes unsent.
   */
  #compete(): void {
    if (this.#closed || this.#competing || (this.#mirror.scoped && this.#mirror.agent === undefined)) return;
    this.#competing = true;
    this.#leadership.acquire(() => void this.#load().then(() => this.#lead()));
  }

  /** Subscribes to an event; returns the unsubscribe function. */
  on<K extends keyof OutboxEventMap>(type: K, listener: (event: OutboxEventMap[K]) => void): () => void {
    return this.#emitter.on(type, listener);
  }

  /** True while this tab sends for all tabs. */
  get flusher(): boolean {
    return this.#flusher;
  }

  /**
   * The current state of the agent's writes: pending count, per-contact status, last error. `contacts` is computed
   * when read, so a 'change' event costs the same however many contacts have kept failures.
   */
  get state(): OutboxState {
    let contacts: Map<string, ContactStatus> | undefined;
    const statuses = (): Map<string, ContactStatus> => {
      contacts ??= new Map();
      for (const key of new Set([...this.#mirror.contactKeys(), ...this.#sending])) {
        const status = this.#statusOf(key);
        if (status) contacts.set(key, status);
      }
      return contacts;
    };
    return {
      pending: this.#mirror.pending().length,
      failed: this.#mirror.failureCount,
      flusher: this.#flusher,
      get contacts(): ReadonlyMap<string, ContactStatus> {
        return contacts ?? statuses();
      },
      lastError: this.#lastError,
    };
  }

  /** The status of one contact's writes (the agent's). */
  statusOf(contact: ContactRef): ContactStatus | undefined {
    return this.#statusOf(contactKeyOf(contact));
  }

  /**
   * The agent's kept failures, oldest first; of one contact when it is given. Each can be retried (`retry(id)`) or
   * discarded (`discard(id)`); `status` and `change` events tell when the list changes.
   */
  failures(contact?: ContactRef): OutboxEntry[] {
    const kept = this.#mirror.failures(contact && contactKeyOf(contact));
    return kept.map((entry) => structuredClone(entry));
  }

  /** The agent this outbox writes for (the Connect agent ARN the host gave), or undefined until it is named. */
  get agent(): string | undefined {
    return this.#mirror.agent;
  }

  /**
   * Names the agent who writes (the Connect agent ARN the host gives; the plugin follows the tracker's agent). Until
   * an agent is named nothing is sent. Writes queued before are the named agent's. When another agent is named (a
   * shared desk), the former agent's writes stay queued for them (neither sent, shown nor counted here) and their
   * `write()` promises reject with an AbortError.
   */
  setAgent(agent: string | null | undefined): void {
    const next = agentOf('setAgent', agent ?? undefined);
    const previous = this.#mirror.agent;
    if (this.#closed) return;
    if (next === previous) {
      if (this.#mirror.scoped) return;
      this.#mirror.setAgent(next); // an agent is expected from now on
      this.#flusherSide.schedule();
      return;
    }
    const before = this.#mirror.contactKeys();
    if (previous !== undefined) {
      const error = abortError('Another agent signed in; the write stays queued for the agent who made it.');
      for (const entry of this.#mirror.pending()) this.#waiters.reject(entry, error);
    }
    this.#mirror.setAgent(next);
    this.#emitChange(new Set([...before, ...this.#mirror.contactKeys()]));
    this.#flusherSide.schedule();
    if (next === undefined) return;
    void this.#adopt(next);
    void this.ready.then(() => this.#compete());
  }

  /**
   * Queues attributes for a contact; resolves when the request carrying them landed. origin 'agent' (the default)
   * flushes at once; 'rule' waits the debounce. Rejects at once, keeping what was pending, when the merged pending
   * attributes would break a rule of the API (the byte budget counted on `options.stored`, what the caller knows
   * to be stored).
   */
  async write(contact: ContactRef, attributes: Readonly<Attributes>, options: OutboxWriteOptions = {}): Promise<void> {
    const [outcome] = await this.#queue.enqueue(contact, [{ attributes, once: options.once }], options);
    return partPromise(outcome);
  }

  /**
   * Queues several writes of one contact, each with its own fired marker, in ONE store transaction (the rules one
   * event matched): parts whose marker is already set are left out, the others are merged in order, as if written
   * one after the other. Returns one promise per part, settling like `write()`'s would (a part over the byte budget
   * is refused alone and its marker stays unset).
   */
  writeBatch(contact: ContactRef, parts: readonly OutboxPart[], options: WriteOptions = {}): Promise<void>[] {
    const outcomes = this.#queue.enqueue(contact, parts, options);
    return parts.map((_, index) => outcomes.then((all) => partPromise(all[index])));
  }

  /** Sends every pending entry as soon as the pacing allows, without waiting for the debounce. */
  flush(): void {
    if (!this.#flusher) {
      this.#leadership.post({ type: 'flush' });
      return;
    }
    const now = this.#settings.clock.now();
    for (const entry of this.#mirror.pending()) entry.dueAt = Math.min(entry.dueAt, now);
    this.#flusherSide.schedule();
  }

  /**
   * Puts one of the agent's kept failures back in the queue; resolves when it landed. Values pending since win, and
   * values a newer write replaced and landed since (as the store records it, in every tab and after a reload) are
   * not sent again; a failure with nothing left is cleared.
   */
  retry(id: string): Promise<void> {
    return this.#queue.retry(id);
  }

  /** Deletes one of the agent's kept failures for good (an explicit decision of the agent or the host page). */
  discard(id: string): Promise<void> {
    return this.#queue.discard(id);
  }

  /** Resolves when nothing is pending (kept failures aside); rejects with an AbortError once the outbox is closed. */
  whenIdle(): Promise<void> {
    return this.#waiters.whenIdle(this.#mirror.pending().length === 0);
  }

  /**
   * Stops this outbox (like a closed tab): timers stop, requests still waiting for their answer are aborted, and
   * every promise of `write()`, `whenIdle()` and `retry()` still waiting rejects with an AbortError, as does any later
   * one. Queued entries stay in the store for the next outbox. The returned promise resolves once the answers that
   * already came are recorded in the store and told to the other tabs, so are the writes still being stored (the
   * flusher sends them), and the flusher lock has passed on: close the store only then. The store is not closed here.
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closing;
    this.#closed = true;
    this.#flusher = false;
    this.#waiters.close(
      abortError('The outbox was closed; the write stays queued for the next outbox over this store.'),
    );
    // Listeners still hear how the answers already received end (landed, failed, expired) until those are recorded.
    // A write being stored now is told to the other tabs before the channel closes, or no flusher would know of it.
    this.#closing = Promise.all([this.#flusherSide.stop(), this.#queue.stored()]).then(() => {
      this.#leadership.close();
      this.#emitter.clear();
    });
    return this.#closing;
  }

  // ---- sending (the flusher) ----

  async #load(): Promise<void> {
    try {
      for (const entry of await this.store.list()) this.#mirror.apply(entry.id, entry, entry.revision);
    } catch (error) {
      this.#fail(error);
    }
    const agent = this.#mirror.agent;
    if (agent !== undefined) await this.#adopt(agent);
  }

  /** Makes the named agent the owner of the entries nobody owns (see owners.ts). */
  async #adopt(agent: string): Promise<void> {
    const unowned = [...this.#mirror.values()].filter((entry) => entry.agent === undefined);
    if (unowned.length === 0) return;
    try {
      await adopt(this.store, unowned, agent, {
        still: () => !this.#closed && this.#mirror.agent === agent,
        changed: (change) => this.#changed(change),
      });
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
    this.#flusherSide.run();
    this.#leadership.post({ type: 'flusher' });
    this.#aborts.led();
  }

  // ---- what every tab does with a change ----

  #receive(message: Message): void {
    if (!this.#closed) this.#handle(message);
  }

  /** What every tab does with a change another tab told, or the flusher's own outcome it tells the others. */
  #handle(message: Message): void {
    switch (message.type) {
      case 'entry':
        this.#mirror.apply(message.id, message.entry, message.revision);
        this.#emitChange([message.contactKey]);
        this.#flusherSide.schedule();
        break;
      case 'sending':
        if (!this.#flusher) this.#setSending(message.contactKey, message.sending);
        break;
      case 'landed': {
        const { contactKey, contact, attributes, revisions } = message;
        if (this.#waiters.has(contactKey) || this.#mirror.failures(contactKey).length > 0) {
          this.#waiters.settle(contactKey, this.#ledger.record(contactKey, revisions));
        }
        this.#emitter.emit('landed', { contact, attributes });
        this.#emitChange([contactKey]);
        break;
      }
      case 'failed': {
        const { entry } = message;
        if (!this.#mirror.owns(entry)) break;
        const error = entry.lastError
          ? fromStoredError(entry.lastError)
          : new AttributesError('server', 'The write failed.');
        this.#lastError = error;
        this.#waiters.reject(entry, error);
        this.#emitter.emit('failed', { entry: structuredClone(entry), error });
        break;
      }
      case 'expired': {
        if (!this.#mirror.owns(message.entry)) break;
        const reason = `The write was not sent within ${this.#settings.maxAgeMs} ms and expired.`;
        this.#waiters.reject(message.entry, new DOMException(reason, 'TimeoutError'));
        this.#emitter.emit('expired', { entry: structuredClone(message.entry) });
        this.#emitChange([message.entry.contactKey]);
        break;
      }
      case 'superseded':
        if (this.#mirror.owns(message.entry))
          this.#emitter.emit('superseded', { entry: structuredClone(message.entry) });
        break;
      case 'dropped':
        if (this.#mirror.owns(message.entry))
          this.#emitter.emit('dropped', { entry: structuredClone(message.entry), reason: message.reason });
        break;
      case 'erased':
        this.#waiters.reject(
          message,
          abortError('A later write of the same attribute was aborted before it was sent.'),
        );
        this.#emitChange([message.contactKey]);
        break;
      case 'abort':
        this.#aborts.asked(message.contactKey, message.revisions);
        break;
      case 'aborted':
        this.#aborts.aborted(message.contactKey, message.revisions);
        break;
      case 'flusher':
        this.#aborts.led();
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
    this.#flusherSide.schedule();
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
    const live = this.#mirror.live(key);
    return contactStatus(key, live, this.#mirror.failures(key), this.#sending.has(key), this.#settings.clock.now());
  }

  #emitChange(keys: Iterable<string>): void {
    if (this.#closed) return;
    for (const key of keys) {
      const status = this.#statuses.change(key, this.#statusOf(key));
      if (!status) continue;
      this.#emitter.emit('status', status);
      const progress = progressOf(status);
      if (progress) this.#waiters.progress(key, progress, (error) => this.#fail(error));
    }
    // What landed is kept only while a write() or a kept failure of the contact still needs it.
    for (const key of keys)
      if (!this.#waiters.has(key) && this.#mirror.failures(key).length === 0) this.#ledger.release(key);
    const state = this.state;
    this.#emitter.emit('change', state);
    this.#waiters.idle(state.pending === 0);
  }

  #fail(error: unknown): void {
    // Once closed, a failure is expected (the page may close the store before the close settled): not reported.
    if (this.#closed) return;
    this.#emitter.emit('error', error instanceof Error ? error : new Error(String(error)));
  }
}

/** Creates an outbox (see `OutboxOptions`). */
export function createOutbox(options: OutboxOptions): Outbox {
  return new Outbox(options);
}

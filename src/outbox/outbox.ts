/**
 * The durable outbox every write goes through: it coalesces writes per contact, debounces rule tags, paces and
 * retries requests, keeps what cannot land, persists everything in an OutboxStore, and lets one tab send for all
 * tabs. This class composes the parts and keeps what every tab sees (the mirror, statuses, events): the writing
 * side (queue.ts), the sending side of the flusher tab (flusher.ts, over pump.ts, flight.ts and expiry.ts), the pure
 * entry logic (entry.ts), what landed (ledger.ts), the write() promises (waiters.ts), aborted writes (aborts.ts),
 * cross-tab leadership (leadership.ts), what every tab does with a message (messages.ts) and what it shows of the
 * agent's writes (view.ts).
 */
import type { Attributes } from '../validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions, WriteReceipt } from '../writer.ts';
import { Aborts } from './aborts.ts';
import { Emitter, type Subscribable } from './emitter.ts';
import { contactKeyOf, liveId } from './entry.ts';
import { abortError, partPromise, Queue, type OutboxPart, type OutboxWriteOptions } from './queue.ts';
import type { OutboxEventMap, OutboxState } from './events.ts';
import type { Change } from './flight.ts';
import { Flusher } from './flusher.ts';
import { Leadership, type Message } from './leadership.ts';
import { Ledger } from './ledger.ts';
import { Mirror } from './mirror.ts';
import { handleMessage, type MessageHost } from './messages.ts';
import { adoptUnowned, nameAgent, type AgentHost } from './owners.ts';
import { agentOf, settingsOf, type OutboxOptions, type Settings } from './options.ts';
import type { ContactStatus } from './status.ts';
import type { OutboxEntry, OutboxStore } from './types.ts';
import { View, type ViewHost } from './view.ts';
import { Waiters } from './waiters.ts';

export type { OutboxOptions, OutboxSender, UpdatingClient, OutboxClock, LockManagerLike } from './options.ts';
export type { OutboxPart, OutboxWriteOptions } from './queue.ts';

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
  readonly #acceptedLedger = new Ledger();
  readonly #waiters = new Waiters();
  readonly #leadership: Leadership;
  /** The sending side; a fresh one each time this tab leads (a yielded one is stopped for good). */
  #flusherSide: Flusher;
  readonly #queue: Queue;
  readonly #aborts: Aborts;
  readonly #view: View;
  /** What the view, the message handling and the agent's naming need of this outbox. */
  readonly #tab: ViewHost & MessageHost & AgentHost;
  readonly #announce: (message: Message) => void;
  #flusher = false;
  #competing = false;
  /** True after `yieldSending()`: this tab leaves the lock to others until `resumeSending()`. */
  #yielded = false;
  /** The hand-over under way: the yielded sending side recording its last requests. */
  #yielding: Promise<void> = Promise.resolve();
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
    const tab: ViewHost & MessageHost & AgentHost = {
      settings,
      store: settings.store,
      mirror,
      emitter: this.#emitter,
      waiters: this.#waiters,
      ledger: this.#ledger,
      acceptedLedger: this.#acceptedLedger,
      leadership: this.#leadership,
      flusher: () => this.#flusher,
      closed: () => this.#closed,
      changed: (change) => this.#changed(change),
      emitChange: (keys) => this.#view.emitChange(keys),
      schedule: () => this.#flusherSide.schedule(),
      flush: () => this.flush(),
      compete: () => void this.ready.then(() => this.#compete()),
      fail: (error) => this.#fail(error),
    };
    this.#tab = tab;
    this.#view = new View(tab);
    // The flusher's own outcomes and aborts: told to the other tabs, and handled here as they would be there.
    const announce = (message: Message): void => {
      this.#leadership.post(message);
      this.#handle(message);
    };
    this.#announce = announce;
    this.#flusherSide = this.#newFlusher();
    this.#queue = new Queue(settings, {
      waiters: this.#waiters,
      agent: () => this.#mirror.agent,
      closed: () => this.#closed,
      sending: (key) => this.#view.sending.has(key),
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
      announce,
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
    if (this.#closed || this.#competing || this.#yielded || (this.#mirror.scoped && this.#mirror.agent === undefined))
      return;
    this.#competing = true;
    this.#leadership.acquire(() => void this.#load().then(() => this.#lead()));
  }

  /** A sending side for this tab's next turn as the flusher. */
  #newFlusher(): Flusher {
    const settings = this.#settings;
    const mirror = this.#mirror;
    return new Flusher(settings, {
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
      sending: (key, sending, emit) => this.#view.setSending(key, sending, emit),
      announce: this.#announce,
      onRetry: (error) => (this.#view.lastError = error),
      fail: (error) => this.#fail(error),
    });
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
    return this.#view.state();
  }

  /** The status of one contact's writes (the agent's). */
  statusOf(contact: ContactRef): ContactStatus | undefined {
    return this.#view.statusOf(contactKeyOf(contact));
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
    if (!this.#closed) nameAgent(next, this.#tab);
  }

  /**
   * Queues attributes for a contact; resolves when the request carrying them landed. origin 'agent' (the default)
   * flushes at once; 'rule' waits the debounce. Rejects at once, keeping what was pending, when the merged pending
   * attributes would break a rule of the API (the byte budget counted on `options.stored`, what the caller knows
   * to be stored).
   */
  async write(
    contact: ContactRef,
    attributes: Readonly<Attributes>,
    options: OutboxWriteOptions = {},
  ): Promise<WriteReceipt> {
    const [outcome] = await this.#queue.enqueue(contact, [{ attributes, once: options.once }], options);
    return partPromise(outcome);
  }

  /**
   * Queues several writes of one contact, each with its own fired marker, in ONE store transaction (the rules one
   * event matched): parts whose marker is already set are left out, the others are merged in order, as if written
   * one after the other. Returns one promise per part, settling like `write()`'s would (a part over the byte budget
   * is refused alone and its marker stays unset).
   */
  writeBatch(contact: ContactRef, parts: readonly OutboxPart[], options: WriteOptions = {}): Promise<WriteReceipt>[] {
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
  retry(id: string): Promise<WriteReceipt> {
    return this.#queue.retry(id);
  }

  /** Deletes one of the agent's kept failures for good (an explicit decision of the agent or the host page). */
  discard(id: string): Promise<void> {
    return this.#queue.discard(id);
  }

  /**
   * Leaves the sending to another outbox over the same store (another page of the origin, e.g. an agent workspace
   * service): this one stops competing for the flusher lock; if it was the flusher, it lets its requests on the wire
   * end (each within its deadline), records them, then gives the lock up. Writes still go into the store and reach
   * the flusher over the shared channel. Resolves once the lock is given up.
   */
  async yieldSending(): Promise<void> {
    if (this.#closed || this.#yielded) return;
    this.#yielded = true;
    this.#competing = false;
    if (this.#flusher) {
      this.#flusher = false;
      const side = this.#flusherSide;
      this.#flusherSide = this.#newFlusher();
      this.#yielding = side.stop({ drain: true });
      await this.#yielding;
    }
    this.#leadership.yield();
  }

  /** Competes for the flusher lock again after `yieldSending()` (the other sender went away). */
  resumeSending(): void {
    if (!this.#yielded) return;
    this.#yielded = false;
    void this.ready.then(() => this.#compete());
  }

  /**
   * Sends what is pending now, the writes still being stored included (`flush()`), and resolves when nothing is
   * pending: a page about to go (an agent workspace app being destroyed) bounds this wait itself.
   */
  async sendPending(): Promise<void> {
    await this.#queue.stored();
    this.flush();
    await this.whenIdle();
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
    this.#closing = Promise.all([this.#flusherSide.stop(), this.#yielding, this.#queue.stored()]).then(() => {
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
    if (agent !== undefined) await adoptUnowned(agent, this.#tab);
  }

  #lead(): void {
    if (this.#closed || this.#yielded) return;
    this.#flusher = true;
    // The previous flusher may have died mid-request: its "sending" reports mean nothing now; its debounce does not bind us.
    this.#view.sending.clear();
    const latest = this.#settings.clock.now() + this.#settings.debounceMs;
    for (const entry of this.#mirror.pending()) entry.dueAt = Math.min(entry.dueAt, latest);
    this.#view.emitChange(this.#mirror.contactKeys());
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
    handleMessage(message, this.#tab, this.#view, this.#aborts);
  }

  /** Applies a change this tab made to the store and tells the other tabs. */
  #changed(change: Change): void {
    this.#mirror.apply(change.id, change.entry, change.revision);
    this.#leadership.post({ type: 'entry', ...change });
    this.#view.emitChange([change.contactKey]);
    this.#flusherSide.schedule();
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

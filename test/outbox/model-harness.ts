// The world the outbox model test drives: a shared fake clock, a shared in-page lock manager, counted
// BroadcastChannels, IndexedDB stores whose operations are counted, and an in-memory UpdateContactAttributes
// server whose requests stay on the wire until the test answers them. "Quiet" means no store operation, no
// cross-tab message and no lock grant is on its way, so the test can wait for the outboxes without real timers.
import { AttributesError } from '../../src/errors.ts';
import type {
  LandedRecord,
  EntryUpdate,
  IdbOutboxStore,
  MarkerContext,
  Outbox,
  OutboxEntry,
  OutboxStore,
  StoreUpdateOptions,
  StoreUpdateResult,
} from '../../src/outbox/index.ts';
import type { Attributes } from '../../src/validate.ts';
import { FakeClock } from './fakes.ts';

type Options = ConstructorParameters<typeof Outbox>[0];
type LockManagerLike = NonNullable<Options['locks']>;
type OutboxSender = NonNullable<Options['sender']>;

/** Work started by the outboxes that has not come back yet. */
export const pending = { store: 0, messages: 0, locks: 0 };

/** Called each time `quiet()` finds everything at rest. */
export const restListeners = new Set<() => void>();

function busy(): boolean {
  return pending.store > 0 || pending.messages > 0 || pending.locks > 0;
}

const turns = new MessageChannel();
const turnQueue: (() => void)[] = [];
turns.port1.onmessage = () => turnQueue.shift()?.();

/** One macrotask turn (a MessageChannel message: unlike setTimeout, never clamped). */
export function turn(): Promise<void> {
  return new Promise((resolve) => {
    turnQueue.push(resolve);
    turns.port2.postMessage(null);
  });
}

/**
 * Waits until nothing is on its way (store operations, cross-tab messages, lock grants) for a few turns in a
 * row; throws when that does not happen within `limitMs` of real time (something keeps the outboxes busy).
 */
export async function quiet(limitMs = 3_000): Promise<void> {
  const end = performance.now() + limitMs;
  let calm = 0;
  while (calm < 3) {
    await turn();
    calm = busy() ? 0 : calm + 1;
    if (performance.now() > end) throw new Error(`the outboxes did not come to rest (${JSON.stringify(pending)})`);
  }
  for (const listener of restListeners) listener();
}

/** A fake clock shared by every outbox of a run: timers fire only when `advance` passes their time. */
export class ModelClock extends FakeClock {
  constructor() {
    super(Date.UTC(2026, 0, 1));
  }

  /**
   * Moves time forward by `ms`, firing due timers in time order. With `rest` (the default) the outboxes come to
   * rest before and after each timer; without, only microtasks run in between, as with real timers whose
   * callbacks start work (store transactions, requests) that takes longer than the time between them.
   */
  rest(ms: number, rest = true): Promise<void> {
    return this.advance(ms, rest ? quiet : () => Promise.resolve());
  }
}

/**
 * What an aborted signal rejects with, as the platform does: its reason (the outboxes abort with an AbortError
 * DOMException, or with no reason, which is one too); anything else would be a harness bug, named as an AbortError.
 */
function abortReason(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error
    ? reason
    : new DOMException(`Aborted with a reason that is not an Error: ${String(reason)}`, 'AbortError');
}

/**
 * The Web Locks API for the "tabs" of one page: exclusive locks granted in request order; a waiting request
 * whose signal aborts is dropped with an AbortError; a lock passes on when its callback's promise settles.
 */
export class ModelLocks implements LockManagerLike {
  readonly #held = new Set<string>();
  readonly #queues = new Map<string, { grant: () => void; signal: AbortSignal | undefined }[]>();

  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const waiter = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          this.#held.add(name);
          pending.locks++;
          queueMicrotask(() => {
            pending.locks--;
            // A callback that throws rejects the request with what it threw, as the Web Locks API does.
            const result = new Promise<void>((settle) => {
              settle(callback());
            });
            result.then(resolve, reject).finally(() => {
              this.#held.delete(name);
              this.#grantNext(name);
            });
          });
        },
      };
      const onAbort = (): void => {
        const queue = this.#queues.get(name) ?? [];
        const index = queue.indexOf(waiter);
        if (index >= 0) queue.splice(index, 1);
        reject(signal ? abortReason(signal) : new DOMException('The lock request was aborted.', 'AbortError'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const queue = this.#queues.get(name) ?? [];
      this.#queues.set(name, queue);
      queue.push(waiter);
      if (!this.#held.has(name)) this.#grantNext(name);
    });
  }

  /** True while some request holds the lock `name`. */
  held(name: string): boolean {
    return this.#held.has(name);
  }

  #grantNext(name: string): void {
    this.#queues.get(name)?.shift()?.grant();
  }
}

/** How many messages counted channels posted (a check that the outboxes' channels are the counted ones). */
export const channelPosts = { count: 0 };

/** Per open channel, the messages posted to it that it has not received yet. */
const inbox = new Map<BroadcastChannel, number>();

/**
 * While `turns` is above 0, each channel hands the messages it receives to its page that many macrotask turns
 * late, one after the other in the order they came (a busy tab): meanwhile the tab applies its own changes at once,
 * so copies of an entry reach its mirror out of revision order.
 */
export const lag = { turns: 0 };

/**
 * While `on`, every channel parks the messages it receives instead of handing them to its page, until
 * `releaseHeld()` hands them over in the order they came: a step decides when a late copy arrives, not a count of
 * turns. A parked message counts as received (`quiet()` does not wait for it); a channel that closes drops its own.
 */
export const hold = { on: false };

/** The open channels, to release what they parked. */
const channels = new Set<CountedBroadcastChannel>();

/** Hands every parked message to its page (each channel in the order it received them) and stops holding. */
export function releaseHeld(): void {
  hold.on = false;
  for (const channel of [...channels]) channel.releaseParked();
}

/**
 * The real BroadcastChannel, counting messages on their way so `quiet()` can wait for them: a post counts one
 * for each other open channel of the same name; receiving (once handed to the page, see `lag`) or closing takes
 * them off.
 */
export class CountedBroadcastChannel extends BroadcastChannel {
  /** Messages received and not yet handed to the page. */
  readonly #held: unknown[] = [];
  /** The events this channel dispatched itself when handing a held message over. */
  readonly #released = new WeakSet<Event>();

  /** Messages received while `hold.on`, waiting for `releaseHeld()`. */
  readonly #parked: unknown[] = [];

  constructor(name: string) {
    super(name);
    inbox.set(this, 0);
    channels.add(this);
    // Registered before the page's handler, so it can hold a message back from it.
    this.addEventListener('message', (event) => {
      if (this.#released.has(event)) return;
      if (hold.on) {
        event.stopImmediatePropagation();
        this.#received(1);
        this.#parked.push(event.data);
        return;
      }
      if (lag.turns === 0 && this.#held.length === 0) {
        this.#received(1);
        return;
      }
      event.stopImmediatePropagation();
      this.#held.push(event.data);
      if (this.#held.length === 1) void this.#release(lag.turns);
    });
  }

  async #release(turns: number): Promise<void> {
    while (this.#held.length > 0 && inbox.has(this)) {
      for (let i = 0; i < turns; i++) await turn();
      if (!inbox.has(this)) return;
      this.#received(1);
      this.#dispatch(this.#held.shift());
    }
  }

  /** Hands the parked messages to the page, in the order they came. */
  releaseParked(): void {
    for (const data of this.#parked.splice(0)) if (inbox.has(this)) this.#dispatch(data);
  }

  #dispatch(data: unknown): void {
    const event = new MessageEvent('message', { data });
    this.#released.add(event);
    this.dispatchEvent(event);
  }

  override postMessage(message: unknown): void {
    super.postMessage(message);
    channelPosts.count++;
    for (const [channel, count] of inbox) {
      if (channel === this || channel.name !== this.name) continue;
      inbox.set(channel, count + 1);
      pending.messages++;
    }
  }

  override close(): void {
    this.#received(inbox.get(this) ?? 0);
    inbox.delete(this);
    channels.delete(this);
    this.#parked.length = 0;
    super.close();
  }

  #received(count: number): void {
    const left = inbox.get(this);
    if (left === undefined) return;
    const taken = Math.min(left, count);
    inbox.set(this, left - taken);
    pending.messages -= taken;
  }
}

/** Replaces the global BroadcastChannel with the counted one; returns the function that puts it back. */
export function countBroadcastChannels(): () => void {
  const original = globalThis.BroadcastChannel;
  globalThis.BroadcastChannel = CountedBroadcastChannel;
  return () => {
    globalThis.BroadcastChannel = original;
  };
}

/** One value of a contact's live entry as a write put it there: the store revision it was committed at. */
export interface AppliedValue {
  contactKey: string;
  key: string;
  value: string;
  revision: number;
}

/**
 * An OutboxStore over an IndexedDB store that counts its operations in flight and reports each value a write
 * puts in a live entry (a key whose per-key revision is the revision of the committing update), so the test
 * learns the order in which writes reached the store.
 */
export class CountedStore implements OutboxStore {
  readonly name: string;
  readonly shared = true;
  readonly #inner: IdbOutboxStore;
  readonly #onApplied: (applied: AppliedValue) => void;

  constructor(inner: IdbOutboxStore, onApplied: (applied: AppliedValue) => void) {
    this.name = inner.name;
    this.#inner = inner;
    this.#onApplied = onApplied;
  }

  async update(
    id: string,
    change: (current: OutboxEntry | undefined, revision: number, markers: MarkerContext) => EntryUpdate,
    options?: StoreUpdateOptions,
  ): Promise<StoreUpdateResult> {
    let written: EntryUpdate;
    const result = await this.#count(
      this.#inner.update(
        id,
        (current, revision, markers) => {
          written = change(current, revision, markers);
          return written;
        },
        options,
      ),
    );
    if (result.applied && written && !written.failed && written.id === written.contactKey) {
      for (const [key, value] of Object.entries(written.attributes)) {
        if (written.revisions[key] === result.revision)
          this.#onApplied({ contactKey: written.contactKey, key, value, revision: result.revision });
      }
    }
    return result;
  }

  get(id: string): Promise<OutboxEntry | undefined> {
    return this.#count(this.#inner.get(id));
  }

  list(): Promise<OutboxEntry[]> {
    return this.#count(this.#inner.list());
  }

  landed(contactKey: string): Promise<LandedRecord | undefined> {
    return this.#count(this.#inner.landed(contactKey));
  }

  listLanded(): Promise<LandedRecord[]> {
    return this.#count(this.#inner.listLanded());
  }

  deleteLanded(contactKey: string, at: number): Promise<void> {
    return this.#count(this.#inner.deleteLanded(contactKey, at));
  }

  hasMarker(marker: string): Promise<boolean> {
    return this.#count(this.#inner.hasMarker(marker));
  }

  pruneMarkers(before: number): Promise<number> {
    return this.#count(this.#inner.pruneMarkers(before));
  }

  close(): void {
    this.#inner.close();
  }

  async #count<T>(operation: Promise<T>): Promise<T> {
    pending.store++;
    try {
      return await operation;
    } finally {
      pending.store--;
    }
  }
}

/** How the server answers one request. */
export type Outcome =
  /** Stored, answered 200. */
  | 'ok'
  /** The request never reached the server: a network error. */
  | 'drop'
  /** Refused before storing: 429 ThrottlingException. */
  | '429'
  /** Refused before storing: 500. */
  | '500'
  /** Stored, then the connection dropped before the answer: a network error (retryable) although it landed. */
  | 'ambiguous'
  /** Stored, then answered 500 (retryable) although it landed. */
  | 'stored-500'
  /** Refused before storing for good: 400 InvalidParameterException (not retryable: kept as a failure). */
  | 'refused'
  /** Never processed, never answered: the request stays on the wire until its outbox gives up (its deadline). */
  | 'hang'
  /** Stored, then never answered (an ambiguous failure once the outbox gives up). */
  | 'stored-hang';

/** A request on the wire: sent by one outbox, not answered yet. */
export interface WireRequest {
  sender: number;
  contactKey: string;
  attributes: Attributes;
  /** Hung: no answer will come; it leaves the wire only when its sender aborts it. */
  hung?: boolean;
  answer(outcome: Outcome): void;
}

/** Something the server saw that must never happen. */
export type Violation = string;

/** A request the server received: who sent what, when (by the outboxes' clock), and how it was answered. */
export interface SentRequest {
  sender: number;
  contactKey: string;
  attributes: Attributes;
  at: number;
  outcome?: Outcome;
}

/** The outcomes a sender may retry (everything but a 200 and a refusal). */
const retryable: ReadonlySet<Outcome> = new Set(['drop', '429', '500', 'ambiguous', 'stored-500']);

/**
 * UpdateContactAttributes as a merge per contact. Requests wait on the wire until `answer`; an aborted request
 * (its outbox closed) leaves the wire without reaching the server. Checks, as requests arrive, that only one
 * outbox sends at a time, at most one request per contact is on the wire, a closed outbox sends nothing, a value
 * refused for good is not sent again (unless `retried`, or its outbox closed before it could record the refusal),
 * and an outbox waits its backoff: it sends a value again no sooner than `minBackoffMs` after a retryable failure
 * of it, and no request at all within `minBackoffMs` of a 429 (the quota is shared by every contact).
 */
export class ModelServer {
  readonly #now: () => number;
  readonly #minBackoffMs: number;
  /** Every request received, in order. */
  readonly sent: SentRequest[] = [];
  /** Per `sender|contactKey|key|value`: the earliest time that sender may send the value again. */
  readonly #backoff = new Map<string, number>();
  /** Per sender: until when a 429 holds back every request of it, and the 429's contact. */
  readonly #paused = new Map<number, { until: number; contactKey: string }>();
  /** Per `contactKey|key|value` refused for good: its sender, and whether the outboxes came to rest since. */
  readonly #refused = new Map<string, { sender: number; recorded: boolean }>();

  /** `now`: the outboxes' clock; `minBackoffMs`: the shortest delay the outboxes' backoff draws. */
  constructor(options: { now: () => number; minBackoffMs: number }) {
    this.#now = options.now;
    this.#minBackoffMs = options.minBackoffMs;
  }

  /** What is stored, per contact key. */
  readonly stored = new Map<string, Map<string, string>>();
  /** Per `contactKey|key|value`: how many requests stored it. */
  readonly received = new Map<string, number>();
  /**
   * Per `contactKey|key|value`: how many of those the sender cannot know landed: answered with a dropped
   * connection, or answered 200 to an outbox closed before it came to rest (a tab that died before it recorded
   * the answer).
   */
  readonly ambiguous = new Map<string, number>();
  /** Requests answered 200 since the outboxes were last at rest: sender and what was stored. */
  readonly #unrecorded: { sender: number; attributes: Attributes; contactKey: string }[] = [];
  /** Stored requests (a 200 or an ambiguous failure) since the outboxes were last at rest. */
  readonly #storedUnrecorded: { sender: number; attributes: Attributes; contactKey: string }[] = [];
  /** Per `contactKey|key|value`: stored by a request whose outbox closed before it could record the outcome. */
  readonly #recordLost = new Set<string>();
  readonly wire: WireRequest[] = [];
  /** While true the network is down: every request is dropped before it reaches the server, at once. */
  offline = false;
  /** The sender of every request received, in order. */
  readonly requests: number[] = [];
  readonly violations: Violation[] = [];
  /** Per contact key, the values stored in the order they were stored (to see a value go back). */
  readonly history = new Map<string, { key: string; value: string }[]>();

  /** The sender function of outbox number `sender`; `isClosed` says whether that outbox was closed. */
  senderFor(sender: number, isClosed: () => boolean): OutboxSender {
    return (contact, attributes, options) => {
      const contactKey = `${contact.instanceId}/${contact.initialContactId}`;
      const copy: Attributes = { ...attributes };
      this.requests.push(sender);
      const at = this.#now();
      const log: SentRequest = { sender, contactKey, attributes: copy, at };
      this.sent.push(log);
      this.#checkPacing(sender, contactKey, copy, at);
      if (isClosed()) this.violations.push(`outbox ${sender} sent ${show(copy)} for ${contactKey} after it was closed`);
      for (const other of this.wire) {
        if (other.sender !== sender) {
          this.violations.push(
            `two senders at once: outbox ${sender} sent ${show(copy)} for ${contactKey} while outbox ${other.sender}'s ${show(other.attributes)} for ${other.contactKey} was on the wire`,
          );
        } else if (other.contactKey === contactKey) {
          this.violations.push(`two requests for ${contactKey} at once: ${show(other.attributes)} and ${show(copy)}`);
        }
      }
      return new Promise<void>((resolve, reject) => {
        const leave = (): void => {
          const index = this.wire.indexOf(request);
          if (index >= 0) this.wire.splice(index, 1);
          options.signal.removeEventListener('abort', onAbort);
        };
        const onAbort = (): void => {
          leave();
          reject(abortReason(options.signal));
        };
        const request: WireRequest = {
          sender,
          contactKey,
          attributes: copy,
          answer: (outcome) => {
            log.outcome = outcome;
            if (outcome === 'hang' || outcome === 'stored-hang') {
              if (outcome === 'stored-hang') this.#store(contactKey, copy, true);
              request.hung = true;
              return;
            }
            leave();
            this.#answered(sender, contactKey, copy, outcome);
            if (outcome === 'ok' || outcome === 'ambiguous' || outcome === 'stored-500')
              this.#store(contactKey, copy, outcome !== 'ok');
            if (outcome === 'ok') this.#unrecorded.push({ sender, contactKey, attributes: copy });
            if (outcome === 'ok' || outcome === 'ambiguous' || outcome === 'stored-500')
              this.#storedUnrecorded.push({ sender, contactKey, attributes: copy });
            const error = errorOf(outcome);
            if (error) reject(error);
            else resolve();
          },
        };
        if (options.signal.aborted) {
          reject(abortReason(options.signal));
          return;
        }
        options.signal.addEventListener('abort', onAbort, { once: true });
        this.wire.push(request);
        if (this.offline) request.answer('drop');
      });
    };
  }

  /** The outboxes came to rest: every answer given so far was recorded by its sender. */
  rested(): void {
    this.#unrecorded.length = 0;
    this.#storedUnrecorded.length = 0;
    for (const refusal of this.#refused.values()) refusal.recorded = true;
  }

  /** A kept failure holding these values was retried: they may be sent again. */
  retried(contactKey: string, attributes: Readonly<Attributes>): void {
    for (const [key, value] of Object.entries(attributes)) this.#refused.delete(`${contactKey}|${key}|${value}`);
  }

  /** Requests on the wire that may still be answered (not hung). */
  answerable(): WireRequest[] {
    return this.wire.filter((request) => !request.hung);
  }

  /** Requests of outbox `sender` on the wire. */
  onWire(sender: number): WireRequest[] {
    return this.wire.filter((request) => request.sender === sender);
  }

  #checkPacing(sender: number, contactKey: string, attributes: Attributes, at: number): void {
    const paused = this.#paused.get(sender);
    if (paused && at < paused.until && paused.contactKey !== contactKey)
      this.violations.push(
        `outbox ${sender} sent ${show(attributes)} for ${contactKey} ${at - (paused.until - this.#minBackoffMs)} ms after a 429 (of ${paused.contactKey}), within its backoff`,
      );
    for (const [key, value] of Object.entries(attributes)) {
      const id = `${contactKey}|${key}|${value}`;
      const notBefore = this.#backoff.get(`${sender}|${id}`);
      if (notBefore !== undefined && at < notBefore)
        this.violations.push(
          `outbox ${sender} sent ${key}=${value} of ${contactKey} again ${at - (notBefore - this.#minBackoffMs)} ms after a retryable failure, within its backoff (${this.#minBackoffMs} ms at least)`,
        );
      if (this.#refused.has(id))
        this.violations.push(
          `outbox ${sender} sent ${key}=${value} of ${contactKey} again after it was refused for good, without a retry()`,
        );
    }
  }

  #answered(sender: number, contactKey: string, attributes: Attributes, outcome: Outcome): void {
    const at = this.#now();
    for (const [key, value] of Object.entries(attributes)) {
      const id = `${contactKey}|${key}|${value}`;
      if (retryable.has(outcome)) this.#backoff.set(`${sender}|${id}`, at + this.#minBackoffMs);
      else this.#backoff.delete(`${sender}|${id}`);
      if (outcome === 'refused') this.#refused.set(id, { sender, recorded: false });
    }
    if (outcome === '429') this.#paused.set(sender, { until: at + this.#minBackoffMs, contactKey });
  }

  /**
   * Outbox `sender` closes: the 200 answers it may not have recorded yet become ambiguous, and the refusals it may
   * not have recorded may be sent again by the next outbox (the value is still queued).
   */
  closing(sender: number): void {
    for (const request of this.#storedUnrecorded)
      if (request.sender === sender)
        for (const [key, value] of Object.entries(request.attributes))
          this.#recordLost.add(`${request.contactKey}|${key}|${value}`);
    for (const [id, refusal] of this.#refused)
      if (refusal.sender === sender && !refusal.recorded) this.#refused.delete(id);
    for (const request of this.#unrecorded.splice(0)) {
      if (request.sender !== sender) {
        this.#unrecorded.push(request);
        continue;
      }
      for (const [key, value] of Object.entries(request.attributes)) {
        const id = `${request.contactKey}|${key}|${value}`;
        this.ambiguous.set(id, (this.ambiguous.get(id) ?? 0) + 1);
      }
    }
  }

  /** True when `value` of `key` was stored by a request whose outbox closed before it could record the outcome. */
  recordLost(contactKey: string, key: string, value: string): boolean {
    return this.#recordLost.has(`${contactKey}|${key}|${value}`);
  }

  /** How many times `value` of `key` was stored for the contact. */
  receivedCount(contactKey: string, key: string, value: string): number {
    return this.received.get(`${contactKey}|${key}|${value}`) ?? 0;
  }

  #store(contactKey: string, attributes: Attributes, ambiguous: boolean): void {
    const stored = this.stored.get(contactKey) ?? new Map<string, string>();
    this.stored.set(contactKey, stored);
    const history = this.history.get(contactKey) ?? [];
    this.history.set(contactKey, history);
    for (const [key, value] of Object.entries(attributes)) {
      stored.set(key, value);
      history.push({ key, value });
      const id = `${contactKey}|${key}|${value}`;
      this.received.set(id, (this.received.get(id) ?? 0) + 1);
      if (ambiguous) this.ambiguous.set(id, (this.ambiguous.get(id) ?? 0) + 1);
    }
  }
}

function errorOf(outcome: Outcome): AttributesError | undefined {
  switch (outcome) {
    case 'ok':
      return undefined;
    case 'drop':
      return new AttributesError('network', 'The connection dropped before the request reached the server.');
    case 'ambiguous':
      return new AttributesError('network', 'The connection dropped after the request was sent.');
    case '429':
      return new AttributesError('throttled', 'Rate exceeded.', { status: 429, awsType: 'ThrottlingException' });
    case '500':
    case 'stored-500':
      return new AttributesError('server', 'Internal failure.', { status: 500, awsType: 'InternalServiceException' });
    case 'refused':
      return new AttributesError('validation', 'Invalid attributes.', {
        status: 400,
        awsType: 'InvalidParameterException',
      });
    case 'hang':
    case 'stored-hang':
      return undefined; // never answered
  }
}

/** Attributes in one line, for messages. */
export function show(attributes: Readonly<Attributes>): string {
  return JSON.stringify(attributes);
}

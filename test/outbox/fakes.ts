// Test doubles for the outbox: a controllable clock and a recording sender.
import { AttributesError, type AttributesErrorKind } from '../../src/errors.ts';
import { deleteDB } from 'idb';
import {
  MemoryOutboxStore,
  openIdbOutboxStore,
  Outbox,
  type IdbOutboxStore,
  type OutboxOptions,
} from '../../src/outbox/index.ts';
import type { OutboxClock, OutboxSender } from '../../src/outbox/outbox.ts';
import type { OutcomeReader, WriteOutcomeReport } from '../../src/outbox/options.ts';
import type { Attributes } from '../../src/validate.ts';
import type { ContactRef } from '../../src/writer.ts';

/** Lets pending promises, microtasks and IndexedDB callbacks run. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await macrotask();
}

const channel = new MessageChannel();
const queue: (() => void)[] = [];
channel.port1.onmessage = () => queue.shift()?.();

/** One macrotask turn (a MessageChannel message: unlike setTimeout, never clamped to 4 ms). */
function macrotask(): Promise<void> {
  return new Promise((resolve) => {
    queue.push(resolve);
    channel.port2.postMessage(null);
  });
}

/** A manual clock: timers run only when `advance` passes their time. */
export class FakeClock implements OutboxClock {
  time: number;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  constructor(start = Date.UTC(2025, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.#timers.delete(handle as number);
  }

  /**
   * Moves time forward by `ms`, firing due timers in time order and running `between` (by default: letting promises
   * and IndexedDB callbacks settle) before and after each.
   */
  async advance(ms: number, between: () => Promise<void> = settle): Promise<void> {
    const end = this.time + ms;
    await between();
    for (;;) {
      let first: [number, { at: number; callback: () => void }] | undefined;
      for (const timer of this.#timers) if (timer[1].at <= end && (!first || timer[1].at < first[1].at)) first = timer;
      if (!first) break;
      this.#timers.delete(first[0]);
      this.time = Math.max(this.time, first[1].at);
      first[1].callback();
      await between();
    }
    this.time = end;
    await between();
  }
}

/** One call the recording sender received. */
export interface SentRequest {
  contact: ContactRef;
  attributes: Attributes;
  at: number;
}

/**
 * A sender that records every request and answers from a script: each call takes the next outcome
 * (an error kind to fail with, 'ok', or 'hang' to never answer); once the script is used up it succeeds.
 */
export class ScriptedSender {
  readonly requests: SentRequest[] = [];
  readonly stored = new Map<string, Attributes>();
  script: (AttributesErrorKind | 'ok' | 'hang')[] = [];
  #clock: { now(): number };
  #gates: (() => void)[] = [];
  /** When true, each request waits until `release()` is called. */
  gated = false;

  constructor(clock: { now(): number } = { now: () => Date.now() }) {
    this.#clock = clock;
  }

  readonly send: OutboxSender = async (contact, attributes) => {
    this.requests.push({ contact, attributes: { ...attributes }, at: this.#clock.now() });
    const outcome = this.script.shift() ?? 'ok';
    if (this.gated) await new Promise<void>((resolve) => this.#gates.push(resolve));
    if (outcome === 'hang') return new Promise<void>(() => {});
    if (outcome !== 'ok') throw new AttributesError(outcome, `scripted ${outcome}`, { status: statusOf(outcome) });
    const key = `${contact.instanceId}/${contact.initialContactId}`;
    this.stored.set(key, { ...(this.stored.get(key) ?? {}), ...attributes });
  };

  /** Lets the oldest gated request answer. */
  release(): void {
    this.#gates.shift()?.();
  }

  storedFor(contact: ContactRef): Attributes | undefined {
    return this.stored.get(`${contact.instanceId}/${contact.initialContactId}`);
  }
}

function statusOf(kind: AttributesErrorKind): number | undefined {
  return { validation: 400, auth: 403, 'not-found': 404, throttled: 429, server: 500, network: undefined }[kind];
}

/** A contact reference for tests. */
export function contact(id: string, instanceId = 'inst-1'): ContactRef {
  return { contactId: id, initialContactId: id, instanceId };
}

/**
 * The unit tests' outbox: a memory store (unless `options.store`), a ScriptedSender on a FakeClock, steady jitter, a
 * 200 ms debounce and a pace of 100 requests/s; `options` override any of them.
 */
export function scriptedOutbox(options: Partial<OutboxOptions> = {}) {
  const clock = new FakeClock();
  const sender = new ScriptedSender(clock);
  const store = options.store ?? new MemoryOutboxStore();
  const outbox = new Outbox({
    store,
    sender: sender.send,
    clock,
    random: () => 0.5,
    debounceMs: 200,
    rate: { ratePerSecond: 100, burst: 100 },
    ...options,
  });
  return { clock, sender, store, outbox };
}

/**
 * A new IndexedDB database for each test of the calling describe block: `open()` opens a store on it (as a tab
 * would); after each test the outboxes in `outboxes` close (recording the answers they already received), then the
 * stores close and the database is deleted.
 */
export function freshDatabase(prefix: string) {
  const db = {
    name: '',
    stores: [] as IdbOutboxStore[],
    outboxes: [] as Outbox[],
    async open(): Promise<IdbOutboxStore> {
      const store = await openIdbOutboxStore(db.name);
      db.stores.push(store);
      return store;
    },
  };
  beforeEach(() => {
    db.name = `${prefix}-${crypto.randomUUID()}`;
  });
  afterEach(async () => {
    await Promise.all(db.outboxes.splice(0).map((outbox) => outbox.close()));
    for (const store of db.stores.splice(0)) store.close();
    await deleteDB(db.name);
  });
  return db;
}

/** A relay in queued mode: answers 202 with the WriteId sent, and reports outcomes the test decides. */
export class FakeQueuedRelay {
  readonly requests: { writeId: string | undefined; attributes: Attributes }[] = [];
  readonly outcomes: WriteOutcomeReport[] = [];
  /** Calls of the outcomes route: the `since` each asked with, and when. */
  readonly polls: { since: number; at: number }[] = [];
  /** The next answers of the write route: 'accepted' (default), or an error kind. */
  script: ('accepted' | 'server')[] = [];
  hangPolls = false;
  constructor(readonly now: () => number) {}

  readonly send: OutboxSender = (_contact, attributes, { writeId }) => {
    this.requests.push({ writeId, attributes: { ...attributes } });
    if (this.script.shift() === 'server')
      return Promise.reject(new AttributesError('server', 'scripted 500', { status: 500 }));
    return Promise.resolve({
      state: 'accepted',
      writeId: writeId ?? 'relay-made',
      requestId: `req-${this.requests.length}`,
    });
  };

  readonly read: OutcomeReader = (since, { signal }) => {
    this.polls.push({ since, at: this.now() });
    if (this.hangPolls)
      return new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason as Error)));
    return Promise.resolve(this.outcomes.filter((outcome) => outcome.at >= since).map((o) => ({ ...o })));
  };

  /** The worker settles the request `index` (0-based) with `state`. */
  settle(index: number, state: WriteOutcomeReport['state'], extra: Partial<WriteOutcomeReport> = {}): void {
    const request = this.requests[index];
    if (!request?.writeId) throw new Error(`no request ${index} with a WriteId`);
    const status = { landed: 200, refused: 403, failed: 400, 'dead-letter': 500 }[state];
    const keys = Object.keys(request.attributes);
    this.outcomes.push({ writeId: request.writeId, state, status, keys, at: this.now(), ...extra });
  }
}

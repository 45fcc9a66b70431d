/**
 * The writing side: queueing the parts of a write in the store (their markers checked and set in the same
 * transaction), the write() promises (an aborted one goes to aborts.ts), and removing a kept failure. Each returns
 * the change it made; the Outbox applies it to its mirror and tells the other tabs.
 */
import { validationError, type AttributesError } from '../errors.ts';
import { checkUpdate, type Attributes } from '../validate.ts';
import type { ContactRef, WriteOptions, WriteReceipt } from '../writer.ts';
import { contactKeyOf, liveId, mergeParts, own, revisionOf, type Revisions } from './entry.ts';
import type { Change } from './flight.ts';
import { removeKept } from './kept.ts';
import type { Settings } from './options.ts';
import type { OutboxStore } from './types.ts';
import type { Waiter, Waiters } from './waiters.ts';
import { newWriteNonce } from './write-id.ts';

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

/** How one part of a write settled in the store: queued with these revisions, refused, or nothing to queue. */
export type PartFate = { queued: Revisions } | { error: AttributesError } | { done: true };

/** What queueing decided: each part's fate by index, and the change to the contact's live entry (if any). */
export interface Queued {
  contactKey: string;
  fates: PartFate[];
  change: Change | undefined;
}

/** Settings of a queueing transaction. */
export interface QueueContext {
  /** Who writes (see `OutboxEntry.agent`; undefined: nobody named yet). */
  agent?: string | undefined;
  now: number;
  debounceMs: number;
  maxDebounceMs: number;
  /** The nonce of the live entry, should this write create it (see write-id.ts). */
  writeNonce?: string | undefined;
}

/**
 * Queues the parts of a write of one contact in ONE store transaction, merged in order as if written one after
 * the other. A part that breaks a rule of the API is refused alone (its marker stays unset); an empty part, or one
 * whose marker is already set, has nothing to queue.
 */
export async function queueParts(
  store: OutboxStore,
  contact: ContactRef,
  parts: readonly { attributes: Readonly<Attributes>; once?: string | undefined }[],
  options: OutboxWriteOptions,
  context: QueueContext,
): Promise<Queued> {
  const { contactId, initialContactId, instanceId, region } = contact;
  const ref: ContactRef = { contactId, initialContactId, instanceId, ...(region ? { region } : {}) };
  const contactKey = contactKeyOf(ref);
  const id = liveId(contactKey, context.agent);
  const fates: PartFate[] = [];
  const queued: { index: number; attributes: Attributes; once: string | undefined }[] = [];
  parts.forEach(({ attributes, once }, index) => {
    const problems = checkUpdate({ instanceId, initialContactId, attributes });
    if (problems.length > 0) fates[index] = { error: validationError(problems) };
    else if (Object.keys(attributes).length === 0) fates[index] = { done: true };
    else queued.push({ index, attributes: { ...attributes }, once });
  });
  if (queued.length === 0) return { contactKey, fates, change: undefined };
  const { now } = context;
  const markers = queued.flatMap(({ once }) => (once === undefined ? [] : [{ id: once, at: now }]));
  if (markers.length > 0 && markers.length < queued.length)
    throw new TypeError('Outbox: every part of a batched write needs its own marker.');
  const merge = { ...context, contact: ref, origin: options.origin ?? 'agent', stored: options.stored } as const;
  let merged: ReturnType<typeof mergeParts> | undefined;
  const result = await store.update(
    id,
    (current, revision, marks) => {
      merged = mergeParts(current, queued, { ...merge, revision, fired: marks.fired });
      for (const position of merged.refused.keys()) {
        const once = queued[position]?.once;
        if (once !== undefined) marks.set.delete(once);
      }
      return merged.entry;
    },
    { markers },
  );
  queued.forEach(({ index, attributes }, position) => {
    const refused = merged?.refused.get(position);
    if (refused) fates[index] = { error: refused };
    else if (!result.applied || !merged?.accepted.has(position)) fates[index] = { done: true };
    else fates[index] = { queued: Object.fromEntries(Object.keys(attributes).map((name) => [name, result.revision])) };
  });
  const change =
    result.applied && merged?.entry && result.entry
      ? { id, contactKey, entry: result.entry, revision: result.revision }
      : undefined;
  return { contactKey, fates, change };
}

/** How one part of a write settles: with its request (`landed`: landed or accepted), or at once with a refusal. */
export type PartOutcome = { landed: Promise<WriteReceipt> } | { error: AttributesError };

/** What a part with nothing to queue (empty, or its marker set already) resolves with: nothing of it is pending. */
const NOTHING_PENDING: WriteReceipt = Object.freeze({ state: 'landed' });

/** The promise of one part. */
export function partPromise(outcome: PartOutcome | undefined): Promise<WriteReceipt> {
  if (!outcome) return Promise.resolve(NOTHING_PENDING);
  return 'error' in outcome ? Promise.reject(outcome.error) : outcome.landed;
}

/** What the writing side needs of the Outbox. */
export interface QueueHost {
  readonly waiters: Waiters;
  /** The agent named in this tab (see `OutboxEntry.agent`). */
  agent(): string | undefined;
  closed(): boolean;
  /** True while a request of the contact is on the wire. */
  sending(contactKey: string): boolean;
  changed(change: Change): void;
  /** Lets the flusher look for due entries. */
  schedule(): void;
  /** Everything that landed for the contact (see Ledger). */
  landed(contactKey: string): Readonly<Revisions>;
  /** A write's signal aborted while it waits (see aborts.ts). */
  abort(waiter: Waiter, reason: unknown): void;
  fail(error: unknown): void;
}

/** An AbortError DOMException, as write() promises reject with when their write stays queued or is taken back. */
export function abortError(message: string): DOMException {
  return new DOMException(message, 'AbortError');
}

/** The writing side: queues writes in the store, hands out their promises, and takes aborted ones back. */
export class Queue {
  readonly #settings: Settings;
  readonly #host: QueueHost;
  /**
   * Per contact, this tab's store updates still under way: its request waits for them, so a burst of writes goes
   * out as one request (another tab's writes that arrive too late go in the next one).
   */
  readonly #enqueuing = new Map<string, number>();
  /** This tab's store updates under way, each until it told the other tabs what it changed. */
  readonly #storing = new Set<Promise<unknown>>();

  constructor(settings: Settings, host: QueueHost) {
    this.#settings = settings;
    this.#host = host;
  }

  enqueuing(contactKey: string): boolean {
    return this.#enqueuing.has(contactKey);
  }

  /**
   * Resolves once the store updates under way have ended and what they changed was told to the other tabs. A
   * closing tab waits for it before it closes its channel: a write stored just then is not stranded, unknown to
   * the flusher, in the store.
   */
  async stored(): Promise<void> {
    while (this.#storing.size > 0) await Promise.all(this.#storing);
  }

  /** Counts `operation` among the store updates under way until it ended (see `stored()`). */
  track<T>(operation: Promise<T>): Promise<T> {
    const ended = operation.then(
      () => undefined,
      () => undefined,
    );
    this.#storing.add(ended);
    void ended.then(() => this.#storing.delete(ended));
    return operation;
  }

  /**
   * Queues parts in one store transaction (one part for `write()`) and settles each on its own; rejects as a whole
   * only for a reason common to all parts (closed, aborted, the store failed).
   */
  enqueue(
    contact: ContactRef,
    parts: readonly { attributes: Readonly<Attributes>; once?: string | undefined }[],
    options: OutboxWriteOptions,
  ): Promise<PartOutcome[]> {
    return this.track(this.#enqueue(contact, parts, options));
  }

  async #enqueue(
    contact: ContactRef,
    parts: readonly { attributes: Readonly<Attributes>; once?: string | undefined }[],
    options: OutboxWriteOptions,
  ): Promise<PartOutcome[]> {
    if (this.#host.closed()) throw abortError('The outbox was closed.');
    options.signal?.throwIfAborted();
    const { store, clock, debounceMs, maxDebounceMs } = this.#settings;
    const key = contactKeyOf(contact);
    this.#enqueuing.set(key, (this.#enqueuing.get(key) ?? 0) + 1);
    let queued: Queued;
    const context = {
      agent: this.#host.agent(),
      now: clock.now(),
      debounceMs,
      maxDebounceMs,
      writeNonce: newWriteNonce(),
    };
    try {
      queued = await queueParts(store, contact, parts, options, context);
    } finally {
      // In the same turn as the mirror's update below, so the pump never sees the count drop before the change.
      const left = (this.#enqueuing.get(key) ?? 1) - 1;
      if (left > 0) this.#enqueuing.set(key, left);
      else this.#enqueuing.delete(key);
      this.#host.schedule();
    }
    const outcomes = queued.fates.map((fate): PartOutcome => {
      if ('error' in fate) return fate;
      return { landed: 'queued' in fate ? this.#waitFor(key, fate.queued, options) : Promise.resolve(NOTHING_PENDING) };
    });
    if (queued.change) this.#host.changed(queued.change);
    return outcomes;
  }

  #waitFor(key: string, revisions: Revisions, options: OutboxWriteOptions): Promise<WriteReceipt> {
    const landed = this.#host.waiters.add(key, revisions, {
      signal: options.signal,
      onProgress: options.onProgress,
      onAbort: (waiter, reason) => this.#host.abort(waiter, reason),
    });
    try {
      options.onProgress?.({ state: this.#host.sending(key) ? 'sending' : 'queued' });
    } catch (error) {
      this.#host.fail(error);
    }
    return landed;
  }

  /**
   * Puts a kept failure of this agent back in the queue; resolves when it landed. Values queued since, or landed since
   * at their revision or a newer one (as the store records it: every tab and a reload agree), are not queued again; a
   * failure with nothing left to send is cleared.
   */
  async retry(id: string): Promise<WriteReceipt> {
    const { store } = this.#settings;
    const agent = this.#host.agent();
    const failed = await this.#whileOpen(store.get(id));
    if (!failed?.failed || failed.agent !== agent) throw new Error(`Outbox.retry: no kept failure with id ${id}.`);
    const [live, record] = await this.#whileOpen(
      Promise.all([store.get(liveId(failed.contactKey, agent)), store.landed(failed.contactKey)]),
    );
    const known = this.#host.landed(failed.contactKey);
    const landedAt = (key: string): number => Math.max(own(record?.revisions, key) ?? 0, own(known, key) ?? 0);
    const values = Object.entries(failed.attributes).filter(
      ([key]) => !(live && Object.hasOwn(live.attributes, key)) && landedAt(key) < revisionOf(failed, key),
    );
    // On the live entry's leg when there is one: it is the leg of the contact's latest write.
    const parts = [{ attributes: Object.fromEntries(values) }];
    const [outcome] = await this.enqueue(live?.contact ?? failed.contact, parts, { origin: 'agent' });
    if (outcome && 'error' in outcome) throw outcome.error;
    await this.#whileOpen(this.discard(id));
    return partPromise(outcome);
  }

  /** Deletes a kept failure of this agent for good (an explicit decision of the agent or the host page). */
  discard(id: string): Promise<void> {
    const agent = this.#host.agent();
    return this.track(
      removeKept(this.#settings.store, id, (kept) => kept.agent === agent).then((done) => {
        if (done) this.#host.changed(done.change);
      }),
    );
  }

  /** The value of a store operation, or an AbortError once the outbox closed (the caller may then close the store). */
  async #whileOpen<T>(operation: Promise<T>): Promise<T> {
    const closed = (): DOMException => abortError('The outbox was closed.');
    if (this.#host.closed()) throw closed();
    try {
      const value = await operation;
      if (this.#host.closed()) throw closed();
      return value;
    } catch (error) {
      throw this.#host.closed() ? closed() : error;
    }
  }
}

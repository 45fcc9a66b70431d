// A model-based test of the outbox over real IndexedDB: random sequences of rule writes, agent saves, aborted
// writes, reloads, a second tab taking over, cross-tab messages arriving late, expiry ticks, destroyed contacts,
// retries and discards of kept failures, and the server's answers (ok, a dropped connection before the request
// reached the server, 429, 500, a refusal, and the ambiguous ones: the server stored the write, then the connection
// dropped or it answered 500; and hung requests, never answered, stored or not, that the outbox gives up at its
// request deadline), checked against a small model of UpdateContactAttributes (a merge per contact):
// - every write ends landed (the server's final value of each key is the last value written for it, per contact,
//   in the order the writes reached the store) or reported (a `failed` or `expired` event carries its value, and
//   its promise rejected); a promise resolves only once its values (or newer ones) reached the server;
// - every report is earned: a `failed` event by a refusal the server answered to a request carrying its values, an
//   `expired` one by values queued more than maxAgeMs before, an AbortError by a close of the outbox or an abort the
//   test requested (of that write, or of a later one that had replaced its value in the queue); an aborted value
//   is not sent once the abort is decided (by the aborting tab at once, by every tab once they are at rest);
// - no promise stays pending after `close()` (write(), whenIdle()), and close() leaves no request on the wire;
// - never two senders at once, at most one request per contact on the wire, nothing sent by a closed outbox; a
//   value is sent again no sooner than the backoff after a retryable failure, nothing within it after a 429, and a
//   refused value never without a retry();
// - nothing stored twice except after an ambiguous failure (a dropped connection or a 500 after storing, or a 200
//   whose tab closed before it recorded the answer); per key, no value lands after a newer one (in the order values
//   were first queued: a retry() of an old value never puts it back over a newer one that landed).
// 200 sequences from a fixed seed, so every run and every mutant of `npm run mutants` meets the same ones. A found
// counterexample is kept below as a plain sequence (the shrunk one fast-check printed).
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { deleteDB } from 'idb';
import { isAttributesError } from '../../src/errors.ts';
import { Outbox, openIdbOutboxStore } from '../../src/outbox/index.ts';
import type { Attributes } from '../../src/validate.ts';
import type { ContactRef } from '../../src/writer.ts';
import { contact } from './fakes.ts';
import {
  channelPosts,
  countBroadcastChannels,
  CountedStore,
  ModelClock,
  ModelLocks,
  ModelServer,
  hold,
  lag,
  quiet,
  releaseHeld,
  restListeners,
  show,
  turn,
  type AppliedValue,
  type Outcome,
} from './model-harness.ts';

type Key = 'a' | 'b' | 'c';

/**
 * One step of a sequence. A `rule` write with `batch` goes through writeBatch, one part per key, each part with the
 * marker `<once>:<key>` (a marker of its own when `once` is null), as the tagger writes the rules one event matched.
 * `destroy` ends a contact as Streams does: the outboxes may forget it (`forget`, where the outbox has one), its
 * queued writes still go out, and later writes of that slot are for a new contact.
 * An `answer` with `closeAfter` closes the tab that sent the request that many macrotask turns after the answer
 * (a tab that dies around a response: closed when another tab is open, else reloaded).
 * `retry` and `discard` act on one of the kept failures a tab lists (`failures()`). `abort` aborts the signal of one
 * of the writes still pending (every write step passes one; a batch shares it among its parts). `lag` makes every
 * tab take cross-tab messages that many turns late from then on (0: at once), so copies arrive out of order.
 * `hold` makes every tab park the cross-tab messages it receives until `release` hands them over (a late copy
 * arriving exactly when the sequence says).
 * `wait` lets a few macrotask turns pass (store transactions and cross-tab messages partly done).
 * `tab` picks among the open tabs (modulo their number); `settle` waits for rest after
 * the step; `rest: false` fires the timers a time step passes without waiting for the work they start, so the next
 * steps race with it. `expire` passes maxAgeMs and the expiry interval, with the network down all along when
 * `offline` (every request in that time is dropped before it reaches the server), else with requests left waiting.
 */
type Step =
  | { do: 'rule'; tab: number; contact: number; keys: Key[]; once: string | null; batch?: boolean; settle: boolean }
  | { do: 'save'; tab: number; contact: number; keys: Key[]; settle: boolean }
  | { do: 'answer'; outcome: Outcome; pick: number; settle: boolean; closeAfter?: number }
  | { do: 'advance'; ms: number; rest: boolean }
  | { do: 'expire'; offline: boolean; rest: boolean }
  | { do: 'reload'; tab: number; settle: boolean }
  | { do: 'open-tab' }
  | { do: 'close-tab'; tab: number; settle: boolean }
  | { do: 'destroy'; contact: number }
  | { do: 'wait'; turns: number }
  | { do: 'abort'; pick: number; settle: boolean }
  | { do: 'lag'; turns: number }
  | { do: 'hold' }
  | { do: 'release'; settle: boolean }
  | { do: 'retry' | 'discard'; tab: number; pick: number; settle: boolean };

const options = {
  debounceMs: 200,
  maxDebounceMs: 1_000,
  backoff: { baseMs: 1_000, capMs: 2_000 },
  rate: { ratePerSecond: 10, burst: 5 },
  maxAgeMs: 4_000,
  // Shorter than the drain's step (backoff.capMs): a hung request is given up and sent again while draining.
  requestTimeoutMs: 1_500,
  expiryIntervalMs: 250,
};

const keysArb = fc.uniqueArray(fc.constantFrom<Key>('a', 'b', 'c'), { minLength: 1, maxLength: 2 });
const tabArb = fc.nat({ max: 1 });
const contactArb = fc.nat({ max: 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      do: fc.constant('rule' as const),
      tab: tabArb,
      contact: contactArb,
      keys: keysArb,
      once: fc.constantFrom(null, 'm0', 'm1'),
      batch: fc.boolean(),
      settle: fc.boolean(),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      do: fc.constant('save' as const),
      tab: tabArb,
      contact: contactArb,
      keys: keysArb,
      settle: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      do: fc.constant('answer' as const),
      outcome: fc.constantFrom<Outcome>(
        'ok',
        'ok',
        'drop',
        '429',
        '500',
        'ambiguous',
        'stored-500',
        'refused',
        'hang',
        'stored-hang',
      ),
      pick: fc.nat({ max: 1 }),
      settle: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constant('answer' as const),
      outcome: fc.constantFrom<Outcome>(
        'ok',
        'ok',
        'drop',
        '429',
        '500',
        'ambiguous',
        'stored-500',
        'refused',
        'hang',
        'stored-hang',
      ),
      pick: fc.nat({ max: 1 }),
      settle: fc.boolean(),
      closeAfter: fc.integer({ min: 0, max: 4 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      do: fc.constant('advance' as const),
      ms: fc.constantFrom(0, 100, 300, 1_000),
      rest: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ do: fc.constant('expire' as const), offline: fc.boolean(), rest: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('reload' as const), tab: tabArb, settle: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('open-tab' as const) }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('close-tab' as const), tab: tabArb, settle: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('destroy' as const), contact: contactArb }) },
  { weight: 2, arbitrary: fc.record({ do: fc.constant('wait' as const), turns: fc.integer({ min: 1, max: 6 }) }) },
  {
    weight: 2,
    arbitrary: fc.record({ do: fc.constant('abort' as const), pick: fc.nat({ max: 3 }), settle: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ do: fc.constant('lag' as const), turns: fc.constantFrom(0, 2, 6, 20) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      do: fc.constantFrom('retry' as const, 'discard' as const),
      tab: tabArb,
      pick: fc.nat({ max: 1 }),
      settle: fc.boolean(),
    }),
  },
);

interface Tab {
  id: number;
  outbox: Outbox;
  store: CountedStore;
  closed: boolean;
}

/** One write() call: its values are all `w<n>`, unique to it. */
interface WriteRecord {
  n: number;
  tab: Tab;
  contactKey: string;
  attributes: Attributes;
  /** False when its fired marker was set by an earlier write: nothing is queued. */
  queued: boolean;
  /**
   * A retry() of a kept failure: its values are the failure's (not its own); those pending since then are not
   * queued again. Per key, the store revision of the value when retry() was called (it grows if queued again).
   */
  retry?: Map<string, number>;
  /** The signal passed to write() (shared by the parts of a batch); `aborted` once the test aborted it. */
  controller?: AbortController;
  aborted?: boolean;
  /** How many requests the server had received when the test aborted the signal. */
  abortedAt?: number;
  state: 'pending' | 'resolved' | 'rejected';
}

/** A `failed` or `expired` event, from any outbox. */
interface Report {
  kind: 'failed' | 'expired';
  contactKey: string;
  attributes: Attributes;
}

let runs = 0;

/** What the sequences exercised, printed after the property (a property that never meets a case proves little about it). */
const seen = {
  writes: 0,
  resolved: 0,
  aborted: 0,
  abortsRequested: 0,
  expired: 0,
  failed: 0,
  failedEvents: 0,
  expiredEvents: 0,
  requests: 0,
  fromLaterTab: 0,
  resent: 0,
};

/** Runs one sequence and returns what went wrong (empty when every property holds). */
async function runSequence(steps: readonly Step[]): Promise<string[]> {
  const run = ++runs;
  const db = `outbox-model-${run}-${crypto.randomUUID()}`;
  const clock = new ModelClock();
  const start = clock.now();
  const locks = new ModelLocks();
  const server = new ModelServer({
    now: () => clock.now(),
    // The shortest delay the backoff draws with random() = 0.5: half of min(cap, base) on a first retry.
    minBackoffMs: Math.floor(0.5 * Math.min(options.backoff.baseMs, options.backoff.capMs)),
  });
  const problems: string[] = [];
  const tabs: Tab[] = [];
  const allTabs: Tab[] = [];
  const writes: WriteRecord[] = [];
  const reports: Report[] = [];
  const others: { what: string; settled: boolean }[] = [];
  /** Per `contactKey|key`, the values writes put in the store, in store order. */
  const applied = new Map<string, AppliedValue[]>();
  const fired = new Set<string>();
  /** Per `contactKey|key|value`: the store revision the value was first queued at (a retry keeps its age). */
  const firstRevision = new Map<string, number>();
  /** Per `contactKey|key|value`: when (by the outboxes' clock) it was last queued, by write() or retry(). */
  const queuedAt = new Map<string, number>();
  /**
   * Values of writes rejected by an abort while their outbox was open: no request of that outbox started after the
   * rejection (`ownFence`), nor any request once the outboxes came to rest (`fence`), may carry them.
   */
  const abandoned: {
    n: number;
    tab: Tab;
    contactKey: string;
    attributes: Attributes;
    /** Its own signal aborted (not only a later write that had replaced its values). */
    own: boolean;
    ownFence: number;
    fence?: number;
  }[] = [];
  /** Per contact slot, how many of its contacts were destroyed: the slot's current contact is `c<slot>.<generation>`. */
  const generations: number[] = [];
  const contactIn = (slot: number): ContactRef => contact(`c${slot}.${generations[slot] ?? 0}`);
  let nextTab = 0;

  const onApplied = (value: AppliedValue): void => {
    const first = `${value.contactKey}|${value.key}|${value.value}`;
    if (!firstRevision.has(first)) firstRevision.set(first, value.revision);
    const id = `${value.contactKey}|${value.key}`;
    const list = applied.get(id) ?? [];
    applied.set(id, list);
    const known = list.find((other) => other.value === value.value);
    // A retried value is queued again: its place in store order is the newest.
    if (known) known.revision = Math.max(known.revision, value.revision);
    else list.push(value);
  };
  const revisionOf = (contactKey: string, key: string, value: string): number | undefined =>
    applied.get(`${contactKey}|${key}`)?.find((known) => known.value === value)?.revision;
  /** The values of `key` at least as new as `value` in store order. */
  const newerOrSame = (contactKey: string, key: string, value: string): AppliedValue[] => {
    const revision = revisionOf(contactKey, key, value);
    if (revision === undefined) return [];
    return (applied.get(`${contactKey}|${key}`) ?? []).filter((known) => known.revision >= revision);
  };
  const reported = (kind: Report['kind'] | undefined, contactKey: string, key: string, value: string): boolean =>
    reports.some(
      (report) =>
        (kind === undefined || report.kind === kind) &&
        report.contactKey === contactKey &&
        report.attributes[key] === value,
    );

  async function openTab(): Promise<Tab> {
    const id = nextTab++;
    const store = new CountedStore(await openIdbOutboxStore(db), onApplied);
    // The sender asks the tab whether it was closed; the tab exists once its outbox does.
    const opened: { tab?: Tab } = {};
    const outbox = new Outbox({
      store,
      sender: server.senderFor(id, () => opened.tab?.closed ?? false),
      clock,
      random: () => 0.5,
      locks,
      lockName: db,
      ...options,
    });
    const tab: Tab = { id, outbox, store, closed: false };
    opened.tab = tab;
    outbox.on('failed', ({ entry }) => {
      reports.push({ kind: 'failed', contactKey: entry.contactKey, attributes: { ...entry.attributes } });
      // Earned only by a refusal the server answered to a request that carried these values.
      const refusal = server.sent.some(
        (request) =>
          request.outcome === 'refused' &&
          request.contactKey === entry.contactKey &&
          Object.entries(entry.attributes).every(([key, value]) => request.attributes[key] === value),
      );
      if (!refusal)
        problems.push(`outbox ${id} reported ${show(entry.attributes)} failed, yet no request carrying it was refused`);
    });
    outbox.on('expired', ({ entry }) => {
      reports.push({ kind: 'expired', contactKey: entry.contactKey, attributes: { ...entry.attributes } });
      // Earned only by a value queued more than maxAgeMs ago, and not carried by a request still on the wire (that
      // request decides its fate).
      for (const [key, value] of Object.entries(entry.attributes)) {
        if (server.wire.some((request) => request.contactKey === entry.contactKey && request.attributes[key] === value))
          problems.push(
            `outbox ${id} expired ${key}=${value} of ${entry.contactKey} while a request carrying it was on the wire`,
          );
        const at = queuedAt.get(`${entry.contactKey}|${key}|${value}`);
        if (at === undefined || clock.now() - at <= options.maxAgeMs)
          problems.push(
            `outbox ${id} expired ${key}=${value} of ${entry.contactKey} ${at === undefined ? '(never queued)' : `${clock.now() - at} ms after it was queued`}, not past maxAgeMs (${options.maxAgeMs} ms)`,
          );
      }
    });
    outbox.on('error', (error) => problems.push(`outbox ${id} reported an error: ${error.message}`));
    allTabs.push(tab);
    return tab;
  }

  function track(promise: Promise<unknown>, what: string): void {
    const record = { what, settled: false };
    others.push(record);
    promise.then(
      () => (record.settled = true),
      () => (record.settled = true),
    );
  }

  function closeTab(tab: Tab): void {
    server.closing(tab.id);
    // An abort whose taking back was still under way when its tab closed may leave the value queued (the store
    // connection closes with the tab): close() keeps queued writes for the next outbox.
    for (let i = abandoned.length - 1; i >= 0; i--)
      if (abandoned[i]!.tab === tab && abandoned[i]!.fence === undefined) abandoned.splice(i, 1);
    track(tab.outbox.whenIdle(), `whenIdle() of outbox ${tab.id} called before its close()`);
    tab.closed = true;
    const closing = tab.outbox.close();
    track(closing, `close() of outbox ${tab.id}`);
    // Once close() resolved, no request of that outbox waits on the wire (it was aborted, or answered and recorded).
    void closing.then(
      () => {
        for (const request of server.onWire(tab.id))
          problems.push(
            `outbox ${tab.id} closed with ${show(request.attributes)} for ${request.contactKey} on the wire`,
          );
      },
      () => undefined,
    );
    track(tab.outbox.whenIdle(), `whenIdle() of outbox ${tab.id} called after its close()`);
    tab.store.close();
    tabs.splice(tabs.indexOf(tab), 1);
  }

  function onResolved(record: WriteRecord): void {
    record.state = 'resolved';
    if (!record.queued) return;
    for (const [key, value] of Object.entries(record.attributes)) {
      // A retry resolves for the values it queued again, not for those newer pending values replaced.
      if (record.retry && (revisionOf(record.contactKey, key, value) ?? 0) <= (record.retry.get(key) ?? 0)) continue;
      if (revisionOf(record.contactKey, key, value) === undefined) {
        problems.push(`w${record.n} resolved but its ${key} never reached the store`);
        continue;
      }
      const landed = newerOrSame(record.contactKey, key, value).some(
        (known) => server.receivedCount(record.contactKey, key, known.value) > 0,
      );
      if (!landed) problems.push(`w${record.n} resolved before its ${key} (or a newer value of it) reached the server`);
    }
  }

  const rejections = { AbortError: 0, TimeoutError: 0, AttributesError: 0 };
  function onRejected(record: WriteRecord, error: unknown): void {
    record.state = 'rejected';
    const name = error instanceof Error || error instanceof DOMException ? error.name : String(error);
    if (name in rejections) rejections[name as keyof typeof rejections]++;
    const covered = (kind: Report['kind']): boolean =>
      Object.entries(record.attributes).some(([key, value]) =>
        newerOrSame(record.contactKey, key, value).some((known) => reported(kind, record.contactKey, key, known.value)),
      );
    if (name === 'AbortError') {
      // Earned by the close of its outbox, an abort of its own signal, or an abort of a later write of the same
      // contact that had replaced one of its values in the queue.
      const erasedBy = writes.find(
        (other) =>
          other.n > record.n &&
          other.aborted &&
          other.contactKey === record.contactKey &&
          Object.keys(other.attributes).some((key) => Object.hasOwn(record.attributes, key)),
      );
      if (!record.tab.closed && !record.aborted && !erasedBy)
        problems.push(
          `w${record.n} rejected with an AbortError although outbox ${record.tab.id} was open and no abort was requested`,
        );
      // What the abort took back: all of the write's values when its own signal aborted; else the values later
      // aborted writes replaced (its other values may still land).
      const replacing = (key: string): WriteRecord[] =>
        writes.filter(
          (other) =>
            other.n > record.n &&
            other.aborted &&
            other.contactKey === record.contactKey &&
            Object.hasOwn(other.attributes, key),
        );
      const taken = Object.entries(record.attributes).filter(([key]) => record.aborted || replacing(key).length > 0);
      // From an abort in its own outbox on, that outbox sends none of them (the abort is decided there before any
      // later request starts); an abort in another tab reaches it as a message, at rest at the latest.
      const abortedAt = [record, ...taken.flatMap(([key]) => replacing(key))].flatMap((other) =>
        other.abortedAt === undefined || other.tab !== record.tab ? [] : [other.abortedAt],
      );
      if (!record.tab.closed && !record.retry && taken.length > 0)
        abandoned.push({
          n: record.n,
          tab: record.tab,
          contactKey: record.contactKey,
          attributes: Object.fromEntries(taken),
          own: record.aborted === true,
          ownFence: Math.min(server.sent.length, ...abortedAt),
        });
    } else if (name === 'TimeoutError') {
      if (!covered('expired'))
        problems.push(`w${record.n} rejected as expired without an expired event carrying its values`);
    } else if (isAttributesError(error)) {
      if (!covered('failed'))
        problems.push(`w${record.n} rejected with "${error.message}" without a failed event carrying its values`);
    } else if (!(record.retry && error instanceof Error && error.message.startsWith('Outbox.retry: no kept failure'))) {
      // A retry may find its kept failure gone (superseded, discarded or retried by another tab since it was listed).
      problems.push(`w${record.n} rejected with ${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** Records write `n` (a write() or one part of a writeBatch), its values all `w<n>`, and checks how it settles. */
  function recordWrite(
    n: number,
    tab: Tab,
    contactKey: string,
    attributes: Attributes,
    once: string | null,
    promise: Promise<unknown>,
    controller: AbortController,
  ): void {
    const queued = once === null || !fired.has(once);
    if (once !== null) fired.add(once);
    for (const [key, value] of Object.entries(attributes)) queuedAt.set(`${contactKey}|${key}|${value}`, clock.now());
    const write: WriteRecord = { n, tab, contactKey, attributes, queued, controller, state: 'pending' };
    writes.push(write);
    promise.then(
      () => onResolved(write),
      (error: unknown) => onRejected(write, error),
    );
  }

  function write(step: Extract<Step, { do: 'rule' | 'save' }>): void {
    const tab = tabs[step.tab % tabs.length]!;
    const ref = contactIn(step.contact);
    const contactKey = `${ref.instanceId}/${ref.initialContactId}`;
    const first = writes.length + 1;
    const controller = new AbortController();
    const { signal } = controller;
    if (step.do === 'rule' && step.batch) {
      const base = step.once ?? `u${first}`;
      const parts = step.keys.map((key, index) => ({
        n: first + index,
        attributes: { [key]: `w${first + index}` },
        once: `${base}:${key}`,
      }));
      const promises = tab.outbox.writeBatch(
        ref,
        parts.map(({ attributes, once }) => ({ attributes, once })),
        { origin: 'rule', signal },
      );
      parts.forEach((part, index) =>
        recordWrite(part.n, tab, contactKey, part.attributes, part.once, promises[index]!, controller),
      );
      return;
    }
    const once = step.do === 'rule' ? step.once : null;
    const attributes: Attributes = Object.fromEntries(step.keys.map((key) => [key, `w${first}`]));
    const promise = tab.outbox.write(ref, attributes, {
      origin: step.do === 'rule' ? 'rule' : 'agent',
      signal,
      ...(once === null ? {} : { once }),
    });
    recordWrite(first, tab, contactKey, attributes, once, promise, controller);
  }

  async function liveEntries(): Promise<string[]> {
    const store = tabs[0]!.store;
    return (await store.list())
      .filter((entry) => !entry.failed && Object.keys(entry.attributes).length > 0)
      .map((entry) => `${entry.id} ${show(entry.attributes)}`);
  }

  lag.turns = 0;
  hold.on = false;
  const rested = (): void => {
    server.rested();
    for (const gone of abandoned) gone.fence ??= server.sent.length;
  };
  restListeners.add(rested);
  try {
    tabs.push(await openTab());
    await quiet();
    for (const step of steps) {
      switch (step.do) {
        case 'rule':
        case 'save':
          write(step);
          if (step.settle) await quiet();
          break;
        case 'answer': {
          const answerable = server.answerable();
          const request = answerable[step.pick % Math.max(1, answerable.length)];
          request?.answer(step.outcome);
          const sender = tabs.find((tab) => tab.id === request?.sender);
          if (sender && step.closeAfter !== undefined) {
            for (let i = 0; i < step.closeAfter; i++) await turn();
            const index = tabs.indexOf(sender);
            closeTab(sender);
            if (tabs.length === 0) tabs.splice(index, 0, await openTab());
          }
          if (step.settle) await quiet();
          break;
        }
        case 'advance':
          await clock.rest(step.ms, step.rest);
          break;
        case 'expire':
          if (step.offline) server.offline = true;
          try {
            await clock.rest(options.maxAgeMs + options.expiryIntervalMs, step.rest);
          } finally {
            server.offline = false;
          }
          break;
        case 'reload': {
          const tab = tabs[step.tab % tabs.length]!;
          const index = tabs.indexOf(tab);
          closeTab(tab);
          tabs.splice(index, 0, await openTab());
          if (step.settle) await quiet();
          break;
        }
        case 'open-tab':
          if (tabs.length < 2) tabs.push(await openTab());
          await quiet();
          break;
        case 'close-tab':
          if (tabs.length < 2) break;
          closeTab(tabs[step.tab % tabs.length]!);
          if (step.settle) await quiet();
          break;
        case 'destroy': {
          const ref = contactIn(step.contact);
          for (const tab of tabs) (tab.outbox as { forget?: (contact: ContactRef) => unknown }).forget?.(ref);
          generations[step.contact] = (generations[step.contact] ?? 0) + 1;
          break;
        }
        case 'retry':
        case 'discard': {
          const tab = tabs[step.tab % tabs.length]!;
          const kept = tab.outbox.failures();
          const failure = kept[step.pick % Math.max(1, kept.length)];
          if (!failure) break;
          if (step.do === 'discard') track(tab.outbox.discard(failure.id), `discard() in outbox ${tab.id}`);
          else {
            const before = new Map(
              Object.entries(failure.attributes).map(([key, value]) => [
                key,
                revisionOf(failure.contactKey, key, value) ?? 0,
              ]),
            );
            const write: WriteRecord = {
              n: writes.length + 1,
              tab,
              contactKey: failure.contactKey,
              attributes: { ...failure.attributes },
              queued: true,
              retry: before,
              state: 'pending',
            };
            writes.push(write);
            server.retried(failure.contactKey, failure.attributes);
            // A kept failure may hold values whose write() an abort rejected after they were sent: retrying it is
            // asking for them again.
            for (const gone of abandoned)
              if (gone.contactKey === failure.contactKey)
                gone.attributes = Object.fromEntries(
                  Object.entries(gone.attributes).filter(([key, value]) => failure.attributes[key] !== value),
                );
            for (const [key, value] of Object.entries(failure.attributes))
              queuedAt.set(`${failure.contactKey}|${key}|${value}`, clock.now());
            tab.outbox.retry(failure.id).then(
              () => onResolved(write),
              (error: unknown) => onRejected(write, error),
            );
          }
          if (step.settle) await quiet();
          break;
        }
        case 'wait':
          for (let i = 0; i < step.turns; i++) await turn();
          break;
        case 'lag':
          lag.turns = step.turns;
          break;
        case 'hold':
          hold.on = true;
          break;
        case 'release':
          releaseHeld();
          if (step.settle) await quiet();
          break;
        case 'abort': {
          const open = writes.filter((record) => record.state === 'pending' && record.controller && !record.aborted);
          const target = open[step.pick % Math.max(1, open.length)];
          if (!target) break;
          for (const record of writes) {
            if (record.controller !== target.controller) continue;
            record.aborted = true;
            record.abortedAt = server.sent.length;
          }
          target.controller?.abort();
          if (step.settle) await quiet();
          break;
        }
      }
    }

    // Drain: the server answers everything, time passes, until nothing is left to send.
    releaseHeld();
    let left: string[] = [];
    for (let round = 0; round < 12; round++) {
      for (const request of server.answerable()) request.answer('ok');
      await clock.rest(options.backoff.capMs);
      left = await liveEntries();
      if (left.length === 0 && server.wire.length === 0) break;
    }
    if (left.length > 0 || server.wire.length > 0)
      problems.push(`the outbox never drained: still queued ${left.join(', ')}; on the wire ${server.wire.length}`);
    await quiet();
    for (const record of writes) {
      if (record.state === 'pending' && !record.tab.closed)
        problems.push(
          `w${record.n} ${show(record.attributes)} still pending in open outbox ${record.tab.id} with nothing left to send`,
        );
    }
    for (const tab of tabs)
      track(tab.outbox.whenIdle(), `whenIdle() of open outbox ${tab.id} with nothing left to send`);
    await quiet();
    for (const other of others)
      if (!other.settled && !other.what.includes('close')) problems.push(`${other.what} never settled`);

    for (const tab of [...tabs]) closeTab(tab);
    await quiet();
  } catch (error) {
    problems.push(`the run broke: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    restListeners.delete(rested);
    for (const tab of allTabs) {
      if (!tab.closed) {
        tab.closed = true;
        void tab.outbox.close();
        tab.store.close();
      }
    }
  }

  // No promise stays pending after close().
  for (const record of writes)
    if (record.state === 'pending')
      problems.push(`w${record.n} ${show(record.attributes)} (outbox ${record.tab.id}) never settled after close()`);
  for (const other of others)
    if (!other.settled && other.what.includes('close')) problems.push(`${other.what} never settled`);
  if (server.wire.length > 0)
    problems.push(`${server.wire.length} request(s) still on the wire after every outbox closed`);

  // A write told it landed is never also reported failed or expired.
  for (const write of writes) {
    if (write.state !== 'resolved' || write.retry) continue;
    for (const [key, value] of Object.entries(write.attributes)) {
      if (reported(undefined, write.contactKey, key, value))
        problems.push(`w${write.n} resolved, yet an event reported its ${key} failed or expired`);
    }
  }

  // Every write queued reached the store; one whose marker had fired did not.
  for (const record of writes) {
    if (record.retry) continue;
    for (const [key, value] of Object.entries(record.attributes)) {
      const inStore = revisionOf(record.contactKey, key, value) !== undefined;
      if (record.queued && !inStore) problems.push(`w${record.n}'s ${key} was never queued`);
      if (!record.queued && inStore) problems.push(`w${record.n}'s ${key} was queued although its marker had fired`);
    }
  }

  // Landed or reported: the last value of each key, per contact, is on the server unless an event reported it.
  // A key whose last value an abort took back is left out: the abort took back the values it had replaced in the
  // queue too (their writes were rejected), and each write's own promise was checked.
  const gone = new Set(
    abandoned.flatMap(({ contactKey, attributes }) =>
      Object.entries(attributes).map(([key, value]) => `${contactKey}|${key}|${value}`),
    ),
  );
  for (const [id, values] of applied) {
    const [contactKey, key] = id.split('|') as [string, string];
    const last = values.reduce((a, b) => (b.revision > a.revision ? b : a));
    if (gone.has(`${contactKey}|${key}|${last.value}`)) continue;
    const onServer = server.stored.get(contactKey)?.get(key);
    if (onServer !== last.value && !reported(undefined, contactKey, key, last.value)) {
      problems.push(
        `${contactKey} ${key}: the server holds ${onServer ?? 'nothing'}, the last value written is ${last.value}, and no failed or expired event reported it`,
      );
    }
  }

  // Nothing stored twice except after an ambiguous failure; no stored value goes back to an older one.
  for (const [id, count] of server.received) {
    const allowed = 1 + (server.ambiguous.get(id) ?? 0);
    if (count > allowed) problems.push(`${id} stored ${count} times (ambiguous failures: ${allowed - 1})`);
  }
  // Per key, values land in the order they were first queued: a retry() never puts back a value older than one
  // that landed.
  for (const [contactKey, history] of server.history) {
    const newest = new Map<string, { value: string; revision: number }>();
    for (const { key, value } of history) {
      const revision = firstRevision.get(`${contactKey}|${key}|${value}`) ?? 0;
      const before = newest.get(key);
      if (before && revision < before.revision)
        problems.push(`${contactKey} ${key}: the server went back to ${value} after the newer ${before.value} landed`);
      if (!before || revision > before.revision) newest.set(key, { value, revision });
    }
  }

  // A write rejected by an abort: no request its outbox starts after that, and none at all once the outboxes came
  // to rest, carries its values.
  for (const gone of abandoned) {
    for (const [index, request] of server.sent.entries()) {
      const after = index >= (gone.fence ?? Infinity) || (index >= gone.ownFence && request.sender === gone.tab.id);
      if (!after || request.contactKey !== gone.contactKey) continue;
      for (const [key, value] of Object.entries(gone.attributes))
        if (request.attributes[key] === value)
          problems.push(
            `w${gone.n} was rejected as aborted, yet its ${key} was sent afterwards by outbox ${request.sender}`,
          );
    }
  }

  // An abort reports "not written" only for values that were not: a value a request carried that may have been
  // stored (on the wire, or failed ambiguously) settles with that request. Exempt: a value stored by a request whose
  // outbox closed before recording the outcome (the next outbox cannot know).
  for (const gone of abandoned) {
    if (!gone.own) continue;
    for (const [key, value] of Object.entries(gone.attributes))
      if (server.receivedCount(gone.contactKey, key, value) > 0 && !server.recordLost(gone.contactKey, key, value))
        problems.push(`w${gone.n} was rejected as aborted, yet its ${key} was stored on the server`);
  }

  for (const message of server.violations) problems.push(message);
  seen.writes += writes.length;
  seen.resolved += writes.filter((record) => record.state === 'resolved').length;
  seen.aborted += rejections.AbortError;
  seen.abortsRequested += new Set(writes.filter((w) => w.aborted).map((w) => w.controller)).size;
  seen.expired += rejections.TimeoutError;
  seen.failed += rejections.AttributesError;
  seen.failedEvents += reports.filter((report) => report.kind === 'failed').length;
  seen.expiredEvents += reports.filter((report) => report.kind === 'expired').length;
  seen.requests += server.requests.length;
  seen.fromLaterTab += server.requests.filter((sender) => sender > 0).length;
  for (const count of server.received.values()) seen.resent += count - 1;
  await deleteDB(db).catch(() => undefined);
  const unique = [...new Set(problems)];
  // The requests, to read a counterexample by.
  if (unique.length > 0)
    unique.push(
      `requests: ${server.sent.map((r, i) => `#${i} outbox ${r.sender} ${r.contactKey} ${show(r.attributes)} at ${r.at - start} -> ${r.outcome ?? 'aborted'}`).join('; ')}`,
      `writes: ${writes.map((w) => `w${w.n} outbox ${w.tab.id} ${w.contactKey} ${show(w.attributes)}${w.aborted ? ' (abort requested)' : ''} ${w.state}`).join('; ')}`,
    );
  return unique;
}

async function expectSound(steps: readonly Step[]): Promise<void> {
  const problems = await runSequence(steps);
  expect(problems, `steps: ${JSON.stringify(steps)}`).to.deep.equal([]);
}

describe('Outbox model: random interleavings over IndexedDB', function () {
  this.timeout(120_000);
  let restore: () => void;
  before(() => {
    restore = countBroadcastChannels();
  });
  after(() => restore());

  it('lands or reports every write, settles every promise, sends from one tab at a time and duplicates only after ambiguous failures', async () => {
    const started = performance.now();
    const result = await fc.check(
      fc.asyncProperty(fc.array(stepArb, { minLength: 1, maxLength: 24, size: 'max' }), async (steps) => {
        const problems = await runSequence(steps);
        if (problems.length > 0) throw new Error(problems.join('\n'));
      }),
      // A fixed number of sequences from a fixed seed: every run (and every mutant of `npm run mutants`) meets the
      // same sequences. Change the seed to explore others; keep a counterexample below as a plain sequence.
      { numRuns: 200, seed: 20261207, endOnFailure: false },
    );
    console.log(
      `[model] ${result.numRuns} sequences (seed ${result.seed}) in ${((performance.now() - started) / 1000).toFixed(1)} s; seen ${JSON.stringify(seen)}`,
    );
    // The counted BroadcastChannel saw the outboxes' messages: quiet() waited for them.
    expect(channelPosts.count, 'cross-tab messages counted').to.be.greaterThan(0);
    if (result.failed) {
      const why = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
      throw new Error(`${fc.defaultReportMessage(result)}\nProblems of the counterexample:\n${why}`);
    }
  });

  // Sequences fast-check found, kept as they were reported (shrunk), and sequences written for a case the seeded
  // runs meet too rarely.

  it("does not send landed values again when another tab's older copy of the entry arrives after the landing", async () => {
    await expectSound([
      // Outbox 0 sends four writes of the other contact and then a, which empties its token bucket (burst 5);
      // outbox 1 adds b to the entry that still holds a and tells outbox 0, which gets that copy only after a landed
      // and was taken out of its own copy. The next request of the contact waits for a token (100 ms, before the
      // next expiry pass lists the store): it is made from the copy outbox 0 has then, and the older one, had it
      // been applied, would send a again.
      { do: 'open-tab' },
      ...(['a', 'b', 'c', 'a'] as const).flatMap((key): Step[] => [
        { do: 'save', tab: 0, contact: 1, keys: [key], settle: true },
        { do: 'answer', outcome: 'ok', pick: 0, settle: true },
      ]),
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'hold' },
      { do: 'save', tab: 1, contact: 0, keys: ['b'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true },
      { do: 'release', settle: true },
      { do: 'advance', ms: 1_000 / options.rate.ratePerSecond, rest: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true },
    ]);
  });

  it('retry() of a kept failure does not put back a value a newer write landed since', async () => {
    await expectSound([
      { do: 'save', tab: 0, contact: 0, keys: ['a', 'b'], settle: true },
      { do: 'answer', outcome: 'refused', pick: 0, settle: true },
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true },
      { do: 'retry', tab: 0, pick: 0, settle: true },
    ]);
  });

  it('does not expire a value a request on the wire carries', async () => {
    // Sent at 0, 1,500 and 3,000 (the 500s' backoff), on the wire at the expiry pass at 4,250 (past maxAgeMs).
    await expectSound([
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'advance', ms: 1_000, rest: true },
      { do: 'answer', outcome: '500', pick: 0, settle: true },
      { do: 'advance', ms: 1_000, rest: true },
      { do: 'answer', outcome: '500', pick: 0, settle: true },
      { do: 'advance', ms: 1_000, rest: true },
      { do: 'advance', ms: 1_300, rest: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true },
    ]);
  });

  it('does not send a value whose write was aborted while the store is still taking it out of the queue', async () => {
    await expectSound([
      { do: 'rule', tab: 0, contact: 0, keys: ['a'], once: null, settle: true },
      { do: 'abort', pick: 0, settle: false },
      { do: 'advance', ms: 300, rest: false },
    ]);
  });

  it('settles a write made just before a reload closes its outbox', async () => {
    await expectSound([
      { do: 'rule', tab: 0, contact: 0, keys: ['a'], once: null, settle: false },
      { do: 'reload', tab: 0, settle: false },
    ]);
  });

  it('settles whenIdle() called before and after close() on an outbox with a request on the wire', async () => {
    await expectSound([
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'reload', tab: 0, settle: false },
    ]);
  });

  it('does not send again, for ever, a write the closing flusher recorded as landed just before it closed', async () => {
    await expectSound([
      { do: 'open-tab' },
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true, closeAfter: 1 },
    ]);
  });

  it('settles a write of the other tab whose landing the closing flusher recorded but never announced', async () => {
    await expectSound([
      { do: 'open-tab' },
      { do: 'save', tab: 1, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true, closeAfter: 1 },
    ]);
  });

  it('settles a write of the other tab when the next flusher resends its landed, unannounced entry and that request fails retryably', async () => {
    await expectSound([
      { do: 'open-tab' },
      { do: 'save', tab: 1, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true, closeAfter: 1 },
      { do: 'answer', outcome: '500', pick: 0, settle: true },
    ]);
  });

  it('settles a write of the other tab whose landing the closing flusher recorded but never announced, while newer values stay queued', async () => {
    await expectSound([
      { do: 'open-tab' },
      { do: 'reload', tab: 0, settle: false },
      { do: 'save', tab: 0, contact: 1, keys: ['a'], settle: false },
      { do: 'save', tab: 0, contact: 1, keys: ['c'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: false, closeAfter: 1 },
    ]);
    await expectSound([
      { do: 'open-tab' },
      { do: 'save', tab: 1, contact: 0, keys: ['a'], settle: true },
      { do: 'save', tab: 1, contact: 0, keys: ['b'], settle: true },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true, closeAfter: 1 },
    ]);
  });

  it('reports a kept failure stored by a flusher that closed before announcing it (whatever the moment of the close)', async () => {
    for (let closeAfter = 2; closeAfter <= 8; closeAfter++) {
      await expectSound([
        { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
        { do: 'answer', outcome: 'refused', pick: 0, settle: true, closeAfter },
      ]);
    }
  });

  it('reports the values an expiry pass under way drops while the flusher closes', async () => {
    await expectSound([
      { do: 'rule', tab: 0, contact: 0, keys: ['a'], once: null, batch: false, settle: false },
      { do: 'expire', offline: false, rest: false },
      { do: 'answer', outcome: '429', pick: 0, settle: false },
      { do: 'answer', outcome: 'ok', pick: 0, settle: true },
      { do: 'advance', ms: 1000, rest: false },
      { do: 'answer', outcome: '429', pick: 0, settle: false, closeAfter: 3 },
      { do: 'answer', outcome: 'ok', pick: 1, settle: true },
      { do: 'answer', outcome: 'drop', pick: 0, settle: false },
    ]);
  });

  it('does not expire a value whose request the closing flusher aborted, nor lose an expiry when the store then closes', async () => {
    await expectSound([
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: false },
      { do: 'save', tab: 0, contact: 1, keys: ['a'], settle: false },
      { do: 'expire', offline: false, rest: true },
      { do: 'expire', offline: false, rest: false },
      { do: 'answer', outcome: 'ok', pick: 1, settle: false, closeAfter: 1 },
      { do: 'destroy', contact: 0 },
    ]);
  });

  it('does not store a value twice when a close split keeping its failure from taking it out of the queue, and it is retried', async () => {
    await expectSound([
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: 'refused', pick: 0, settle: false, closeAfter: 1 },
      { do: 'expire', offline: false, rest: true },
      { do: 'retry', tab: 0, pick: 0, settle: false },
      { do: 'advance', ms: 0, rest: false },
    ]);
  });

  it('rejects a retry() racing close() with an AbortError, not the error of the store connection closed after it', async () => {
    await expectSound([
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: 'refused', pick: 0, settle: true },
      { do: 'retry', tab: 0, pick: 0, settle: false },
      { do: 'reload', tab: 0, settle: true },
    ]);
  });

  it('does not expire a write merged into an old entry while an expiry pass was reading the store', async () => {
    await expectSound([
      { do: 'save', tab: 0, contact: 1, keys: ['a'], settle: false },
      { do: 'expire', offline: false, rest: false },
      { do: 'save', tab: 0, contact: 0, keys: ['a'], settle: true },
      { do: 'answer', outcome: '429', pick: 0, settle: false },
      { do: 'advance', ms: 300, rest: false },
      { do: 'rule', tab: 0, contact: 1, keys: ['a'], once: null, settle: false },
      { do: 'answer', outcome: 'ok', pick: 0, settle: false },
    ]);
  });
});

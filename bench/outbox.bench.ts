// Benchmarks of the outbox and the tagging engine (issue 6), in Node with in-memory stores:
//   (a) API calls per contact lifecycle with K rules and a burst of E agent edits;
//   (b) time from a (fake) tracker event to the request leaving the sender (median; no debounce);
//   (c) a fleet: many agents' outboxes against the Connect API stand-in with the account quota
//       (default 10 req/s, burst 15), through the real AttributesClient and AWS SDK;
//   (d) the same herd in virtual time, once per jitter x backoff cap, to choose the outbox's backoff default.
// Prints figures; asserts nothing. Run alone: `npx tsx bench/outbox.bench.ts`; bench/run.ts calls benchOutbox().
// Fleet knobs (environment): FLEET_AGENTS (1000), FLEET_ACTIVE (400 agents that end a contact),
// FLEET_SPREAD_MS (10000: when the contacts end), FLEET_RATE (10), FLEET_BURST (15), FLEET_BACKOFF_CAP_MS,
// FLEET_BACKOFF_BASE_MS and FLEET_BACKOFF_JITTER (the outbox defaults). 400 contacts x 1 coalesced request at 10/s
// drain in ~40 s: the whole fleet run stays under a minute (1,000 requests would need 100 s at 10/s). The grid (d)
// takes FLEET_ACTIVE, FLEET_SPREAD_MS, FLEET_RATE, FLEET_BURST and FLEET_BACKOFF_BASE_MS, and GRID_SEEDS (50 runs
// per cell); it runs in a few seconds.
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { AttributesClient } from '../src/client.ts';
import { AttributesError } from '../src/errors.ts';
import { MemoryOutboxStore, Outbox, type OutboxClock, type OutboxSender } from '../src/outbox/index.ts';
import { DEFAULT_BACKOFF } from '../src/outbox/options.ts';
import { TokenBucket, backoffDelay, type BackoffOptions, type Jitter } from '../src/outbox/pacing.ts';
import { createTagger, type TagRuleInput } from '../src/tagging/index.ts';
import type { ContactModel } from '../src/tracker/types.ts';
import { FakeTracker, model } from '../test/tagging/fake-tracker.ts';
import { startConnectApi } from '../demo/connect-api/server.ts';

/** A contact model for the benchmarks (instance `bench-instance`). */
function contactModel(contactId: string, instanceId = 'bench-instance'): ContactModel {
  return model(contactId, { instanceId });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Rules spread over connected, acw and destroyed: K rules in all. */
function rulesFor(k: number): TagRuleInput[] {
  const events = ['connected', 'acw', 'destroyed'] as const;
  return Array.from({ length: k }, (_, i) => ({
    id: `r${i}`,
    on: events[i % events.length]!,
    set: { [`Tag${i}`]: '{{agent.username}}@{{event.at}}' },
  }));
}

/** (a) One contact lifecycle: K rules over three events, E agent saves in a burst while connected. */
async function callsPerLifecycle(
  k: number,
  e: number,
): Promise<{ ruleCalls: number; ruleFlushPoints: number; agentCalls: number; burstMs: number }> {
  let ruleCalls = 0;
  let agentCalls = 0;
  const sender: OutboxSender = async (_, attributes) => {
    if (Object.keys(attributes).some((key) => key.startsWith('Edit'))) agentCalls++;
    else ruleCalls++;
    await sleep(20); // a request's round trip
  };
  const outbox = new Outbox({
    store: new MemoryOutboxStore(),
    sender,
    debounceMs: 50,
    rate: { ratePerSecond: 100, burst: 100 },
  });
  const tracker = new FakeTracker();
  const tagger = createTagger({ tracker, outbox, rules: rulesFor(k) });
  const contact = contactModel(`lifecycle-${k}-${e}`);
  const ref = {
    contactId: contact.contactId,
    initialContactId: contact.initialContactId,
    instanceId: contact.instanceId,
  };
  const writes: Promise<void>[] = [];
  tracker.emit('connecting', contact);
  tracker.emit('connected', contact);
  await sleep(200);
  const burstStart = performance.now();
  for (let i = 0; i < e; i++) {
    writes.push(outbox.write(ref, { [`Edit${i % 8}`]: `value ${i}` }, { origin: 'agent' }));
    if (i < e - 1) await sleep(1);
  }
  const burstMs = performance.now() - burstStart;
  await sleep(200);
  tracker.emit('acw', contact);
  await sleep(200);
  tracker.emit('destroyed', contact);
  await sleep(200);
  await Promise.all(writes);
  await outbox.whenIdle();
  tagger.dispose();
  await outbox.close();
  return { ruleCalls, ruleFlushPoints: new Set(rulesFor(k).map((r) => r.on)).size, agentCalls, burstMs };
}

/** (b) Tracker event -> sender call, with no debounce, over `n` contacts. */
async function eventToWire(n: number): Promise<{ median: number; p95: number; agentMedian: number }> {
  const sentAt = new Map<string, number>();
  const sender: OutboxSender = (contact) => {
    sentAt.set(contact.contactId, performance.now());
    return Promise.resolve();
  };
  const outbox = new Outbox({
    store: new MemoryOutboxStore(),
    sender,
    debounceMs: 0,
    rate: { ratePerSecond: 1e6, burst: 1e6 },
    maxInFlight: 1e6,
  });
  const tracker = new FakeTracker();
  const tagger = createTagger({ tracker, outbox, rules: rulesFor(3).map((r) => ({ ...r, on: 'connected' as const })) });
  const ruleTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const contact = contactModel(`latency-${i}`);
    const start = performance.now();
    tracker.emit('connected', contact);
    while (!sentAt.has(contact.contactId)) await new Promise<void>((resolve) => setImmediate(resolve));
    ruleTimes.push(sentAt.get(contact.contactId)! - start);
  }
  const agentTimes: number[] = [];
  for (let i = 0; i < n; i++) {
    const id = `agent-${i}`;
    const start = performance.now();
    const write = outbox.write(
      { contactId: id, initialContactId: id, instanceId: 'bench-instance' },
      { Note: 'x' },
      { origin: 'agent' },
    );
    while (!sentAt.has(id)) await new Promise<void>((resolve) => setImmediate(resolve));
    agentTimes.push(sentAt.get(id)! - start);
    await write;
  }
  tagger.dispose();
  await outbox.close();
  return { median: median(ruleTimes), p95: percentile(ruleTimes, 95), agentMedian: median(agentTimes) };
}

/** Each agent's tagging rules in the fleet: three tags when the contact enters after-contact work. */
const FLEET_RULES: readonly TagRuleInput[] = [
  { id: 'handled-by', on: 'acw', set: { HandledBy: '{{agent.username}}' } },
  { id: 'wrap-up-at', on: 'acw', set: { WrapUpAt: '{{event.at}}' } },
  { id: 'talk', on: 'acw', set: { TalkSeconds: '{{duration.connected}}' } },
];

/** The fleet's size, quota and backoff, from the FLEET_* environment variables. */
function fleetSettings() {
  const env = (name: string): number | undefined =>
    process.env[name] === undefined ? undefined : Number(process.env[name]);
  const jitter = process.env['FLEET_BACKOFF_JITTER'];
  if (jitter !== undefined && !isJitter(jitter))
    throw new TypeError(`FLEET_BACKOFF_JITTER must be one of ${JITTERS.join(', ')}.`);
  const agents = env('FLEET_AGENTS') ?? 1000;
  return {
    agents,
    active: Math.min(agents, env('FLEET_ACTIVE') ?? 400),
    spreadMs: env('FLEET_SPREAD_MS') ?? 10_000,
    ratePerSecond: env('FLEET_RATE') ?? 10,
    burst: env('FLEET_BURST') ?? 15,
    capMs: env('FLEET_BACKOFF_CAP_MS'),
    baseMs: env('FLEET_BACKOFF_BASE_MS'),
    jitter,
  };
}

const JITTERS: readonly Jitter[] = ['full', 'equal', 'decorrelated'];
const isJitter = (value: string): value is Jitter => (JITTERS as readonly string[]).includes(value);

/**
 * The fleet's cost per landed write (one contact's rule writes travel as one coalesced request), and its drain time
 * against the ideal: every request landed back to back at the quota's rate.
 */
function costLine(calls: number, landed: number, throttled: number, drainS: number, ratePerSecond: number): string {
  const idealS = landed / ratePerSecond;
  return (
    `per landed write (request): calls=${(calls / landed).toFixed(2)} 429s=${(throttled / landed).toFixed(2)}; ` +
    `drain=${drainS.toFixed(1)} s against an ideal of ${idealS.toFixed(1)} s (${(drainS / idealS).toFixed(2)}x)`
  );
}

/** (c) The fleet against the stand-in with the account quota, through the real outbox, client and SDK. */
export async function benchOutboxFleet(): Promise<void> {
  const { agents, active, spreadMs, ratePerSecond, burst, capMs, baseMs, jitter } = fleetSettings();
  const instanceId = '99999999-2222-4333-8444-555555555555';
  const api = await startConnectApi({ port: 0 });
  try {
    const contacts = Array.from({ length: active }, (_, i) => `fleet-contact-${i}`);
    api.registerContacts(contacts.map((contactId) => ({ instanceId, contactId, startedAt: new Date().toISOString() })));
    api.setFaults({ quota: { ratePerSecond, burst } });
    // A pool of 20 SDK clients (50 sockets each) as the transport: 1,000 ConnectClients in one Node process would
    // measure memory, not the protocol. Each agent has its own outbox, store, token bucket and backoff, as each
    // browser would.
    const clients = Array.from(
      { length: 20 },
      () =>
        new AttributesClient({
          region: api.region,
          endpoint: api.url,
          credentials: { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey },
          maxAttempts: 1,
        }),
    );
    const backoff = {
      ...(capMs === undefined ? {} : { capMs }),
      ...(baseMs === undefined ? {} : { baseMs }),
      ...(jitter === undefined ? {} : { jitter }),
    };
    const outboxes = Array.from(
      { length: agents },
      (_, i) => new Outbox({ store: new MemoryOutboxStore(), client: clients[i % clients.length]!, backoff }),
    );
    const trackers = outboxes.map(() => new FakeTracker());
    const rules = FLEET_RULES;
    const taggers = outboxes.map((outbox, i) =>
      createTagger({ tracker: trackers[i]!, outbox, rules, onError: () => undefined }),
    );
    const writes = active * rules.length;
    let lastLanding = 0;
    for (const outbox of outboxes) outbox.on('landed', () => (lastLanding = performance.now()));
    const start = performance.now();
    await Promise.all(
      contacts.map(async (contactId, i) => {
        await sleep(Math.floor((i / active) * spreadMs));
        const contact = contactModel(contactId, instanceId);
        const tracker = trackers[i]!;
        tracker.emit('connected', contact, new Date(Date.now() - 60_000));
        tracker.emit('acw', contact);
      }),
    );
    // The last emits' writes reach their (in-memory) stores in microtasks: let them be queued before asking for
    // idleness, or an outbox still empty reports idle and its contact counts as lost while its write is pending.
    await sleep(0);
    await Promise.all(outboxes.map((o) => o.whenIdle()));
    const drainS = (lastLanding - start) / 1000;
    const log = api.requestLog().filter((r) => r.action === 'UpdateContactAttributes');
    const ok = log.filter((r) => r.status === 200).length;
    const throttled = log.filter((r) => r.status === 429).length;
    let lost = 0;
    for (const contactId of contacts) {
      const stored = api.attributesOf(instanceId, contactId) ?? {};
      for (const rule of rules) for (const key of Object.keys(rule.set)) if (!(key in stored)) lost++;
    }
    const capacity = ratePerSecond * drainS + burst;
    console.log(
      `(c) fleet: ${agents} agents (${active} end a contact within ${spreadMs / 1000} s, ${rules.length} ACW rules each = ${writes} writes), ` +
        `quota ${ratePerSecond}/s burst ${burst}, backoff ${describeBackoff(backoff)}`,
    );
    console.log(
      `    calls=${log.length} landed=${ok} 429s=${throttled} writes lost=${lost} ` +
        `quota used=${((ok / capacity) * 100).toFixed(1)}% (${ok} landed of ${capacity.toFixed(0)} the quota allowed in the drain time)`,
    );
    console.log(`    ${costLine(log.length, ok, throttled, drainS, ratePerSecond)}`);
    for (const tagger of taggers) tagger.dispose();
    await Promise.all(outboxes.map((outbox) => outbox.close()));
  } finally {
    await api.close();
  }
}

/** The backoff settings a run overrides, for its heading. */
function describeBackoff(backoff: Partial<BackoffOptions>): string {
  const set = Object.entries(backoff).map(([name, value]) => `${name}=${String(value)}`);
  return set.length === 0 ? 'the outbox default' : `${set.join(' ')} (the rest the outbox default)`;
}

interface VirtualTimer {
  at: number;
  seq: number;
  run: () => void;
  cancelled: boolean;
}

/** Timers in virtual time: callbacks run in time order (then in the order they were set) as the clock jumps ahead. */
class VirtualTimers {
  now = 0;
  readonly #heap: VirtualTimer[] = [];
  #seq = 0;

  /** Runs `run` at virtual time `at`. */
  at(at: number, run: () => void): VirtualTimer {
    const timer = { at, seq: this.#seq++, run, cancelled: false };
    const heap = this.#heap;
    heap.push(timer);
    for (let i = heap.length - 1; i > 0;) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
    return timer;
  }

  /** The clock and timers an Outbox takes (its `clock` option), on this virtual time. */
  get clock(): OutboxClock {
    return {
      now: () => this.now,
      setTimeout: (run, ms) => this.at(this.now + Math.max(0, ms), run),
      clearTimeout: (timer) => {
        if (timer) (timer as VirtualTimer).cancelled = true;
      },
    };
  }

  /** Runs every timer, including those set while running. */
  runAll(): void {
    for (let timer = this.#next(); timer; timer = this.#next()) this.#fire(timer);
  }

  /**
   * Runs timers until `done()` or none is left before `limitMs`, letting the promise chains a timer starts settle
   * before the next one fires (the outbox's stores and emitters continue in microtasks, all run before a
   * setImmediate callback).
   */
  async runUntil(done: () => boolean, limitMs: number): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (done()) return;
      const timer = this.#next();
      if (!timer || timer.at > limitMs) return;
      this.#fire(timer);
    }
  }

  #fire(timer: VirtualTimer): void {
    this.now = timer.at;
    timer.run();
  }

  /** Takes the earliest timer not cancelled off the heap. */
  #next(): VirtualTimer | undefined {
    const heap = this.#heap;
    while (heap.length > 0) {
      const first = heap[0]!;
      const last = heap.pop()!;
      if (heap.length > 0) {
        heap[0] = last;
        for (let i = 0; ;) {
          const left = 2 * i + 1;
          const right = left + 1;
          let least = i;
          if (left < heap.length && this.#before(left, least)) least = left;
          if (right < heap.length && this.#before(right, least)) least = right;
          if (least === i) break;
          [heap[i], heap[least]] = [heap[least]!, heap[i]!];
          i = least;
        }
      }
      if (!first.cancelled) return first;
    }
    return undefined;
  }

  #before(a: number, b: number): boolean {
    const x = this.#heap[a]!;
    const y = this.#heap[b]!;
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

/** A seeded generator of numbers in [0, 1) (mulberry32), so the grid's figures repeat from run to run. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface HerdResult {
  calls: number;
  landed: number;
  throttled: number;
  drainMs: number;
}

/** The outbox's pacing defaults the herd model copies: rule debounce, client-side bucket. */
const OUTBOX_DEBOUNCE_MS = 200;
const OUTBOX_RATE = { ratePerSecond: 2, burst: 5 };
/** A request's round trip in the model; the quota is taken half way, as the stand-in takes it on arrival. */
const HERD_ROUND_TRIP_MS = 10;

/**
 * The fleet of (c) in virtual time, reduced to what decides its cost: each active agent's outbox sends its one
 * coalesced request when the rule debounce ends; on a 429 it retries after `backoffDelay` (fed its previous delay),
 * with its own token bucket drained and every send paused until then, as the outbox does; the account quota is
 * the stand-in's token bucket. Uses the outbox's own TokenBucket and backoffDelay.
 */
function simulateHerd(options: {
  active: number;
  spreadMs: number;
  ratePerSecond: number;
  burst: number;
  backoff: BackoffOptions;
  seed: number;
}): HerdResult {
  const timers = new VirtualTimers();
  const now = () => timers.now;
  const quota = new TokenBucket(options.ratePerSecond, options.burst, now);
  const random = seededRandom(options.seed);
  const result: HerdResult = { calls: 0, landed: 0, throttled: 0, drainMs: 0 };
  for (let i = 0; i < options.active; i++) {
    const bucket = new TokenBucket(OUTBOX_RATE.ratePerSecond, OUTBOX_RATE.burst, now);
    let attempts = 0;
    let previousMs: number | undefined;
    const send = (): void => {
      const wait = bucket.take();
      if (wait > 0) {
        timers.at(timers.now + wait, send);
        return;
      }
      result.calls++;
      timers.at(timers.now + HERD_ROUND_TRIP_MS / 2, () => {
        const admitted = quota.take() === 0;
        timers.at(timers.now + HERD_ROUND_TRIP_MS / 2, () => {
          if (admitted) {
            result.landed++;
            result.drainMs = timers.now;
            return;
          }
          result.throttled++;
          attempts++;
          previousMs = backoffDelay(attempts, options.backoff, random, previousMs);
          bucket.drain();
          timers.at(timers.now + previousMs, send);
        });
      });
    };
    timers.at(Math.floor((i / options.active) * options.spreadMs) + OUTBOX_DEBOUNCE_MS, send);
  }
  timers.runAll();
  return result;
}

/**
 * The same herd through the real Outbox and tagger on a virtual clock (no HTTP: the sender takes the quota half way
 * through its round trip and answers a 429 with the client's throttling error), to check the model against the outbox.
 */
async function outboxHerd(options: {
  active: number;
  spreadMs: number;
  ratePerSecond: number;
  burst: number;
  backoff: BackoffOptions;
  seed: number;
}): Promise<HerdResult> {
  const timers = new VirtualTimers();
  const clock = timers.clock;
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));
  const quota = new TokenBucket(options.ratePerSecond, options.burst, () => clock.now());
  const result: HerdResult = { calls: 0, landed: 0, throttled: 0, drainMs: 0 };
  const sender: OutboxSender = async () => {
    result.calls++;
    await wait(HERD_ROUND_TRIP_MS / 2);
    const admitted = quota.take() === 0;
    await wait(HERD_ROUND_TRIP_MS / 2);
    if (!admitted) {
      result.throttled++;
      throw new AttributesError('throttled', 'Rate exceeded', { status: 429, awsType: 'ThrottlingException' });
    }
    result.landed++;
    result.drainMs = clock.now();
  };
  const random = seededRandom(options.seed);
  const outboxes = Array.from(
    { length: options.active },
    () => new Outbox({ store: new MemoryOutboxStore(), sender, clock, random, backoff: options.backoff }),
  );
  const trackers = outboxes.map(() => new FakeTracker());
  const taggers = outboxes.map((outbox, i) =>
    createTagger({ tracker: trackers[i]!, outbox, rules: FLEET_RULES, onError: () => undefined }),
  );
  trackers.forEach((tracker, i) =>
    timers.at(Math.floor((i / options.active) * options.spreadMs), () => {
      const contact = contactModel(`herd-${i}`);
      tracker.emit('connected', contact, new Date(Date.now() - 60_000));
      tracker.emit('acw', contact);
    }),
  );
  await timers.runUntil(() => result.landed === options.active, 3_600_000);
  for (const tagger of taggers) tagger.dispose();
  await Promise.all(outboxes.map((outbox) => outbox.close()));
  return result;
}

const GRID_CAPS_S = [5, 6, 7, 8, 10, 12, 15, 20, 30, 40, 60, 80];
/** The drain time the choice may cost, against the ideal. */
const DRAIN_LIMIT = 1.1;

/**
 * (d) The herd of (c) in virtual time for each jitter x cap, averaged over seeded runs: calls and 429s per landed
 * write, drain time against the ideal. Picks the fewest calls per write among the cells whose every run drains
 * within DRAIN_LIMIT of the ideal: a default has to hold the limit in nearly every herd, not on average, and the
 * real fleet (c) drains a little slower than the model (HTTP, the SDK, a busy event loop), so a cell whose mean
 * just passes fails it there. With 50 runs per cell the pick is the one 100 or 200 runs give.
 */
export async function benchBackoffGrid(): Promise<void> {
  const { active, spreadMs, ratePerSecond, burst, baseMs } = fleetSettings();
  const seeds = Number(process.env['GRID_SEEDS'] ?? 50);
  const base = baseMs ?? DEFAULT_BACKOFF.baseMs;
  const idealS = active / ratePerSecond;
  console.log(
    `(d) backoff grid: the herd of (c) in virtual time (${active} requests within ${spreadMs / 1000} s, quota ${ratePerSecond}/s burst ${burst}, ` +
      `base ${base} ms, ${HERD_ROUND_TRIP_MS} ms round trip), mean of ${seeds} seeded runs; ideal drain ${idealS.toFixed(1)} s`,
  );
  console.log('    jitter        cap   calls/write  429s/write  drain s  drain/ideal  (slowest run)');
  const started = performance.now();
  const rows: {
    jitter: Jitter;
    capS: number;
    calls: number;
    throttled: number;
    drainS: number;
    ratio: number;
    slowest: number;
  }[] = [];
  for (const jitter of JITTERS) {
    for (const capS of GRID_CAPS_S) {
      const runs = Array.from({ length: seeds }, (_, seed) =>
        simulateHerd({
          active,
          spreadMs,
          ratePerSecond,
          burst,
          backoff: { baseMs: base, capMs: capS * 1000, jitter },
          seed: seed + 1,
        }),
      );
      const mean = (pick: (run: HerdResult) => number) => runs.reduce((sum, run) => sum + pick(run), 0) / runs.length;
      const landed = mean((run) => run.landed);
      const drainS = mean((run) => run.drainMs) / 1000;
      rows.push({
        jitter,
        capS,
        calls: mean((run) => run.calls) / landed,
        throttled: mean((run) => run.throttled) / landed,
        drainS,
        ratio: drainS / idealS,
        slowest: Math.max(...runs.map((run) => run.drainMs / 1000 / (run.landed / ratePerSecond))),
      });
    }
  }
  const eligible = rows.filter((row) => row.slowest <= DRAIN_LIMIT);
  const best = eligible.reduce<(typeof rows)[number] | undefined>(
    (best, row) => (best === undefined || row.calls < best.calls ? row : best),
    undefined,
  );
  for (const row of rows) {
    const isDefault =
      row.jitter === DEFAULT_BACKOFF.jitter &&
      row.capS * 1000 === DEFAULT_BACKOFF.capMs &&
      base === DEFAULT_BACKOFF.baseMs;
    const mark = row === best ? ' <- fewest calls within the limit' : isDefault ? ' <- outbox default' : '';
    console.log(
      `    ${row.jitter.padEnd(12)} ${String(row.capS).padStart(3)} s ${row.calls.toFixed(2).padStart(12)} ${row.throttled.toFixed(2).padStart(11)}` +
        ` ${row.drainS.toFixed(1).padStart(8)}  ${row.ratio.toFixed(3)} ${row.slowest.toFixed(3).padStart(9)}${mark}`,
    );
  }
  console.log(
    `    ${best ? `pick: ${best.jitter} jitter, cap ${best.capS} s` : 'no cell'} (every run drains within ${DRAIN_LIMIT}x the ideal); ` +
      `grid of ${rows.length * seeds} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  // The model against the real Outbox and tagger on the same virtual clock, for the default and the pick.
  const checkSeeds = Number(process.env['GRID_CHECK_SEEDS'] ?? 3);
  const checked = rows.filter(
    (row) => row === best || (row.jitter === DEFAULT_BACKOFF.jitter && row.capS * 1000 === DEFAULT_BACKOFF.capMs),
  );
  for (const row of checked) {
    const checkStarted = performance.now();
    const runs: HerdResult[] = [];
    for (let seed = 1; seed <= checkSeeds; seed++) {
      runs.push(
        await outboxHerd({
          active,
          spreadMs,
          ratePerSecond,
          burst,
          backoff: { baseMs: base, capMs: row.capS * 1000, jitter: row.jitter },
          seed,
        }),
      );
    }
    const sum = (pick: (run: HerdResult) => number) => runs.reduce((total, run) => total + pick(run), 0);
    const landed = sum((run) => run.landed);
    const drainS = sum((run) => run.drainMs) / runs.length / 1000;
    console.log(
      `    check, the real Outbox on the virtual clock, ${row.jitter} ${row.capS} s (${checkSeeds} runs): calls/write ${(sum((run) => run.calls) / landed).toFixed(2)}` +
        ` 429s/write ${(sum((run) => run.throttled) / landed).toFixed(2)} drain ${drainS.toFixed(1)} s (model: ${row.calls.toFixed(2)}, ${row.throttled.toFixed(2)},` +
        ` ${row.drainS.toFixed(1)} s); ${((performance.now() - checkStarted) / 1000).toFixed(1)} s`,
    );
  }
}

/** Runs the three outbox benchmarks and prints their figures. */
export async function benchOutbox(): Promise<void> {
  console.log('Outbox and tagging (Node, in-memory stores)');
  console.log(
    '(a) API calls per contact lifecycle: K rules spread over connected/acw/destroyed (debounce 50 ms), then a burst of',
  );
  console.log(
    '    E agent saves ~1 ms apart while connected; every request takes a 20 ms round trip. Agent saves flush at once, so a',
  );
  console.log(
    '    burst costs one call, plus one per round trip the burst outlasts (saves made meanwhile ride together).',
  );
  for (const k of [1, 3, 10, 30]) {
    for (const e of [0, 1, 10, 50]) {
      const r = await callsPerLifecycle(k, e);
      console.log(
        `    K=${String(k).padStart(2)} E=${String(e).padStart(2)}: calls=${r.ruleCalls + r.agentCalls}` +
          ` = rules ${r.ruleCalls} (flush points: ${r.ruleFlushPoints} events with rules)` +
          ` + agent ${r.agentCalls}${e > 0 ? ` (burst of ${e} saves over ${r.burstMs.toFixed(0)} ms)` : ''}`,
      );
    }
  }
  const latency = await eventToWire(500);
  console.log(
    `(b) tracker event -> request at the sender (3 rules, no debounce): median ${latency.median.toFixed(3)} ms, p95 ${latency.p95.toFixed(3)} ms;` +
      ` agent write -> sender: median ${latency.agentMedian.toFixed(3)} ms`,
  );
  await benchOutboxFleet();
  await benchBackoffGrid();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchOutbox();
}

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
import { MemoryOutboxStore, Outbox, type OutboxSender } from '../src/outbox/index.ts';
import type { BackoffOptions } from '../src/outbox/pacing.ts';
import { createTagger, type TagRuleInput } from '../src/tagging/index.ts';
import { FakeTracker } from '../test/tagging/fake-tracker.ts';
import { startConnectApi } from '../demo/connect-api/server.ts';
import { benchBackoffGrid } from './backoff-grid.ts';
import { contactModel, FLEET_RULES, fleetSettings } from './fleet.ts';

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
  const writes: Promise<unknown>[] = [];
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

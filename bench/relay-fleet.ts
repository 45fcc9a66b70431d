// The fleet through the relay (issue 18): 1,000 agents' outboxes, 400 of them ending a contact within 10 s, 3 ACW
// rules coalesced to one request per contact, against the Connect API stand-in with a 10 requests/s quota per action;
// each agent signed in to the stand-in's user pool with its own token, writing through a RelayClient.
//   synchronous: the relay checks ownership (DescribeContact) and writes (UpdateContactAttributes) per request;
//   queued: the relay accepts (202) into a FIFO queue on fauxqs, and a worker lands the writes at its pace; each
//   browser's outbox hears of its landing over its outcome socket (pushed), or by polling the outcomes route.
// In front of the relay, the deployed stack's API Gateway stage throttle is modelled (a token bucket answering 429 as
// API Gateway does) at the stack's default for the mode. Counts browser calls (writes and outcome polls apart),
// Connect calls and 429s at each layer, latencies, drain time against the ideal at the pace, and lost writes (read
// from the stand-in's store after the queue drained). Prints figures; asserts nothing. Run alone: `npx tsx bench/relay-fleet.ts`; bench/run.ts calls
// benchRelayFleet(). By default 250 agents, 100 of them ending within 2.5 s (the fleet at the same density, to
// keep `npm run bench` short); `--agents 1000` (also `npm run bench -- --agents 1000`) runs the fleet: 1,000
// agents, 400 ending within 10 s. FLEET_AGENTS, FLEET_ACTIVE, FLEET_SPREAD_MS, FLEET_RATE and FLEET_BURST override as
// in bench/fleet.ts; FLEET_WORKER_PACE sets the worker's calls/s per Connect action (queued mode, default 8, the CDK
// stack's); FLEET_POLL_FIRST_MS and FLEET_POLL_CAP_MS set the outboxes' outcome polling (`outcomePolling`, default the
// outbox's: 1 s doubling to 30 s); RELAY_FLEET_MODES=synchronous,queued (both by default); FLEET_OWNERSHIP_CHECKS sets
// the queued worker's ownership checks, one run each (default describe-contact,current-user-data), GetCurrentUserData
// under its own quota (connectDefaultQuotas: 2/s, burst 5) beside the fleet's quota for the other actions;
// FLEET_OUTCOMES=push (the default: each browser holds one WebSocket to the relay's outcome socket, opened when its
// outbox starts, before the burst, as the plugin does with relay.socketUrl) or poll (no socket: the outboxes poll).
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { connectDefaultQuotas, startConnectApi, type ConnectApiHandle } from '../demo/connect-api/server.ts';
import type { PoolUser } from '../demo/connect-api/user-pool.ts';
import { DEFAULT_INSTANCE_ID } from '../demo/ccp/scenario.ts';
import { startStandInRelay } from '../demo/relay.ts';
import { createOutbox, DEFAULT_OUTCOME_POLLING, MemoryOutboxStore } from '../src/outbox/index.ts';
import { TokenBucket } from '../src/outbox/pacing.ts';
import { RelayClient } from '../src/relay-client.ts';
import { ownershipChecks, type OwnershipCheck } from '../src/relay/worker.ts';
import { createTagger } from '../src/tagging/index.ts';
import { FakeTracker } from '../test/tagging/fake-tracker.ts';
import { contactModel, FLEET_RULES, fleetSettings } from './fleet.ts';
import { printFleet, type FleetCounts } from './relay-fleet-report.ts';
import { defaultQueuedThrottle, defaultThrottle, queuedDefaults } from '../deploy/settings.ts';
import { startQueuedBackend, type QueuedBackend } from './relay-fleet-queued.ts';
import { countingWebSocket, socketCounts } from './relay-fleet-sockets.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
type Mode = FleetCounts['mode'];

/** The browsers' transport: counts requests, models the stage throttle, notes when each contact's write was accepted. */
function browserFetch(counts: FleetCounts, stage: TokenBucket, acceptedAt: Map<string, number>): typeof fetch {
  return async (input, init) => {
    const method = init?.method ?? 'GET';
    if (method === 'POST') counts.browser.posts++;
    else counts.browser.gets++;
    const answer = (status: number) =>
      counts.browser.statuses.set(status, (counts.browser.statuses.get(status) ?? 0) + 1);
    if (stage.take() > 0) {
      counts.stageThrottled++;
      answer(429);
      // API Gateway HTTP API's answer when a stage's throttle is exceeded.
      return new Response(JSON.stringify({ message: 'Too Many Requests' }), {
        status: 429,
        headers: { 'content-type': 'application/json' },
      });
    }
    const response = await fetch(input, init);
    answer(response.status);
    if (method === 'POST' && response.status === 202 && typeof init?.body === 'string') {
      const { InitialContactId } = JSON.parse(init.body) as { InitialContactId: string };
      acceptedAt.set(InitialContactId, Date.now());
    }
    return response;
  };
}

function outcomeDelivery(value: string): 'push' | 'poll' {
  if (value !== 'push' && value !== 'poll') throw new TypeError(`FLEET_OUTCOMES: push or poll, not ${value}`);
  return value;
}

/**
 * The fleet's size: `--agents N` (default 250), 40% of them ending a contact within N x 10 ms (the 1,000 agents,
 * 400 within 10 s, scaled); the FLEET_* variables override.
 */
export function relayFleetSettings(args: string[] = process.argv.slice(2)) {
  const { values } = parseArgs({ args, options: { agents: { type: 'string' } }, strict: false });
  const env = (name: string): number | undefined =>
    process.env[name] === undefined ? undefined : Number(process.env[name]);
  const agents = env('FLEET_AGENTS') ?? (typeof values.agents === 'string' ? Number(values.agents) : 250);
  if (!Number.isInteger(agents) || agents < 1) throw new TypeError('--agents must be a whole number above 0.');
  return {
    ...fleetSettings(),
    agents,
    active: Math.min(agents, env('FLEET_ACTIVE') ?? Math.round(agents * 0.4)),
    spreadMs: env('FLEET_SPREAD_MS') ?? agents * 10,
    /**
     * Queued mode: the worker's calls per second to each Connect action; default the CDK stack's pace for the whole
     * worker fleet (one worker here), the stage throttle's rate in synchronous mode: the same pace, so the modes compare.
     */
    pace: env('FLEET_WORKER_PACE') ?? queuedDefaults.updateAttributesPerSecond,
    /** Queued mode: the outboxes' polling of the outcomes route after 202. */
    polling: {
      firstMs: env('FLEET_POLL_FIRST_MS') ?? DEFAULT_OUTCOME_POLLING.firstMs,
      capMs: env('FLEET_POLL_CAP_MS') ?? DEFAULT_OUTCOME_POLLING.capMs,
    },
    /** Queued mode: outcomes pushed over each browser's socket, or polled. */
    outcomes: outcomeDelivery(process.env['FLEET_OUTCOMES'] ?? 'push'),
  };
}

/** Runs the fleet in one mode (queued: with one ownership check) and returns its counts. */
async function runFleet(mode: Mode, ownershipCheck: OwnershipCheck = 'describe-contact'): Promise<FleetCounts> {
  const { agents, active, spreadMs, ratePerSecond, burst, pace, polling, outcomes } = relayFleetSettings();
  const instanceId = DEFAULT_INSTANCE_ID;
  const users: PoolUser[] = Array.from({ length: agents }, (_, i) => ({
    username: `fleet.agent.${i}`,
    password: 'fleet-password',
    connectUserId: `fleet-user-${i}`,
  }));
  const api: ConnectApiHandle = await startConnectApi({ userPool: { users } });
  let backend: QueuedBackend | undefined;
  try {
    const contacts = Array.from({ length: active }, (_, i) => `fleet-contact-${i}`);
    api.registerContacts(
      contacts.map((contactId, i) => ({
        instanceId,
        contactId,
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        agentId: users[i]!.connectUserId,
      })),
    );
    api.setFaults({
      quota: { ratePerSecond, burst },
      quotas: { GetCurrentUserData: connectDefaultQuotas.GetCurrentUserData },
    });
    backend = mode === 'queued' ? await startQueuedBackend(api, { pacePerSecond: pace, ownershipCheck }) : undefined;
    const relay = backend?.relay ?? (await startStandInRelay(api));
    const throttle = mode === 'queued' ? defaultQueuedThrottle : defaultThrottle;
    const counts: FleetCounts = {
      mode,
      ...(backend ? { ownershipCheck } : {}),
      contacts: active,
      browser: { posts: 0, gets: 0, statuses: new Map() },
      stageThrottled: 0,
      connect: [],
      eventToLanded: [],
      acceptToLanded: [],
      acceptToHeard: [],
      unheard: 0,
      drainS: 0,
      spreadS: spreadMs / 1000,
      paceFor: backend
        ? { perSecond: backend.pacePerSecond, what: "the worker's pace" }
        : throttle.rateLimit < ratePerSecond
          ? { perSecond: throttle.rateLimit, what: 'the stage throttle' }
          : { perSecond: ratePerSecond, what: 'the quota' },
      lost: 0,
      extra: [],
    };
    const push = backend && outcomes === 'push' ? { url: backend.socketUrl, counts: socketCounts() } : undefined;
    const sockets = push?.counts;
    if (sockets) counts.sockets = sockets;
    const acceptedAt = new Map<string, number>();
    const transport = browserFetch(
      counts,
      new TokenBucket(throttle.rateLimit, throttle.burstLimit, () => performance.now()),
      acceptedAt,
    );
    // Each agent's outbox sends through its own relay client with the outbox's WriteId, and hears of a queued relay's
    // outcomes after 202 from the same client, as the plugin wires relay mode (src/plugin.ts, relaySender): pushed over
    // the client's outcome socket (`socketUrl`), the outbox polling only while it is down; or polled.
    const heardAt = new Map<string, number>();
    let failed = 0;
    const outboxes = users.map((user) => {
      const client = new RelayClient({
        url: relay.url,
        token: api.signIn(user.username).idToken,
        fetch: transport,
        ...(push ? { socketUrl: push.url, WebSocket: countingWebSocket(push.counts) } : {}),
      });
      const outbox = createOutbox({
        store: new MemoryOutboxStore(),
        agent: user.connectUserId,
        sender: (contact, attributes, { signal, writeId }) => client.update(contact, attributes, { signal, writeId }),
        outcomes: (since, { signal }) => client.outcomes(since, { signal }),
        outcomePolling: polling,
        ...(sockets ? { outcomeFeed: (listener) => client.outcomeFeed(listener) } : {}),
      });
      outbox.on('landed', (event) => heardAt.set(event.contact.initialContactId, Date.now()));
      outbox.on('failed', () => failed++);
      return outbox;
    });
    const trackers = outboxes.map(() => new FakeTracker());
    const taggers = outboxes.map((outbox, i) =>
      createTagger({ tracker: trackers[i]!, outbox, rules: FLEET_RULES, onError: () => undefined }),
    );
    // An agent's socket opens when its outbox starts, at sign-in, long before contacts end: wait for every one.
    const subscribedBy = Date.now() + 30_000;
    while (sockets && sockets.subscribed < agents && Date.now() < subscribedBy) await sleep(50);
    const firedAt = new Map<string, number>();
    const start = Date.now();
    await Promise.all(
      contacts.map(async (contactId, i) => {
        await sleep(Math.floor((i / active) * spreadMs));
        const contact = contactModel(contactId, instanceId);
        trackers[i]!.emit('connected', contact, new Date(Date.now() - 60_000));
        firedAt.set(contactId, Date.now());
        trackers[i]!.emit('acw', contact);
      }),
    );
    await sleep(0);
    await Promise.all(outboxes.map((outbox) => outbox.whenIdle()));
    const keys = FLEET_RULES.flatMap((rule) => Object.keys(rule.set));
    const missing = () =>
      contacts.flatMap((contactId) => {
        const stored = api.attributesOf(instanceId, contactId) ?? {};
        return keys.filter((key) => !(key in stored)).map((key) => `${contactId}/${key}`);
      });
    // Queued: the outboxes are idle once accepted; wait for the worker to drain the queue (at most 10x the ideal).
    if (backend) await backend.drained(10 * (active / backend.pacePerSecond) * 1000 + 10_000);
    // Then for the browsers to hear of every landing (or failure), pushed or polled: at most one backoff cap after it.
    const heardBy = Date.now() + 2 * polling.capMs + 5_000;
    while (heardAt.size + failed < contacts.length && Date.now() < heardBy) await sleep(100);
    counts.unheard = contacts.length - heardAt.size - failed;
    counts.connect = api.requestLog();
    const landings = counts.connect.filter(
      (request) => request.action === 'UpdateContactAttributes' && request.status === 200,
    );
    const landedAt = new Map(landings.map((request) => [request.initialContactId ?? '', Date.parse(request.time)]));
    for (const [contactId, fired] of firedAt) {
      const landed = landedAt.get(contactId);
      if (landed === undefined) continue;
      counts.eventToLanded.push(landed - fired);
      const accepted = acceptedAt.get(contactId);
      if (accepted !== undefined) counts.acceptToLanded.push(landed - accepted);
      const heard = heardAt.get(contactId);
      if (accepted !== undefined && heard !== undefined) counts.acceptToHeard.push(heard - accepted);
    }
    counts.drainS = (Math.max(...landedAt.values()) - start) / 1000;
    counts.lost = missing().length;
    if (backend) counts.extra.push(...(await backend.report()));
    for (const tagger of taggers) tagger.dispose();
    await Promise.all(outboxes.map((outbox) => outbox.close()));
    if (!backend) await relay.close();
    return counts;
  } finally {
    await backend?.close();
    await api.close();
  }
}

/** Runs the fleet through the relay in each mode and prints the figures. */
export async function benchRelayFleet(): Promise<void> {
  const { agents, active, spreadMs, ratePerSecond, burst, polling, outcomes } = relayFleetSettings();
  const modes = (process.env['RELAY_FLEET_MODES'] ?? 'synchronous,queued').split(',');
  const unknown = modes.filter((mode) => mode !== 'synchronous' && mode !== 'queued');
  if (unknown.length > 0) throw new TypeError(`RELAY_FLEET_MODES: unknown mode ${unknown.join(', ')}`);
  console.log(
    `\nThe fleet through the relay: ${agents} agents, ${active} end a contact within ${spreadMs / 1000} s, ` +
      `${FLEET_RULES.length} ACW rules coalesced to one request per contact; Connect quota ${ratePerSecond}/s burst ${burst} per action; ` +
      `stage throttle modelled at the stack's default (synchronous ${defaultThrottle.rateLimit}/s burst ${defaultThrottle.burstLimit}, ` +
      `queued ${defaultQueuedThrottle.rateLimit}/s burst ${defaultQueuedThrottle.burstLimit}); ` +
      (outcomes === 'push'
        ? `queued outcomes pushed over one socket per agent (polls from ${polling.firstMs / 1000} s only while it is down)`
        : `queued outcomes polled after 202 from ${polling.firstMs / 1000} s, doubling to ${polling.capMs / 1000} s`),
  );
  const checks = (process.env['FLEET_OWNERSHIP_CHECKS'] ?? ownershipChecks.join(',')).split(',');
  const unknownChecks = checks.filter((check) => !ownershipChecks.includes(check as OwnershipCheck));
  if (unknownChecks.length > 0)
    throw new TypeError(`FLEET_OWNERSHIP_CHECKS: unknown ownership check ${unknownChecks.join(', ')}`);
  for (const mode of modes as Mode[]) {
    if (mode === 'synchronous') printFleet(await runFleet(mode));
    else for (const check of checks as OwnershipCheck[]) printFleet(await runFleet(mode, check));
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await benchRelayFleet();

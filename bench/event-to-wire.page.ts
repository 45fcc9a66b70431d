/// <reference types="amazon-connect-streams" preserve="true" />
/**
 * The page of bench/event-to-wire.ts (served at /bench/event-to-wire.html by demo/server.ts's dev server): the REAL
 * amazon-connect-streams drives the stand-in CCP (demo/ccp/), createCcpAttributes (src/plugin.ts) assembles the real
 * tracker, tagging rules, IndexedDB outbox and AttributesClient (the real AWS SDK, static stand-in credentials)
 * against the Connect API stand-in. Per contact it measures, with performance.now() in this page:
 *   rule:  t0 = Streams triggers `contact::connected` on its event bus (a subscribeAll handler, which Streams calls
 *          before every handler of that event, the tracker's included) -> t1 = the first POST /contact/attributes
 *          for that contact enters window.fetch (the SDK's fetch handler calls it: the request leaves for the wire);
 *   agent: t0 = `plugin.write(...)` is called -> t1 = its POST enters window.fetch.
 * Milestones in between: the tracker's `connected` event (after the tagger's listener), then the outbox's `status` events: `queued` (tracker, tagging and the IndexedDB write done)
 * and `sending` (the outbox read the entry back and calls the sender: the SDK's middleware and SigV4 signing follow).
 * `?debounce=<ms>` sets the outbox's rule debounce (default 0; the Node side subtracts it), `?rules=<n>` how many
 * of the rules below are configured (default all).
 * The fetch wrapper is installed before the plugin (and so the SDK, loaded lazily on the first write) is imported.
 */
import type { CcpAttributesPlugin } from '../src/plugin.ts';
import type { TagRuleInput } from '../src/tagging/index.ts';
import type { StandInCcp } from '../demo/ccp/scenario.ts';

/** Milestones of one write, in ms after its t0. */
export interface WireTimes {
  /**
   * Rules only: the tracker's `connected` listeners ran (the tagger's first, synchronously up to the outbox's
   * IndexedDB write; this page's listener is registered after it).
   */
  tracked?: number;
  /** The outbox reports the contact `queued`: the write is persisted in IndexedDB. */
  queued: number;
  /** The outbox reports it `sending`: it read the entry back and calls the sender (AttributesClient, the SDK). */
  sending: number;
  /** The request enters window.fetch (the debounce included for rules). */
  wire: number;
}

/** One measured contact. */
export interface EventToWireSample {
  contactId: string;
  /** Streams' contact::connected -> the first rule request. */
  rule: WireTimes;
  /** plugin.write() called -> its request. */
  agent: WireTimes;
}

/** What the page exposes to the benchmark. */
export interface EventToWirePage {
  /** Resolves once Streams, the stand-in CCP and the plugin are up; rejects with the set-up error. */
  ready: Promise<{ debounceMs: number; apiUrl: string; rules: number }>;
  /** Runs `count` contacts one after the other: ring, accept, rule write lands, agent write lands, hang up, clear. */
  run(count: number): Promise<EventToWireSample[]>;
}

declare global {
  interface Window {
    eventToWire?: EventToWirePage;
  }
}

/** A POST /contact/attributes as it entered window.fetch. */
interface WireRecord {
  at: number;
  /** The request's InitialContactId, read from a clone of its body after `at` was taken. */
  initialContactId: Promise<string | undefined>;
}

const wire: WireRecord[] = [];
const wireListeners = new Set<() => void>();

// ---- t1: the request enters fetch ----
const realFetch = window.fetch.bind(window);
window.fetch = function benchFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const at = performance.now();
  const request = input instanceof Request ? input : undefined;
  const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
  const url = input instanceof Request ? input.url : input instanceof URL ? input.href : input;
  if (method === 'POST' && new URL(url, location.href).pathname.endsWith('/contact/attributes')) {
    const body: Promise<string> =
      typeof init?.body === 'string'
        ? Promise.resolve(init.body)
        : request
          ? request.clone().text()
          : Promise.resolve('');
    const initialContactId = body.then(
      (text) => (JSON.parse(text) as { InitialContactId?: string }).InitialContactId,
      () => undefined,
    );
    wire.push({ at, initialContactId });
    for (const listener of [...wireListeners]) listener();
  }
  return realFetch(input, init);
};

/** The first request for `contactId` that entered fetch at or after wire[from]. */
function requestFor(contactId: string, from: number, timeoutMs = 10_000): Promise<WireRecord> {
  return new Promise((resolve, reject) => {
    let next = from;
    const timer = setTimeout(() => {
      wireListeners.delete(check);
      reject(new Error(`no POST /contact/attributes for ${contactId} within ${timeoutMs} ms`));
    }, timeoutMs);
    function check(): void {
      while (next < wire.length) {
        const record = wire[next++]!;
        void record.initialContactId.then((id) => {
          if (id !== contactId || !wireListeners.has(check)) return;
          wireListeners.delete(check);
          clearTimeout(timer);
          resolve(record);
        });
      }
    }
    wireListeners.add(check);
    check();
  });
}

/** Polls `check` (outside the measured windows) until it returns a truthy value. */
async function until<T>(what: string, check: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The rules, all on connected; `?rules=<n>` keeps the first n (default all). */
const allRules: TagRuleInput[] = [
  { id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } },
  { id: 'connected-at', on: 'connected', set: { ConnectedAt: '{{event.at}}' } },
  { id: 'channel', on: 'connected', set: { Channel: '{{contact.channel}}', Queue: '{{queue.name}}' } },
];
const rules = allRules.slice(0, Number(new URLSearchParams(location.search).get('rules') ?? allRules.length));
const ruleKeys = rules.flatMap((rule) => Object.keys(rule.set));

/** Internals of Streams the benchmark subscribes to (the type definitions leave them out). */
interface StreamsBus {
  subscribeAll(handler: (data: unknown, eventName: string) => void): { unsubscribe(): void };
}

// ---- t0: Streams delivers contact::connected ----
const connectedAt = new Map<string, number>();

let plugin: CcpAttributesPlugin;
let ccp: StandInCcp;
const landedKeys = new Map<string, Set<string>>();
/** The write being measured: when the outbox first reported its contact queued and sending. */
let watched: { contactId: string; tracked?: number; queued?: number; sending?: number } | undefined;

async function setUp(): Promise<{ debounceMs: number; apiUrl: string; rules: number }> {
  const status = document.getElementById('status')!;
  const debounceMs = Number(new URLSearchParams(location.search).get('debounce') ?? '0');
  const { url: apiUrl } = (await (await fetch('/__standin')).json()) as { url: string };
  const config = (await (await fetch(`${apiUrl}/_standin/config`)).json()) as {
    region: string;
    accessKeyId: string;
    secretAccessKey: string;
  };
  const { createCcpAttributes } = await import('../src/plugin.ts');
  const { ccpUrl, findCcpIframe, standInCcp } = await import('../demo/ccp/scenario.ts');
  plugin = await createCcpAttributes({
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    region: config.region,
    endpoint: apiUrl,
    tracker: {
      container: document.getElementById('ccp')!,
      initCCP: {
        ccpUrl: ccpUrl({ api: apiUrl, interval: 2000, latency: 10 }),
        softphone: { allowFramedSoftphone: false },
        loginPopup: false,
        ccpLoadTimeout: 10_000,
      },
    },
    rules,
    // The token bucket (default 2 requests/s, burst 5) is opened wide: contacts here follow each other every few
    // hundred ms, and its waits would be measured instead of the write path. A real agent's bucket is full.
    outbox: { debounceMs, rate: { ratePerSecond: 1000, burst: 1000 } },
    onTagError: (error) => console.error('tag error', error),
  });
  if (!plugin.outbox) throw new Error('the plugin has no outbox');
  plugin.outbox.on('landed', (event) => {
    const keys = landedKeys.get(event.contact.initialContactId) ?? new Set<string>();
    for (const key of Object.keys(event.attributes)) keys.add(key);
    landedKeys.set(event.contact.initialContactId, keys);
  });
  plugin.tracker.on('connected', (event) => {
    if (watched && event.contact.initialContactId === watched.contactId) watched.tracked ??= performance.now();
  });
  plugin.outbox.on('status', (status) => {
    if (!watched || status.contact.initialContactId !== watched.contactId) return;
    if (status.state === 'queued') watched.queued ??= performance.now();
    if (status.state === 'sending') watched.sending ??= performance.now();
  });
  // The plugin's tracker called initCCP: the event bus exists now. subscribeAll handlers run before the handlers
  // of the event itself, so t0 is taken before the tracker sees the event.
  const bus = (connect.core as unknown as { getEventBus(): StreamsBus }).getEventBus();
  // The bus names events with plain strings; Streams triggers contact::connected with a `new connect.Contact(id)`.
  const connectedEvent: string = connect.ContactEvents.CONNECTED;
  bus.subscribeAll((data, eventName) => {
    if (eventName !== connectedEvent) return;
    const at = performance.now();
    const contactId = (data as connect.Contact | null)?.getContactId();
    if (contactId && !connectedAt.has(contactId)) connectedAt.set(contactId, at);
  });
  ccp = await standInCcp(await until('the CCP iframe', () => findCcpIframe()));
  await ccp.ready;
  await until('the agent in the tracker', () => plugin.tracker.agent);
  status.textContent = `Ready (debounce ${debounceMs} ms)`;
  return { debounceMs, apiUrl, rules: rules.length };
}

async function oneContact(index: number): Promise<EventToWireSample> {
  const outbox = plugin.outbox!;
  const contactId = await ccp.ringCall();
  await until('the ringing call in the tracker', () => plugin.tracker.contacts.get(contactId)?.state === 'connecting');

  // Rule path: Streams' contact::connected -> tracker -> tagger -> outbox (IndexedDB, debounce) -> SDK -> fetch.
  const ruleRequest = requestFor(contactId, wire.length);
  const ruleWatch: NonNullable<typeof watched> = (watched = { contactId });
  await ccp.accept(contactId);
  const ruleAt = (await ruleRequest).at;
  const t0 = connectedAt.get(contactId);
  if (t0 === undefined) throw new Error(`Streams' contact::connected for ${contactId} was not seen`);
  const rule = times(ruleWatch, t0, ruleAt);
  await until('every rule tag landed', () => ruleKeys.every((key) => landedKeys.get(contactId)?.has(key)));
  await outbox.whenIdle();

  // Agent path: plugin.write() -> outbox (IndexedDB, flush at once) -> SDK -> fetch.
  const agentRequest = requestFor(contactId, wire.length);
  const agentWatch: NonNullable<typeof watched> = (watched = { contactId });
  const a0 = performance.now();
  const saved = plugin.write({ Note: `bench note ${index}` }, { contactId });
  const agentAt = (await agentRequest).at;
  await saved;
  watched = undefined;
  const agent = times(agentWatch, a0, agentAt);

  await ccp.hangUp(contactId);
  await ccp.clear(contactId);
  await until('the contact gone from the tracker', () => !plugin.tracker.contacts.has(contactId));
  await outbox.whenIdle();
  return { contactId, rule, agent };
}

function times(watch: NonNullable<typeof watched>, t0: number, wireAt: number): WireTimes {
  if (watch.queued === undefined || watch.sending === undefined)
    throw new Error(`the outbox did not report ${watch.contactId} queued and sending`);
  return {
    ...(watch.tracked === undefined ? {} : { tracked: watch.tracked - t0 }),
    queued: watch.queued - t0,
    sending: watch.sending - t0,
    wire: wireAt - t0,
  };
}

const ready = setUp();
ready.catch((error: unknown) => {
  document.getElementById('status')!.textContent = `Failed: ${error instanceof Error ? error.message : String(error)}`;
});

window.eventToWire = {
  ready,
  async run(count) {
    await ready;
    const samples: EventToWireSample[] = [];
    for (let i = 0; i < count; i++) samples.push(await oneContact(i));
    return samples;
  },
};

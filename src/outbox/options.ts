/** The outbox's options, the seams tests inject (clock, locks, sender), and their defaults. */
import { checkTimeout, DEFAULT_TIMEOUT_MS } from '../deadline.ts';
import type { Attributes } from '../validate.ts';
import type { ContactRef, WriteReceipt } from '../writer.ts';
import type { BackoffOptions } from './pacing.ts';
import type { OutboxStore } from './types.ts';

/**
 * Sends one merged request; must reject with an AttributesError (or something `toAttributesError` classifies).
 * `contact.region` is the region the write was queued for, when it was known then. `signal` aborts at the attempt's
 * deadline (`requestTimeoutMs`) or when the outbox closes: getting credentials or a token should end on it too.
 * `writeId` names the request's content (see write-id.ts; the relay client sends it). Resolving with nothing (or a
 * `landed` receipt) means the values are stored; an `accepted` receipt means a queued relay holds them (see
 * `outcomes`).
 */
export type OutboxSender = (
  contact: ContactRef,
  attributes: Readonly<Attributes>,
  options: SendOptions,
  // Senders written before receipts resolve with nothing: `void` keeps them valid.
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type
) => Promise<WriteReceipt | void>;

/** What the outbox gives its sender with each request. */
export interface SendOptions {
  signal: AbortSignal;
  /** The request's WriteId; undefined where Web Crypto cannot hash (see write-id.ts). */
  writeId?: string | undefined;
}

/** A settled outcome of an accepted request, as a queued relay reports it (`GET /contact/attributes/outcomes`). */
export interface WriteOutcomeReport {
  writeId: string;
  requestId?: string | undefined;
  instanceId?: string | undefined;
  initialContactId?: string | undefined;
  contactId?: string | undefined;
  /** The attribute keys of the request (never values). */
  keys?: readonly string[] | undefined;
  /** landed: stored by Amazon Connect; refused: not the agent's contact; failed: an error no retry fixes (over the budget, an unknown contact); dead-letter: it kept failing. */
  state: 'landed' | 'refused' | 'failed' | 'dead-letter';
  /** HTTP-like status (200 landed, 403 refused, 400 over the budget, 404 unknown contact). */
  status: number;
  /** Amazon Connect's or the relay's error type, e.g. ResourceNotFoundException. */
  errorType?: string | undefined;
  message?: string | undefined;
  /** When the worker settled it (ms since the epoch, the relay's clock). */
  at: number;
}

/**
 * Reads the settled outcomes of the agent's accepted requests since `sinceMs` (the relay's clock); must end by
 * `signal` (the call's deadline, `requestTimeoutMs`) and reject with an AttributesError when it cannot answer.
 */
export type OutcomeReader = (sinceMs: number, options: { signal: AbortSignal }) => Promise<WriteOutcomeReport[]>;

/**
 * Opens a push feed of the agent's outcomes (the relay client's `outcomeFeed`, over a WebSocket): it tells `listener`
 * its state and the outcomes it receives until the returned handle is closed, reconnecting by itself meanwhile.
 */
export type OutcomeFeed = (listener: OutcomeFeedListener) => OutcomeFeedHandle;

/**
 * connecting: opening, or subscribing (outcomes may be missed); subscribed: the backlog since `since()` arrived and
 * outcomes come as they settle; down: lost, to be opened again after a backoff.
 */
export type OutcomeFeedState = 'connecting' | 'subscribed' | 'down';

export interface OutcomeFeedListener {
  /** The time (ms since the epoch, the relay's clock) the backlog of a subscribe starts at; asked at each one. */
  since(): number;
  outcomes(reports: WriteOutcomeReport[]): void;
  state(state: OutcomeFeedState): void;
  /** A refused token, a malformed message: the feed goes on (or reconnects); the outbox's `error` event tells it. */
  error(error: Error): void;
}

export interface OutcomeFeedHandle {
  /** Subscribes again with the token the function gives now (another agent signed in): `connecting` until done. */
  renew(): void;
  /** Stops for good: the socket closes, no more calls to the listener. */
  close(): void;
}

/** How the outbox polls for the outcomes of accepted requests (see `OutboxOptions.outcomePolling`). */
export interface OutcomePolling {
  /** The first poll after an accept (ms, default 1,000); each poll without news doubles the wait... */
  firstMs: number;
  /** ...up to this (ms, default 30,000). */
  capMs: number;
  /**
   * An accepted request whose outcome is not reported within this time becomes a kept failure saying so (ms,
   * default 1 h): the agent can send it again (a request with the same values is harmless) or discard it.
   */
  giveUpMs: number;
}

/** The part of AttributesClient the outbox uses (create the client with `maxAttempts: 1`: the outbox retries). */
export interface UpdatingClient {
  update(
    instanceId: string,
    initialContactId: string,
    attributes: Readonly<Attributes>,
    options?: { signal?: AbortSignal },
  ): Promise<void>;
}

/** Time source and timers (tests inject fakes). */
export interface OutboxClock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The Web Locks API surface the outbox needs (`navigator.locks`). */
export interface LockManagerLike {
  request(name: string, options: { signal?: AbortSignal }, callback: () => Promise<void>): Promise<unknown>;
}

export interface OutboxOptions {
  /** Where entries persist: `openIdbOutboxStore()` in browsers, `new MemoryOutboxStore()` elsewhere. */
  store: OutboxStore;
  /** Sends one request; default: `client.update`. One of `sender` and `client` is required. */
  sender?: OutboxSender;
  /** The client behind the default sender. */
  client?: UpdatingClient;
  /** Delay before rule tags are sent, so several rules coalesce (ms, default 200). Agent writes flush at once. */
  debounceMs?: number;
  /** The longest a rule tag waits while more rules keep arriving (ms, default 2000). */
  maxDebounceMs?: number;
  /**
   * Retry backoff for throttling, server and network errors (default `DEFAULT_BACKOFF`: base 500 ms, cap 6 s, equal
   * jitter). `npm run bench` compares jitters and caps on a simulated fleet sharing one quota: equal jitter with a
   * 6 s cap spends the fewest calls per landed write while every run drains within 1.1x the ideal time; longer caps
   * save calls only by leaving the quota unused once the crowd thins.
   */
  backoff?: Partial<BackoffOptions>;
  /**
   * Reads the outcomes of requests a queued relay accepted (the relay client's `outcomes`; the plugin sets it in
   * relay mode). While the agent has accepted requests whose outcome is unknown, the flusher tab polls it with
   * backoff (`outcomePolling`), every call within `requestTimeoutMs`, and stops when none is left.
   */
  outcomes?: OutcomeReader | undefined;
  /**
   * Pushes the outcomes instead (the relay client's `outcomeFeed`; the plugin sets it when the relay has a socket
   * URL): the flusher tab opens it when it starts sending and holds it while it is the flusher. While it is subscribed
   * `outcomes` is not polled; while it is down, it is.
   */
  outcomeFeed?: OutcomeFeed | undefined;
  /** Polling for outcomes (default `DEFAULT_OUTCOME_POLLING`). */
  outcomePolling?: Partial<OutcomePolling>;
  /** Client-side token bucket (default 2 requests/s, burst 5). */
  rate?: { ratePerSecond: number; burst: number };
  /**
   * Auth refusals of an entry retried before it is kept as a failure; only auth refusals count, not the network,
   * server or throttling failures between them. Default 1 with `client` (the signed client: in a browser an expired
   * credential and a missing permission both look like a bare 403, as CORS hides the error type, and one retry gives
   * a provider that refreshes late a fresh credential), 0 with `sender` (what a refusal means is the sender's to
   * say; the plugin passes 0 in relay mode, where a 403 is the relay's ownership decision and the relay client renews
   * an expired token itself).
   */
  authRetries?: number;
  /** Requests in flight at once (default 4; one per contact at most). */
  maxInFlight?: number;
  /**
   * The deadline of one attempt, getting credentials or a token included (ms, default 15,000). At the deadline the
   * sender's signal aborts and the attempt ends as a retryable network error, whether or not the sender heeds the
   * signal: it may have landed (an ambiguous failure), so its values are sent again after the backoff.
   */
  requestTimeoutMs?: number;
  /**
   * A queued value not sent within this time is dropped with an `expired` event, and its write() rejects with a
   * TimeoutError (ms, default 24 h). Each value counts from when it was queued (kept failures: `failureTtlMs`).
   */
  maxAgeMs?: number;
  /** A kept failure is dropped with a `dropped` event this long after it was kept (ms, default 7 days). */
  failureTtlMs?: number;
  /** Kept failures per agent; beyond it the oldest are dropped with a `dropped` event (default 500). */
  maxFailures?: number;
  /**
   * The agent who writes: the Connect agent ARN the host gives, or `null` when the host names it later with
   * `setAgent` (the plugin passes null and follows the tracker's `agent.arn`). Once an agent is expected (a string,
   * null, or any `setAgent` call) nothing is sent until one is named, and entries of another agent are neither
   * sent, shown nor counted. Left out, the outbox writes for whoever uses it (one user per store: tests, Node).
   */
  agent?: string | null | undefined;
  /**
   * How often the flusher reads the whole store (ms, default 60 s): for expired values and kept failures, and for
   * entries no tab told it of (a tab killed between storing a write and telling the others), which it then sends.
   */
  expiryIntervalMs?: number;
  /** Fired markers older than this are pruned (ms, default 7 days). */
  markerMaxAgeMs?: number;
  /** Name of the flusher lock and the BroadcastChannel (default `ccp-attributes-outbox:<store name>`). */
  lockName?: string;
  /** The lock manager; default `navigator.locks` for a shared store, none (always the flusher) otherwise. `null` disables. */
  locks?: LockManagerLike | null;
  /** Clock and timers (default: the global ones). */
  clock?: OutboxClock;
  /** Random numbers in [0, 1) for the jitter (default Math.random). */
  random?: () => number;
}

/** Options with every default applied. */
export interface Settings {
  store: OutboxStore;
  sender: OutboxSender;
  clock: OutboxClock;
  random: () => number;
  debounceMs: number;
  maxDebounceMs: number;
  backoff: BackoffOptions;
  rate: { ratePerSecond: number; burst: number };
  authRetries: number;
  maxInFlight: number;
  requestTimeoutMs: number;
  maxAgeMs: number;
  failureTtlMs: number;
  maxFailures: number;
  /** The agent named at creation. */
  agent: string | undefined;
  /** True when an agent is expected: nothing is sent while none is named. */
  scoped: boolean;
  expiryIntervalMs: number;
  markerMaxAgeMs: number;
  lockName: string;
  locks: LockManagerLike | null;
  outcomes: OutcomeReader | undefined;
  outcomeFeed: OutcomeFeed | undefined;
  outcomePolling: OutcomePolling;
  /** When the outbox was created (its clock): where a feed's backlog starts while no request awaits an outcome. */
  startedAt: number;
}

/** Polling for outcomes unless told otherwise: first after 1 s, doubling up to 30 s, given up after 1 h. */
export const DEFAULT_OUTCOME_POLLING: Readonly<OutcomePolling> = { firstMs: 1_000, capMs: 30_000, giveUpMs: 3600_000 };

/** How long a kept failure stays unless retried, discarded or superseded: 7 days. */
export const DEFAULT_FAILURE_TTL_MS = 7 * 24 * 3600_000;

/** Kept failures per agent before the oldest are dropped. */
export const DEFAULT_MAX_FAILURES = 500;

/** Checks an agent as the host names it: a non-empty string, or undefined (not named yet). */
export function agentOf(name: string, agent: unknown): string | undefined {
  if (agent === undefined) return undefined;
  if (typeof agent !== 'string' || agent.length === 0)
    throw new TypeError(`Outbox: \`${name}\` must be the agent's ARN (a non-empty string) or undefined.`);
  return agent;
}

/** The backoff the outbox retries with unless told otherwise. */
export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = { baseMs: 500, capMs: 6_000, jitter: 'equal' };

const systemClock: OutboxClock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Checks the options and fills in the defaults; throws a TypeError naming what is missing. */
export function settingsOf(options: OutboxOptions): Settings {
  // JavaScript callers can pass anything: check what the types cannot promise.
  if (!(options as Partial<OutboxOptions> | undefined)?.store)
    throw new TypeError('Outbox: the `store` option is required (openIdbOutboxStore() or new MemoryOutboxStore()).');
  const { client, store } = options;
  let sender = options.sender;
  if (!sender) {
    if (!client) throw new TypeError('Outbox: a `sender` or a `client` option is required.');
    sender = (contact, attributes, { signal }) =>
      client.update(contact.instanceId, contact.initialContactId, attributes, { signal });
  }
  checkTimeout('Outbox', 'requestTimeoutMs', options.requestTimeoutMs);
  const debounceMs = options.debounceMs ?? 200;
  const clock = options.clock ?? systemClock;
  const globalLocks = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator?.locks;
  return {
    store,
    sender,
    clock,
    random: options.random ?? Math.random,
    debounceMs,
    maxDebounceMs: Math.max(debounceMs, options.maxDebounceMs ?? 2000),
    backoff: { ...DEFAULT_BACKOFF, ...options.backoff },
    rate: options.rate ?? { ratePerSecond: 2, burst: 5 },
    authRetries: options.authRetries ?? (options.sender ? 0 : 1),
    maxInFlight: options.maxInFlight ?? 4,
    requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_TIMEOUT_MS,
    maxAgeMs: options.maxAgeMs ?? 24 * 3600_000,
    failureTtlMs: options.failureTtlMs ?? DEFAULT_FAILURE_TTL_MS,
    maxFailures: options.maxFailures ?? DEFAULT_MAX_FAILURES,
    agent: agentOf('agent', options.agent ?? undefined),
    scoped: options.agent !== undefined,
    expiryIntervalMs: options.expiryIntervalMs ?? 60_000,
    markerMaxAgeMs: options.markerMaxAgeMs ?? 7 * 24 * 3600_000,
    lockName: options.lockName ?? `ccp-attributes-outbox:${store.name}`,
    locks: options.locks === undefined ? (store.shared ? (globalLocks ?? null) : null) : options.locks,
    outcomes: options.outcomes,
    outcomeFeed: options.outcomeFeed,
    outcomePolling: { ...DEFAULT_OUTCOME_POLLING, ...options.outcomePolling },
    startedAt: clock.now(),
  };
}

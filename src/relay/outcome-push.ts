/**
 * Outcome push: the outcomes the worker records (src/relay/outcomes.ts) sent to the caller's open WebSockets, so a
 * browser in queued mode learns what became of its writes without polling `GET /contact/attributes/outcomes`.
 * Transport-free: the Node server (src/relay/socket-server.ts, `ws`) and the API Gateway WebSocket Lambda
 * (src/relay/socket-lambda.ts) bring a connection registry and a poster.
 *
 * Messages are JSON text frames, one object each. Client to server:
 * - `{"action":"subscribe","token":"<bearer JWT>","since":<ms>}`: the token is judged exactly as on the write routes
 *   (src/relay/checks.ts `authenticateCaller`: same authenticator, same refusals, an expiry required). Accepted, the
 *   connection is registered for the token's `sub` until its `exp` (a new subscribe replaces the registration: token
 *   renewal), the backlog is read, and only then is it answered `{"type":"subscribed","expiresAt":<ms>,"now":<ms>}`
 *   (`now`: the relay's clock, by which the client times its renewal) followed by the backlog
 *   `{"type":"outcomes","outcomes":[WireOutcome...],"backlog":true}` (the caller's outcomes at or after `since`,
 *   oldest first, possibly empty). Refused: `{"type":"error","status":401,"message":...}` (503 when the issuer's keys
 *   cannot be fetched, or the backlog cannot be read) and never `subscribed`; the connection is not registered (any
 *   earlier registration of it is dropped).
 * - `{"action":"ping"}` -> `{"type":"pong"}`.
 * - anything else -> `{"type":"error","status":400,"message":...}`.
 * Server to client, as outcomes are recorded: `{"type":"outcomes","outcomes":[WireOutcome...]}`, the subscribed
 * `sub`'s only; a registration past its expiry receives nothing and is removed.
 * The registration is made before the backlog is read, so an outcome recorded in between is pushed, possibly twice
 * (once in the backlog, possibly before `subscribed`): a client settles by WriteId, so a repeat is harmless, a gap
 * would not be.
 * A push (`notify`) has one budget (`budgetMs`, default 2 s) for finding the connections and posting to them (in
 * parallel), so a slow registry or management API cannot hold the worker's batch: past it the push is given up and
 * the browser's poll or its next backlog finds the outcome.
 * A frame carries at most `maxFrameBytes` of outcomes (more go in several frames): API Gateway's WebSocket message
 * payload limit is 128 KB ("Amazon API Gateway quotas for configuring and running a WebSocket API").
 */
import { orAbort } from '../deadline.ts';
import type { Authenticator } from './auth.ts';
import { authenticateCaller, subjectOf } from './checks.ts';
import { toWireOutcome, type WireOutcome } from './outcomes-route.ts';
import type { OutcomeStore, WriteOutcome } from './outcomes.ts';
import { asRelayError, type AuditRecord } from './respond.ts';

/** Which connections listen for whose outcomes. */
export interface ConnectionRegistry {
  /** Registers (or re-registers) `connectionId` for `sub` until `expiresAtMs`. */
  put(connectionId: string, sub: string, expiresAtMs: number): Promise<void>;
  remove(connectionId: string): Promise<void>;
  /**
   * The connections of `sub` registered past `nowMs`; expired ones are not returned (and may be removed). `signal`
   * aborts the lookup (the push's budget).
   */
  connectionsOf(sub: string, nowMs: number, signal?: AbortSignal): Promise<string[]>;
}

/** Sends one text frame to one connection. */
export interface ConnectionPoster {
  /** 'gone': the connection no longer exists (the caller drops its registration). `signal` aborts the post. */
  post(connectionId: string, text: string, signal?: AbortSignal): Promise<'sent' | 'gone'>;
}

/** Sends recorded outcomes to their callers' connections. */
export interface OutcomeNotifier {
  /**
   * Groups by `sub` and posts to each live connection of each (in parallel); drops gone ones. Rejects if the registry
   * fails or the budget runs out (a TimeoutError).
   */
  notify(outcomes: readonly WriteOutcome[]): Promise<void>;
}

/** The whole protocol: a connection's messages, its end, and the pushes. */
export interface OutcomePush extends OutcomeNotifier {
  /** Handles one text frame from `connectionId`; replies through the poster. */
  message(connectionId: string, text: string): Promise<void>;
  /** The connection closed. */
  disconnect(connectionId: string): Promise<void>;
}

/** What createOutcomeNotifier runs on. */
export interface OutcomeNotifierOptions {
  registry: ConnectionRegistry;
  poster: ConnectionPoster;
  /** ms since the epoch; default Date.now. */
  now?: () => number;
  /** How long one push may take, lookup and posts together (ms); default defaultNotifyBudgetMs. */
  budgetMs?: number;
}

/** What createOutcomePush runs on. */
export interface OutcomePushOptions extends OutcomeNotifierOptions {
  /** The relay's authenticator (src/relay/auth.ts): the socket judges tokens as the write routes do. */
  authenticator: Authenticator;
  /** Where the backlog is read. */
  store: OutcomeStore;
  /** How long the backlog's read may take (ms); past it the subscribe is answered 503. Default 8,000. */
  timeoutMs?: number;
}

/** The socket's path on the Node relay (API Gateway's WebSocket API has its own URL). */
export const outcomeSocketPath = '/contact/attributes/outcomes/socket';

/** A push's default budget (ms): a worker's batch waits for it at most once per outcome it records. */
export const defaultNotifyBudgetMs = 2_000;

/** Outcomes' bytes per frame, well under API Gateway's 128 KB message payload. */
const maxFrameBytes = 64 * 1024;

/** The pushing half alone: what a worker needs. */
export function createOutcomeNotifier(options: OutcomeNotifierOptions): OutcomeNotifier {
  const { registry, poster, now = Date.now, budgetMs = defaultNotifyBudgetMs } = options;
  if (!(Number.isFinite(budgetMs) && budgetMs > 0))
    throw new TypeError(`outcome push: budgetMs must be a positive number of ms, got ${budgetMs}`);
  return {
    async notify(outcomes) {
      const bySub = new Map<string, WriteOutcome[]>();
      for (const outcome of outcomes) {
        if (outcome.sub === '') continue;
        const list = bySub.get(outcome.sub) ?? [];
        list.push(outcome);
        bySub.set(outcome.sub, list);
      }
      if (bySub.size === 0) return;
      const signal = AbortSignal.timeout(budgetMs);
      const pushOne = async (sub: string, own: WriteOutcome[]): Promise<void> => {
        const connections = await registry.connectionsOf(sub, now(), signal);
        if (connections.length === 0) return;
        const frames = outcomeFrames(own.map(toWireOutcome), false);
        await Promise.all(connections.map((id) => sendAll(registry, poster, id, frames, signal)));
      };
      // orAbort: a registry or poster that ignores the signal still does not hold the caller past the budget.
      await orAbort(Promise.all([...bySub].map(([sub, own]) => pushOne(sub, own))), signal);
    },
  };
}

/** The protocol over a registry and a poster. */
export function createOutcomePush(options: OutcomePushOptions): OutcomePush {
  const { authenticator, store, registry, poster, now = Date.now, timeoutMs = 8_000, budgetMs } = options;
  const notifier = createOutcomeNotifier({ registry, poster, now, ...(budgetMs === undefined ? {} : { budgetMs }) });
  const reply = (connectionId: string, frame: object) =>
    sendAll(registry, poster, connectionId, [JSON.stringify(frame)]);

  async function subscribe(connectionId: string, request: Record<string, unknown>): Promise<void> {
    const { token, since } = request;
    let sub: string;
    let expiresAtMs: number;
    try {
      ({ sub, expiresAtMs } = await verify(authenticator, token));
    } catch (error) {
      const failure = asRelayError(error);
      await registry.remove(connectionId);
      await reply(connectionId, { type: 'error', status: failure.status, message: failure.message });
      return;
    }
    if (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0) {
      await reply(connectionId, badRequest('since must be a whole number of milliseconds since the epoch.'));
      return;
    }
    // Registered before the backlog is read, so nothing recorded meanwhile is missed; `subscribed` only once both
    // worked, so a client never takes a subscribe that then fails for a success.
    await registry.put(connectionId, sub, expiresAtMs);
    let backlog: WriteOutcome[];
    try {
      const recent = await orAbort(store.recent(sub, since), AbortSignal.timeout(timeoutMs));
      backlog = recent.filter((outcome) => outcome.sub === sub);
    } catch (error) {
      // Not subscribed without its backlog: the client polls, and subscribes again later.
      console.error(
        'ccp-attributes relay: the outcome store did not answer',
        error instanceof Error ? error.name : 'unknown error',
      );
      await registry.remove(connectionId);
      await reply(connectionId, { type: 'error', status: 503, message: 'Your outcomes cannot be read right now.' });
      return;
    }
    if ((await reply(connectionId, { type: 'subscribed', expiresAt: expiresAtMs, now: now() })) !== 'sent') return;
    await sendAll(registry, poster, connectionId, outcomeFrames(backlog.map(toWireOutcome), true));
  }

  return {
    notify: (outcomes) => notifier.notify(outcomes),
    async message(connectionId, text) {
      const request = parseMessage(text);
      if (request?.['action'] === 'subscribe') {
        try {
          await subscribe(connectionId, request);
        } catch (error) {
          // The registry failed (DynamoDB unreachable): the client is told to try again, and polls meanwhile.
          console.error(
            'ccp-attributes relay: a subscription could not be registered:',
            error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
          );
          await reply(connectionId, { type: 'error', status: 503, message: 'Subscribing failed; try again.' });
        }
      } else if (request?.['action'] === 'ping') await reply(connectionId, { type: 'pong' });
      else
        await reply(
          connectionId,
          badRequest('Send {"action":"subscribe","token":...,"since":...} or {"action":"ping"}.'),
        );
    },
    disconnect: (connectionId) => registry.remove(connectionId),
  };
}

/**
 * An OutcomeStore whose `record` records, then notifies. A failed notify never fails the record (the outcome is kept,
 * and the browser's poll fallback finds it): it is logged by error name and message, never with tokens or values.
 */
export function notifyingOutcomeStore(store: OutcomeStore, notifier: OutcomeNotifier): OutcomeStore {
  return {
    async record(outcome) {
      await store.record(outcome);
      try {
        await notifier.notify([outcome]);
      } catch (error) {
        // Name and message only: an SDK error also carries the request it failed on.
        console.error(
          'ccp-attributes relay: an outcome could not be pushed (the poll still finds it):',
          error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error',
        );
      }
    },
    recent: (sub, sinceMs) => store.recent(sub, sinceMs),
  };
}

/** The token's verified subject and expiry, or a RelayError (401, or 503 when the keys cannot be fetched). */
async function verify(authenticator: Authenticator, token: unknown): Promise<{ sub: string; expiresAtMs: number }> {
  const record: AuditRecord = { time: '', requestId: '', decision: 'refused', status: 0, reason: '' };
  const authorization = typeof token === 'string' && token.length > 0 ? `Bearer ${token}` : undefined;
  const claims = await authenticateCaller(
    { method: 'GET', path: outcomeSocketPath, headers: { authorization }, body: '' },
    record,
    authenticator,
  );
  const sub = subjectOf(claims);
  // The authenticator refuses a token without `exp` (seconds: a number, or digits from API Gateway).
  return { sub, expiresAtMs: Number(claims['exp']) * 1000 };
}

function parseMessage(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

const badRequest = (message: string) => ({ type: 'error', status: 400, message });

/** The outcomes as frames of at most maxFrameBytes each, in order; one (empty) frame when there are none. */
function outcomeFrames(outcomes: readonly WireOutcome[], backlog: boolean): string[] {
  const frame = (list: WireOutcome[]) =>
    JSON.stringify({ type: 'outcomes', outcomes: list, ...(backlog ? { backlog: true } : {}) });
  const frames: string[] = [];
  let current: WireOutcome[] = [];
  let bytes = 0;
  for (const outcome of outcomes) {
    const size = Buffer.byteLength(JSON.stringify(outcome)) + 1;
    if (current.length > 0 && bytes + size > maxFrameBytes) {
      frames.push(frame(current));
      current = [];
      bytes = 0;
    }
    current.push(outcome);
    bytes += size;
  }
  if (current.length > 0 || frames.length === 0) frames.push(frame(current));
  return frames;
}

/** Posts the frames in order; a gone connection loses its registration and the rest of the frames. */
async function sendAll(
  registry: ConnectionRegistry,
  poster: ConnectionPoster,
  connectionId: string,
  frames: readonly string[],
  signal?: AbortSignal,
): Promise<'sent' | 'gone' | 'failed'> {
  for (const text of frames) {
    let result: 'sent' | 'gone';
    try {
      result = await poster.post(connectionId, text, signal);
    } catch (error) {
      // One connection's failure does not stop the others; the poll fallback covers what it missed.
      console.error(
        'ccp-attributes relay: a frame could not be sent to a connection:',
        error instanceof Error ? error.name : 'unknown error',
      );
      return 'failed';
    }
    if (result === 'gone') {
      await registry.remove(connectionId);
      return 'gone';
    }
  }
  return 'sent';
}

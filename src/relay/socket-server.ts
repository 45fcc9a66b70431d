/**
 * The outcome socket on the Node relay: `GET /contact/attributes/outcomes/socket` upgraded to a WebSocket (`ws`),
 * speaking the protocol of src/relay/outcome-push.ts. It pushes only what a worker in the same process records: the
 * registrations (createMemoryConnectionRegistry) and the open sockets live in this process's memory
 * (createLocalOutcomeSockets), shared by the relay server (which accepts the sockets) and the worker (whose outcome
 * store notifies them through notifyingOutcomeStore).
 * Without them the relay does not offer the socket: the upgrade is answered 404 and browsers poll.
 *
 * A browser sends Origin on a WebSocket handshake (RFC 6455 section 4.1, item 8) and, unlike fetch, no CORS check
 * stops a page of another origin from opening one: the server does. An origin outside `allowedOrigins` is refused
 * with 403, as CORS refuses it for HTTP; a handshake without Origin is not a browser's, and the token still decides.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
  createOutcomeNotifier,
  createOutcomePush,
  outcomeSocketPath,
  type ConnectionPoster,
  type ConnectionRegistry,
  type OutcomeNotifier,
  type OutcomePushOptions,
} from './outcome-push.ts';

/** The outcome sockets of one process. */
export interface LocalOutcomeSockets extends OutcomeNotifier {
  readonly registry: ConnectionRegistry;
  readonly poster: ConnectionPoster;
  /** Adds an open socket under a new connection id (forgotten when it closes). */
  add(socket: WebSocket): string;
  /** How long a socket may stay open unsubscribed, and without a message from its client (ms). */
  readonly limits: SocketLimits;
}

/** When the relay closes a socket that costs memory and does nothing. */
export interface SocketLimits {
  /** Closed unless subscribed this long after it opened; default 10 s. */
  subscribeWithinMs: number;
  /**
   * Closed after this long without a message from the client; default 10 minutes, as API Gateway closes an idle
   * WebSocket ("Amazon API Gateway quotas for configuring and running a WebSocket API": idle connection timeout).
   * The browser pings every 5 minutes.
   */
  idleMs: number;
}

const defaultLimits: SocketLimits = { subscribeWithinMs: 10_000, idleMs: 10 * 60_000 };

/** Unsent bytes past which a socket is taken for a stalled client and dropped (its browser polls instead). */
const maxBufferedBytes = 1024 * 1024;
/** The largest frame a client may send: a subscribe carries a JWT (a few KB). */
const maxPayloadBytes = 64 * 1024;

/** Sockets and registrations in memory; give it to the relay server and notify it from the worker's store. */
export function createLocalOutcomeSockets(
  options: { now?: () => number } & Partial<SocketLimits> = {},
): LocalOutcomeSockets {
  const limits: SocketLimits = {
    subscribeWithinMs: options.subscribeWithinMs ?? defaultLimits.subscribeWithinMs,
    idleMs: options.idleMs ?? defaultLimits.idleMs,
  };
  for (const [name, ms] of Object.entries(limits))
    if (!(Number.isFinite(ms) && ms > 0)) throw new TypeError(`outcome sockets: ${name} must be above 0 ms, got ${ms}`);
  const sockets = new Map<string, WebSocket>();
  const registry = createMemoryConnectionRegistry();
  const poster: ConnectionPoster = {
    post(connectionId, text) {
      const socket = sockets.get(connectionId);
      if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.resolve('gone');
      if (socket.bufferedAmount > maxBufferedBytes) {
        socket.terminate();
        return Promise.resolve('gone');
      }
      return new Promise((resolve) => socket.send(text, (error) => resolve(error ? 'gone' : 'sent')));
    },
  };
  return {
    registry,
    poster,
    limits,
    ...createOutcomeNotifier({ registry, poster, ...(options.now ? { now: options.now } : {}) }),
    add(socket) {
      const connectionId = randomUUID();
      sockets.set(connectionId, socket);
      socket.once('close', () => sockets.delete(connectionId));
      return connectionId;
    },
  };
}

/** Registrations in this process's memory (the Node relay with its worker in the same process). */
export function createMemoryConnectionRegistry(): ConnectionRegistry {
  const byConnection = new Map<string, { sub: string; expiresAtMs: number }>();
  const bySub = new Map<string, Set<string>>();
  const remove = (connectionId: string): void => {
    const found = byConnection.get(connectionId);
    if (!found) return;
    byConnection.delete(connectionId);
    const set = bySub.get(found.sub);
    set?.delete(connectionId);
    if (set?.size === 0) bySub.delete(found.sub);
  };
  return {
    put(connectionId, sub, expiresAtMs) {
      remove(connectionId);
      byConnection.set(connectionId, { sub, expiresAtMs });
      bySub.set(sub, (bySub.get(sub) ?? new Set<string>()).add(connectionId));
      return Promise.resolve();
    },
    remove(connectionId) {
      remove(connectionId);
      return Promise.resolve();
    },
    connectionsOf(sub, nowMs) {
      const live: string[] = [];
      for (const connectionId of [...(bySub.get(sub) ?? [])]) {
        if ((byConnection.get(connectionId)?.expiresAtMs ?? 0) > nowMs) live.push(connectionId);
        else remove(connectionId);
      }
      return Promise.resolve(live);
    },
  };
}

/** What serveOutcomeSocket runs on. */
export interface OutcomeSocketOptions extends Pick<OutcomePushOptions, 'authenticator' | 'store' | 'timeoutMs'> {
  sockets: LocalOutcomeSockets;
  allowedOrigins: readonly string[];
}

/**
 * Answers every upgrade request of `server`: the outcome socket when `options` is given, 404 otherwise (and for any
 * other path). Returns a function that closes the sockets it accepted (an upgraded socket is no longer the HTTP
 * server's, so closing the server does not end it).
 */
export function serveOutcomeSocket(server: Server, options: OutcomeSocketOptions | undefined): () => void {
  const wss = new WebSocketServer({ noServer: true, maxPayload: maxPayloadBytes });
  const sockets = options?.sockets;
  /** The connections registered now (a subscribe registers; a refused one, or a close, removes). */
  const subscribed = new Set<string>();
  const push =
    options &&
    createOutcomePush({
      authenticator: options.authenticator,
      store: options.store,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      registry: {
        ...options.sockets.registry,
        put: (connectionId, sub, expiresAtMs) => {
          subscribed.add(connectionId);
          return options.sockets.registry.put(connectionId, sub, expiresAtMs);
        },
        remove: (connectionId) => {
          subscribed.delete(connectionId);
          return options.sockets.registry.remove(connectionId);
        },
      },
      poster: options.sockets.poster,
    });
  const origins = new Set(options?.allowedOrigins ?? []);
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '/').split('?')[0];
    if (!push || !sockets || path !== outcomeSocketPath) {
      refuse(socket, 404, 'No outcome socket here: read outcomes with GET /contact/attributes/outcomes.');
      return;
    }
    const origin = req.headers.origin;
    if (origin !== undefined && !origins.has(origin)) {
      refuse(socket, 403, 'This origin may not connect.');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      const connectionId = sockets.add(ws);
      const { subscribeWithinMs, idleMs } = sockets.limits;
      // ws sends no heartbeat of its own: a socket that never subscribes, or whose client went quiet, is closed.
      const unsubscribed = setTimeout(() => {
        if (!subscribed.has(connectionId)) ws.close(1008, 'Not subscribed in time.');
      }, subscribeWithinMs);
      let idle = setTimeout(() => ws.close(1001, 'Idle.'), idleMs);
      ws.once('close', () => {
        clearTimeout(unsubscribed);
        clearTimeout(idle);
      });
      // One message at a time per connection, so replies keep the order of the requests.
      let queue = Promise.resolve();
      const run = (step: () => Promise<void>) => {
        queue = queue.then(step).catch((error: unknown) => {
          console.error('ccp-attributes relay: outcome socket:', error instanceof Error ? error.name : 'unknown error');
        });
      };
      ws.on('message', (data: RawData, isBinary: boolean) => {
        clearTimeout(idle);
        idle = setTimeout(() => ws.close(1001, 'Idle.'), idleMs);
        const text = isBinary ? '' : rawText(data);
        run(() => push.message(connectionId, text));
      });
      ws.on('error', () => ws.terminate());
      ws.once('close', () => run(() => push.disconnect(connectionId)));
    });
  });
  return () => {
    for (const client of wss.clients) client.terminate();
    wss.close();
  };
}

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
function refuse(socket: Duplex, status: 403 | 404, message: string): void {
  const body = JSON.stringify({ message });
  const reason = status === 403 ? 'Forbidden' : 'Not Found';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data instanceof ArrayBuffer ? new Uint8Array(data) : data).toString('utf8');
}

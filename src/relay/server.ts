/**
 * The relay as a Node HTTP server, for self-hosting and the demo. It verifies tokens itself: the
 * 'api-gateway-jwt-authorizer' mode has no meaning here and is refused at start.
 * Given `push` (a worker runs in the same process and its outcome store notifies those sockets), it also serves the
 * outcome socket at `/contact/attributes/outcomes/socket` (src/relay/socket-server.ts); otherwise that upgrade is
 * answered 404 and browsers poll the outcomes route.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthenticator } from './auth.ts';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { createRelay, type RelayDependencies } from './core.ts';
import { outcomeStoreFor } from './outcomes-dynamodb.ts';
import { serveOutcomeSocket, type LocalOutcomeSockets } from './socket-server.ts';

/** A running relay server. */
export interface RelayServer {
  /** e.g. 'http://127.0.0.1:8788'. */
  url: string;
  close(): Promise<void>;
}

/** Options of startRelayServer. */
export interface RelayServerOptions {
  /** Resolved here with resolveRelayConfig: a wrong configuration rejects with a TypeError listing its problems. */
  config: RelayConfig;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  dependencies?: RelayDependencies;
  /**
   * The outcome sockets a worker in this process notifies (createLocalOutcomeSockets, with the worker's outcome store
   * wrapped by notifyingOutcomeStore): the relay then serves the outcome socket. Needs an outcome store
   * (`dependencies.outcomes` or the `outcomes` setting) for the backlog.
   */
  push?: LocalOutcomeSockets;
}

/** Bytes of a body kept: more than the core accepts, so an oversized body is still seen (and refused, and audited) as one. */
const keptBodyBytes = 256 * 1024 + 1024;

/** Starts the relay and resolves once it listens. */
export async function startRelayServer(options: RelayServerOptions): Promise<RelayServer> {
  const config = resolveRelayConfig(options.config);
  if (config.auth.type === 'api-gateway-jwt-authorizer') {
    throw new TypeError(
      "relay server: auth.type 'api-gateway-jwt-authorizer' needs API Gateway in front; use 'oidc' or 'cognito' here",
    );
  }
  // One authenticator for the routes and the socket: a token is judged the same on both.
  const authenticator = options.dependencies?.authenticator ?? createAuthenticator(config.auth);
  const store = options.dependencies?.outcomes ?? (config.outcomes && outcomeStoreFor(config.outcomes, config.region));
  const relay = createRelay(config, { ...options.dependencies, authenticator, ...(store ? { outcomes: store } : {}) });
  if (options.push && !store)
    throw new TypeError('relay server: push needs an outcome store (dependencies.outcomes or the outcomes setting)');
  const server = createServer((req, res) => {
    const gone = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) gone.abort(new Error('the caller closed the connection before the answer'));
    });
    readBody(req)
      .then((body) => {
        const headers: Record<string, string | undefined> = {};
        for (const [name, value] of Object.entries(req.headers))
          headers[name] = Array.isArray(value) ? value.join(', ') : value;
        const rawUrl = req.url ?? '/';
        const at = rawUrl.indexOf('?');
        const path = at < 0 ? rawUrl : rawUrl.slice(0, at);
        const query = at < 0 ? '' : rawUrl.slice(at + 1);
        return relay({ method: req.method ?? 'GET', path, query, headers, body, signal: gone.signal });
      })
      .then((response) => {
        res.writeHead(response.statusCode, {
          ...response.headers,
          'content-length': String(Buffer.byteLength(response.body)),
        });
        res.end(response.body);
      })
      .catch((error: unknown) => {
        console.error('ccp-attributes relay server:', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
        res.end('{"message":"internal error"}');
      });
  });
  const closeSockets = serveOutcomeSocket(
    server,
    options.push && store
      ? {
          sockets: options.push,
          authenticator,
          store,
          allowedOrigins: config.allowedOrigins,
          timeoutMs: config.connectTimeoutMs,
        }
      : undefined,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
        closeSockets();
      }),
  };
}

/**
 * The body as text, at most keptBodyBytes of it: the rest is read and dropped (leaving the loop early would reset the
 * connection before the answer reaches the client), and the core answers 413 for anything over its limit.
 */
async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    if (size < keptBodyBytes) chunks.push(buffer.subarray(0, keptBodyBytes - size));
    size += buffer.length;
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The outcome socket on AWS: one Lambda function behind an API Gateway WebSocket API (route selection expression
 * `$request.body.action`; routes `$connect`, `$disconnect`, `subscribe`, `ping` and `$default`, all here), speaking
 * the protocol of src/relay/outcome-push.ts. Replies go out through the management API (PostToConnection at
 * `https://{domainName}/{stage}` of the event, or RELAY_SOCKET_ENDPOINT when set); the registrations live in the
 * connections table (src/relay/socket-aws.ts), where the worker Lambda finds them to push each outcome it records.
 *
 * The token arrives in the subscribe message, not on the handshake (URLs and handshake headers are logged), and a
 * WebSocket API has no JWT authorizer for messages: this function verifies tokens itself, with the relay's
 * authenticator (src/relay/auth.ts), so its RELAY_CONFIG needs `auth` of type 'oidc' or 'cognito' (the issuer and
 * audiences the HTTP API's JWT authorizer checks); 'api-gateway-jwt-authorizer' is refused at start.
 * `$connect` checks the handshake's Origin against `allowedOrigins` (403 refuses the connection; a browser always
 * sends Origin, and no CORS check guards a WebSocket).
 * Configured from RELAY_CONFIG, RELAY_OUTCOMES_TABLE (the backlog; with RELAY_DYNAMODB_ENDPOINT),
 * RELAY_CONNECTIONS_TABLE and optionally RELAY_SOCKET_ENDPOINT. The role needs dynamodb:Query on the outcomes table,
 * dynamodb:PutItem and DeleteItem on the connections table, and execute-api:ManageConnections on the API's
 * `@connections` (the worker, which pushes, also needs dynamodb:Query on the `bySub` index).
 */
import { createAuthenticator, type Authenticator } from './auth.ts';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { outcomeStoreFor } from './outcomes-dynamodb.ts';
import { outcomesFromEnvironment } from './outcomes-config.ts';
import type { OutcomeStore } from './outcomes.ts';
import { createOutcomePush, type ConnectionPoster, type ConnectionRegistry, type OutcomePush } from './outcome-push.ts';
import {
  createConnectionsClient,
  createDynamoConnectionRegistry,
  createManagementApiClient,
  createManagementApiPoster,
} from './socket-aws.ts';

/**
 * The members of an API Gateway WebSocket event the handler reads; `APIGatewayProxyWebsocketEventV2` of
 * @types/aws-lambda fits it, and `$connect` events also carry the handshake's `headers` (declared here so the
 * package's types do not depend on @types/aws-lambda).
 */
export interface SocketEvent {
  requestContext: {
    routeKey: string;
    eventType: 'CONNECT' | 'MESSAGE' | 'DISCONNECT';
    connectionId: string;
    domainName: string;
    stage: string;
  };
  headers?: Readonly<Record<string, string | undefined>>;
  body?: string;
  isBase64Encoded: boolean;
}

/** The handler's answer: on `$connect`, a status other than 2xx refuses the connection. */
export interface SocketResult {
  statusCode: number;
}

/** A Lambda handler for WebSocket events. */
export type SocketLambdaHandler = (event: SocketEvent) => Promise<SocketResult>;

/** What a handler runs on. */
export interface SocketLambdaDependencies {
  registry: ConnectionRegistry;
  /** Default: the relay's configured authentication. */
  authenticator?: Authenticator;
  /** The backlog's store; default the `outcomes` setting's table. */
  outcomes?: OutcomeStore;
  /** Default: the management API, at `endpoint` or else at the event's `https://{domainName}/{stage}`. */
  poster?: ConnectionPoster;
  /** The management API's endpoint, overriding the event's. */
  endpoint?: string;
  /** ms since the epoch; default Date.now. */
  now?: () => number;
}

/** A handler over a given configuration; a wrong one throws a TypeError before any event. */
export function createSocketLambdaHandler(
  given: RelayConfig,
  dependencies: SocketLambdaDependencies,
): SocketLambdaHandler {
  const config = resolveRelayConfig(given);
  if (config.auth.type === 'api-gateway-jwt-authorizer')
    throw new TypeError(
      "outcome socket: the token comes in a message, which no API Gateway authorizer checks; use auth.type 'oidc' or 'cognito'",
    );
  const store = dependencies.outcomes ?? (config.outcomes && outcomeStoreFor(config.outcomes, config.region));
  if (!store) throw new TypeError('outcome socket: the backlog needs an outcome store (the outcomes setting)');
  const authenticator = dependencies.authenticator ?? createAuthenticator(config.auth);
  const origins = new Set(config.allowedOrigins);
  /** One protocol per management endpoint (one in practice: the API's stage). */
  const pushes = new Map<string, OutcomePush>();
  const pushFor = (endpoint: string): OutcomePush => {
    let push = pushes.get(endpoint);
    if (!push) {
      const poster =
        dependencies.poster ?? createManagementApiPoster(createManagementApiClient(endpoint, config.region));
      push = createOutcomePush({
        authenticator,
        store,
        registry: dependencies.registry,
        poster,
        timeoutMs: config.connectTimeoutMs,
        ...(dependencies.now ? { now: dependencies.now } : {}),
      });
      pushes.set(endpoint, push);
    }
    return push;
  };

  return async (event) => {
    const { eventType, connectionId, domainName, stage } = event.requestContext;
    if (eventType === 'CONNECT') return { statusCode: originAllowed(event.headers, origins) ? 200 : 403 };
    const push = pushFor(dependencies.endpoint ?? `https://${domainName}/${stage}`);
    if (eventType === 'DISCONNECT') await push.disconnect(connectionId);
    else {
      const raw = event.body ?? '';
      await push.message(connectionId, event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw);
    }
    return { statusCode: 200 };
  };
}

/** No Origin (not a browser) or one of the allowed; header names as the client sent them. */
function originAllowed(headers: SocketEvent['headers'], origins: ReadonlySet<string>): boolean {
  const origin = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'origin')?.[1];
  return origin === undefined || origins.has(origin);
}

let cached: SocketLambdaHandler | undefined;

/** The Lambda entry point, configured from the environment (a missing setting fails every invocation loudly). */
export const handler: SocketLambdaHandler = async (event) => {
  if (!cached) {
    const text = process.env['RELAY_CONFIG'];
    const table = process.env['RELAY_CONNECTIONS_TABLE'];
    if (!text) throw new Error('ccp-attributes outcome socket: the RELAY_CONFIG environment variable is not set');
    if (!table) throw new Error('ccp-attributes outcome socket: RELAY_CONNECTIONS_TABLE is not set');
    const outcomes = outcomesFromEnvironment(process.env);
    const config = resolveRelayConfig({ ...(JSON.parse(text) as object), ...(outcomes ? { outcomes } : {}) });
    const endpoint = process.env['RELAY_SOCKET_ENDPOINT'];
    const client = createConnectionsClient(config.region, process.env['RELAY_DYNAMODB_ENDPOINT']);
    cached = createSocketLambdaHandler(config, {
      registry: createDynamoConnectionRegistry(client, table),
      ...(endpoint ? { endpoint } : {}),
    });
  }
  return cached(event);
};

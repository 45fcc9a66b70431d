/**
 * The relay as an AWS Lambda function behind an API Gateway HTTP API (payload format 2.0). The configuration is the
 * JSON in the `RELAY_CONFIG` environment variable, read once per execution environment; the Connect client uses the
 * function's role. rollup bundles this file and its dependencies into one file (dist/relay-lambda/index.mjs).
 */
import type { Claims } from './auth.ts';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { createRelay, type Relay, type RelayDependencies } from './core.ts';
import { outcomesFromEnvironment } from './outcomes-config.ts';
import { queueFromEnvironment } from './queue-config.ts';

/**
 * The members of an API Gateway HTTP API event (payload format 2.0) the relay reads; `APIGatewayProxyEventV2` and
 * `APIGatewayProxyEventV2WithJWTAuthorizer` of @types/aws-lambda fit it (declared here so the package's types do not
 * depend on @types/aws-lambda).
 */
export interface RelayEvent {
  rawPath: string;
  /** The query string without '?' ('' when none). */
  rawQueryString?: string;
  headers?: Readonly<Record<string, string | undefined>>;
  body?: string;
  isBase64Encoded: boolean;
  requestContext: {
    requestId: string;
    http: { method: string };
    /** Present when the route has a JWT authorizer: the claims it verified. */
    authorizer?: { jwt?: { claims?: Readonly<Record<string, unknown>> } };
  };
}

/** What the handler returns (a structured payload 2.0 response). */
export interface RelayResult {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A Lambda handler for HTTP API events. */
export type RelayLambdaHandler = (event: RelayEvent) => Promise<RelayResult>;

/**
 * A handler over a given configuration (tests, or a function of one's own that builds the configuration). The
 * configuration is resolved (createRelay runs it through resolveRelayConfig): a wrong one throws a TypeError listing
 * its problems, before any event.
 */
export function createLambdaHandler(config: RelayConfig, dependencies: RelayDependencies = {}): RelayLambdaHandler {
  const relay: Relay = createRelay(config, dependencies);
  return async (event) => {
    const headers: Record<string, string | undefined> = {};
    for (const [name, value] of Object.entries(event.headers ?? {})) headers[name.toLowerCase()] = value;
    const raw = event.body ?? '';
    const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
    const response = await relay({
      method: event.requestContext.http.method,
      path: event.rawPath,
      query: event.rawQueryString ?? '',
      headers,
      body,
      // Read only in 'api-gateway-jwt-authorizer' mode; present only when the route has a JWT authorizer.
      ...authorizerClaims(event),
      requestId: event.requestContext.requestId,
    });
    return { statusCode: response.statusCode, headers: response.headers, body: response.body };
  };
}

function authorizerClaims(event: RelayEvent): { authorizerClaims?: Claims } {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  return claims ? { authorizerClaims: claims } : {};
}

let cached: RelayLambdaHandler | undefined;

/**
 * The Lambda entry point: configured from RELAY_CONFIG, RELAY_QUEUE_URL (with RELAY_SQS_ENDPOINT) for queued mode, and
 * RELAY_OUTCOMES_TABLE (with RELAY_DYNAMODB_ENDPOINT) for the outcome store (a missing or wrong configuration fails
 * every invocation loudly).
 */
export const handler: RelayLambdaHandler = async (event) => {
  if (!cached) {
    const text = process.env['RELAY_CONFIG'];
    if (!text) throw new Error('ccp-attributes relay: the RELAY_CONFIG environment variable is not set');
    const queue = queueFromEnvironment(process.env);
    const outcomes = outcomesFromEnvironment(process.env);
    cached = createLambdaHandler(
      resolveRelayConfig({
        ...(JSON.parse(text) as object),
        ...(queue ? { queue } : {}),
        ...(outcomes ? { outcomes } : {}),
      }),
    );
  }
  return cached(event);
};

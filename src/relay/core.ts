/**
 * The relay's core, shared by the Lambda handler and the Node server: one HTTP-shaped request in, one response out.
 *
 * It accepts what the plugin sends to Connect (restJson1 `POST /contact/attributes` with `InstanceId`,
 * `InitialContactId`, `Attributes`) plus `ContactId`, the leg the agent is on, and writes only when
 * 1. the caller's token is valid (401 otherwise),
 * 2. the request is well formed (the project's validator, src/validate.ts; 400),
 * 3. the instance is the relay's, and every key passes the allow and deny lists (403, before any call to Connect),
 * 4. the caller maps to a Connect user (403), and DescribeContact shows the leg is that user's, in that chain, and
 *    ongoing, in after-contact work or ended within the window (403 "this contact is not yours"); its answer is
 *    remembered per caller and leg (src/relay/ownership-cache.ts), so a burst of writes costs one DescribeContact.
 * Then 5. it writes with UpdateContactAttributes. In queued mode (the `queue` setting) it stops after 3 and hands the
 * write to an SQS FIFO queue instead (src/relay/queued.ts): 202, and a worker does 4 and 5 (src/relay/worker.ts).
 * Checks 1 to 3 live in src/relay/checks.ts, 4 and 5 in src/relay/connect-side.ts, the response shapes and the audit
 * record in src/relay/respond.ts.
 * Connect's calls for one request (SearchUsers, DescribeContact, UpdateContactAttributes) share one deadline,
 * `connectTimeoutMs`: past it the answer is a retryable 503, never a handler left pending.
 * Errors use Connect's restJson1 shape (status, `x-amzn-errortype`, body with `message` and `Message`), so the
 * plugin decodes them as it decodes Connect's; Connect's own errors pass through with their status (429 stays 429),
 * after one attempt and without Retry-After (Connect's ThrottlingException carries no time to wait either).
 * Every decision writes one audit line: caller, contact, keys, decision, reason. Never values, never the token.
 * Other routes (`routes` below, by path) answer for themselves: `GET /contact/attributes/outcomes`
 * (src/relay/outcomes-route.ts), the caller's write outcomes after 202.
 */
import { randomUUID } from 'node:crypto';
import type { ConnectClient } from '@aws-sdk/client-connect';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createAuthenticator, type Authenticator } from './auth.ts';
import { checkWrite } from './checks.ts';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { createConnectSide, createRelayConnectClient } from './connect-side.ts';
import { createHistoryRoutes } from './history-routes.ts';
import { outcomeStoreFor } from './outcomes-dynamodb.ts';
import { createOutcomesRoute, outcomesPath, type RelayRoute } from './outcomes-route.ts';
import type { OutcomeStore } from './outcomes.ts';
import { createOwnershipCache, type OwnershipCache } from './ownership-cache.ts';
import { createQueueSender, createSqsClient, readWriteId, type AcceptedBody } from './queued.ts';
import {
  RelayError,
  asRelayError,
  auditToStdout,
  corsHeaders,
  errorResponse,
  jsonResponse,
  preflight,
  type AuditRecord,
  type RelayRequest,
  type RelayResponse,
} from './respond.ts';
import { createUserResolver } from './users.ts';

export type { AuditRecord, RelayRequest, RelayResponse } from './respond.ts';

/** What the relay runs on; all optional, for tests and the two entry points. */
export interface RelayDependencies {
  /** Default: createRelayConnectClient for the configured region (and endpoint): one attempt per call. */
  connect?: ConnectClient;
  /** Default: the configured authentication. */
  authenticator?: Authenticator;
  /**
   * The relay's clock, default Date.now: it places the ownership window, the username cache and the audit time. It
   * does not move a token's expiry: aws-jwt-verify judges `exp` by the system clock and takes no clock option (and
   * behind API Gateway the authorizer judged it). A test that needs an expired token fakes the global clock.
   */
  now?: () => number;
  /** Receives each audit record; default one JSON line on stdout (CloudWatch Logs under Lambda). */
  audit?: (record: AuditRecord) => void;
  /** Default: createOwnershipCache with the configured window, on the relay's clock, its other settings default. */
  ownershipCache?: OwnershipCache;
  /** Where write outcomes are read from; default the DynamoDB table of the `outcomes` setting, else none (404). */
  outcomes?: OutcomeStore;
  /** Queued mode's SQS client; default one for the configured queue (its region, its endpoint). */
  sqs?: SQSClient;
}

/** The relay: a function from request to response. */
export type Relay = (request: RelayRequest) => Promise<RelayResponse>;

/** The write's route (the reads of recent contacts and the reviewers' routes: src/relay/history-routes.ts). */
export const relayPath = '/contact/attributes';

/**
 * Creates the relay. The configuration goes through resolveRelayConfig whatever its type says (a TypeError lists its
 * problems), so defaults are filled and a value typed past the checks is refused.
 */
export function createRelay(given: RelayConfig, dependencies: RelayDependencies = {}): Relay {
  const config = resolveRelayConfig(given);
  const now = dependencies.now ?? Date.now;
  const connect =
    dependencies.connect ?? createRelayConnectClient({ region: config.region, endpoint: config.connectEndpoint });
  const authenticator = dependencies.authenticator ?? createAuthenticator(config.auth);
  const users = createUserResolver(config.user, connect, config.instanceId, now);
  const ownership =
    dependencies.ownershipCache ?? createOwnershipCache({ windowMs: config.ownershipWindowSeconds * 1000, now });
  const contacts = createConnectSide({ connect, users, ownership });
  const history = createHistoryRoutes({ connect, contacts, authenticator, config, now });
  const audit = dependencies.audit ?? auditToStdout;
  const origins = new Set(config.allowedOrigins);
  const queued =
    config.queue &&
    createQueueSender(config.queue, config, dependencies.sqs ?? createSqsClient(config.queue, config.region), now);
  /** The routes besides the write, by path. */
  const routes = new Map<string, RelayRoute>([
    [
      outcomesPath,
      createOutcomesRoute({
        authenticator,
        store: dependencies.outcomes ?? (config.outcomes && outcomeStoreFor(config.outcomes, config.region)),
        timeoutMs: config.connectTimeoutMs,
      }),
    ],
  ]);

  return async (request) => {
    const cors = corsHeaders(request.headers['origin'], origins);
    const route = routes.get(request.path);
    if (request.method === 'OPTIONS') return preflight(cors, route?.methods ?? 'POST, OPTIONS');
    const requestId = request.requestId ?? randomUUID();
    const base = { ...cors, 'x-amzn-requestid': requestId };
    if (route) return route.handle(request, base);

    const record: AuditRecord = { time: '', requestId, decision: 'refused', status: 0, reason: '' };
    let response: RelayResponse;
    try {
      // The reads of recent contacts and the reviewers' routes answer here, audited like writes.
      const read = history(request, record);
      const outcome = read ? await read : undefined;
      const accepted = outcome ? undefined : await decide(request, record, requestId);
      record.decision = 'allowed';
      record.reason = outcome?.reason ?? (accepted ? 'queued' : 'written');
      response = outcome
        ? jsonResponse(base, 200, outcome.payload)
        : jsonResponse(base, accepted ? 202 : 200, accepted ?? {});
    } catch (error) {
      const failure = asRelayError(error);
      record.decision = failure.status >= 500 || failure.reason.startsWith('connect:') ? 'failed' : 'refused';
      record.reason = failure.reason;
      response = errorResponse(base, failure);
    }
    record.status = response.statusCode;
    record.time = new Date(now()).toISOString();
    audit(record);
    return response;
  };

  /** Lands the write (sync mode: resolves undefined) or queues it (queued mode: resolves the 202 body). */
  async function decide(
    request: RelayRequest,
    record: AuditRecord,
    requestId: string,
  ): Promise<AcceptedBody | undefined> {
    if (request.path !== relayPath)
      throw new RelayError(
        404,
        'UnknownOperationException',
        `No operation at ${request.method} ${request.path}.`,
        'unknown-route',
      );
    if (request.method !== 'POST')
      throw new RelayError(405, 'UnknownOperationException', `Use POST on ${relayPath}.`, 'wrong-method');
    const write = await checkWrite(request, record, authenticator, config);
    const timeout = AbortSignal.timeout(config.connectTimeoutMs);
    const deadline = request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
    if (queued) return queued.accept(write, requestId, record, deadline);
    readWriteId(write.body);
    const userId = await contacts.resolveUser(write.claims, record, deadline);
    await contacts.confirmOwner(userId, write, deadline);
    await contacts.update(write, deadline);
    return undefined;
  }
}

/**
 * The relay's core, shared by the Lambda handler and the Node server: one HTTP-shaped request in, one response out.
 *
 * It accepts what the plugin sends to Connect (restJson1 `POST /contact/attributes` with `InstanceId`,
 * `InitialContactId`, `Attributes`) plus `ContactId`, the leg the agent is on, and writes only when
 * 1. the caller's token is valid (401 otherwise),
 * 2. the request is well formed (the project's validator, src/validate.ts; 400),
 * 3. the instance is the relay's, and every key passes the allow and deny lists (403, before any call to Connect),
 * 4. the caller maps to a Connect user (403), and DescribeContact shows the leg is that user's, in that chain, and
 *    ongoing, in after-contact work or ended within the window (403 "this contact is not yours").
 * Connect's calls for one request (SearchUsers, DescribeContact, UpdateContactAttributes, the SDK's retries included)
 * share one deadline, `connectTimeoutMs`: past it the answer is a retryable 503, never a handler left pending.
 * Errors use Connect's restJson1 shape (status, `x-amzn-errortype`, body with `message` and `Message`), so the
 * plugin decodes them as it decodes Connect's; Connect's own errors pass through with their status (429 stays 429).
 * Every decision writes one audit line: caller, contact, keys, decision, reason. Never values, never the token.
 */
import { randomUUID } from 'node:crypto';
import {
  ConnectClient,
  DescribeContactCommand,
  UpdateContactAttributesCommand,
  type Contact,
} from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import { checkUpdate } from '../validate.ts';
import { AuthFailure, createAuthenticator, type Authenticator, type Claims } from './auth.ts';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { checkOwnership } from './ownership.ts';
import { createUserResolver, type UserResolver } from './users.ts';

/** A request as the relay sees it, whatever carried it. Header names are lower case. */
export interface RelayRequest {
  method: string;
  path: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  /** Claims an API Gateway JWT authorizer verified (used only when the configuration says so). */
  authorizerClaims?: Claims;
  /** The gateway's request id, for the audit line; one is made when absent. */
  requestId?: string;
}

/** The relay's answer. */
export interface RelayResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** The audit record of one decision. */
export interface AuditRecord {
  time: string;
  requestId: string;
  decision: 'allowed' | 'refused' | 'failed';
  status: number;
  reason: string;
  /** The token's subject, and the Connect user it maps to when known. */
  caller?: { sub?: string; userId?: string; username?: string };
  instanceId?: string;
  contactId?: string;
  initialContactId?: string;
  /** The attribute keys of the request (never their values). */
  keys?: string[];
}

/** What the relay runs on; all optional, for tests and the two entry points. */
export interface RelayDependencies {
  /** Default: a ConnectClient for the configured region (and endpoint), adaptive retry mode. */
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
}

/** The relay: a function from request to response. */
export type Relay = (request: RelayRequest) => Promise<RelayResponse>;

/** The only route. */
export const relayPath = '/contact/attributes';
/** Headers a browser may send: the plugin's fetch client and, for a caller using the AWS SDK, its own. */
const allowHeaders = 'Authorization, Content-Type, X-Amz-User-Agent, amz-sdk-invocation-id, amz-sdk-request';
/** Unlike Connect, the relay exposes the error type, so a browser can read it. */
const exposeHeaders = 'x-amzn-errortype, x-amzn-requestid';
const maxBodyBytes = 256 * 1024;

/** A refusal or failure answered in Connect's error shape. */
class RelayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

const notYours = (reason: string, detail = ''): RelayError =>
  new RelayError(
    403,
    'AccessDeniedException',
    `This contact is not yours${detail}: attributes can only be saved on contacts you are handling.`,
    reason,
  );

/**
 * Creates the relay. The configuration goes through resolveRelayConfig whatever its type says (a TypeError lists its
 * problems), so defaults are filled and a value typed past the checks is refused.
 */
export function createRelay(given: RelayConfig, dependencies: RelayDependencies = {}): Relay {
  const config = resolveRelayConfig(given);
  const now = dependencies.now ?? Date.now;
  const connect =
    dependencies.connect ??
    new ConnectClient({
      region: config.region,
      retryMode: 'adaptive',
      ...(config.connectEndpoint ? { endpoint: config.connectEndpoint } : {}),
    });
  const authenticator = dependencies.authenticator ?? createAuthenticator(config.auth);
  const users: UserResolver = createUserResolver(config.user, connect, config.instanceId, now);
  const audit =
    dependencies.audit ??
    ((record: AuditRecord) => console.log(JSON.stringify({ relay: 'ccp-attributes', ...record })));
  const origins = new Set(config.allowedOrigins);

  return async (request) => {
    const origin = request.headers['origin'];
    const cors: Record<string, string> =
      origin !== undefined && origins.has(origin)
        ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': exposeHeaders, vary: 'Origin' }
        : {};
    const requestId = request.requestId ?? randomUUID();
    const base = { ...cors, 'x-amzn-requestid': requestId };

    if (request.method === 'OPTIONS') {
      // A preflight from an origin not listed gets no CORS headers: the browser then stops there.
      const preflight = cors['access-control-allow-origin']
        ? {
            ...cors,
            'access-control-allow-methods': 'POST, OPTIONS',
            'access-control-allow-headers': allowHeaders,
            'access-control-max-age': '600',
          }
        : {};
      return { statusCode: 204, headers: { ...preflight, vary: 'Origin' }, body: '' };
    }

    const record: AuditRecord = { time: '', requestId, decision: 'refused', status: 0, reason: '' };
    const answer = (status: number, type: string | undefined, payload: Record<string, unknown>): RelayResponse => ({
      statusCode: status,
      headers: { ...base, 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) },
      body: JSON.stringify(payload),
    });
    let response: RelayResponse;
    try {
      await decide(request, record);
      record.decision = 'allowed';
      record.reason = 'written';
      response = answer(200, undefined, {});
    } catch (error) {
      const failure = asRelayError(error);
      record.decision = failure.status >= 500 || failure.reason.startsWith('connect:') ? 'failed' : 'refused';
      record.reason = failure.reason;
      response = answer(failure.status, failure.type, { message: failure.message, Message: failure.message });
    }
    record.status = response.statusCode;
    record.time = new Date(now()).toISOString();
    audit(record);
    return response;
  };

  async function decide(request: RelayRequest, record: AuditRecord): Promise<void> {
    if (request.path !== relayPath)
      throw new RelayError(
        404,
        'UnknownOperationException',
        `No operation at ${request.method} ${request.path}.`,
        'unknown-route',
      );
    if (request.method !== 'POST')
      throw new RelayError(405, 'UnknownOperationException', `Use POST on ${relayPath}.`, 'wrong-method');

    // 1. Who calls: before reading anything else, so an anonymous caller learns nothing about the request.
    let claims: Claims;
    try {
      claims = await authenticator.authenticate({
        authorization: request.headers['authorization'],
        authorizerClaims: request.authorizerClaims,
      });
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      if (error.reason === 'jwks-unavailable')
        throw new RelayError(
          503,
          'ServiceUnavailableException',
          'The sign-in service cannot be checked right now; try again.',
          'token:jwks-unavailable',
        );
      throw new RelayError(
        401,
        'NotAuthorizedException',
        'Your sign-in is missing, expired or not valid here: sign in again.',
        `token:${error.reason}`,
      );
    }
    record.caller = typeof claims['sub'] === 'string' ? { sub: claims['sub'] } : {};

    // 2. What is asked: the same rules as the browser's, plus ContactId.
    const body = parseBody(request.body);
    const instanceId = stringMember(body, 'InstanceId');
    const initialContactId = stringMember(body, 'InitialContactId');
    const contactId = stringMember(body, 'ContactId');
    const attributes = body['Attributes'];
    if (instanceId) record.instanceId = instanceId;
    if (contactId) record.contactId = contactId;
    if (initialContactId) record.initialContactId = initialContactId;
    if (isObject(attributes)) record.keys = Object.keys(attributes);
    if (!contactId || contactId.length > 256) {
      throw new RelayError(
        400,
        'InvalidParameterException',
        'ContactId, the id of the contact leg you are on, is missing or longer than 256 characters.',
        'invalid:contact-id',
      );
    }
    // checkUpdate reports a missing or non-object Attributes itself.
    const problems = checkUpdate({
      instanceId: instanceId ?? '',
      initialContactId: initialContactId ?? '',
      attributes: (isObject(attributes) ? attributes : null) as Record<string, string>,
    });
    if (problems.length > 0 || !instanceId || !initialContactId || !isObject(attributes)) {
      const [first] = problems;
      // As Connect answers: a member breaking its constraint is a parameter error, a total over the budget a request error.
      const type = first?.code === 'over-budget' ? 'InvalidRequestException' : 'InvalidParameterException';
      throw new RelayError(
        400,
        type,
        first?.message ?? 'The request is not valid.',
        `invalid:${first?.code ?? 'body'}`,
      );
    }
    const keys = Object.keys(attributes);

    // 3. Policy, before any call to Connect.
    if (instanceId !== config.instanceId)
      throw notYours('other-instance', ' (it belongs to another Amazon Connect instance)');
    const denied = keys.find((key) => config.denyKeyPrefixes.some((prefix) => key.startsWith(prefix)));
    const notAllowed =
      config.allowKeyPrefixes.length > 0
        ? keys.find((key) => !config.allowKeyPrefixes.some((prefix) => key.startsWith(prefix)))
        : undefined;
    const forbidden = denied ?? notAllowed;
    if (forbidden !== undefined) {
      throw new RelayError(
        403,
        'AccessDeniedException',
        `Agents may not save the attribute "${forbidden.slice(0, 40)}".`,
        denied !== undefined ? 'key-denied' : 'key-not-allowed',
      );
    }

    // 4. Whose contact. Connect's calls end by one deadline: passed to the SDK, which aborts the HTTP request and stops
    // retrying (rather than the handler's requestTimeout, which @smithy/node-http-handler 4.x applies per attempt and
    // by default only warns about), and raced with it, so a call the SDK does not end (credentials) ends anyway.
    const deadline = AbortSignal.timeout(config.connectTimeoutMs);
    const user = await viaConnect('SearchUsers', deadline, () => users.resolve(claims, deadline));
    if ('refused' in user) {
      throw new RelayError(
        403,
        'AccessDeniedException',
        'Your sign-in does not match an Amazon Connect user of this instance.',
        `user:${user.refused}`,
      );
    }
    record.caller = { ...record.caller, userId: user.userId, ...(user.username ? { username: user.username } : {}) };
    let contact: Contact | undefined;
    try {
      const command = new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId });
      contact = (await orAbort(connect.send(command, { abortSignal: deadline }), deadline)).Contact;
    } catch (error) {
      // An unknown contact is refused like someone else's: the answer does not tell which contacts exist.
      if (statusOf(error) === 404) throw notYours('contact-not-found');
      throw connectError('DescribeContact', error, deadline);
    }
    if (!contact) throw notYours('contact-not-found');
    const ownership = checkOwnership(contact, {
      userId: user.userId,
      initialContactId,
      nowMs: now(),
      windowMs: config.ownershipWindowSeconds * 1000,
    });
    if (!ownership.owned) throw notYours(ownership.reason, ownership.reason === 'window-passed' ? ' any more' : '');

    // 5. The write, with the relay's role.
    const update = new UpdateContactAttributesCommand({
      InstanceId: instanceId,
      InitialContactId: initialContactId,
      Attributes: attributes as Record<string, string>,
    });
    await viaConnect('UpdateContactAttributes', deadline, () => connect.send(update, { abortSignal: deadline }));
  }
}

async function viaConnect<T>(action: string, deadline: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await orAbort(call(), deadline);
  } catch (error) {
    throw connectError(action, error, deadline);
  }
}

/**
 * Connect's error, passed through with its status and type; no answer by the deadline, or no response at all,
 * becomes a retryable 503. A write may still have been stored (the browser's outbox treats a 503 as ambiguous).
 */
function connectError(action: string, error: unknown, deadline: AbortSignal): RelayError {
  if (deadline.aborted)
    return new RelayError(
      503,
      'ServiceUnavailableException',
      'Amazon Connect did not answer in time; try again.',
      `connect:${action}:timeout`,
    );
  const status = statusOf(error);
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error && error.message ? error.message : `${action} failed.`;
  if (status === undefined)
    return new RelayError(
      503,
      'ServiceUnavailableException',
      'Amazon Connect could not be reached; try again.',
      `connect:${action}:unreachable`,
    );
  return new RelayError(status, name, message, `connect:${action}:${name}`);
}

function statusOf(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

function asRelayError(error: unknown): RelayError {
  if (error instanceof RelayError) return error;
  console.error('ccp-attributes relay: unexpected error', error);
  return new RelayError(500, 'InternalServiceException', 'The relay had an internal error.', 'internal');
}

function parseBody(text: string): Record<string, unknown> {
  if (Buffer.byteLength(text) > maxBodyBytes)
    throw new RelayError(413, 'RequestEntityTooLargeException', 'Request body too large.', 'invalid:too-large');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RelayError(400, 'SerializationException', 'The request body is not valid JSON.', 'invalid:json');
  }
  if (!isObject(value))
    throw new RelayError(400, 'SerializationException', 'The request body must be a JSON object.', 'invalid:json');
  return value;
}

function stringMember(body: Record<string, unknown>, name: string): string | undefined {
  const value = body[name];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

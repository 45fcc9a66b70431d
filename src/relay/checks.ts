/**
 * The relay's checks before any call to Amazon Connect, in their order: who calls (1), what is asked (2), and whether
 * the relay's policy lets it through (3). Each fills the audit record with what it learned, so a refusal is audited
 * with everything known up to it. A queued accept runs the same checks, then hands the write on.
 */
import { checkUpdate } from '../validate.ts';
import { AuthFailure, type Authenticator, type Claims } from './auth.ts';
import type { ResolvedRelayConfig } from './config.ts';
import { RelayError, notYours, type AuditRecord, type RelayRequest } from './respond.ts';

/** A write that passed the checks: the caller's claims and the request's members. */
export interface CheckedWrite {
  claims: Claims;
  instanceId: string;
  initialContactId: string;
  /** The leg the agent is on. */
  contactId: string;
  attributes: Record<string, string>;
  keys: string[];
  /** The whole parsed body, for members a mode reads besides these (e.g. a write id). */
  body: Record<string, unknown>;
}

const maxBodyBytes = 256 * 1024;

/** Runs checks 1 to 3 on a POST to the relay's route; throws a RelayError at the first that fails. */
export async function checkWrite(
  request: RelayRequest,
  record: AuditRecord,
  authenticator: Authenticator,
  config: ResolvedRelayConfig,
): Promise<CheckedWrite> {
  const claims = await authenticateCaller(request, record, authenticator);
  const write = readWrite(request.body, record);
  checkPolicy(write, config);
  return { ...write, claims };
}

/**
 * 1. Who calls: before reading anything else, so an anonymous caller learns nothing about the request. An unreachable
 * key set is a retryable 503; any other failure a 401.
 */
export async function authenticateCaller(
  request: RelayRequest,
  record: AuditRecord,
  authenticator: Authenticator,
): Promise<Claims> {
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
  return claims;
}

/**
 * The caller's subject (`sub`), which partitions what the relay keeps for each caller (queued writes, their outcomes,
 * the outcome socket's registrations); a 401 when there is none.
 */
export function subjectOf(claims: Claims): string {
  const sub = claims['sub'];
  if (typeof sub !== 'string' || sub.length === 0)
    throw new RelayError(
      401,
      'NotAuthorizedException',
      'Your sign-in carries no subject (sub): sign in again.',
      'token:no-sub',
    );
  return sub;
}

/** 2. What is asked: the same rules as the browser's (src/validate.ts), plus ContactId. */
export function readWrite(text: string, record: AuditRecord): Omit<CheckedWrite, 'claims'> {
  const body = parseBody(text);
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
    throw new RelayError(400, type, first?.message ?? 'The request is not valid.', `invalid:${first?.code ?? 'body'}`);
  }
  return {
    instanceId,
    initialContactId,
    contactId,
    attributes: attributes as Record<string, string>,
    keys: Object.keys(attributes),
    body,
  };
}

/** 3. Policy, before any call to Connect: the relay's instance, and every key through the allow and deny lists. */
export function checkPolicy(
  write: Pick<CheckedWrite, 'instanceId' | 'keys'>,
  config: Pick<ResolvedRelayConfig, 'instanceId' | 'allowKeyPrefixes' | 'denyKeyPrefixes'>,
): void {
  if (write.instanceId !== config.instanceId)
    throw notYours('other-instance', ' (it belongs to another Amazon Connect instance)');
  const denied = write.keys.find((key) => config.denyKeyPrefixes.some((prefix) => key.startsWith(prefix)));
  const notAllowed =
    config.allowKeyPrefixes.length > 0
      ? write.keys.find((key) => !config.allowKeyPrefixes.some((prefix) => key.startsWith(prefix)))
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
}

export function parseBody(text: string): Record<string, unknown> {
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

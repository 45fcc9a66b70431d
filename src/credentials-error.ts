/**
 * Failures of the Cognito credential provider as AttributesErrors. Its own module, imported by the signed client
 * only, so that relay mode (which never asks Cognito) does not download it.
 */
import { AttributesError, isAttributesError, type AttributesErrorKind } from './errors.ts';

/** Cognito Identity's error types that another attempt later may get past. */
const cognitoKinds: Readonly<Record<string, AttributesErrorKind>> = {
  TooManyRequestsException: 'throttled',
  LimitExceededException: 'throttled',
  ThrottlingException: 'throttled',
  InternalErrorException: 'server',
  ServiceUnavailableException: 'server',
};

/**
 * What a request that got no answer throws: fetch's TypeError, the SDK's AbortError, a TimeoutError (the SDK's own
 * request timeout, or the client's deadline through `AbortSignal.timeout`).
 */
const unanswered: ReadonlySet<string> = new Set(['TypeError', 'NetworkError', 'TimeoutError', 'AbortError']);

/**
 * A failure of the Cognito credential provider (`fromCognitoIdentityPool`: GetId, GetCredentialsForIdentity, or the
 * page's own token function), as an AttributesError that says so: a sign-in or configuration error (`auth`) in the
 * service's own words (a wrong identity pool id is Cognito's ResourceNotFoundException, not Amazon Connect's), or,
 * when another attempt may help, `throttled`, `server` or `network` naming Cognito Identity.
 */
export function credentialsError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const name = typeof record.name === 'string' ? record.name : undefined;
  const rawStatus = record.$metadata?.httpStatusCode;
  const status = typeof rawStatus === 'number' ? rawStatus : undefined;
  const detail =
    typeof record.message === 'string' && record.message !== '' && record.message !== 'UnknownError'
      ? record.message
      : undefined;
  // A service's answer carries its status and error type; a thrown token function or a failed fetch carries neither.
  const awsType = status === undefined ? undefined : name;
  const kind =
    (awsType !== undefined && Object.hasOwn(cognitoKinds, awsType) ? cognitoKinds[awsType] : undefined) ??
    (status === 429 ? 'throttled' : status !== undefined && status >= 500 ? 'server' : undefined) ??
    (status === undefined && name !== undefined && unanswered.has(name) ? 'network' : 'auth');
  const message =
    kind === 'network'
      ? 'Could not reach Cognito Identity for AWS credentials (a network error, or access refused without CORS headers).'
      : kind === 'auth'
        ? `Could not get AWS credentials from Cognito Identity (check the sign-in and the identity pool): ${detail ?? name ?? 'no reason given.'}`
        : `Cognito Identity ${kind === 'throttled' ? 'is receiving too many requests right now' : 'had an internal error'}${detail ? `: ${detail}` : '.'}`;
  return new AttributesError(kind, message, { status, awsType, cause: error });
}

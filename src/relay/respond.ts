/**
 * The relay's request and response shapes, its errors in Connect's restJson1 shape (status, `x-amzn-errortype`, a body
 * with `message` and `Message`, so the plugin decodes them as it decodes Connect's), CORS, and the audit record.
 */
import type { Claims } from './auth.ts';

/** A request as the relay sees it, whatever carried it. Header names are lower case. */
export interface RelayRequest {
  method: string;
  path: string;
  /** The raw query string, without '?' ('' or absent when none). */
  query?: string;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
  /** Claims an API Gateway JWT authorizer verified (used only when the configuration says so). */
  authorizerClaims?: Claims;
  /** The gateway's request id, for the audit line; one is made when absent. */
  requestId?: string;
  /**
   * Aborted when the caller is gone (the Node server: the connection closed before the answer), so a browser that gave
   * up and retries does not wait behind the abandoned request's Connect calls. Lambda has no such signal.
   */
  signal?: AbortSignal;
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
  /** Queued mode: the write's id, at accept and when the worker settles it. */
  writeId?: string;
}

/** The default audit sink: one JSON line on stdout (CloudWatch Logs under Lambda). */
export const auditToStdout = (record: AuditRecord): void =>
  console.log(JSON.stringify({ relay: 'ccp-attributes', ...record }));

/** Headers a browser may send: the plugin's fetch client and, for a caller using the AWS SDK, its own. */
const allowHeaders = 'Authorization, Content-Type, X-Amz-User-Agent, amz-sdk-invocation-id, amz-sdk-request';
/** Unlike Connect, the relay exposes the error type, so a browser can read it. */
const exposeHeaders = 'x-amzn-errortype, x-amzn-requestid';

/** A refusal or failure answered in Connect's error shape; `reason` goes to the audit line only. */
export class RelayError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** The refusal of a contact the caller may not write; it does not tell whether the contact exists. */
export const notYours = (reason: string, detail = ''): RelayError =>
  new RelayError(
    403,
    'AccessDeniedException',
    `This contact is not yours${detail}: attributes can only be saved on contacts you are handling.`,
    reason,
  );

/** A RelayError as it is; anything else is an internal error (logged, never shown). */
export function asRelayError(error: unknown): RelayError {
  if (error instanceof RelayError) return error;
  console.error('ccp-attributes relay: unexpected error', error);
  return new RelayError(500, 'InternalServiceException', 'The relay had an internal error.', 'internal');
}

/** The CORS headers of a response to `origin`: none when it is not one of `origins`. */
export function corsHeaders(origin: string | undefined, origins: ReadonlySet<string>): Record<string, string> {
  return origin !== undefined && origins.has(origin)
    ? { 'access-control-allow-origin': origin, 'access-control-expose-headers': exposeHeaders, vary: 'Origin' }
    : {};
}

/** The answer to a preflight; an origin not listed gets no CORS headers, so the browser stops there. */
export function preflight(cors: Record<string, string>, methods: string): RelayResponse {
  const allowed = cors['access-control-allow-origin']
    ? {
        ...cors,
        'access-control-allow-methods': methods,
        'access-control-allow-headers': allowHeaders,
        'access-control-max-age': '600',
      }
    : {};
  return { statusCode: 204, headers: { ...allowed, vary: 'Origin' }, body: '' };
}

/** A JSON answer with the base headers (CORS, request id) and, for an error, its type. */
export function jsonResponse(
  base: Record<string, string>,
  status: number,
  payload: unknown,
  type?: string,
): RelayResponse {
  return {
    statusCode: status,
    headers: { ...base, 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) },
    body: JSON.stringify(payload),
  };
}

/** A RelayError as a response. */
export function errorResponse(base: Record<string, string>, failure: RelayError): RelayResponse {
  return jsonResponse(base, failure.status, { message: failure.message, Message: failure.message }, failure.type);
}

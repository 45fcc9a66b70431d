/**
 * SigV4 verification by recomputation: rebuild the request from what was received (method, raw path, query, the
 * headers named in SignedHeaders, body), sign it again with @smithy/signature-v4 under the credential scope of the
 * Authorization header, and compare signatures.
 *
 * Refusals and their wording follow AWS's authentication front door (status 403 throughout):
 * MissingAuthenticationTokenException (no Authorization), IncompleteSignatureException (malformed Authorization),
 * InvalidSignatureException (bad scope, clock skew over 5 minutes, signature mismatch), UnrecognizedClientException
 * (unknown access key, missing or wrong session token), ExpiredTokenException (temporary credentials past expiry).
 */
import { timingSafeEqual, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import { ApiError } from './errors.ts';

/** What the stand-in knows about an access key id. */
export interface KnownKey {
  /** The secret that signs with it. */
  secretAccessKey: string;
  /** For temporary (Cognito) credentials: the session token that must accompany them and when they expire. */
  temporary?: { sessionToken: string; expiresAtMs: number };
}

/** A received request, as the verifier needs it. */
export interface ReceivedRequest {
  method: string;
  /** Raw (still percent-encoded) path, without the query. */
  path: string;
  /** Raw query string without `?` (may be empty). */
  query: string;
  headers: IncomingHttpHeaders;
  body: Uint8Array;
}

/** Where and when the request is verified. */
export interface VerifyOptions {
  region: string;
  service: string;
  nowMs: number;
  lookup(accessKeyId: string): KnownKey | undefined;
}

/** Largest accepted difference between x-amz-date and the server clock (AWS: 5 minutes). */
export const maxClockSkewMs = 5 * 60 * 1000;

const algorithm = 'AWS4-HMAC-SHA256';
const signatureMismatch =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';

/** Verifies a SigV4-signed request; resolves to the access key id it was signed with, or throws an ApiError. */
export async function verifySigV4(request: ReceivedRequest, options: VerifyOptions): Promise<string> {
  const authorization = header(request.headers, 'authorization');
  if (authorization === undefined) throw refusal('MissingAuthenticationTokenException', 'Missing Authentication Token');
  const { credential, signedHeaders, signature } = parseAuthorization(authorization);

  const amzDate = header(request.headers, 'x-amz-date');
  if (amzDate === undefined) {
    throw refusal(
      'IncompleteSignatureException',
      "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.",
    );
  }
  const signingDate = parseAmzDate(amzDate);
  if (!signedHeaders.includes('host')) {
    throw refusal(
      'IncompleteSignatureException',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }

  const [accessKeyId = '', scopeDate = '', region = '', service = '', terminator = ''] = credential.split('/');
  if (scopeDate !== amzDate.slice(0, 8)) {
    throw refusal(
      'InvalidSignatureException',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${amzDate.slice(0, 8)}', from '${amzDate}'.`,
    );
  }
  if (region !== options.region)
    throw refusal('InvalidSignatureException', 'Credential should be scoped to a valid region. ');
  if (service !== options.service) {
    throw refusal(
      'InvalidSignatureException',
      `Credential should be scoped to correct service: '${options.service}'. `,
    );
  }
  if (terminator !== 'aws4_request') {
    throw refusal(
      'InvalidSignatureException',
      `Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `,
    );
  }
  checkClockSkew(signingDate, amzDate, options.nowMs);

  const key = options.lookup(accessKeyId);
  const token = header(request.headers, 'x-amz-security-token');
  const invalidToken = refusal('UnrecognizedClientException', 'The security token included in the request is invalid.');
  if (!key) throw invalidToken;
  if (key.temporary) {
    if (token === undefined || !sameText(token, key.temporary.sessionToken)) throw invalidToken;
    if (options.nowMs >= key.temporary.expiresAtMs) {
      throw refusal('ExpiredTokenException', 'The security token included in the request is expired');
    }
  } else if (token !== undefined) {
    throw invalidToken;
  }

  // @smithy/signature-v4 takes a present x-amz-content-sha256 header as the payload hash (getPayloadHash.js); a
  // non-S3 service hashes the body it received, so a header that disagrees with the body means a tampered request.
  const declaredHash = header(request.headers, 'x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash !== createHash('sha256').update(request.body).digest('hex')) {
    throw refusal('InvalidSignatureException', signatureMismatch);
  }

  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = header(request.headers, name);
    if (value === undefined) throw refusal('InvalidSignatureException', signatureMismatch);
    headers[name] = value;
  }
  // The session token is not given to the signer, which would otherwise add it as a signed header: it is signed
  // exactly when the client listed it. applyChecksum: false for the same reason with x-amz-content-sha256.
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey: key.secretAccessKey },
    region,
    service,
    sha256: Sha256,
    applyChecksum: false,
  });
  const recomputed = await signer.sign(
    new HttpRequest({
      method: request.method,
      protocol: 'http:',
      hostname: headers['host'] ?? '',
      path: request.path,
      query: parseQuery(request.query),
      headers,
      body: request.body.byteLength > 0 ? request.body : undefined,
    }),
    { signingDate, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]+)/.exec(String(recomputed.headers['authorization']))?.[1] ?? '';
  if (!sameText(signature, expected)) throw refusal('InvalidSignatureException', signatureMismatch);
  return accessKeyId;
}

/** Splits `AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`. */
function parseAuthorization(value: string): { credential: string; signedHeaders: string[]; signature: string } {
  const space = value.indexOf(' ');
  const scheme = space < 0 ? value : value.slice(0, space);
  if (scheme !== algorithm) throw refusal('IncompleteSignatureException', `Unsupported AWS 'algorithm': '${scheme}'.`);
  const parts = new Map<string, string>();
  for (const part of value.slice(space + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) parts.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((name) => !parts.get(name));
  if (missing.length > 0) {
    throw refusal(
      'IncompleteSignatureException',
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '),
    );
  }
  const credential = parts.get('Credential') ?? '';
  if (credential.split('/').length !== 5) {
    throw refusal(
      'IncompleteSignatureException',
      `Credential should have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${credential.split('/').slice(1).join('/')}'`,
    );
  }
  return {
    credential,
    signedHeaders: (parts.get('SignedHeaders') ?? '').split(';'),
    signature: parts.get('Signature') ?? '',
  };
}

/** `20260102T030405Z` -> Date; anything else is refused as AWS does. */
function parseAmzDate(value: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!match) {
    throw refusal(
      'IncompleteSignatureException',
      `Date must be in ISO-8601 'basic format'. Got '${value}'. See http://en.wikipedia.org/wiki/ISO_8601`,
    );
  }
  const [, y, mo, d, h, mi, s] = match.map(Number);
  return new Date(Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 0, h ?? 0, mi ?? 0, s ?? 0));
}

/** AWS refuses a signature dated more than 5 minutes from its clock, in either direction, with these words. */
function checkClockSkew(signingDate: Date, amzDate: string, nowMs: number): void {
  const now = basicFormat(nowMs);
  if (signingDate.getTime() < nowMs - maxClockSkewMs) {
    throw refusal(
      'InvalidSignatureException',
      `Signature expired: ${amzDate} is now earlier than ${basicFormat(nowMs - maxClockSkewMs)} (${now} - 5 min.)`,
    );
  }
  if (signingDate.getTime() > nowMs + maxClockSkewMs) {
    throw refusal(
      'InvalidSignatureException',
      `Signature not yet current: ${amzDate} is still later than ${basicFormat(nowMs + maxClockSkewMs)} (${now} + 5 min.)`,
    );
  }
}

function basicFormat(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function parseQuery(raw: string): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(raw)) {
    const previous = query[name];
    query[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return query;
}

/** One header's value; Node joins repeated headers with ", " as a SigV4 signer would. */
function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function refusal(type: string, message: string): ApiError {
  return new ApiError(403, type, message);
}

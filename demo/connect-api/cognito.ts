/**
 * Cognito Identity's GetId and GetCredentialsForIdentity (awsJson1.1, `X-Amz-Target: AWSCognitoIdentityService.*`,
 * unsigned: the SDK picks `smithy.api#noAuth` for both, @aws-sdk/nested-clients cognito-identity
 * auth/httpAuthSchemeProvider.js), issuing temporary credentials the Connect side then accepts. A login is the id
 * token of the configured user pool, verified (signature, issuer, audience, expiry) by `verifyLogin`; the identity
 * follows the token's `sub`, so every sign-in of one user gets the same IdentityId, as in Cognito.
 *
 * Errors: the model gives NotAuthorizedException httpError 403, but Cognito Identity is an awsJson service and answers
 * client errors with HTTP 400 and `__type` (the SDK classifies by `__type`, so both parse identically).
 * `Credentials.Expiration` is a timestamp in awsJson's default format, epoch seconds as a JSON number (schemas_0.js
 * `Credentials$` member type 4, parsed by the awsJson codec).
 */
import { createHash, randomBytes } from 'node:crypto';
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';
import type { KnownKey } from './sigv4.ts';

/** The resolved identity pool settings. */
export interface PoolSettings {
  region: string;
  identityPoolId: string;
  loginProvider: string;
  /** Verifies a login token of the provider; resolves to the user's stable subject, rejects when the token is not valid. */
  verifyLogin: (token: string) => Promise<string>;
  authenticatedOnly: boolean;
}

/** The two Cognito Identity actions the stand-in serves. */
export type CognitoAction = 'GetId' | 'GetCredentialsForIdentity';

const base32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Identities and the temporary credentials issued to them. */
export class CognitoPool {
  readonly #settings: PoolSettings;
  /** Unauthenticated identities handed out (only when authenticatedOnly is false). */
  readonly #guests = new Set<string>();
  /** Authenticated identities handed out, so an unknown id can be told from one used without its login. */
  readonly #members = new Set<string>();
  readonly #issued = new Map<string, Required<KnownKey>>();

  constructor(settings: PoolSettings) {
    this.#settings = settings;
  }

  /** The secret (and session token and expiry) of credentials this pool issued. */
  lookup(accessKeyId: string): KnownKey | undefined {
    return this.#issued.get(accessKeyId);
  }

  /** Forgets issued credentials (identities are kept: authenticated ids are derived from the login anyway). */
  revokeCredentials(): void {
    this.#issued.clear();
  }

  /** Answers one awsJson1.1 action; throws ApiError (status 400) for refusals. */
  async handle(
    action: CognitoAction,
    body: unknown,
    nowMs: number,
    ttlSeconds: number,
  ): Promise<Record<string, unknown>> {
    if (!isRecord(body))
      throw new ApiError(400, 'SerializationException', 'Start of structure or map found where not expected.');
    return action === 'GetId' ? this.#getId(body) : this.#getCredentials(body, nowMs, ttlSeconds);
  }

  async #getId(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const poolId = body['IdentityPoolId'];
    if (typeof poolId !== 'string' || poolId.length === 0) {
      throw new ApiError(
        400,
        'InvalidParameterException',
        "1 validation error detected: Value null at 'identityPoolId' failed to satisfy constraint: Member must not be null",
      );
    }
    if (poolId !== this.#settings.identityPoolId)
      throw new ApiError(400, 'ResourceNotFoundException', `IdentityPool '${poolId}' not found.`);
    const subject = await this.#loginSubject(body['Logins']);
    if (subject === undefined) {
      if (this.#settings.authenticatedOnly) {
        throw new ApiError(
          400,
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      }
      const identityId = `${this.#settings.region}:${uuidFromBytes(randomBytes(16))}`;
      this.#guests.add(identityId);
      return { IdentityId: identityId };
    }
    const identityId = this.#identityFor(subject);
    this.#members.add(identityId);
    return { IdentityId: identityId };
  }

  async #getCredentials(
    body: Record<string, unknown>,
    nowMs: number,
    ttlSeconds: number,
  ): Promise<Record<string, unknown>> {
    const identityId = body['IdentityId'];
    if (typeof identityId !== 'string' || identityId.length === 0) {
      throw new ApiError(
        400,
        'InvalidParameterException',
        "1 validation error detected: Value null at 'identityId' failed to satisfy constraint: Member must not be null",
      );
    }
    const subject = await this.#loginSubject(body['Logins']);
    if (subject === undefined) {
      if (this.#members.has(identityId))
        throw new ApiError(
          400,
          'NotAuthorizedException',
          'Invalid login token. Missing a required login for this identity.',
        );
      if (!this.#guests.has(identityId))
        throw new ApiError(400, 'ResourceNotFoundException', `Identity '${identityId}' not found.`);
      if (this.#settings.authenticatedOnly) {
        throw new ApiError(
          400,
          'NotAuthorizedException',
          'Unauthenticated access is not supported for this identity pool.',
        );
      }
    } else if (this.#identityFor(subject) !== identityId) {
      throw new ApiError(
        400,
        'NotAuthorizedException',
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
      );
    }
    const accessKeyId = `ASIA${[...randomBytes(16)].map((byte) => base32[byte % 32]).join('')}`;
    const secretAccessKey = randomBytes(30).toString('base64');
    const sessionToken = randomBytes(96).toString('base64');
    const expiresAtMs = nowMs + ttlSeconds * 1000;
    this.#issued.set(accessKeyId, { secretAccessKey, temporary: { sessionToken, expiresAtMs } });
    return {
      IdentityId: identityId,
      Credentials: {
        AccessKeyId: accessKeyId,
        SecretKey: secretAccessKey,
        SessionToken: sessionToken,
        Expiration: Math.floor(expiresAtMs / 1000),
      },
    };
  }

  /** The verified subject of the configured provider's token in a Logins map; undefined when there is no Logins map at all. */
  async #loginSubject(logins: unknown): Promise<string | undefined> {
    if (logins === undefined || logins === null || (isRecord(logins) && Object.keys(logins).length === 0))
      return undefined;
    if (!isRecord(logins))
      throw new ApiError(400, 'InvalidParameterException', 'Logins must be a map of provider names to tokens.');
    const token = logins[this.#settings.loginProvider];
    if (token === undefined)
      throw new ApiError(
        400,
        'NotAuthorizedException',
        'Token is not from a supported provider of this identity pool.',
      );
    if (typeof token !== 'string') throw new ApiError(400, 'NotAuthorizedException', 'Invalid login token.');
    try {
      return await this.#settings.verifyLogin(token);
    } catch (error) {
      throw new ApiError(
        400,
        'NotAuthorizedException',
        `Invalid login token. ${error instanceof Error ? error.message : ''}`.trim(),
      );
    }
  }

  /** Cognito returns the same IdentityId for the same user: derive it from pool, provider and the token's subject. */
  #identityFor(subject: string): string {
    const digest = createHash('sha256')
      .update(`${this.#settings.identityPoolId}\n${this.#settings.loginProvider}\n${subject}`)
      .digest();
    return `${this.#settings.region}:${uuidFromBytes(digest)}`;
  }
}

/** Formats 16 bytes as a version-4 UUID string. */
function uuidFromBytes(bytes: Uint8Array): string {
  const b = Uint8Array.from(bytes.subarray(0, 16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

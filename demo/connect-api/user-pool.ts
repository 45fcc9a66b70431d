/**
 * A Cognito user pool stand-in: an RS256 key pair made at start, the pool's JWKS at
 * `<issuer>/.well-known/jwks.json` (the path Cognito serves it at, under a loopback issuer URL), and
 * InitiateAuth (`USER_PASSWORD_AUTH`, awsJson1.1, `X-Amz-Target: AWSCognitoIdentityProviderService.InitiateAuth`)
 * issuing an id token and an access token with Cognito's claims for the demo agents, and UpdateUserAttributes, with
 * which a signed-in user rewrites their own attributes within what their app client may write
 * (demo/connect-api/user-attributes.ts).
 *
 * Token claims follow Cognito's documented id and access tokens ("Understanding user pool JSON web tokens" in the
 * Cognito developer guide): the id token carries `aud` = app client id, `token_use: 'id'`, `cognito:username`; the
 * access token carries `client_id`, `token_use: 'access'`, `username`, `scope`. Attributes appear in the id token
 * (`email`, `email_verified`, custom ones as `custom:<name>`); each demo agent has `custom:connect_user_id`, its Amazon
 * Connect user id, which the agent desktop's app client may not write by default.
 *
 * Signing is a few lines of node:crypto (no JWT-signing library is a dependency; verification, the part that must
 * be right, goes through aws-jwt-verify).
 */
import { createPrivateKey, generateKeyPairSync, randomUUID, sign, type KeyObject, type JsonWebKey } from 'node:crypto';
import { JwtVerifier } from 'aws-jwt-verify';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';
import { UserAttributes } from './user-attributes.ts';

/** A demo agent who can sign in. */
export interface PoolUser {
  /** Cognito username, equal to the agent's Amazon Connect username. */
  username: string;
  password: string;
  /** The agent's Amazon Connect user id (the last part of its agent ARN). */
  connectUserId: string;
  /** The user pool groups the user belongs to (tokens carry them as `cognito:groups`); only administrators set them. */
  groups?: readonly string[];
}

/** Settings of the user pool. */
export interface UserPoolSettings {
  region: string;
  userPoolId: string;
  /** App clients allowed to sign in; the first is the agent desktop's. */
  clientIds: readonly string[];
  users: readonly PoolUser[];
  /**
   * Per app client, the attributes its users may write with UpdateUserAttributes (the client's WriteAttributes). A
   * client left out has Cognito's default, taken at its widest: every attribute but `sub`, custom ones included.
   */
  writeAttributes: Readonly<Record<string, readonly string[]>>;
  tokenTtlSeconds: number;
  /** The issuer URL, known once the server listens (`<base URL>/<userPoolId>`). */
  issuer: () => string;
}

/** The tokens one sign-in returns. */
export interface IssuedTokens {
  idToken: string;
  accessToken: string;
  expiresIn: number;
}

/** The demo agents: the stand-in CCP's default agent (agent.smith) and a second one to try another agent's contact. */
export const demoUsers: readonly PoolUser[] = [
  { username: 'agent.smith', password: 'demo-password', connectUserId: 'agent-agent-smith' },
  { username: 'agent.jones', password: 'demo-password', connectUserId: 'agent-agent-jones' },
];

/** The demo's reviewer (demo/review/): in the `reviewers` group, which the demo relay's reviewers setting names. */
export const demoReviewer: PoolUser = {
  username: 'qa.lee',
  password: 'demo-password',
  connectUserId: 'agent-qa-lee',
  groups: ['reviewers'],
};

/** Encodes a JWT header and payload and signs them with RS256. */
export function signJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  privateKey: KeyObject,
): string {
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode(header)}.${encode(payload)}`;
  return `${input}.${sign('RSA-SHA256', Buffer.from(input), privateKey).toString('base64url')}`;
}

/** A fresh RS256 key pair with its public JWK (`kid`, `alg`, `use` set). */
export function makeSigningKey(kid: string = randomUUID()): { kid: string; privateKey: KeyObject; jwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    kid,
    privateKey: createPrivateKey(privateKey.export({ format: 'pem', type: 'pkcs8' })),
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' },
  };
}

/** The user pool: keys, sign-in and verification of its own id tokens (for Cognito Identity). */
export class UserPool {
  readonly #settings: UserPoolSettings;
  readonly #key = makeSigningKey();
  #verifier: { verify(token: string): Promise<JwtPayload> } | undefined;
  #accessVerifier: { verify(token: string): Promise<JwtPayload> } | undefined;
  /** Stable `sub` per username, as Cognito keeps one per user. */
  readonly #subs = new Map<string, string>();
  readonly #attributes: UserAttributes;

  constructor(settings: UserPoolSettings) {
    this.#settings = settings;
    this.#attributes = new UserAttributes(settings.users, settings.writeAttributes);
  }

  /** Puts every user's attributes back as they were at start. */
  resetAttributes(): void {
    this.#attributes.reset();
  }

  /**
   * UpdateUserAttributes: the caller's access token (verified like any token of the pool, with Cognito's scope) names
   * the user and the app client; the client's write attributes decide what may change. Throws ApiError (status 400).
   */
  async updateUserAttributes(body: unknown): Promise<Record<string, unknown>> {
    if (!isRecord(body))
      throw new ApiError(400, 'SerializationException', 'Start of structure or map found where not expected.');
    const { AccessToken } = body;
    if (typeof AccessToken !== 'string' || AccessToken.length === 0)
      throw new ApiError(400, 'InvalidParameterException', 'Missing required parameter AccessToken');
    let claims: JwtPayload;
    try {
      claims = await this.#verifyAccessToken(AccessToken);
    } catch (error) {
      const expired = error instanceof Error && error.name === 'JwtExpiredError';
      throw new ApiError(400, 'NotAuthorizedException', expired ? 'Access Token has expired' : 'Invalid Access Token');
    }
    const { scope, client_id: clientId, username } = claims;
    if (typeof scope !== 'string' || !scope.split(' ').includes('aws.cognito.signin.user.admin'))
      throw new ApiError(400, 'NotAuthorizedException', 'Access Token does not have required scopes');
    if (typeof clientId !== 'string' || typeof username !== 'string' || !this.#settings.clientIds.includes(clientId))
      throw new ApiError(400, 'NotAuthorizedException', 'Invalid Access Token');
    return this.#attributes.update(username, clientId, body['UserAttributes']);
  }

  /** The pool's public keys, as served at its well-known JWKS path. */
  jwks(): { keys: JsonWebKey[] } {
    return { keys: [this.#key.jwk] };
  }

  /** InitiateAuth with USER_PASSWORD_AUTH; throws ApiError (status 400) for refusals, with Cognito's types. */
  initiateAuth(body: unknown, nowMs: number, ttlSeconds?: number): Record<string, unknown> {
    if (!isRecord(body))
      throw new ApiError(400, 'SerializationException', 'Start of structure or map found where not expected.');
    const { AuthFlow, ClientId, AuthParameters } = body;
    if (AuthFlow !== 'USER_PASSWORD_AUTH')
      throw new ApiError(400, 'InvalidParameterException', 'The stand-in supports AuthFlow USER_PASSWORD_AUTH only.');
    if (typeof ClientId !== 'string' || !this.#settings.clientIds.includes(ClientId)) {
      throw new ApiError(400, 'ResourceNotFoundException', `User pool client ${String(ClientId)} does not exist.`);
    }
    const username = isRecord(AuthParameters) ? AuthParameters['USERNAME'] : undefined;
    const password = isRecord(AuthParameters) ? AuthParameters['PASSWORD'] : undefined;
    const user = this.#settings.users.find((candidate) => candidate.username === username);
    // One answer for an unknown user and a wrong password (Cognito's "prevent user existence errors").
    if (!user || user.password !== password)
      throw new ApiError(400, 'NotAuthorizedException', 'Incorrect username or password.');
    const tokens = this.issue(user.username, nowMs, ClientId, ttlSeconds);
    return {
      AuthenticationResult: {
        IdToken: tokens.idToken,
        AccessToken: tokens.accessToken,
        ExpiresIn: tokens.expiresIn,
        TokenType: 'Bearer',
      },
      ChallengeParameters: {},
    };
  }

  /** Tokens for a known user, issued at nowMs for an app client (the first by default), valid `ttlSeconds`. */
  issue(
    username: string,
    nowMs: number,
    clientId: string = this.#settings.clientIds[0] ?? '',
    ttlSeconds: number = this.#settings.tokenTtlSeconds,
  ): IssuedTokens {
    const user = this.#settings.users.find((candidate) => candidate.username === username);
    if (!user) throw new TypeError(`user pool: no user ${username}`);
    let sub = this.#subs.get(username);
    if (!sub) this.#subs.set(username, (sub = randomUUID()));
    const iat = Math.floor(nowMs / 1000);
    const exp = iat + ttlSeconds;
    const header = { kid: this.#key.kid, alg: 'RS256' };
    const common = {
      sub,
      ...(user.groups?.length ? { 'cognito:groups': [...user.groups] } : {}),
      iss: this.#settings.issuer(),
      auth_time: iat,
      iat,
      exp,
      origin_jti: randomUUID(),
      event_id: randomUUID(),
    };
    const idToken = signJwt(
      header,
      {
        ...common,
        ...this.#attributes.claims(user.username),
        aud: clientId,
        token_use: 'id',
        'cognito:username': user.username,
        jti: randomUUID(),
      },
      this.#key.privateKey,
    );
    const accessToken = signJwt(
      header,
      {
        ...common,
        client_id: clientId,
        token_use: 'access',
        scope: 'aws.cognito.signin.user.admin',
        username: user.username,
        jti: randomUUID(),
      },
      this.#key.privateKey,
    );
    return { idToken, accessToken, expiresIn: ttlSeconds };
  }

  #verifyAccessToken(token: string): Promise<JwtPayload> {
    if (!this.#accessVerifier) {
      const issuer = this.#settings.issuer();
      const verifier = JwtVerifier.create({
        issuer,
        audience: null,
        jwksUri: `${issuer}/.well-known/jwks.json`,
        customJwtCheck: ({ payload }) => {
          if (payload['token_use'] !== 'access') throw new Error('UpdateUserAttributes takes an access token.');
        },
      });
      verifier.cacheJwks(this.jwks() as Parameters<typeof verifier.cacheJwks>[0]);
      this.#accessVerifier = verifier;
    }
    return this.#accessVerifier.verify(token);
  }

  /**
   * Verifies an id token of this pool (signature, issuer, audience = one of the app clients, expiry, token use) with
   * aws-jwt-verify, as Cognito Identity does for a user pool login; resolves to its claims.
   */
  verifyIdToken(token: string): Promise<JwtPayload> {
    if (!this.#verifier) {
      const issuer = this.#settings.issuer();
      const verifier = JwtVerifier.create({
        issuer,
        audience: [...this.#settings.clientIds],
        jwksUri: `${issuer}/.well-known/jwks.json`,
        customJwtCheck: ({ payload }) => {
          if (payload['token_use'] !== 'id') throw new Error('Cognito Identity takes the id token of a user pool.');
        },
      });
      // The pool holds its own keys: cache them instead of fetching its own JWKS over HTTP.
      verifier.cacheJwks(this.jwks() as Parameters<typeof verifier.cacheJwks>[0]);
      this.#verifier = verifier;
    }
    return this.#verifier.verify(token);
  }
}

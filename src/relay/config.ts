/**
 * The relay's configuration: one JSON shape for the Node server's `--config relay.json` and the Lambda's
 * `RELAY_CONFIG` environment variable, checked once at start with an error naming every wrong field.
 */
import { checkQueue, type RelayQueue } from './queue-config.ts';
import { checkOutcomes, type RelayOutcomes } from './outcomes-config.ts';
import { checkReviewers, type RelayReviewers } from './review-config.ts';

/** How the caller is authenticated. */
export type RelayAuth =
  | {
      /** Any OpenID Connect issuer, verified with aws-jwt-verify's `JwtVerifier` against its JWKS. */
      type: 'oidc';
      /** The exact `iss` of the tokens. */
      issuer: string;
      /** Accepted `aud` values (for Cognito access tokens, which carry no `aud`, use type 'cognito'). */
      audience: string[];
      /** Default `<issuer>/.well-known/jwks.json`. Must be https, except on a loopback host. */
      jwksUri?: string;
    }
  | {
      /** An Amazon Cognito user pool, verified with aws-jwt-verify's `CognitoJwtVerifier`. */
      type: 'cognito';
      userPoolId: string;
      /** Accepted app client ids (`aud` of id tokens, `client_id` of access tokens). */
      clientId: string[];
      tokenUse: 'id' | 'access';
    }
  | {
      /**
       * Behind an API Gateway HTTP API JWT authorizer: API Gateway verified the token and the relay reads the
       * verified claims from the event (`requestContext.authorizer.jwt.claims`). Lambda entry point only.
       */
      type: 'api-gateway-jwt-authorizer';
    };

/**
 * How the caller's token maps to an Amazon Connect user. The claim decides whose contacts the caller may write, so it
 * must be one the agent cannot change. Safe without more ado: the Cognito username, fixed when the user is created,
 * which id tokens carry as `cognito:username` and access tokens as `username`. Any other claim needs
 * `agentsCannotChangeClaim: true`: a Cognito user rewrites their own custom attributes and `email` with their access
 * token (UpdateUserAttributes) unless no app client of the pool lists them in its write attributes, and another
 * issuer's claims are only as fixed as its directory makes them.
 */
export type RelayUserMapping = (
  | {
      /** A claim holding the Connect user id, e.g. a Cognito custom attribute no app client may write. */
      userIdClaim: string;
    }
  | {
      /** A claim holding the Connect username (`cognito:username`, `username`), resolved with SearchUsers. */
      usernameClaim: string;
      /** How long a resolved username is remembered; default 300. */
      cacheTtlSeconds?: number;
    }
) & {
  /**
   * Confirms that agents cannot change the claim: required for every claim but `cognito:username` and a Cognito
   * `username`. Set it only once no app client of the user pool may write the attribute (or the identity provider
   * alone sets the claim, from data only administrators change).
   */
  agentsCannotChangeClaim?: boolean;
};

/** The relay's settings. */
export interface RelayConfig {
  /** The Amazon Connect instance the relay writes to: `arn:aws:connect:<region>:<account>:instance/<instanceId>`. */
  instanceArn: string;
  auth: RelayAuth;
  user: RelayUserMapping;
  /** How long after its disconnect (or the end of after-contact work) a contact can still be written; default 3600. */
  ownershipWindowSeconds?: number;
  /** Key prefixes agents may write (when given, every key must start with one of them). */
  allowKeyPrefixes?: string[];
  /** Key prefixes agents may not write. */
  denyKeyPrefixes?: string[];
  /** Browser origins allowed by CORS (exact, e.g. `https://agents.example.com`). None: no CORS headers at all. */
  allowedOrigins?: string[];
  /**
   * The Connect endpoint, for a stand-in; default: the region's public endpoint. https, or plain http on a loopback
   * host only: ownership is decided on DescribeContact's answers, which anyone on the path could forge in clear text.
   */
  connectEndpoint?: string;
  /**
   * How long the relay waits on Amazon Connect for one request, its calls and the SDK's retries together (ms, 100 to
   * 29,000, default 8,000: below the CDK stack's 10 s Lambda timeout and API Gateway's 30 s integration limit). Past
   * it the answer is a retryable 503, and the browser sends again.
   */
  connectTimeoutMs?: number;
  /**
   * How many SearchContacts calls a second this relay makes for agents' recent-contacts lists (0.1 to 100, default 1;
   * bursts of twice that): below the action's quota, which the account's other users of it share.
   */
  searchesPerSecond?: number;
  /** Supervisors, QA, legal: who may write any contact of the instance, and which keys (src/relay/review-config.ts). */
  reviewers?: RelayReviewers;
  /**
   * Queued mode: the relay checks the caller, the request and its policy, hands the write to this SQS FIFO queue and
   * answers 202; a worker (src/relay/worker.ts) checks ownership and lands it at Connect's pace.
   */
  queue?: RelayQueue;
  /**
   * Where the outcomes of queued writes are kept (a DynamoDB table), read back by the caller with
   * `GET /contact/attributes/outcomes?since=<ms>`.
   */
  outcomes?: RelayOutcomes;
}

/** A configuration with every default filled in and the instance ARN taken apart. */
export interface ResolvedRelayConfig extends RelayConfig {
  region: string;
  instanceId: string;
  ownershipWindowSeconds: number;
  allowKeyPrefixes: string[];
  denyKeyPrefixes: string[];
  allowedOrigins: string[];
  connectTimeoutMs: number;
  searchesPerSecond: number;
  reviewers?: RelayReviewers;
}

/** The issuer URL of a Cognito user pool, whose access tokens carry the username as `username`. */
const cognitoIssuerPattern = /^https:\/\/cognito-idp\.[a-z0-9-]+\.amazonaws\.com\/[a-z0-9-]+_[A-Za-z0-9]+$/;

/** An instance ARN: `arn:<partition>:connect:<region>:<account>:instance/<instanceId>`. */
const instanceArnPattern = /^arn:aws[a-z-]*:connect:([a-z0-9-]+):(\d{12}):instance\/([A-Za-z0-9-]{1,100})$/;
const loopbackHosts = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The region, account and instance id of an instance ARN, or undefined when it is not one. */
export function parseInstanceArn(arn: string): { region: string; account: string; instanceId: string } | undefined {
  const match = instanceArnPattern.exec(arn);
  if (!match) return undefined;
  const [, region = '', account = '', instanceId = ''] = match;
  return { region, account, instanceId };
}

/**
 * Checks a parsed JSON configuration; throws a TypeError listing every problem. A configuration it resolved before
 * resolves to the same (its `region` and `instanceId` must still be the instance ARN's).
 */
export function resolveRelayConfig(value: unknown): ResolvedRelayConfig {
  const problems: string[] = [];
  if (!isObject(value)) throw new TypeError('relay config: expected a JSON object');
  const instanceArn = value['instanceArn'];
  const arn = typeof instanceArn === 'string' ? parseInstanceArn(instanceArn) : undefined;
  if (!arn)
    problems.push('instanceArn must be an instance ARN, arn:aws:connect:<region>:<account>:instance/<instanceId>');

  const auth = checkAuth(value['auth'], problems);
  const user = checkUser(value['user'], auth, problems);
  const window = value['ownershipWindowSeconds'] ?? 3600;
  if (typeof window !== 'number' || !Number.isInteger(window) || window < 0)
    problems.push('ownershipWindowSeconds must be a whole number of seconds, 0 or more');
  const allow = stringList(value, 'allowKeyPrefixes', problems, /^[A-Za-z0-9_-]+$/);
  const deny = stringList(value, 'denyKeyPrefixes', problems, /^[A-Za-z0-9_-]+$/);
  const origins = stringList(value, 'allowedOrigins', problems, /^https?:\/\/[^/\s]+$/);
  const endpoint = value['connectEndpoint'];
  if (endpoint !== undefined && (typeof endpoint !== 'string' || !safeUrl(endpoint)))
    problems.push('connectEndpoint must be an https URL (http only on a loopback host)');
  const timeout = value['connectTimeoutMs'] ?? 8000;
  if (typeof timeout !== 'number' || !Number.isInteger(timeout) || timeout < 100 || timeout > 29_000)
    problems.push('connectTimeoutMs must be a whole number of milliseconds from 100 to 29000');
  const searches = value['searchesPerSecond'] ?? 1;
  if (typeof searches !== 'number' || !(searches >= 0.1 && searches <= 100))
    problems.push('searchesPerSecond must be a number from 0.1 to 100');
  const reviewers = checkReviewers(value['reviewers'], problems);
  const queue = checkQueue(value['queue'], problems);
  const outcomes = checkOutcomes(value['outcomes'], problems);
  for (const derived of ['region', 'instanceId'] as const) {
    if (value[derived] !== undefined && (!arn || value[derived] !== arn[derived]))
      problems.push(`${derived} must match instanceArn (or be left out)`);
  }
  const known = new Set([
    'instanceArn',
    'auth',
    'user',
    'ownershipWindowSeconds',
    'allowKeyPrefixes',
    'denyKeyPrefixes',
    'allowedOrigins',
    'connectEndpoint',
    'connectTimeoutMs',
    'searchesPerSecond',
    'reviewers',
    'queue',
    'outcomes',
    'region',
    'instanceId',
  ]);
  for (const key of Object.keys(value)) if (!known.has(key)) problems.push(`unknown setting ${key}`);

  if (problems.length > 0 || !arn || !auth || !user) throw new TypeError(`relay config: ${problems.join('; ')}`);
  const resolved: ResolvedRelayConfig = {
    instanceArn: String(instanceArn),
    region: arn.region,
    instanceId: arn.instanceId,
    auth,
    user,
    ownershipWindowSeconds: Number(window),
    allowKeyPrefixes: allow,
    denyKeyPrefixes: deny,
    allowedOrigins: origins,
    connectTimeoutMs: Number(timeout),
    searchesPerSecond: Number(searches),
    ...(reviewers ? { reviewers } : {}),
  };
  if (typeof endpoint === 'string') resolved.connectEndpoint = endpoint.replace(/\/+$/, '');
  if (queue) resolved.queue = queue;
  if (outcomes) resolved.outcomes = outcomes;
  return resolved;
}

function checkAuth(auth: unknown, problems: string[]): RelayAuth | undefined {
  if (!isObject(auth)) {
    problems.push("auth must be an object with type 'oidc', 'cognito' or 'api-gateway-jwt-authorizer'");
    return undefined;
  }
  const type = auth['type'];
  if (type === 'api-gateway-jwt-authorizer') return { type };
  if (type === 'oidc') {
    const issuer = auth['issuer'];
    const audience = auth['audience'];
    const jwksUri =
      auth['jwksUri'] ??
      (typeof issuer === 'string' ? `${issuer.replace(/\/+$/, '')}/.well-known/jwks.json` : undefined);
    if (typeof issuer !== 'string' || !/^https?:\/\//.test(issuer))
      problems.push('auth.issuer must be the URL of the token issuer');
    const audiences = typeof audience === 'string' ? [audience] : audience;
    if (
      !Array.isArray(audiences) ||
      audiences.length === 0 ||
      !audiences.every((entry) => typeof entry === 'string' && entry.length > 0)
    ) {
      problems.push('auth.audience must be a non-empty string or list of strings (the accepted aud values)');
    }
    if (typeof jwksUri !== 'string' || !safeUrl(jwksUri))
      problems.push('auth.jwksUri must be an https URL (http only on a loopback host)');
    if (typeof issuer !== 'string' || !Array.isArray(audiences) || typeof jwksUri !== 'string') return undefined;
    return { type, issuer, audience: audiences.map(String), jwksUri };
  }
  if (type === 'cognito') {
    const userPoolId = auth['userPoolId'];
    const clientId = auth['clientId'];
    const tokenUse = auth['tokenUse'];
    if (typeof userPoolId !== 'string' || !/^[a-z]{2}-[a-z]+-\d_[A-Za-z0-9]+$/.test(userPoolId))
      problems.push('auth.userPoolId must be a user pool id, <region>_<id>');
    const clients = typeof clientId === 'string' ? [clientId] : clientId;
    if (
      !Array.isArray(clients) ||
      clients.length === 0 ||
      !clients.every((entry) => typeof entry === 'string' && entry.length > 0)
    ) {
      problems.push('auth.clientId must be a non-empty string or list of app client ids');
    }
    if (tokenUse !== 'id' && tokenUse !== 'access') problems.push("auth.tokenUse must be 'id' or 'access'");
    if (typeof userPoolId !== 'string' || !Array.isArray(clients) || (tokenUse !== 'id' && tokenUse !== 'access'))
      return undefined;
    return { type, userPoolId, clientId: clients.map(String), tokenUse };
  }
  problems.push("auth.type must be 'oidc', 'cognito' or 'api-gateway-jwt-authorizer'");
  return undefined;
}

function checkUser(user: unknown, auth: RelayAuth | undefined, problems: string[]): RelayUserMapping | undefined {
  const oneClaim =
    'user must name exactly one claim: {"userIdClaim": "..."} (the Connect user id) or {"usernameClaim": "..."} (the Connect username)';
  if (!isObject(user)) {
    problems.push(oneClaim);
    return undefined;
  }
  const { userIdClaim, usernameClaim, agentsCannotChangeClaim: confirmed } = user;
  const named = (claim: unknown): claim is string => typeof claim === 'string' && claim.length > 0;
  const byId = userIdClaim !== undefined;
  if (byId === (usernameClaim !== undefined) || !named(byId ? userIdClaim : usernameClaim)) {
    problems.push(oneClaim);
    return undefined;
  }
  if (confirmed !== undefined && typeof confirmed !== 'boolean')
    problems.push('user.agentsCannotChangeClaim must be true or false');
  for (const key of Object.keys(user))
    if (!['userIdClaim', 'usernameClaim', 'cacheTtlSeconds', 'agentsCannotChangeClaim'].includes(key))
      problems.push(`unknown setting user.${key}`);
  const field = byId ? 'userIdClaim' : 'usernameClaim';
  const claim = String(byId ? userIdClaim : usernameClaim);
  if (auth?.type === 'cognito' && field === 'usernameClaim' && (claim === 'username' || claim === 'cognito:username')) {
    const expected = auth.tokenUse === 'id' ? 'cognito:username' : 'username';
    if (claim !== expected)
      problems.push(
        `user.usernameClaim must be '${expected}' with ${auth.tokenUse} tokens: id tokens carry the username as cognito:username, access tokens as username`,
      );
  }
  if (field === 'userIdClaim' || !usernameIsFixed(claim, auth)) {
    if (confirmed !== true) problems.push(changeableClaim(`user.${field}`, claim, 'agentsCannotChangeClaim: true'));
  }
  const acknowledgement = confirmed === true ? { agentsCannotChangeClaim: true } : {};
  if (field === 'userIdClaim') return { userIdClaim: claim, ...acknowledgement };
  const ttl = user['cacheTtlSeconds'] ?? 300;
  if (typeof ttl !== 'number' || !Number.isInteger(ttl) || ttl < 0) {
    problems.push('user.cacheTtlSeconds must be a whole number of seconds, 0 or more');
    return undefined;
  }
  return { usernameClaim: claim, cacheTtlSeconds: ttl, ...acknowledgement };
}

/**
 * Whether a username claim is the Cognito username, which nobody can change once the user exists: `cognito:username`
 * (id tokens; only Cognito issues it), or `username` in the access tokens of a Cognito user pool (another issuer may
 * fill a claim of that name from anything). Behind API Gateway the deployment checked the issuer (deploy/settings.ts).
 */
function usernameIsFixed(claim: string, auth: RelayAuth | undefined): boolean {
  if (claim === 'cognito:username') return true;
  if (claim !== 'username' || !auth) return false;
  return auth.type !== 'oidc' || cognitoIssuerPattern.test(auth.issuer);
}

/** The problem of a claim an agent might change, and the way out (`confirm`); the CDK settings say the same. */
export function changeableClaim(setting: string, claim: string, confirm: string): string {
  return (
    `${setting} '${claim}' names the agent with a claim they may be able to change, and so write a colleague's ` +
    `contacts: a Cognito user rewrites their own custom attributes and email with their access token ` +
    `(UpdateUserAttributes) unless no app client of the pool may write them. Use the username instead ` +
    `(usernameClaim 'cognito:username' with id tokens, 'username' with Cognito access tokens), or, once agents ` +
    `cannot change '${claim}' (no app client lists it in its write attributes, or the identity provider alone sets ` +
    `it), confirm with ${confirm}`
  );
}

function stringList(value: Record<string, unknown>, name: string, problems: string[], pattern: RegExp): string[] {
  const list = value[name];
  if (list === undefined) return [];
  if (!Array.isArray(list) || !list.every((entry) => typeof entry === 'string' && pattern.test(entry))) {
    problems.push(`${name} must be a list of strings matching ${String(pattern)}`);
    return [];
  }
  return list.map(String);
}

/**
 * An https URL, or http on a loopback host (a stand-in): JWKS keys or Connect's answers fetched in clear elsewhere
 * could be swapped on the way.
 */
function safeUrl(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return false;
  }
  return url.protocol === 'https:' || (url.protocol === 'http:' && loopbackHosts.has(url.hostname));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

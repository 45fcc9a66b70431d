/**
 * The deployment's settings, each read from CDK context (`npx cdk deploy -c instanceArn=...`) or else from the
 * environment (`RELAY_INSTANCE_ARN=...`), checked together: one error lists every missing or wrong setting.
 */
import { changeableClaim, parseInstanceArn, type RelayUserMapping } from '../src/relay/config.ts';

/** The settings of one relay deployment. */
export interface RelaySettings {
  /** `arn:aws:connect:<region>:<account>:instance/<instanceId>`; the stack is deployed in that account and region. */
  instanceArn: string;
  /** Who issues the agents' tokens: a Cognito user pool, or any OIDC issuer. */
  identity: { userPoolId: string } | { issuer: string };
  /** Accepted token audiences: the app client ids (Cognito) or `aud` values (OIDC). */
  audience: string[];
  /** Browser origins of the agent desktop (CORS), e.g. `https://agents.example.com`. */
  allowedOrigins: string[];
  /**
   * How a token maps to the Connect user: a claim holding the username (SearchUsers), or one holding the user id. With
   * a user pool, `cognito:username` (id tokens, the default) and `username` (access tokens) are taken as they are; any
   * other claim needs `agentsCannotChangeClaim`, as every claim of another issuer does.
   */
  user: RelayUserMapping;
  /** Seconds after a contact ended during which its agent may still write it. */
  ownershipWindowSeconds: number;
  /** Steady requests per second the API lets through (each write costs Connect one DescribeContact and one update). */
  throttleRateLimit: number;
  /** Burst the API lets through. */
  throttleBurstLimit: number;
  allowKeyPrefixes: string[];
  denyKeyPrefixes: string[];
  /** Days the audit log is kept. */
  logRetentionDays: number;
  /** The relay's deadline on Connect for one request (ms); the function's timeout follows it (2 s more, at least 10). */
  connectTimeoutMs: number;
}

/** One setting: its context key, its environment variable, what it is. */
export const settingNames = {
  instanceArn: ['instanceArn', 'RELAY_INSTANCE_ARN'],
  userPoolId: ['userPoolId', 'RELAY_USER_POOL_ID'],
  issuer: ['issuer', 'RELAY_ISSUER'],
  audience: ['audience', 'RELAY_AUDIENCE'],
  allowedOrigins: ['allowedOrigins', 'RELAY_ALLOWED_ORIGINS'],
  userIdClaim: ['userIdClaim', 'RELAY_USER_ID_CLAIM'],
  usernameClaim: ['usernameClaim', 'RELAY_USERNAME_CLAIM'],
  agentsCannotChangeClaim: ['agentsCannotChangeClaim', 'RELAY_AGENTS_CANNOT_CHANGE_CLAIM'],
  ownershipWindowSeconds: ['ownershipWindowSeconds', 'RELAY_OWNERSHIP_WINDOW_SECONDS'],
  throttleRateLimit: ['throttleRateLimit', 'RELAY_THROTTLE_RATE_LIMIT'],
  throttleBurstLimit: ['throttleBurstLimit', 'RELAY_THROTTLE_BURST_LIMIT'],
  allowKeyPrefixes: ['allowKeyPrefixes', 'RELAY_ALLOW_KEY_PREFIXES'],
  denyKeyPrefixes: ['denyKeyPrefixes', 'RELAY_DENY_KEY_PREFIXES'],
  logRetentionDays: ['logRetentionDays', 'RELAY_LOG_RETENTION_DAYS'],
  connectTimeoutMs: ['connectTimeoutMs', 'RELAY_CONNECT_TIMEOUT_MS'],
} as const;

type SettingName = keyof typeof settingNames;

/**
 * Connect's default quota for UpdateContactAttributes and for DescribeContact is about 10 requests per second per
 * account and Region (third-party dumps of Service Quotas; check your account's). Each write through the relay makes
 * one of each, so the default stays below it and a fleet's retries stop at API Gateway with a 429.
 */
export const defaultThrottle = { rateLimit: 8, burstLimit: 10 };

/** Reads the settings; `context` is the CDK context lookup, `env` the environment. */
export function readSettings(
  context: (key: string) => unknown,
  env: Readonly<Record<string, string | undefined>>,
): RelaySettings {
  const problems: string[] = [];
  const raw = (name: SettingName): string | undefined => {
    const [key, variable] = settingNames[name];
    const fromContext = context(key);
    const value =
      fromContext === undefined
        ? env[variable]
        : Array.isArray(fromContext)
          ? fromContext.join(',')
          : typeof fromContext === 'string'
            ? fromContext
            : JSON.stringify(fromContext);
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const describe = (name: SettingName): string =>
    `${settingNames[name][0]} (context -c ${settingNames[name][0]}=... or ${settingNames[name][1]})`;
  const list = (name: SettingName): string[] =>
    (raw(name) ?? '')
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  const number = (name: SettingName, fallback: number, min: number): number => {
    const text = raw(name);
    if (text === undefined) return fallback;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min)
      problems.push(`${describe(name)} must be a whole number, at least ${min}; got '${text}'`);
    return value;
  };

  const instanceArn = raw('instanceArn');
  if (!instanceArn) problems.push(`${describe('instanceArn')} is missing: the ARN of your Amazon Connect instance`);
  else if (!parseInstanceArn(instanceArn))
    problems.push(
      `${describe('instanceArn')} must look like arn:aws:connect:<region>:<account>:instance/<instanceId>; got '${instanceArn}'`,
    );

  const userPoolId = raw('userPoolId');
  const issuer = raw('issuer');
  if (userPoolId && issuer) problems.push(`set ${describe('userPoolId')} or ${describe('issuer')}, not both`);
  if (!userPoolId && !issuer)
    problems.push(`${describe('userPoolId')} or ${describe('issuer')} is missing: who issues the agents' tokens`);
  if (userPoolId && !/^[a-z]{2}(-[a-z]+)+-\d_[A-Za-z0-9]+$/.test(userPoolId))
    problems.push(`${describe('userPoolId')} must be a user pool id like us-east-1_AbCdEf123; got '${userPoolId}'`);
  if (issuer && !/^https:\/\/[^\s]+$/.test(issuer))
    problems.push(`${describe('issuer')} must be an https URL; got '${issuer}'`);

  const audience = list('audience');
  if (audience.length === 0)
    problems.push(
      `${describe('audience')} is missing: the app client id(s) or audience(s) of the agents' tokens, comma-separated`,
    );
  const allowedOrigins = list('allowedOrigins');
  if (allowedOrigins.length === 0)
    problems.push(
      `${describe('allowedOrigins')} is missing: the agent desktop's origin(s), e.g. https://agents.example.com`,
    );
  for (const origin of allowedOrigins)
    if (!/^https:\/\/[^/\s]+$/.test(origin))
      problems.push(`${describe('allowedOrigins')}: '${origin}' is not an https origin (no path)`);

  const userIdClaim = raw('userIdClaim');
  const usernameClaim = raw('usernameClaim') ?? (userPoolId && !userIdClaim ? 'cognito:username' : undefined);
  if (userIdClaim && raw('usernameClaim'))
    problems.push(`set ${describe('userIdClaim')} or ${describe('usernameClaim')}, not both`);
  if (!userIdClaim && !usernameClaim)
    problems.push(
      `${describe('userIdClaim')} or ${describe('usernameClaim')} is missing: the token claim that names the Connect user`,
    );
  const confirmation = raw('agentsCannotChangeClaim');
  if (confirmation !== undefined && confirmation !== 'true' && confirmation !== 'false')
    problems.push(`${describe('agentsCannotChangeClaim')} must be true or false; got '${confirmation}'`);
  const confirmed = confirmation === 'true';
  // Only a user pool's username is fixed for good: another issuer's claims are what its directory makes them.
  const fixedUsername = Boolean(userPoolId) && (usernameClaim === 'cognito:username' || usernameClaim === 'username');
  const claim = userIdClaim ?? usernameClaim;
  if (claim && !(usernameClaim && !userIdClaim && fixedUsername) && !confirmed) {
    const setting = userIdClaim ? describe('userIdClaim') : describe('usernameClaim');
    const confirm = `-c agentsCannotChangeClaim=true or RELAY_AGENTS_CANNOT_CHANGE_CLAIM=true`;
    problems.push(changeableClaim(setting, claim, confirm));
  }

  const prefixes = (name: SettingName): string[] => {
    const items = list(name);
    for (const item of items)
      if (!/^[A-Za-z0-9_-]+$/.test(item))
        problems.push(`${describe(name)}: '${item}' is not a key prefix ([A-Za-z0-9_-])`);
    return items;
  };
  const settings: RelaySettings = {
    instanceArn: instanceArn ?? '',
    identity: userPoolId ? { userPoolId } : { issuer: issuer ?? '' },
    audience,
    allowedOrigins,
    user: {
      ...(userIdClaim ? { userIdClaim } : { usernameClaim: usernameClaim ?? '' }),
      ...(confirmed ? { agentsCannotChangeClaim: true } : {}),
    },
    ownershipWindowSeconds: number('ownershipWindowSeconds', 3600, 0),
    throttleRateLimit: number('throttleRateLimit', defaultThrottle.rateLimit, 1),
    throttleBurstLimit: number('throttleBurstLimit', defaultThrottle.burstLimit, 1),
    allowKeyPrefixes: prefixes('allowKeyPrefixes'),
    denyKeyPrefixes: prefixes('denyKeyPrefixes'),
    logRetentionDays: number('logRetentionDays', 365, 1),
    connectTimeoutMs: number('connectTimeoutMs', 8000, 100),
  };
  // With 2 s more for the function, it still answers within API Gateway's 30 s integration limit.
  if (settings.connectTimeoutMs > 27_000)
    problems.push(
      `${describe('connectTimeoutMs')} must be a whole number from 100 to 27000; got '${raw('connectTimeoutMs')}'`,
    );
  if (problems.length > 0)
    throw new Error(`The relay cannot be deployed with these settings:\n  - ${problems.join('\n  - ')}`);
  return settings;
}

/**
 * The deployment's settings, each read from CDK context (`npx cdk deploy -c instanceArn=...`) or else from the
 * environment (`RELAY_INSTANCE_ARN=...`), checked together: one error lists every missing or wrong setting.
 */
import { changeableClaim, parseInstanceArn, type RelayUserMapping } from '../src/relay/config.ts';
import { readReviewSettings, type ReviewSettings } from './review-settings.ts';
import { readSocketSettings, socketSettingNames, type SocketSettings } from './socket-settings.ts';

/** The settings of one relay deployment (`searchesPerSecond` and `reviewers`: deploy/review-settings.ts). */
export interface RelaySettings extends ReviewSettings {
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
  /** Queued mode (present when `queued=true`): the relay answers 202 and a paced worker drains a FIFO queue. */
  queued?: QueuedSettings;
}

/** Queued mode's settings; the paces are the whole worker fleet's, shared among its concurrent environments. */
export interface QueuedSettings {
  /** The SQS event source's maximum concurrency (2 to 1000). */
  workerConcurrency: number;
  /** DescribeContact calls per second, all workers together (at most the account's quota). */
  describeContactPerSecond: number;
  /** UpdateContactAttributes calls per second, all workers together (at most the account's quota). */
  updateAttributesPerSecond: number;
  /** Messages per worker invocation (1 to 10, FIFO's limit). */
  workerBatchSize: number;
  /** Receives before a message goes to the dead-letter queue. */
  maxReceiveCount: number;
  /** The age of the oldest queued message (s) that raises the alarm. */
  oldestMessageAlarmSeconds: number;
  /** A customer KMS key for both queues; default: SQS-managed encryption (SSE-SQS). */
  kmsKeyArn?: string;
  /** An SNS topic the alarms notify. */
  alarmTopicArn?: string;
  /** The WebSocket API that pushes outcomes to the browsers (deploy/outcome-socket.ts); absent when turned off. */
  socket?: SocketSettings;
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
  searchesPerSecond: ['searchesPerSecond', 'RELAY_SEARCHES_PER_SECOND'],
  reviewers: ['reviewers', 'RELAY_REVIEWERS'],
  queued: ['queued', 'RELAY_QUEUED'],
  workerConcurrency: ['workerConcurrency', 'RELAY_WORKER_CONCURRENCY'],
  describeContactPerSecond: ['describeContactPerSecond', 'RELAY_DESCRIBE_CONTACT_PER_SECOND'],
  updateAttributesPerSecond: ['updateAttributesPerSecond', 'RELAY_UPDATE_ATTRIBUTES_PER_SECOND'],
  workerBatchSize: ['workerBatchSize', 'RELAY_WORKER_BATCH_SIZE'],
  maxReceiveCount: ['maxReceiveCount', 'RELAY_MAX_RECEIVE_COUNT'],
  oldestMessageAlarmSeconds: ['oldestMessageAlarmSeconds', 'RELAY_OLDEST_MESSAGE_ALARM_SECONDS'],
  queueKmsKeyArn: ['queueKmsKeyArn', 'RELAY_QUEUE_KMS_KEY_ARN'],
  alarmTopicArn: ['alarmTopicArn', 'RELAY_ALARM_TOPIC_ARN'],
  ...socketSettingNames,
} as const;

/** The settings that only queued mode reads. */
const queuedOnly = [
  'workerConcurrency',
  'describeContactPerSecond',
  'updateAttributesPerSecond',
  'workerBatchSize',
  'maxReceiveCount',
  'oldestMessageAlarmSeconds',
  'queueKmsKeyArn',
  'alarmTopicArn',
  ...(Object.keys(socketSettingNames) as Array<keyof typeof socketSettingNames>),
] as const;

type SettingName = keyof typeof settingNames;

/**
 * Connect's default quota for UpdateContactAttributes and for DescribeContact is about 10 requests per second per
 * account and Region (third-party dumps of Service Quotas; check your account's). Each write through the relay makes
 * one of each, so the default stays below it and a fleet's retries stop at API Gateway with a 429.
 */
export const defaultThrottle = { rateLimit: 8, burstLimit: 10 };

/**
 * In queued mode accepting a write costs one SQS SendMessage and no Connect call (the worker guards Connect's quotas),
 * so the stage only bounds the relay's own load: 400 contacts ending within 10 s send 40 writes/s, and the agents'
 * status reads come on top.
 */
export const defaultQueuedThrottle = { rateLimit: 100, burstLimit: 200 };

/** Queued mode's defaults: 8 calls/s of each quota (10/s by default: room for flows and other tools), 2 workers. */
export const queuedDefaults = {
  workerConcurrency: 2,
  describeContactPerSecond: 8,
  updateAttributesPerSecond: 8,
  workerBatchSize: 10,
  maxReceiveCount: 10,
  oldestMessageAlarmSeconds: 300,
};

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

  const queuedText = raw('queued');
  if (queuedText !== undefined && queuedText !== 'true' && queuedText !== 'false')
    problems.push(`${describe('queued')} must be true or false; got '${queuedText}'`);
  const queued = queuedText === 'true';
  if (!queued)
    for (const name of queuedOnly)
      if (raw(name) !== undefined) problems.push(`${describe(name)} is a queued mode setting: set queued=true too`);
  const bounded = (name: SettingName, fallback: number, min: number, max: number): number => {
    const value = number(name, fallback, min);
    if (value > max) problems.push(`${describe(name)} must be at most ${max}; got '${raw(name)}'`);
    return value;
  };
  const arn = (name: SettingName, pattern: RegExp, example: string): string | undefined => {
    const value = raw(name);
    if (value !== undefined && !pattern.test(value))
      problems.push(`${describe(name)} must look like ${example}; got '${value}'`);
    return value;
  };
  const queuedSettings = (): QueuedSettings => {
    const kmsKeyArn = arn(
      'queueKmsKeyArn',
      /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-)?[0-9a-f-]+$/,
      'arn:aws:kms:<region>:<account>:key/<key id>',
    );
    const alarmTopicArn = arn(
      'alarmTopicArn',
      /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]+$/,
      'arn:aws:sns:<region>:<account>:<topic>',
    );
    const socket = readSocketSettings({ raw, describe, oidcIssuer: !userPoolId }, problems);
    return {
      workerConcurrency: bounded('workerConcurrency', queuedDefaults.workerConcurrency, 2, 1000),
      describeContactPerSecond: number('describeContactPerSecond', queuedDefaults.describeContactPerSecond, 1),
      updateAttributesPerSecond: number('updateAttributesPerSecond', queuedDefaults.updateAttributesPerSecond, 1),
      workerBatchSize: bounded('workerBatchSize', queuedDefaults.workerBatchSize, 1, 10),
      maxReceiveCount: bounded('maxReceiveCount', queuedDefaults.maxReceiveCount, 1, 1000),
      oldestMessageAlarmSeconds: number('oldestMessageAlarmSeconds', queuedDefaults.oldestMessageAlarmSeconds, 60),
      ...(kmsKeyArn ? { kmsKeyArn } : {}),
      ...(alarmTopicArn ? { alarmTopicArn } : {}),
      ...(socket ? { socket } : {}),
    };
  };
  const throttle = queued ? defaultQueuedThrottle : defaultThrottle;

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
    throttleRateLimit: number('throttleRateLimit', throttle.rateLimit, 1),
    throttleBurstLimit: number('throttleBurstLimit', throttle.burstLimit, 1),
    allowKeyPrefixes: prefixes('allowKeyPrefixes'),
    denyKeyPrefixes: prefixes('denyKeyPrefixes'),
    logRetentionDays: number('logRetentionDays', 365, 1),
    connectTimeoutMs: number('connectTimeoutMs', 8000, 100),
    ...readReviewSettings(
      { searchesPerSecond: raw('searchesPerSecond'), reviewers: raw('reviewers'), describe, userPool: !!userPoolId },
      problems,
    ),
    ...(queued ? { queued: queuedSettings() } : {}),
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

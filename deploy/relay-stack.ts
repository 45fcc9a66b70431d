/**
 * The relay on AWS: an API Gateway HTTP API whose routes (`POST /contact/attributes`, and the recent-contacts reads
 * `POST /contacts/search` and `POST /contact/attributes/read`; with the `reviewers` setting, the reviewers'
 * `POST /review/contacts/search`, `POST /review/contact` and `POST /review/contact/attributes`) sit behind a JWT
 * authorizer (a Cognito user pool or another OIDC issuer), integrated with the relay's Lambda function (the rollup
 * bundle dist/relay-lambda/index.mjs as its asset). The function's role may call connect:DescribeContact,
 * connect:GetContactAttributes and connect:UpdateContactAttributes on the instance's contacts, connect:SearchContacts
 * on the instance, connect:DescribeQueue on its queues and, when usernames are resolved, connect:SearchUsers on the
 * instance and its users; nothing on `*`. The reviewers' routes need nothing more (their search, read and write are
 * those actions on the same resources). The stage throttles below Connect's quota, so a fleet's retries stop at
 * API Gateway (429, which the plugin's outbox backs off from) and Connect never sees a storm.
 *
 * In queued mode (settings.queued) the relay accepts writes without calling Connect: it may send to the write queue and
 * read the caller's outcomes, and keeps only the reads' Connect permissions, plus connect:UpdateContactAttributes when
 * reviewers are set (a reviewer's write is not queued: the relay lands it itself, src/relay/review-routes.ts); the
 * worker (deploy/queued-writes.ts), which resolves the caller's Connect user and checks ownership, holds the write's
 * (SearchUsers included) and paces them; the stage's default throttle is then sized for accepting, and
 * `GET /contact/attributes/outcomes` is routed behind the same authorizer. Unless `socket=false`, queued mode also
 * pushes outcomes to the browsers over a WebSocket API (deploy/outcome-socket.ts).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CfnOutput, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { CorsHttpMethod, HttpApi, HttpMethod, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parseInstanceArn, type RelayConfig } from '../src/relay/config.ts';
import { reviewContactPath, reviewSearchPath, reviewWritePath } from '../src/relay/review-routes.ts';
import { OutcomeSocket, socketAuth } from './outcome-socket.ts';
import { QueuedWrites } from './queued-writes.ts';
import type { RelaySettings } from './settings.ts';

/** Props of the relay stack. */
export interface RelayStackProps extends StackProps {
  settings: RelaySettings;
  /** The folder holding the Lambda bundle, index.mjs (`npm run build:relay` writes dist/relay-lambda). */
  bundleDir: string;
}

/** Headers the agent desktop may send: the relay client's, and the AWS SDK's should a caller use it. */
export const corsAllowHeaders = [
  'authorization',
  'content-type',
  'x-amz-user-agent',
  'amz-sdk-invocation-id',
  'amz-sdk-request',
];

/** The relay's stack. */
export class RelayStack extends Stack {
  /** The API's base URL; the plugin's relay URL. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: RelayStackProps) {
    super(scope, id, props);
    const { settings } = props;
    const arn = parseInstanceArn(settings.instanceArn);
    if (!arn) throw new Error(`instanceArn is not an instance ARN: ${settings.instanceArn}`);
    const bundles = [
      'index.mjs',
      ...(settings.queued ? ['worker.mjs'] : []),
      ...(settings.queued?.socket ? ['socket.mjs'] : []),
    ];
    for (const file of bundles)
      if (!existsSync(join(props.bundleDir, file)))
        throw new Error(
          `The relay's Lambda bundle ${join(props.bundleDir, file)} does not exist: run npm run build:relay first.`,
        );
    const retention = Object.values(RetentionDays).find(
      (days): days is RetentionDays => (days as number) === settings.logRetentionDays,
    );
    if (retention === undefined) {
      throw new Error(
        `logRetentionDays must be one of CloudWatch Logs' retention periods (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, ...); got ${settings.logRetentionDays}`,
      );
    }

    const issuer =
      'userPoolId' in settings.identity
        ? `https://cognito-idp.${userPoolRegion(settings.identity.userPoolId)}.amazonaws.com/${settings.identity.userPoolId}`
        : settings.identity.issuer;

    // The audit log: one line per decision, kept for the configured time.
    const logGroup = new LogGroup(this, 'AuditLog', { retention });
    const role = new Role(this, 'RelayRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ccp-attributes relay: reads contacts and writes their attributes on one Amazon Connect instance',
    });
    logGroup.grantWrite(role);
    const contacts = `${settings.instanceArn}/contact/*`;
    // The reads (recent contacts, reviews) in both modes; the write in synchronous mode, and in queued mode (where the
    // worker lands agents' writes) only for reviewers, whose writes the relay lands itself.
    const writes = !settings.queued || settings.reviewers !== undefined;
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: [
          'connect:DescribeContact',
          'connect:GetContactAttributes',
          ...(writes ? ['connect:UpdateContactAttributes'] : []),
        ],
        resources: [contacts],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['connect:SearchContacts'],
        resources: [settings.instanceArn, contacts],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['connect:DescribeQueue'],
        resources: [`${settings.instanceArn}/queue/*`],
      }),
    );
    // Resolving a username to the Connect user: the relay's (its reads), and in queued mode the worker's too (below).
    const searchUsers =
      'usernameClaim' in settings.user
        ? new PolicyStatement({
            effect: Effect.ALLOW,
            actions: ['connect:SearchUsers'],
            resources: [settings.instanceArn, `${settings.instanceArn}/agent/*`],
          })
        : undefined;
    if (searchUsers) role.addToPolicy(searchUsers);

    // API Gateway verifies the token; the function reads the verified claims from the event (never guessed: configured).
    const base: RelayConfig = {
      instanceArn: settings.instanceArn,
      auth: { type: 'api-gateway-jwt-authorizer' },
      user: settings.user,
      ownershipWindowSeconds: settings.ownershipWindowSeconds,
      allowedOrigins: settings.allowedOrigins,
      connectTimeoutMs: settings.connectTimeoutMs,
      ...(settings.allowKeyPrefixes.length > 0 ? { allowKeyPrefixes: settings.allowKeyPrefixes } : {}),
      ...(settings.denyKeyPrefixes.length > 0 ? { denyKeyPrefixes: settings.denyKeyPrefixes } : {}),
    };
    // The searches and the reviewers are the relay's alone (the worker lands agents' queued writes only).
    const relayOnly: Partial<RelayConfig> = {
      ...(settings.searchesPerSecond !== undefined ? { searchesPerSecond: settings.searchesPerSecond } : {}),
      ...(settings.reviewers ? { reviewers: settings.reviewers } : {}),
    };
    const queued = settings.queued
      ? new QueuedWrites(this, 'Queued', {
          settings: settings.queued,
          contacts,
          bundleDir: props.bundleDir,
          logGroup,
          connectTimeoutMs: settings.connectTimeoutMs,
          environment: ({ queueUrl, table }) => ({
            RELAY_CONFIG: this.toJsonString({ ...base, queue: { url: queueUrl }, outcomes: { table } }),
          }),
        })
      : undefined;
    queued?.grantAccept(role);
    if (searchUsers) queued?.worker.addToRolePolicy(searchUsers);
    // The socket verifies the agents' tokens itself; it reads outcomes, never Connect.
    const socket =
      queued && settings.queued?.socket
        ? new OutcomeSocket(this, 'Socket', {
            settings: settings.queued.socket,
            bundleDir: props.bundleDir,
            logGroup,
            outcomes: queued.table,
            worker: queued.worker,
            config: this.toJsonString({
              ...base,
              auth: socketAuth(settings),
              outcomes: { table: queued.table.tableName },
            }),
          })
        : undefined;
    const config = queued
      ? this.toJsonString({
          ...base,
          ...relayOnly,
          queue: { url: queued.queue.queueUrl },
          outcomes: { table: queued.table.tableName },
        })
      : JSON.stringify({ ...base, ...relayOnly });
    const relay = new LambdaFunction(this, 'Relay', {
      description: 'ccp-attributes relay: writes contact attributes only for the agent handling the contact',
      // Lambda deprecated nodejs20.x on 2026-04-30 (CDK's synth-time validation warns); 24 is the newest it offers.
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'index.handler',
      code: Code.fromAsset(props.bundleDir),
      role,
      logGroup,
      memorySize: 256,
      // The relay answers by its deadline on Connect; the function gets 2 s more (token check, cold start), at least
      // 10 s. settings.ts keeps the sum under API Gateway's 30 s integration limit.
      timeout: Duration.seconds(Math.max(10, Math.ceil(settings.connectTimeoutMs / 1000) + 2)),
      environment: { RELAY_CONFIG: config, NODE_OPTIONS: '--enable-source-maps' },
    });

    const api = new HttpApi(this, 'Api', {
      description: 'ccp-attributes relay',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: settings.allowedOrigins,
        allowMethods: settings.queued
          ? [CorsHttpMethod.GET, CorsHttpMethod.POST, CorsHttpMethod.OPTIONS]
          : [CorsHttpMethod.POST, CorsHttpMethod.OPTIONS],
        allowHeaders: corsAllowHeaders,
        // Unlike Connect, expose the error type, so the browser can read it.
        exposeHeaders: ['x-amzn-errortype', 'x-amzn-requestid'],
        maxAge: Duration.minutes(10),
      },
    });
    new HttpStage(this, 'DefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: settings.throttleRateLimit, burstLimit: settings.throttleBurstLimit },
    });
    const authorizer = new HttpJwtAuthorizer('AgentToken', issuer, {
      jwtAudience: settings.audience,
      identitySource: ['$request.header.Authorization'],
    });
    const integration = new HttpLambdaIntegration('RelayIntegration', relay);
    const reviews = settings.reviewers ? [reviewSearchPath, reviewContactPath, reviewWritePath] : [];
    for (const path of ['/contact/attributes', '/contacts/search', '/contact/attributes/read', ...reviews])
      api.addRoutes({ path, methods: [HttpMethod.POST], integration, authorizer });
    // Queued mode: the agent's outcomes of writes after 202 (landed, refused, failed, dead letter).
    if (queued)
      api.addRoutes({ path: '/contact/attributes/outcomes', methods: [HttpMethod.GET], integration, authorizer });

    this.url = api.apiEndpoint;
    new CfnOutput(this, 'RelayUrl', {
      value: api.apiEndpoint,
      description: "The relay's URL: the plugin's relay url (writes go to <url>/contact/attributes)",
    });
    new CfnOutput(this, 'AuditLogGroup', {
      value: logGroup.logGroupName,
      description: 'CloudWatch Logs group of the audit lines',
    });
    if (queued) {
      new CfnOutput(this, 'QueueUrl', {
        value: queued.queue.queueUrl,
        description: 'The FIFO queue of accepted writes',
      });
      new CfnOutput(this, 'DeadLetterQueueUrl', {
        value: queued.deadLetters.queueUrl,
        description: 'Writes that kept failing; see the README before redriving',
      });
    }
    if (socket)
      new CfnOutput(this, 'SocketUrl', {
        value: socket.stage.url,
        description:
          "The outcome socket's URL: the plugin's relay.socketUrl (outcomes of queued writes are pushed over it)",
      });
  }
}

/** A user pool id starts with its region: `us-east-1_AbC123`. */
function userPoolRegion(userPoolId: string): string {
  return userPoolId.slice(0, userPoolId.indexOf('_'));
}

/**
 * Queued mode's outcome socket: an API Gateway WebSocket API whose routes (`$connect`, `$disconnect`, `subscribe`,
 * `ping`, `$default`, chosen by the message's `action`) all go to one Lambda function (socket.mjs, built from
 * src/relay/socket-lambda.ts), and a DynamoDB table of the subscribed connections (`connectionId`, the caller's `sub`,
 * `expiresAt` the token's expiry and the table's time to live; the `bySub` index finds a caller's connections). The
 * socket function verifies the token of a `subscribe` message itself, registers the connection and sends the backlog
 * from the outcomes table; the worker pushes each outcome it records to the caller's connections through the stage's
 * management endpoint and deletes the ones that are gone.
 *
 * Permissions, each on its own resource: the socket function may put and delete connections, query the outcomes and
 * post to its stage's connections; the worker may query the `bySub` index, delete connections and post to the same.
 * The stage keeps no access log and no execution log: a `subscribe` message carries a bearer token.
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { WebSocketApi, WebSocketStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { WebSocketLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { AttributeType, BillingMode, ProjectionType, Table, type ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { RelayAuth } from '../src/relay/config.ts';
import type { RelaySettings } from './settings.ts';
import type { SocketSettings } from './socket-settings.ts';

/** Props of the outcome socket. */
export interface OutcomeSocketProps {
  settings: SocketSettings;
  /** The folder holding the Lambda bundles; the socket's is socket.mjs. */
  bundleDir: string;
  /** The audit log the functions write. */
  logGroup: ILogGroup;
  /** The outcomes table the worker writes (the backlog sent at subscribe). */
  outcomes: ITable;
  /** The queue's worker, which pushes the outcomes it records. */
  worker: LambdaFunction;
  /** The socket function's configuration (RELAY_CONFIG), given once the connections table exists. */
  config: string;
}

/** The stage's name: the last part of the socket's URL. */
export const socketStageName = 'outcomes';

/**
 * How the socket function verifies a token: as the HTTP API's JWT authorizer does, but in the function, since the
 * token comes in a `subscribe` message. A user pool's app clients verify id tokens (`cognito:username`, custom
 * attributes) unless usernames come from access tokens (`username`); another issuer's tokens against its JWKS.
 */
export function socketAuth(settings: RelaySettings): RelayAuth {
  if ('userPoolId' in settings.identity)
    return {
      type: 'cognito',
      userPoolId: settings.identity.userPoolId,
      clientId: settings.audience,
      tokenUse: 'usernameClaim' in settings.user && settings.user.usernameClaim === 'username' ? 'access' : 'id',
    };
  const jwksUri = settings.queued?.socket?.jwksUri;
  return {
    type: 'oidc',
    issuer: settings.identity.issuer,
    audience: settings.audience,
    ...(jwksUri ? { jwksUri } : {}),
  };
}

/** The WebSocket API, its stage, the socket function and the connections table. */
export class OutcomeSocket extends Construct {
  readonly api: WebSocketApi;
  readonly stage: WebSocketStage;
  readonly connections: Table;
  readonly handler: LambdaFunction;

  constructor(scope: Construct, id: string, props: OutcomeSocketProps) {
    super(scope, id);
    // Encrypted as the outcomes table is (DynamoDB's default key); an item lives until its token expires.
    this.connections = new Table(this, 'Connections', {
      partitionKey: { name: 'connectionId', type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      timeToLiveAttribute: 'expiresAt',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // DynamoDB deletes expired items within days, not at once: the worker reads expiresAt to skip them.
    this.connections.addGlobalSecondaryIndex({
      indexName: 'bySub',
      partitionKey: { name: 'sub', type: AttributeType.STRING },
      projectionType: ProjectionType.INCLUDE,
      nonKeyAttributes: ['expiresAt'],
    });

    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'ccp-attributes relay socket: registers agents for their write outcomes and sends them',
    });
    props.logGroup.grantWrite(role);
    this.handler = new LambdaFunction(this, 'Function', {
      description: "ccp-attributes relay socket: pushes the outcomes of an agent's queued writes to their browser",
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      handler: 'socket.handler',
      code: Code.fromAsset(props.bundleDir),
      role,
      logGroup: props.logGroup,
      memorySize: 256,
      // A subscribe verifies the token (the issuer's keys fetched within 3 s when not cached), writes the
      // registration, reads the backlog and sends it.
      timeout: Duration.seconds(10),
      environment: {
        RELAY_CONFIG: props.config,
        RELAY_CONNECTIONS_TABLE: this.connections.tableName,
        NODE_OPTIONS: '--enable-source-maps',
      },
    });

    const integration = new WebSocketLambdaIntegration('SocketIntegration', this.handler);
    this.api = new WebSocketApi(this, 'Api', {
      description: 'ccp-attributes relay: outcomes of queued writes, pushed',
      routeSelectionExpression: '$request.body.action',
      // No authorizer on $connect: the token comes in the first message, never in the URL, which is logged.
      connectRouteOptions: { integration },
      disconnectRouteOptions: { integration },
      defaultRouteOptions: { integration },
    });
    for (const route of ['subscribe', 'ping']) this.api.addRoute(route, { integration });
    this.stage = new WebSocketStage(this, 'Stage', {
      webSocketApi: this.api,
      stageName: socketStageName,
      autoDeploy: true,
      throttle: { rateLimit: props.settings.throttleRateLimit, burstLimit: props.settings.throttleBurstLimit },
    });

    // PostToConnection is `POST @connections/{id}` on the stage's management endpoint:
    // https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-websocket-control-access-iam.html
    const post = new PolicyStatement({
      effect: Effect.ALLOW,
      actions: ['execute-api:ManageConnections'],
      resources: [
        Stack.of(this).formatArn({
          service: 'execute-api',
          resource: this.api.apiId,
          resourceName: `${socketStageName}/POST/@connections/*`,
        }),
      ],
    });
    const table = this.connections.tableArn;
    role.addToPolicy(post);
    role.addToPolicy(
      new PolicyStatement({
        effect: Effect.ALLOW,
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem'],
        resources: [table],
      }),
    );
    role.addToPolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [props.outcomes.tableArn] }),
    );

    const { worker } = props;
    worker.addEnvironment('RELAY_CONNECTIONS_TABLE', this.connections.tableName);
    worker.addEnvironment('RELAY_SOCKET_ENDPOINT', this.stage.callbackUrl);
    worker.addToRolePolicy(post);
    worker.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:Query'], resources: [`${table}/index/bySub`] }),
    );
    worker.addToRolePolicy(
      new PolicyStatement({ effect: Effect.ALLOW, actions: ['dynamodb:DeleteItem'], resources: [table] }),
    );
  }
}

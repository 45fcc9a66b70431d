/**
 * The outcome socket on AWS, offline: the WebSocket API's Lambda handler (src/relay/socket-lambda.ts) invoked with
 * API Gateway WebSocket events, its connections and outcomes tables on dynalite (DynamoDB's API in Node, in memory),
 * and its replies posted with the real @aws-sdk/client-apigatewaymanagementapi to a stand-in of the management API
 * (SigV4 verified; 410 GoneException for a connection that is gone). The worker's side is the notifier the worker
 * Lambda builds from RELAY_CONNECTIONS_TABLE and RELAY_SOCKET_ENDPOINT. Checks read the frames that reached each
 * connection and the items left in the table.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { createDynamoOutcomeStore } from '../../src/relay/outcomes-dynamodb.ts';
import {
  createDynamoConnectionRegistry,
  createSocketLambdaHandler,
  socketNotifierFromEnvironment,
  type OutcomeStore,
  type RelayConfig,
  type SocketEvent,
  type SocketLambdaHandler,
  type WireOutcome,
  type WriteOutcome,
} from '../../src/relay/index.ts';
import { createConnectionsTable, startManagementApi, type ManagementApiStandIn } from '../helpers/management-api.ts';

const instanceArn = 'arn:aws:connect:us-east-1:123456789012:instance/inst-socket';
const origin = 'https://agents.example.com';
const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let dynamoEndpoint = '';
let client: DynamoDBClient;
let api: ConnectApiHandle;
let management: ManagementApiStandIn;
let outcomes: OutcomeStore;
let table = '';
let tables = 0;
let handler: SocketLambdaHandler;
const savedEnvironment = { ...process.env };

before(async () => {
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: dynamoEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  api = await startConnectApi();
  management = await startManagementApi();
  // The default credential chain (environment first) signs the management API's calls, as a function's role would.
  process.env['AWS_ACCESS_KEY_ID'] = management.credentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = management.credentials.secretAccessKey;
  delete process.env['AWS_SESSION_TOKEN'];
  delete process.env['AWS_PROFILE'];
  await client.send(
    new CreateTableCommand({
      TableName: 'outcomes',
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'sub', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'sub', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    }),
  );
  outcomes = createDynamoOutcomeStore({ client, table: 'outcomes' });
});
after(async () => {
  process.env = savedEnvironment;
  client.destroy();
  await management.close();
  await api.close();
  await new Promise<void>((resolve, reject) => dynamo.close((error) => (error ? reject(error) : resolve())));
});

/** A fresh connections table of the documented shape, and a handler over it. */
beforeEach(async () => {
  tables += 1;
  table = `connections-${tables}`;
  await createConnectionsTable(client, table);
  handler = createSocketLambdaHandler(config(), {
    registry: createDynamoConnectionRegistry(client, table),
    outcomes,
    endpoint: management.endpoint,
  });
});

function config(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    instanceArn,
    auth: { type: 'oidc', issuer: api.issuer, audience: [api.userPoolClientId], jwksUri: api.jwksUri },
    user: { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true },
    allowedOrigins: [origin],
    ...overrides,
  };
}

function event(
  eventType: SocketEvent['requestContext']['eventType'],
  connectionId: string,
  body?: unknown,
): SocketEvent {
  const routeKey = { CONNECT: '$connect', DISCONNECT: '$disconnect', MESSAGE: 'subscribe' }[eventType];
  return {
    requestContext: {
      routeKey,
      eventType,
      connectionId,
      domainName: 'abc123.execute-api.us-east-1.amazonaws.com',
      stage: 'production',
    },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    isBase64Encoded: false,
  };
}

/** Connects (the stand-in keeps its frames) and subscribes as `username`. */
async function subscribe(connectionId: string, username: string, since = 0): Promise<string> {
  management.open(connectionId);
  const connect = { ...event('CONNECT', connectionId), headers: { Origin: origin } };
  assert.deepEqual(await handler(connect), { statusCode: 200 });
  const idToken = api.signIn(username).idToken;
  assert.deepEqual(await handler(event('MESSAGE', connectionId, { action: 'subscribe', token: idToken, since })), {
    statusCode: 200,
  });
  return subOf(idToken);
}

/** The `sub` claim of a token (read, not verified: the test's own token). */
const subOf = (token: string): string =>
  (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string }).sub;

const item = async (connectionId: string) =>
  (await client.send(new GetItemCommand({ TableName: table, Key: { connectionId: { S: connectionId } } }))).Item;

function outcome(sub: string, at: number, writeId: string): WriteOutcome {
  return {
    sub,
    writeId,
    requestId: `r-${writeId}`,
    instanceId: 'inst-socket',
    initialContactId: 'c-1',
    contactId: 'c-1',
    keys: ['disposition'],
    state: 'landed',
    status: 200,
    at,
  };
}

const writeIds = (frame: unknown) =>
  ((frame as { outcomes?: WireOutcome[] } | undefined)?.outcomes ?? []).map((o) => o.WriteId);

describe('the outcome socket Lambda', () => {
  it('$connect accepts the allowed origin and a client without Origin, refuses any other with 403', async () => {
    assert.equal((await handler({ ...event('CONNECT', 'c'), headers: { origin } })).statusCode, 200);
    assert.equal((await handler(event('CONNECT', 'c'))).statusCode, 200);
    const foreign = { ...event('CONNECT', 'c'), headers: { Origin: 'https://evil.example.com' } };
    assert.equal((await handler(foreign)).statusCode, 403);
  });

  it('subscribe registers the connection in the table and posts subscribed, then the own backlog', async () => {
    const now = Date.now();
    const smithSub = api.signIn('agent.smith').idToken;
    const sub = subOf(smithSub);
    await outcomes.record(outcome(sub, now - 10_000, 'before-since'));
    await outcomes.record(outcome(sub, now - 1_000, 'own'));
    await outcomes.record(outcome('someone-else', now - 900, 'theirs'));
    await subscribe('conn-smith', 'agent.smith', now - 5_000);
    const [subscribed = {}, backlog = {}] = management.framesOf('conn-smith') as Array<Record<string, unknown>>;
    assert.equal(subscribed['type'], 'subscribed');
    const expiresAt = Number(subscribed['expiresAt']);
    assert.ok(expiresAt > now, 'until the token expires');
    const relayNow = Number(subscribed['now']);
    assert.ok(relayNow >= now && relayNow <= Date.now(), "with the relay's clock");
    assert.deepEqual(await item('conn-smith'), {
      connectionId: { S: 'conn-smith' },
      sub: { S: sub },
      expiresAt: { N: String(expiresAt / 1000) },
    });
    assert.equal(backlog['backlog'], true);
    assert.deepEqual(writeIds(backlog), ['own']);
  });

  it('a refused token gets a 401 frame and no registration', async () => {
    management.open('conn-bad');
    await handler(event('MESSAGE', 'conn-bad', { action: 'subscribe', token: 'e30.e30.AAAA', since: 0 }));
    await handler(event('MESSAGE', 'conn-bad', '{"action":"ping"}'));
    assert.deepEqual(
      management
        .framesOf('conn-bad')
        .map((f) => [(f as Record<string, unknown>)['type'], (f as Record<string, unknown>)['status']]),
      [
        ['error', 401],
        ['pong', undefined],
      ],
    );
    assert.equal(await item('conn-bad'), undefined);
  });

  it("the worker's notifier posts each outcome to its sub's live connections only, and drops gone and expired ones", async () => {
    const smith = await subscribe('smith-1', 'agent.smith');
    await subscribe('smith-2', 'agent.smith');
    const jones = await subscribe('jones-1', 'agent.jones');
    // A registration past its token's expiry, and a connection API Gateway no longer has.
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          connectionId: { S: 'smith-old' },
          sub: { S: smith },
          expiresAt: { N: String(Math.floor(Date.now() / 1000) - 60) },
        },
      }),
    );
    management.open('smith-old');
    management.drop('smith-2');

    const notifier = socketNotifierFromEnvironment(
      {
        RELAY_CONNECTIONS_TABLE: table,
        RELAY_SOCKET_ENDPOINT: management.endpoint,
        RELAY_DYNAMODB_ENDPOINT: dynamoEndpoint,
      },
      'us-east-1',
    );
    assert.ok(notifier);
    await notifier.notify([outcome(smith, Date.now(), 'smith-write'), outcome(jones, Date.now(), 'jones-write')]);

    assert.deepEqual(writeIds(management.framesOf('smith-1').at(-1)), ['smith-write']);
    assert.deepEqual(writeIds(management.framesOf('jones-1').at(-1)), ['jones-write']);
    assert.deepEqual(management.framesOf('smith-old'), [], 'nothing to the expired registration');
    assert.ok(management.posts.some((p) => p.connectionId === 'smith-2' && p.status === 410));
    const left = await client.send(new ScanCommand({ TableName: table }));
    assert.deepEqual((left.Items ?? []).map((i) => i['connectionId']?.S).sort(), ['jones-1', 'smith-1']);
  });

  it('$disconnect removes the registration', async () => {
    await subscribe('conn-leaving', 'agent.smith');
    assert.ok(await item('conn-leaving'));
    assert.deepEqual(await handler(event('DISCONNECT', 'conn-leaving')), { statusCode: 200 });
    assert.equal(await item('conn-leaving'), undefined);
  });

  it('is not configured for tokens it cannot verify, nor without an outcome store', () => {
    const registry = createDynamoConnectionRegistry(client, 'x');
    assert.throws(
      () => createSocketLambdaHandler(config({ auth: { type: 'api-gateway-jwt-authorizer' } }), { registry, outcomes }),
      /'oidc' or 'cognito'/,
    );
    assert.throws(() => createSocketLambdaHandler(config(), { registry }), /outcome store/);
    assert.equal(socketNotifierFromEnvironment({ RELAY_CONNECTIONS_TABLE: 'x' }, 'us-east-1'), undefined);
  });
});

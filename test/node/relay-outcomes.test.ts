/**
 * Write outcomes after 202 (src/relay/outcomes.ts): the in-memory store and the DynamoDB store (on dynalite, an
 * implementation of DynamoDB's API in Node, in memory) keep the same contract; the relay's route
 * `GET /contact/attributes/outcomes?since=<ms>` answers the caller's own, in PascalCase, with CORS, over the Lambda
 * and the Node server, and refuses a bad `since` with 400.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it } from 'node:test';
import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { createDynamoOutcomeStore } from '../../src/relay/outcomes-dynamodb.ts';
import {
  createLambdaHandler,
  createMemoryOutcomeStore,
  createRelay,
  outcomesFromEnvironment,
  resolveRelayConfig,
  startRelayServer,
  type OutcomeStore,
  type RelayConfig,
  type RelayRequest,
  type WireOutcome,
  type WriteOutcome,
} from '../../src/relay/index.ts';

const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
const nowMs = Date.parse('2026-12-07T12:00:00Z');

function outcome(sub: string, at: number, overrides: Partial<WriteOutcome> = {}): WriteOutcome {
  return {
    sub,
    writeId: `w-${at}`,
    requestId: `r-${at}`,
    instanceId,
    initialContactId: 'c-1',
    contactId: 'c-1',
    keys: ['disposition'],
    state: 'landed',
    status: 200,
    at,
    ...overrides,
  };
}

const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
let client: DynamoDBClient;
let tables = 0;

before(async () => {
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
  client = new DynamoDBClient({
    region: 'us-east-1',
    endpoint: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});
after(async () => {
  client.destroy();
  await new Promise<void>((resolve, reject) => dynamo.close((error) => (error ? reject(error) : resolve())));
});

/** A fresh table of the documented shape (partition `sub`, sort `sk`). */
async function table(): Promise<string> {
  tables += 1;
  const name = `outcomes-${tables}`;
  await client.send(
    new CreateTableCommand({
      TableName: name,
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
  return name;
}

const stores: [string, (now: () => number) => Promise<OutcomeStore>][] = [
  ['in memory', (now) => Promise.resolve(createMemoryOutcomeStore({ now }))],
  ['on DynamoDB (dynalite)', async (now) => createDynamoOutcomeStore({ client, table: await table(), now })],
];

for (const [name, make] of stores) {
  describe(`the outcome store ${name}`, () => {
    it("keeps every field, answers the caller's own since a time, oldest first", async () => {
      const store = await make(() => nowMs);
      const refused = outcome('smith', nowMs - 1_000, {
        state: 'refused',
        status: 403,
        errorType: 'AccessDeniedException',
        message: 'This contact is not yours.',
        keys: [],
      });
      // Recorded out of order, as workers may settle them.
      await store.record(outcome('smith', nowMs - 500));
      await store.record(refused);
      await store.record(outcome('jones', nowMs - 700));
      await store.record(outcome('smith', nowMs - 5_000));
      assert.deepEqual(await store.recent('smith', nowMs - 1_000), [refused, outcome('smith', nowMs - 500)]);
      assert.deepEqual(await store.recent('jones', 0), [outcome('jones', nowMs - 700)]);
      assert.deepEqual(await store.recent('nobody', 0), []);
      assert.equal((await store.recent('smith', 0)).length, 3);
    });

    it('drops outcomes past their day', async () => {
      let clock = nowMs;
      const store = await make(() => clock);
      await store.record(outcome('smith', nowMs));
      clock += 86_400_000 + 1_000;
      assert.deepEqual(await store.recent('smith', 0), []);
    });
  });
}

describe('the in-memory store', () => {
  it('keeps at most maxOutcomes, every caller together, the oldest going first', async () => {
    const store = createMemoryOutcomeStore({ maxOutcomes: 3, now: () => nowMs });
    for (const at of [5, 1, 4, 2, 3]) await store.record(outcome(at % 2 ? 'smith' : 'jones', nowMs - 1_000 + at));
    assert.deepEqual(
      [...(await store.recent('smith', 0)), ...(await store.recent('jones', 0))].map((kept) => kept.at - nowMs + 1_000),
      [3, 5, 4],
    );
    assert.throws(() => createMemoryOutcomeStore({ maxOutcomes: 0 }), /maxOutcomes/);
  });
});

describe('the DynamoDB store', () => {
  it('writes the documented item (sort key, time to live in s) and skips, logged, an item that is not an outcome', async () => {
    const name = await table();
    const store = createDynamoOutcomeStore({ client, table: name, now: () => nowMs });
    await store.record(outcome('smith', nowMs));
    const item = await client.send(
      new GetItemCommand({ TableName: name, Key: { sub: { S: 'smith' }, sk: { S: `00${nowMs}#w-${nowMs}` } } }),
    );
    assert.equal(item.Item?.['expiresAt']?.N, String(nowMs / 1000 + 86_400), 'TTL attribute in epoch seconds');
    assert.deepEqual(item.Item['keys'], { L: [{ S: 'disposition' }] });
    await client.send(
      new PutItemCommand({
        TableName: name,
        Item: { sub: { S: 'smith' }, sk: { S: '000000000000001#x' }, expiresAt: { N: String(nowMs) } },
      }),
    );
    const logged: unknown[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => logged.push(args.join(' '));
    try {
      assert.deepEqual(await store.recent('smith', 0), [outcome('smith', nowMs)]);
    } finally {
      console.error = original;
    }
    assert.match(String(logged[0]), /outcome item 000000000000001#x of outcomes-\d+ is not an outcome/);
  });

  it('reads its table from RELAY_OUTCOMES_TABLE and RELAY_DYNAMODB_ENDPOINT', () => {
    assert.equal(outcomesFromEnvironment({}), undefined);
    assert.deepEqual(
      outcomesFromEnvironment({
        RELAY_OUTCOMES_TABLE: 'ccp-outcomes',
        RELAY_DYNAMODB_ENDPOINT: 'http://127.0.0.1:4567',
      }),
      { table: 'ccp-outcomes', endpoint: 'http://127.0.0.1:4567' },
    );
  });
});

describe('the outcomes route', () => {
  let handle: ConnectApiHandle;
  const store = createMemoryOutcomeStore({ now: () => nowMs });
  const origin = 'https://agents.example.com';

  before(async () => {
    handle = await startConnectApi();
  });
  after(() => handle.close());
  afterEach(() => handle.reset());

  const settings = (overrides: Partial<RelayConfig> = {}) =>
    resolveRelayConfig({
      instanceArn: `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`,
      auth: { type: 'oidc', issuer: handle.issuer, audience: [handle.userPoolClientId], jwksUri: handle.jwksUri },
      user: { usernameClaim: 'cognito:username' },
      allowedOrigins: [origin],
      connectEndpoint: handle.url,
      ...overrides,
    });

  /** The token of `username` and its subject. */
  function signIn(username: string): { token: string; sub: string } {
    const token = handle.signIn(username).idToken;
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { sub: string };
    return { token, sub: payload.sub };
  }

  function get(query: string, token?: string, method = 'GET'): RelayRequest {
    return {
      method,
      path: '/contact/attributes/outcomes',
      query,
      headers: { origin, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: '',
    };
  }

  it("answers the caller's own outcomes since a time, in PascalCase, oldest first, with CORS", async () => {
    const smith = signIn('agent.smith');
    const jones = signIn('agent.jones');
    await store.record(outcome(smith.sub, nowMs - 3_000));
    await store.record(
      outcome(smith.sub, nowMs - 1_000, {
        writeId: 'w-refused',
        state: 'refused',
        status: 403,
        errorType: 'AccessDeniedException',
        message: 'This contact is not yours.',
      }),
    );
    await store.record(outcome(jones.sub, nowMs - 2_000, { writeId: 'w-jones' }));
    const relay = createRelay(settings(), { outcomes: store });
    const answer = await relay(get(`since=${nowMs - 10_000}`, smith.token));
    assert.equal(answer.statusCode, 200);
    assert.equal(answer.headers['access-control-allow-origin'], origin);
    assert.equal(answer.headers['content-type'], 'application/json');
    const wire: WireOutcome[] = [
      {
        WriteId: `w-${nowMs - 3_000}`,
        RequestId: `r-${nowMs - 3_000}`,
        InstanceId: instanceId,
        InitialContactId: 'c-1',
        ContactId: 'c-1',
        Keys: ['disposition'],
        State: 'landed',
        Status: 200,
        At: nowMs - 3_000,
      },
      {
        WriteId: 'w-refused',
        RequestId: `r-${nowMs - 1_000}`,
        InstanceId: instanceId,
        InitialContactId: 'c-1',
        ContactId: 'c-1',
        Keys: ['disposition'],
        State: 'refused',
        Status: 403,
        ErrorType: 'AccessDeniedException',
        Message: 'This contact is not yours.',
        At: nowMs - 1_000,
      },
    ];
    assert.deepEqual(JSON.parse(answer.body), { Outcomes: wire });
    const later = await relay(get(`since=${nowMs - 1_000}`, smith.token));
    assert.deepEqual(
      (JSON.parse(later.body) as { Outcomes: WireOutcome[] }).Outcomes.map((o) => o.WriteId),
      ['w-refused'],
    );
    const theirs = await relay(get('since=0', jones.token));
    assert.deepEqual(
      (JSON.parse(theirs.body) as { Outcomes: WireOutcome[] }).Outcomes.map((o) => o.WriteId),
      ['w-jones'],
    );
    assert.deepEqual(handle.requestLog(), [], 'no call to Connect');
  });

  it('refuses a bad since with 400, no token with 401, another method with 405; answers its preflight', async () => {
    const relay = createRelay(settings(), { outcomes: store });
    const { token } = signIn('agent.smith');
    for (const query of ['', 'since=', 'since=-1', 'since=1.5', 'since=abc', 'since=1&since=2', 'since=1e3']) {
      const answer = await relay(get(query, token));
      assert.equal(answer.statusCode, 400, query);
      assert.equal(answer.headers['x-amzn-errortype'], 'InvalidParameterException');
      assert.match((JSON.parse(answer.body) as { Message: string }).Message, /since must be given once/);
    }
    const anonymous = await relay(get('since=0'));
    assert.equal(anonymous.statusCode, 401);
    assert.equal(anonymous.headers['access-control-allow-origin'], origin);
    assert.equal((await relay(get('since=0', token, 'POST'))).statusCode, 405);
    const preflight = await relay(get('', undefined, 'OPTIONS'));
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-methods'], 'GET, OPTIONS');
    assert.match(preflight.headers['access-control-allow-headers'] ?? '', /Authorization/);
  });

  it('answers 404 on a relay that keeps no outcomes, and a retryable 503 when the store fails', async () => {
    const { token } = signIn('agent.smith');
    const none = await createRelay(settings())(get('since=0', token));
    assert.equal(none.statusCode, 404);
    const broken: OutcomeStore = {
      record: () => Promise.resolve(),
      recent: () => Promise.reject(new Error('table gone')),
    };
    const original = console.error;
    console.error = () => undefined;
    try {
      const failed = await createRelay(settings(), { outcomes: broken })(get('since=0', token));
      assert.equal(failed.statusCode, 503);
      assert.equal(failed.headers['x-amzn-errortype'], 'ServiceUnavailableException');
    } finally {
      console.error = original;
    }
  });

  it('reads the query through the Node server and the Lambda, on a DynamoDB table named by the outcomes setting', async () => {
    const name = await table();
    const endpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    const smith = signIn('agent.smith');
    await createDynamoOutcomeStore({ client, table: name }).record(outcome(smith.sub, Date.now() - 1_000));
    const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
    process.env['AWS_ACCESS_KEY_ID'] = 'local';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'local';
    const config = settings({ outcomes: { table: name, endpoint } });
    const server = await startRelayServer({ config });
    try {
      const response = await fetch(`${server.url}/contact/attributes/outcomes?since=${Date.now() - 60_000}`, {
        headers: { authorization: `Bearer ${smith.token}`, origin },
      });
      assert.equal(response.status, 200);
      assert.equal(((await response.json()) as { Outcomes: WireOutcome[] }).Outcomes.length, 1);
      const lambda = createLambdaHandler(config);
      const result = await lambda({
        rawPath: '/contact/attributes/outcomes',
        rawQueryString: 'since=abc',
        headers: { Authorization: `Bearer ${smith.token}` },
        isBase64Encoded: false,
        requestContext: { requestId: 'r-1', http: { method: 'GET' } },
      });
      assert.equal(result.statusCode, 400);
    } finally {
      await server.close();
      for (const [variable, value] of [
        ['AWS_ACCESS_KEY_ID', saved.id],
        ['AWS_SECRET_ACCESS_KEY', saved.secret],
      ] as const) {
        if (value === undefined) Reflect.deleteProperty(process.env, variable);
        else process.env[variable] = value;
      }
    }
  });

  it('checks the outcomes setting', () => {
    assert.throws(
      () => settings({ outcomes: { table: 'x', endpoint: 'http://dynamo.example.com' } }),
      (error: Error) =>
        /outcomes\.table must be a DynamoDB table name/.test(error.message) &&
        /outcomes\.endpoint must be an https URL/.test(error.message),
    );
    assert.deepEqual(settings({ outcomes: { table: 'ccp-outcomes' } }).outcomes, { table: 'ccp-outcomes' });
  });
});

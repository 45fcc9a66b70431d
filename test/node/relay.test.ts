/**
 * The relay over realistic API Gateway HTTP API events (payload format 2.0) and over HTTP (its Node server), against
 * the Connect API stand-in started in-process with its user pool: real JWTs verified by aws-jwt-verify against the
 * stand-in's JWKS, real DescribeContact / SearchUsers / UpdateContactAttributes through @aws-sdk/client-connect.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { ConnectClient } from '@aws-sdk/client-connect';
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import { makeSigningKey, signJwt } from '../../demo/connect-api/user-pool.ts';
import { checkOwnership } from '../../src/relay/ownership.ts';
import {
  createLambdaHandler,
  resolveRelayConfig,
  startRelayServer,
  type AuditRecord,
  type RelayConfig,
  type RelayServer,
  type ResolvedRelayConfig,
} from '../../src/relay/index.ts';

const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
const smith = 'agent-agent-smith';
const jones = 'agent-agent-jones';
const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

/** Contacts in every state the ownership check distinguishes. */
const contacts: ContactRecord[] = [
  { instanceId, contactId: 'live', startedAt: ago(5), agentId: smith, attributes: { greeting: 'played' } },
  { instanceId, contactId: 'jones-live', startedAt: ago(5), agentId: jones },
  // Disconnected three hours ago, the agent still in after-contact work: writable.
  { instanceId, contactId: 'acw', startedAt: ago(200), agentId: smith, disconnectedAt: ago(180) },
  // Ended (after-contact work done) 3 minutes ago: within the window.
  {
    instanceId,
    contactId: 'recent',
    startedAt: ago(40),
    agentId: smith,
    disconnectedAt: ago(6),
    afterContactWorkEndedAt: ago(3),
  },
  // Ended two hours ago: past the window.
  {
    instanceId,
    contactId: 'old',
    startedAt: ago(150),
    agentId: smith,
    disconnectedAt: ago(125),
    afterContactWorkEndedAt: ago(120),
  },
  // A transfer: smith took the first leg and transferred it to jones, who is on the second leg now.
  {
    instanceId,
    contactId: 'first-leg',
    startedAt: ago(30),
    agentId: smith,
    disconnectedAt: ago(10),
    afterContactWorkEndedAt: ago(9),
  },
  {
    instanceId,
    contactId: 'second-leg',
    initialContactId: 'first-leg',
    previousContactId: 'first-leg',
    startedAt: ago(10),
    agentId: jones,
  },
  // The same contact id on another instance.
  { instanceId: 'other-instance', contactId: 'live', startedAt: ago(5), agentId: smith },
];

let handle: ConnectApiHandle;
let clockMs = Date.now();
let audits: AuditRecord[] = [];

before(async () => {
  handle = await startConnectApi({
    contacts,
    now: () => clockMs,
    userPool: { clientIds: ['standin-agent-desktop', 'another-app'] },
  });
});
after(() => handle.close());
beforeEach(() => {
  audits = [];
});
afterEach(() => {
  handle.reset();
  handle.setFaults({ quota: null, failNext: null });
  clockMs = Date.now();
});

function settings(overrides: Partial<RelayConfig> = {}): ResolvedRelayConfig {
  return resolveRelayConfig({
    instanceArn,
    auth: { type: 'oidc', issuer: handle.issuer, audience: [handle.userPoolClientId], jwksUri: handle.jwksUri },
    user: { usernameClaim: 'cognito:username' },
    allowedOrigins: ['https://agents.example.com'],
    denyKeyPrefixes: ['routing_'],
    connectEndpoint: handle.url,
    ...overrides,
  });
}

/** The relay's Connect client: the stand-in's static demo keys stand for the function's role. */
function connect(): ConnectClient {
  return new ConnectClient({
    region: handle.region,
    endpoint: handle.url,
    credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
    maxAttempts: 1,
  });
}

const dependencies = () => ({ connect: connect(), audit: (record: AuditRecord) => audits.push(record) });

interface Write {
  contactId: string;
  initialContactId?: string;
  instanceId?: string;
  attributes?: Record<string, string>;
}

function body(write: Write): string {
  return JSON.stringify({
    InstanceId: write.instanceId ?? instanceId,
    InitialContactId: write.initialContactId ?? write.contactId,
    ContactId: write.contactId,
    Attributes: write.attributes ?? { disposition: 'resolved' },
  });
}

/** An HTTP API payload 2.0 event as API Gateway sends it for `POST /contact/attributes` on the $default stage. */
function apiEvent(options: {
  body: string;
  token?: string;
  claims?: Record<string, string | number>;
  origin?: string;
  method?: string;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const method = options.method ?? 'POST';
  const headers: Record<string, string> = {
    accept: '*/*',
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(options.body)),
    host: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
    'user-agent': 'Mozilla/5.0',
    'x-amzn-trace-id': `Root=1-${Date.now().toString(16)}-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
    'x-forwarded-for': '203.0.113.7',
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
  };
  if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`;
  if (options.origin !== undefined) headers['origin'] = options.origin;
  const event = {
    version: '2.0',
    routeKey: `${method} /contact/attributes`,
    rawPath: '/contact/attributes',
    rawQueryString: '',
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.us-east-1.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: {
        method,
        path: '/contact/attributes',
        protocol: 'HTTP/1.1',
        sourceIp: '203.0.113.7',
        userAgent: 'Mozilla/5.0',
      },
      requestId: `${randomUUID().slice(0, 8)}=`,
      routeKey: `${method} /contact/attributes`,
      stage: '$default',
      time: new Date().toUTCString(),
      timeEpoch: Date.now(),
      ...(options.claims
        ? { authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: options.claims, scopes: null } } }
        : {}),
    },
    body: Buffer.from(options.body).toString('base64'),
    isBase64Encoded: true,
  };
  return event as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

/** The decoded answer of either entry point. */
interface Answer {
  status: number;
  type: string | undefined;
  message: string;
  headers: Record<string, string>;
}

type Send = (write: Write, token: string | undefined, origin?: string) => Promise<Answer>;

function overLambda(config: ResolvedRelayConfig): Send {
  const handler = createLambdaHandler(config, dependencies());
  return async (write, token, origin) => {
    const result = await handler(
      apiEvent({ body: body(write), ...(token === undefined ? {} : { token }), ...(origin ? { origin } : {}) }),
    );
    const { headers } = result;
    const payload = JSON.parse(result.body) as { message?: string };
    return { status: result.statusCode, type: headers['x-amzn-errortype'], message: payload.message ?? '', headers };
  };
}

function overHttp(server: () => RelayServer): Send {
  return async (write, token, origin) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    if (origin) headers['origin'] = origin;
    const response = await fetch(`${server().url}/contact/attributes`, { method: 'POST', headers, body: body(write) });
    const payload = (await response.json()) as { message?: string };
    return {
      status: response.status,
      type: response.headers.get('x-amzn-errortype') ?? undefined,
      message: payload.message ?? '',
      headers: Object.fromEntries(response.headers),
    };
  };
}

/** A key the stand-in's JWKS does not hold (made once: RSA key generation takes a few hundred milliseconds). */
const foreignKey = makeSigningKey();

const signIn = (username = 'agent.smith', clientId?: string): string => handle.signIn(username, clientId).idToken;

function decoded(token: string): [Record<string, unknown>, Record<string, unknown>] {
  const [header = '', payload = ''] = token.split('.');
  return [
    JSON.parse(Buffer.from(header, 'base64url').toString()) as Record<string, unknown>,
    JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>,
  ];
}

/** Every refusal: its token, its write, the answer expected, and the audit reason. */
const refusals: Array<{
  name: string;
  token: () => string | undefined;
  write: Write;
  status: number;
  type: string;
  reason: string;
}> = [
  {
    name: 'no token',
    token: () => undefined,
    write: { contactId: 'live' },
    status: 401,
    type: 'NotAuthorizedException',
    reason: 'token:no-token',
  },
  {
    name: 'an expired token',
    token: () => {
      clockMs = Date.now() - 2 * 3600_000;
      const token = signIn();
      clockMs = Date.now();
      return token;
    },
    write: { contactId: 'live' },
    status: 401,
    type: 'NotAuthorizedException',
    reason: 'token:expired',
  },
  {
    name: 'a token for another audience',
    token: () => signIn('agent.smith', 'another-app'),
    write: { contactId: 'live' },
    status: 401,
    type: 'NotAuthorizedException',
    reason: 'token:wrong-audience',
  },
  {
    name: 'a token signed with a key outside the JWKS (same kid)',
    token: () => {
      const [header, payload] = decoded(signIn());
      return signJwt(header, payload, foreignKey.privateKey);
    },
    write: { contactId: 'live' },
    status: 401,
    type: 'NotAuthorizedException',
    reason: 'token:bad-signature',
  },
  {
    name: 'a token with a kid the JWKS does not have',
    token: () => {
      const [, payload] = decoded(signIn());
      return signJwt({ alg: 'RS256', kid: foreignKey.kid }, payload, foreignKey.privateKey);
    },
    write: { contactId: 'live' },
    status: 401,
    type: 'NotAuthorizedException',
    reason: 'token:unknown-key',
  },
  {
    name: "an unsigned token (alg 'none')",
    token: () => {
      const [header, payload] = decoded(signIn());
      const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
      return `${encode({ ...header, alg: 'none' })}.${encode(payload)}.`;
    },
    write: { contactId: 'live' },
    status: 401,
    type: 'NotAuthorizedException',
    reason: 'token:malformed',
  },
  {
    name: "agent B on agent A's contact",
    token: () => signIn('agent.jones'),
    write: { contactId: 'live' },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'not-the-agent',
  },
  {
    name: 'a contact of another instance',
    token: () => signIn(),
    write: { contactId: 'live', instanceId: 'other-instance' },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'other-instance',
  },
  {
    name: "an InitialContactId outside the leg's chain",
    token: () => signIn(),
    write: { contactId: 'live', initialContactId: 'jones-live' },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'other-chain',
  },
  {
    name: 'a contact past the window',
    token: () => signIn(),
    write: { contactId: 'old' },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'window-passed',
  },
  {
    name: 'the first leg after its transfer, past the window of 5 minutes',
    token: () => signIn(),
    write: { contactId: 'first-leg' },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'window-passed',
  },
  {
    name: 'a denied key',
    token: () => signIn(),
    write: { contactId: 'live', attributes: { note: 'x', routing_priority: '1' } },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'key-denied',
  },
  {
    name: 'an unknown contact',
    token: () => signIn(),
    write: { contactId: 'no-such-contact' },
    status: 403,
    type: 'AccessDeniedException',
    reason: 'contact-not-found',
  },
];

/** The happy paths: who writes which leg under which chain, and where the attributes land. */
const successes: Array<{ name: string; username: string; write: Write; chain: string }> = [
  { name: 'a connected contact', username: 'agent.smith', write: { contactId: 'live' }, chain: 'live' },
  {
    name: 'a contact in after-contact work (disconnected hours ago)',
    username: 'agent.smith',
    write: { contactId: 'acw' },
    chain: 'acw',
  },
  {
    name: "the new leg after a transfer, under the first leg's id",
    username: 'agent.jones',
    write: { contactId: 'second-leg', initialContactId: 'first-leg' },
    chain: 'first-leg',
  },
  {
    name: 'a contact ended within the window',
    username: 'agent.smith',
    write: { contactId: 'recent' },
    chain: 'recent',
  },
];

for (const transport of ['Lambda (API Gateway HTTP API event)', 'HTTP (Node server)'] as const) {
  describe(`the relay over ${transport}`, () => {
    let server: RelayServer | undefined;
    let send: Send;
    const windowOf5Minutes = { ownershipWindowSeconds: 300 };

    before(async () => {
      if (transport === 'HTTP (Node server)') {
        server = await startRelayServer({ config: settings(windowOf5Minutes), dependencies: dependencies() });
        send = overHttp(() => server as RelayServer);
      } else {
        send = overLambda(settings(windowOf5Minutes));
      }
    });
    after(() => server?.close());

    for (const refusal of refusals) {
      it(`refuses ${refusal.name}: ${refusal.status} ${refusal.type}, nothing written`, async () => {
        const answer = await send(refusal.write, refusal.token());
        assert.equal(answer.status, refusal.status, answer.message);
        assert.equal(answer.type, refusal.type);
        if (refusal.type === 'AccessDeniedException' && refusal.reason !== 'key-denied')
          assert.match(answer.message, /^This contact is not yours/);
        assert.equal(audits.at(-1)?.reason, refusal.reason);
        assert.equal(audits.at(-1)?.decision, 'refused');
        assert.deepEqual(
          handle.requestLog().filter((entry) => entry.action === 'UpdateContactAttributes'),
          [],
        );
      });
    }

    for (const success of successes) {
      it(`writes ${success.name}`, async () => {
        const answer = await send(
          { ...success.write, attributes: { disposition: 'resolved' } },
          signIn(success.username),
        );
        assert.equal(answer.status, 200, answer.message);
        assert.equal(
          handle.attributesOf(success.write.instanceId ?? instanceId, success.chain)?.['disposition'],
          'resolved',
        );
        assert.equal(audits.at(-1)?.decision, 'allowed');
      });
    }

    it('checks the instance and the keys before calling Connect at all', async () => {
      await send({ contactId: 'live', instanceId: 'other-instance' }, signIn());
      await send({ contactId: 'live', attributes: { routing_x: '1' } }, signIn());
      assert.deepEqual(handle.requestLog(), []);
    });
  });
}

describe('the relay, further', () => {
  it("passes Connect's errors through in the shape the plugin decodes; a 429 stays a 429", async () => {
    let send = overLambda(settings());
    handle.setFaults({ failNext: { count: 1, status: 429, type: 'ThrottlingException' } });
    const throttled = await send({ contactId: 'live' }, signIn());
    assert.equal(throttled.status, 429);
    assert.equal(throttled.type, 'ThrottlingException');
    assert.equal(audits.at(-1)?.decision, 'failed');
    assert.equal(audits.at(-1)?.reason, 'connect:SearchUsers:ThrottlingException');

    // Within the budget alone, over it with the flow's attributes already stored: Connect refuses, the relay passes it on.
    send = overLambda(settings());
    const overStored = await send({ contactId: 'live', attributes: { big: 'x'.repeat(32_760) } }, signIn());
    assert.equal(overStored.status, 400);
    assert.equal(overStored.type, 'InvalidRequestException');
    assert.match(overStored.message, /32768 UTF-8 bytes/);
    assert.equal(audits.at(-1)?.reason, 'connect:UpdateContactAttributes:InvalidRequestException');

    const tooBig = await send(
      { contactId: 'live', attributes: { a: 'x'.repeat(20_000), b: 'x'.repeat(13_000) } },
      signIn(),
    );
    assert.equal(tooBig.status, 400);
    assert.equal(tooBig.type, 'InvalidRequestException');
    assert.equal(
      audits.at(-1)?.reason,
      'invalid:over-budget',
      'the relay checks the request itself with src/validate.ts',
    );
    assert.deepEqual(
      handle
        .requestLog()
        .filter((entry) => entry.action === 'UpdateContactAttributes')
        .map((entry) => entry.status),
      [400],
    );
  });

  it(
    'answers a retryable 503 when Amazon Connect does not answer within connectTimeoutMs, at each of its calls',
    { timeout: 20_000 },
    async () => {
      const byId = { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true } as const;
      const cases = [
        // SearchUsers never answers (the username is resolved first).
        {
          config: settings({ connectTimeoutMs: 300 }),
          fault: { hangNext: 1 },
          action: 'SearchUsers',
          stored: undefined,
        },
        // DescribeContact never answers (no SearchUsers with a user id claim).
        {
          config: settings({ connectTimeoutMs: 300, user: byId }),
          fault: { hangNext: 1 },
          action: 'DescribeContact',
          stored: undefined,
        },
        // UpdateContactAttributes stores, then never answers: the 503 is ambiguous, and the browser retries.
        {
          config: settings({ connectTimeoutMs: 300, user: byId }),
          fault: { hangAfterStoreNext: 1 },
          action: 'UpdateContactAttributes',
          stored: 'resolved',
        },
      ];
      for (const { config, fault, action, stored } of cases) {
        handle.reset();
        const send = overLambda(config);
        handle.setFaults(fault);
        const answer = await send({ contactId: 'live' }, signIn());
        assert.equal(answer.status, 503, action);
        assert.equal(answer.type, 'ServiceUnavailableException');
        assert.match(answer.message, /did not answer in time; try again/);
        assert.equal(audits.at(-1)?.decision, 'failed');
        assert.equal(audits.at(-1)?.reason, `connect:${action}:timeout`);
        assert.equal(handle.attributesOf(instanceId, 'live')?.['disposition'], stored, action);
        // The relay is not wedged: the next request goes through.
        assert.equal((await send({ contactId: 'live' }, signIn())).status, 200, action);
        assert.equal(handle.attributesOf(instanceId, 'live')?.['disposition'], 'resolved');
      }
    },
  );

  it("refuses a malformed body with 400 and the validator's message, after authentication", async () => {
    const handler = createLambdaHandler(settings(), dependencies());
    const anonymous = await handler(apiEvent({ body: '{"nope":' }));
    assert.equal(anonymous.statusCode, 401);
    const broken = await handler(apiEvent({ body: '{"nope":', token: signIn() }));
    assert.equal(broken.statusCode, 400);
    const badKey = await handler(
      apiEvent({
        body: JSON.stringify({
          InstanceId: instanceId,
          InitialContactId: 'live',
          ContactId: 'live',
          Attributes: { 'bad key': 'x' },
        }),
        token: signIn(),
      }),
    );
    assert.equal(badKey.statusCode, 400);
    assert.match((JSON.parse(badKey.body) as { message: string }).message, /bad key/);
    const noContactId = await handler(
      apiEvent({
        body: JSON.stringify({ InstanceId: instanceId, InitialContactId: 'live', Attributes: { a: 'x' } }),
        token: signIn(),
      }),
    );
    assert.equal(noContactId.statusCode, 400);
    assert.match((JSON.parse(noContactId.body) as { message: string }).message, /ContactId/);
  });

  it('applies an allow list of key prefixes', async () => {
    const send = overLambda(settings({ allowKeyPrefixes: ['agent_'] }));
    assert.equal((await send({ contactId: 'live', attributes: { agent_note: 'x' } }, signIn())).status, 200);
    const refused = await send({ contactId: 'live', attributes: { agent_note: 'x', other: 'y' } }, signIn());
    assert.equal(refused.status, 403);
    assert.equal(audits.at(-1)?.reason, 'key-not-allowed');
  });

  it('maps the caller with a user id claim instead of SearchUsers', async () => {
    const send = overLambda(
      settings({ user: { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true } }),
    );
    assert.equal((await send({ contactId: 'live' }, signIn())).status, 200);
    assert.equal((await send({ contactId: 'live' }, signIn('agent.jones'))).status, 403);
    assert.equal(handle.requestLog().filter((entry) => entry.action === 'SearchUsers').length, 0);
  });

  it('caches a resolved username for its TTL, and refuses a user Connect does not know', async () => {
    let now = Date.now();
    const handler = createLambdaHandler(
      settings({ user: { usernameClaim: 'cognito:username', cacheTtlSeconds: 60 } }),
      { ...dependencies(), now: () => now },
    );
    const write = () => handler(apiEvent({ body: body({ contactId: 'live' }), token: signIn() }));
    assert.equal((await write()).statusCode, 200);
    assert.equal((await write()).statusCode, 200);
    const searches = () => handle.requestLog().filter((entry) => entry.action === 'SearchUsers').length;
    assert.equal(searches(), 1);
    now += 61_000;
    assert.equal((await write()).statusCode, 200);
    assert.equal(searches(), 2);

    // The id token's email (agent.smith@example.com) is no Connect username; a claim the token lacks names nobody.
    for (const [claim, reason] of [
      ['email', 'user:unknown-user'],
      ['nickname', 'user:no-user-claim'],
    ]) {
      const nobody = createLambdaHandler(
        settings({ user: { usernameClaim: claim ?? '', agentsCannotChangeClaim: true } }),
        dependencies(),
      );
      const refused = await nobody(apiEvent({ body: body({ contactId: 'live' }), token: signIn() }));
      assert.equal(refused.statusCode, 403);
      assert.equal(audits.at(-1)?.reason, reason);
    }
  });

  it('refuses when SearchUsers cannot answer, and lets nothing through', async () => {
    const send = overLambda(settings());
    handle.setFaults({ failNext: { count: 1, status: 500, type: 'InternalServiceException' } });
    const answer = await send({ contactId: 'live' }, signIn());
    assert.equal(answer.status, 500);
    assert.equal(audits.at(-1)?.reason, 'connect:SearchUsers:InternalServiceException');
    assert.equal(handle.attributesOf(instanceId, 'live')?.['disposition'], undefined);
  });

  it('reads verified claims from an API Gateway JWT authorizer when configured so, and never without one', async () => {
    const handler = createLambdaHandler(settings({ auth: { type: 'api-gateway-jwt-authorizer' } }), dependencies());
    const [, claims] = decoded(signIn());
    // API Gateway passes claims as strings.
    const stringClaims = Object.fromEntries(Object.entries(claims).map(([name, value]) => [name, String(value)]));
    const allowed = await handler(apiEvent({ body: body({ contactId: 'live' }), claims: stringClaims }));
    assert.equal(allowed.statusCode, 200);
    const noAuthorizer = await handler(apiEvent({ body: body({ contactId: 'live' }), token: signIn() }));
    assert.equal(noAuthorizer.statusCode, 401);
    assert.equal(audits.at(-1)?.reason, 'token:no-authorizer-claims');
    const jonesClaims = { ...stringClaims, 'cognito:username': 'agent.jones' };
    assert.equal((await handler(apiEvent({ body: body({ contactId: 'live' }), claims: jonesClaims }))).statusCode, 403);
  });

  it('does not verify tokens itself in authorizer mode, and the token modes ignore authorizer claims', async () => {
    const handler = createLambdaHandler(settings(), dependencies());
    const [, claims] = decoded(signIn());
    const spoofed = await handler(
      apiEvent({
        body: body({ contactId: 'live' }),
        claims: Object.fromEntries(Object.entries(claims).map(([k, v]) => [k, String(v)])),
      }),
    );
    assert.equal(spoofed.statusCode, 401);
  });

  it('answers CORS for the configured origins only', async () => {
    const handler = createLambdaHandler(settings(), dependencies());
    const preflight = await handler(apiEvent({ body: '', method: 'OPTIONS', origin: 'https://agents.example.com' }));
    assert.equal(preflight.statusCode, 204);
    assert.equal(preflight.headers['access-control-allow-origin'], 'https://agents.example.com');
    assert.match(String(preflight.headers['access-control-allow-headers']), /Authorization/);
    const foreign = await handler(apiEvent({ body: '', method: 'OPTIONS', origin: 'https://evil.example.net' }));
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
    const send = overLambda(settings());
    const ok = await send({ contactId: 'live' }, signIn(), 'https://agents.example.com');
    assert.equal(ok.headers['access-control-allow-origin'], 'https://agents.example.com');
    assert.match(ok.headers['access-control-expose-headers'] ?? '', /x-amzn-errortype/);
    const other = await send({ contactId: 'live' }, signIn(), 'https://evil.example.net');
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  it('writes one audit line per decision with caller, contact, keys, decision and reason; never values or the token', async () => {
    const lines: string[] = [];
    const original = console.log;
    console.log = (line: string) => lines.push(line);
    try {
      const handler = createLambdaHandler(settings(), { connect: connect() });
      const token = signIn();
      await handler(apiEvent({ body: body({ contactId: 'live', attributes: { secret_note: 'card 4111' } }), token }));
      await handler(
        apiEvent({ body: body({ contactId: 'jones-live', attributes: { secret_note: 'card 4111' } }), token }),
      );
      assert.equal(lines.length, 2);
      for (const line of lines) {
        assert.ok(!line.includes('4111'), 'no attribute value');
        assert.ok(!line.includes(token) && !line.includes(token.split('.')[2] ?? '-'), 'no token');
      }
      const [allowed, refused] = lines.map((line) => JSON.parse(line) as AuditRecord & { relay: string });
      assert.equal(allowed?.decision, 'allowed');
      assert.deepEqual(allowed.keys, ['secret_note']);
      assert.equal(allowed.caller?.userId, smith);
      assert.equal(allowed.caller.username, 'agent.smith');
      assert.equal(allowed.contactId, 'live');
      assert.equal(refused?.decision, 'refused');
      assert.equal(refused.reason, 'not-the-agent');
      assert.equal(refused.status, 403);
    } finally {
      console.log = original;
    }
  });
});

describe('checkOwnership', () => {
  const at = (iso: string) => new Date(iso);
  const question = {
    userId: 'u1',
    initialContactId: 'c1',
    nowMs: Date.parse('2026-01-01T12:00:00Z'),
    windowMs: 3600_000,
  };
  it('tells ongoing, after-contact work, recently ended and the refusals apart', () => {
    assert.deepEqual(checkOwnership({ Id: 'c1', AgentInfo: { Id: 'u1' } }, question), {
      owned: true,
      state: 'ongoing',
      holdsUntilMs: Date.parse('2026-01-01T13:00:00Z'),
    });
    assert.deepEqual(
      checkOwnership(
        {
          Id: 'c1',
          DisconnectTimestamp: at('2026-01-01T08:00:00Z'),
          AgentInfo: { Id: 'u1', AfterContactWorkStartTimestamp: at('2026-01-01T08:00:00Z') },
        },
        question,
      ),
      {
        owned: true,
        state: 'after-contact-work',
        holdsUntilMs: Date.parse('2026-01-01T13:00:00Z'),
      },
    );
    assert.deepEqual(
      checkOwnership({ Id: 'c1', DisconnectTimestamp: at('2026-01-01T11:00:00Z'), AgentInfo: { Id: 'u1' } }, question),
      { owned: true, state: 'recently-ended', holdsUntilMs: Date.parse('2026-01-01T12:00:00Z') },
    );
    assert.deepEqual(
      checkOwnership({ Id: 'c1', DisconnectTimestamp: at('2026-01-01T10:59:59Z'), AgentInfo: { Id: 'u1' } }, question),
      { owned: false, reason: 'window-passed' },
    );
    assert.deepEqual(checkOwnership({ Id: 'c2', InitialContactId: 'c1', AgentInfo: { Id: 'u1' } }, question), {
      owned: true,
      state: 'ongoing',
      holdsUntilMs: Date.parse('2026-01-01T13:00:00Z'),
    });
    assert.deepEqual(checkOwnership({ Id: 'c2', InitialContactId: 'c0', AgentInfo: { Id: 'u1' } }, question), {
      owned: false,
      reason: 'other-chain',
    });
    assert.deepEqual(checkOwnership({ Id: 'c1' }, question), { owned: false, reason: 'not-the-agent' });
    assert.deepEqual(checkOwnership({ Id: 'c1', AgentInfo: { Id: 'u2' } }, question), {
      owned: false,
      reason: 'not-the-agent',
    });
  });
});

describe('resolveRelayConfig', () => {
  it('names every problem, and refuses a JWKS fetched in clear from a non-loopback host', () => {
    assert.throws(
      () =>
        resolveRelayConfig({
          instanceArn: 'nope',
          auth: { type: 'oidc', issuer: 'http://idp.example.com', audience: [] },
          user: {},
          extra: 1,
        }),
      (error: Error) =>
        /instanceArn/.test(error.message) &&
        /auth\.audience/.test(error.message) &&
        /auth\.jwksUri/.test(error.message) &&
        /user must name/.test(error.message) &&
        /unknown setting extra/.test(error.message),
    );
    const resolved = resolveRelayConfig({
      instanceArn,
      auth: { type: 'cognito', userPoolId: 'us-east-1_AbC123', clientId: 'abc', tokenUse: 'id' },
      user: { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true },
    });
    assert.equal(resolved.instanceId, instanceId);
    assert.equal(resolved.region, 'us-east-1');
    assert.equal(resolved.ownershipWindowSeconds, 3600);
    assert.equal(resolved.connectTimeoutMs, 8000);
    for (const connectTimeoutMs of [0, 99, 1.5, 29_001, '5000'])
      assert.throws(
        () => resolveRelayConfig({ ...resolved, connectTimeoutMs }),
        /connectTimeoutMs must be a whole number of milliseconds from 100 to 29000/,
        String(connectTimeoutMs),
      );
  });
});

describe('the relay server', () => {
  it('refuses a body over 256 KiB with 413, audited, and still answers on the connection', async () => {
    const server = await startRelayServer({ config: settings(), dependencies: dependencies() });
    try {
      const response = await fetch(`${server.url}/contact/attributes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${signIn()}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          InstanceId: instanceId,
          InitialContactId: 'live',
          ContactId: 'live',
          Attributes: { big: 'x'.repeat(600_000) },
        }),
      });
      assert.equal(response.status, 413);
      assert.equal(response.headers.get('x-amzn-errortype'), 'RequestEntityTooLargeException');
      assert.equal(audits.at(-1)?.reason, 'invalid:too-large');
    } finally {
      await server.close();
    }
  });
});

/**
 * The relay's answers to an outside security test: a token without `exp`, a Connect endpoint reached in clear text,
 * configurations handed to the entry points without going through resolveRelayConfig, and the clock a token's expiry
 * is judged by. Tokens are signed here with a key whose JWKS a loopback server of this file serves, so a token can
 * carry any claims; Connect is the stand-in.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, afterEach, before, describe, it, mock } from 'node:test';
import { ConnectClient } from '@aws-sdk/client-connect';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { makeSigningKey, signJwt } from '../../demo/connect-api/user-pool.ts';
import {
  createAuthenticator,
  createLambdaHandler,
  createRelay,
  resolveRelayConfig,
  startRelayServer,
  AuthFailure,
  type AuditRecord,
  type RelayConfig,
  type ResolvedRelayConfig,
} from '../../src/relay/index.ts';

const instanceId = 'inst-hardening';
const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
const audience = 'agent-desktop';
const key = makeSigningKey();

let api: ConnectApiHandle;
let jwks: Server;
let issuer = '';
let audits: AuditRecord[] = [];

before(async () => {
  api = await startConnectApi({
    contacts: [
      { instanceId, contactId: 'live', startedAt: new Date().toISOString(), agentId: 'agent-agent-smith' },
      {
        instanceId,
        contactId: 'ended',
        startedAt: new Date(Date.now() - 40 * 60_000).toISOString(),
        disconnectedAt: new Date(Date.now() - 30 * 60_000).toISOString(),
        afterContactWorkEndedAt: new Date(Date.now() - 20 * 60_000).toISOString(),
        agentId: 'agent-agent-smith',
      },
    ],
  });
  jwks = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ keys: [key.jwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}`;
});
after(async () => {
  await api.close();
  await new Promise((resolve) => jwks.close(resolve));
});
afterEach(() => {
  audits = [];
  api.reset();
  mock.timers.reset();
});

/** The relay's user configuration, not resolved. */
function config(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    instanceArn,
    auth: { type: 'oidc', issuer, audience: [audience], jwksUri: `${issuer}/jwks.json` },
    user: { usernameClaim: 'cognito:username' },
    connectEndpoint: api.url,
    ...overrides,
  };
}

const dependencies = () => ({
  connect: new ConnectClient({
    region: api.region,
    endpoint: api.url,
    credentials: { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey },
    maxAttempts: 1,
  }),
  audit: (record: AuditRecord) => audits.push(record),
});

/** A token of agent.smith signed with this file's key; `claims` replace or (as undefined) remove claims. */
function token(claims: Record<string, unknown> = {}): string {
  const iat = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {
    sub: 'smith-sub',
    iss: issuer,
    aud: audience,
    token_use: 'id',
    'cognito:username': 'agent.smith',
    iat,
    exp: iat + 3600,
  };
  const merged = Object.entries({ ...payload, ...claims }).filter(([, value]) => value !== undefined);
  return signJwt({ alg: 'RS256', kid: key.kid }, Object.fromEntries(merged), key.privateKey);
}

/** A payload 2.0 event writing `disposition` on a contact of the instance. */
function event(bearer: string, contactId = 'live') {
  return {
    rawPath: '/contact/attributes',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      InstanceId: instanceId,
      InitialContactId: contactId,
      ContactId: contactId,
      Attributes: { disposition: 'resolved' },
    }),
    isBase64Encoded: false,
    requestContext: { requestId: 'r-1', http: { method: 'POST' } },
  };
}

const stored = (contactId = 'live') => api.attributesOf(instanceId, contactId)?.['disposition'];

describe('a token without exp', () => {
  it('is refused with 401, and nothing is written', async () => {
    const handler = createLambdaHandler(resolveRelayConfig(config()), dependencies());
    const ok = await handler(event(token()));
    assert.equal(ok.statusCode, 200, `the same token with exp is accepted: ${ok.body} ${JSON.stringify(audits)}`);
    api.reset();

    const answer = await handler(event(token({ exp: undefined })));
    assert.equal(answer.statusCode, 401);
    assert.equal(answer.headers['x-amzn-errortype'], 'NotAuthorizedException');
    assert.equal(audits.at(-1)?.reason, 'token:no-expiry');
    assert.equal(stored(), undefined);
    assert.deepEqual(api.requestLog(), [], 'refused before any call to Connect');
  });

  it('an exp that is not a number (a string of digits, null) is refused too, not taken for a token without expiry', async () => {
    const handler = createLambdaHandler(resolveRelayConfig(config()), dependencies());
    const later = Math.floor(Date.now() / 1000) + 3600;
    for (const exp of [String(later), null, 'never']) {
      const answer = await handler(event(token({ exp })));
      assert.equal(answer.statusCode, 401, `exp ${JSON.stringify(exp)}`);
      assert.match(audits.at(-1)?.reason ?? '', /^token:(malformed|no-expiry)$/);
    }
    assert.equal(stored(), undefined);
    assert.deepEqual(api.requestLog(), [], 'refused before any call to Connect');
  });

  it('is refused by the authenticator in every mode, API Gateway claims included', async () => {
    const oidc = createAuthenticator(resolveRelayConfig(config()).auth);
    await assert.rejects(
      oidc.authenticate({ authorization: `Bearer ${token({ exp: undefined })}`, authorizerClaims: undefined }),
      (error: unknown) => error instanceof AuthFailure && error.reason === 'no-expiry',
    );
    const gateway = createAuthenticator({ type: 'api-gateway-jwt-authorizer' });
    const claims = { sub: 'smith-sub', 'cognito:username': 'agent.smith' };
    await assert.rejects(
      gateway.authenticate({ authorization: undefined, authorizerClaims: claims }),
      (error: unknown) => error instanceof AuthFailure && error.reason === 'no-expiry',
    );
    // API Gateway hands claims over as strings.
    const exp = String(Math.floor(Date.now() / 1000) + 60);
    assert.equal(
      (await gateway.authenticate({ authorization: undefined, authorizerClaims: { ...claims, exp } }))['exp'],
      exp,
    );
  });
});

describe('connectEndpoint', () => {
  it('must be https, or plain http on a loopback address only', () => {
    for (const endpoint of ['http://connect.example.com', 'http://10.0.0.8:8787', 'ftp://127.0.0.1', 'nope']) {
      assert.throws(
        () => resolveRelayConfig(config({ connectEndpoint: endpoint })),
        /connectEndpoint must be an https URL \(http only on a loopback host\)/,
        endpoint,
      );
    }
    for (const endpoint of [
      'https://connect.example.com',
      'http://127.0.0.1:8787',
      'http://localhost:1',
      'http://[::1]:2',
    ])
      assert.equal(resolveRelayConfig(config({ connectEndpoint: endpoint })).connectEndpoint, endpoint);
  });
});

describe('the entry points resolve what they are given', () => {
  const wrong = () => config({ connectEndpoint: 'http://connect.example.com', ownershipWindowSeconds: -1 });
  const problems = (error: unknown) =>
    error instanceof TypeError &&
    /^relay config: /.test(error.message) &&
    /connectEndpoint/.test(error.message) &&
    /ownershipWindowSeconds/.test(error.message);

  it('createLambdaHandler, startRelayServer and createRelay refuse a wrong configuration with its problems', async () => {
    assert.throws(() => createLambdaHandler(wrong(), dependencies()), problems);
    assert.throws(() => createRelay(wrong(), dependencies()), problems);
    await assert.rejects(startRelayServer({ config: wrong(), dependencies: dependencies() }), problems);
  });

  it('a configuration that never went through resolveRelayConfig runs with its defaults', async () => {
    // No window (default 3600 s), no key lists, no origins: the contact ended 20 minutes ago is still the agent's.
    const handler = createLambdaHandler(config(), dependencies());
    const answer = await handler(event(token(), 'ended'));
    assert.equal(answer.statusCode, 200, answer.body);
    assert.equal(stored('ended'), 'resolved');

    const server = await startRelayServer({ config: config(), dependencies: dependencies() });
    try {
      const response = await fetch(`${server.url}/contact/attributes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token()}`, 'content-type': 'application/json' },
        body: event(token()).body,
      });
      assert.equal(response.status, 200);
      assert.equal(stored(), 'resolved');
    } finally {
      await server.close();
    }
  });

  it('a resolved configuration whose region or instance id was changed is refused', () => {
    const resolved = resolveRelayConfig(config());
    assert.deepEqual(resolveRelayConfig(resolved), resolved, 'resolving twice changes nothing');
    const changed: ResolvedRelayConfig = { ...resolved, instanceId: 'another-instance' };
    assert.throws(() => createLambdaHandler(changed, dependencies()), /instanceId must match instanceArn/);
  });
});

describe("the token's expiry and dependencies.now", () => {
  it('expiry follows the global clock (aws-jwt-verify takes no clock); now moves only the window and the audit', async () => {
    const issued = token();
    const twoHours = 2 * 3600_000;
    // `now` two hours ahead: the token is still accepted (its expiry is judged by Date.now), and the audit says so.
    const ahead = createLambdaHandler(resolveRelayConfig(config()), {
      ...dependencies(),
      now: () => Date.now() + twoHours,
    });
    assert.equal((await ahead(event(issued))).statusCode, 200);
    assert.ok(Date.parse(audits.at(-1)?.time ?? '') > Date.now() + twoHours - 60_000, 'the audit time follows now');
    // The window follows `now`: the contact that ended 20 minutes ago is past it two hours later.
    assert.equal((await ahead(event(issued, 'ended'))).statusCode, 403);
    assert.equal(audits.at(-1)?.reason, 'window-passed');

    // The global clock two hours ahead: the token has expired.
    mock.timers.enable({ apis: ['Date'], now: Date.now() + twoHours });
    const handler = createLambdaHandler(resolveRelayConfig(config()), dependencies());
    const answer = await handler(event(issued));
    assert.equal(answer.statusCode, 401);
    assert.equal(audits.at(-1)?.reason, 'token:expired');
  });
});

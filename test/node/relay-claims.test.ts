/**
 * The claim that names the agent is a security decision. An agent who can change it names a colleague and writes the
 * colleague's contacts: shown here end to end, over HTTP, against the stand-in user pool (InitiateAuth and
 * UpdateUserAttributes, awsJson1.1 as Cognito serves them) and the relay, and refused with the setups the README
 * leads to: the username (`cognito:username`), or a custom attribute no app client of the pool may write.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConnectClient } from '@aws-sdk/client-connect';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import {
  createLambdaHandler,
  resolveRelayConfig,
  type AuditRecord,
  type RelayConfig,
  type RelayUserMapping,
} from '../../src/relay/index.ts';

const instanceId = 'inst-claims';
const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
const desktop = 'standin-agent-desktop';
/** A second app client of the same pool (say, a profile page) whose write attributes were never set. */
const profileApp = 'profile-app';
const contacts: ContactRecord[] = [
  { instanceId, contactId: 'smith-live', startedAt: new Date().toISOString(), agentId: 'agent-agent-smith' },
  { instanceId, contactId: 'jones-live', startedAt: new Date().toISOString(), agentId: 'agent-agent-jones' },
];

/** A pool as Cognito makes it by default: the desktop's client may write email only, the profile app everything. */
let open: ConnectApiHandle;
/** The setup the README leads to: no app client of the pool lists the custom attribute in its write attributes. */
let locked: ConnectApiHandle;
let audits: AuditRecord[] = [];

before(async () => {
  open = await startConnectApi({ contacts, userPool: { clientIds: [desktop, profileApp] } });
  locked = await startConnectApi({
    contacts,
    userPool: { clientIds: [desktop, profileApp], writeAttributes: { [desktop]: ['email'], [profileApp]: ['email'] } },
  });
});
after(async () => {
  await open.close();
  await locked.close();
});
afterEach(() => {
  open.reset();
  locked.reset();
  audits = [];
});

/** One awsJson1.1 call to the pool, as the Cognito user pools client sends it (unsigned, X-Amz-Target). */
async function cognito(
  api: ConnectApiHandle,
  action: 'InitiateAuth' | 'UpdateUserAttributes',
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(api.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': `AWSCognitoIdentityProviderService.${action}`,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

async function signIn(api: ConnectApiHandle, clientId: string): Promise<{ idToken: string; accessToken: string }> {
  const { status, json } = await cognito(api, 'InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: clientId,
    AuthParameters: { USERNAME: 'agent.smith', PASSWORD: 'demo-password' },
  });
  assert.equal(status, 200);
  const result = json['AuthenticationResult'] as { IdToken: string; AccessToken: string };
  return { idToken: result.IdToken, accessToken: result.AccessToken };
}

/** agent.smith, signed in through `clientId`, sets his own custom:connect_user_id to agent.jones's Connect user id. */
async function nameColleague(api: ConnectApiHandle, clientId: string) {
  const { accessToken } = await signIn(api, clientId);
  return cognito(api, 'UpdateUserAttributes', {
    AccessToken: accessToken,
    UserAttributes: [{ Name: 'custom:connect_user_id', Value: 'agent-agent-jones' }],
  });
}

const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as Record<string, unknown>;

/** The relay in front of `api`, accepting the agent desktop's id tokens, mapping the caller with `user`. */
function relay(api: ConnectApiHandle, user: RelayUserMapping) {
  const config: RelayConfig = {
    instanceArn,
    auth: { type: 'oidc', issuer: api.issuer, audience: [desktop], jwksUri: api.jwksUri },
    user,
    connectEndpoint: api.url,
  };
  const handler = createLambdaHandler(config, {
    connect: new ConnectClient({
      region: api.region,
      endpoint: api.url,
      credentials: { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey },
      maxAttempts: 1,
    }),
    audit: (record) => audits.push(record),
  });
  return async (idToken: string, contactId: string) =>
    (
      await handler({
        rawPath: '/contact/attributes',
        headers: { authorization: `Bearer ${idToken}` },
        body: JSON.stringify({
          InstanceId: instanceId,
          InitialContactId: contactId,
          ContactId: contactId,
          Attributes: { note: 'written by agent.smith' },
        }),
        isBase64Encoded: false,
        requestContext: { requestId: 'r', http: { method: 'POST' } },
      })
    ).statusCode;
}

const customAttribute = { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true } as const;

describe("an agent who can change the claim that names them writes a colleague's contact", () => {
  it('succeeds through an app client that may write the custom attribute', async () => {
    // The operator confirmed agentsCannotChangeClaim, but the pool's profile app may write every attribute.
    const write = relay(open, customAttribute);
    assert.equal(await write((await signIn(open, desktop)).idToken, 'jones-live'), 403, 'refused before the attack');

    const rewrite = await nameColleague(open, profileApp);
    assert.equal(rewrite.status, 200, JSON.stringify(rewrite.json));
    const { idToken } = await signIn(open, desktop);
    assert.equal(claimsOf(idToken)['cognito:username'], 'agent.smith');
    assert.equal(claimsOf(idToken)['custom:connect_user_id'], 'agent-agent-jones');

    assert.equal(await write(idToken, 'jones-live'), 200);
    assert.equal(open.attributesOf(instanceId, 'jones-live')?.['note'], 'written by agent.smith');
    assert.deepEqual(audits.at(-1)?.caller?.userId, 'agent-agent-jones');
  });

  it('is refused when the relay names agents by their username (cognito:username)', async () => {
    const write = relay(open, { usernameClaim: 'cognito:username' });
    assert.equal((await nameColleague(open, profileApp)).status, 200, 'the attribute itself is rewritten');
    const { idToken } = await signIn(open, desktop);
    assert.equal(await write(idToken, 'jones-live'), 403);
    assert.equal(audits.at(-1)?.reason, 'not-the-agent');
    assert.equal(open.attributesOf(instanceId, 'jones-live')?.['note'], undefined);
    assert.equal(await write(idToken, 'smith-live'), 200, "the agent's own contact is still written");
  });

  it('is refused when no app client of the pool may write the custom attribute', async () => {
    const write = relay(locked, customAttribute);
    for (const clientId of [desktop, profileApp]) {
      const refused = await nameColleague(locked, clientId);
      assert.equal(refused.status, 400);
      assert.equal(refused.json['__type'], 'NotAuthorizedException');
      assert.equal(refused.json['message'], 'A client attempted to write unauthorized attribute');
    }
    const { idToken } = await signIn(locked, desktop);
    assert.equal(claimsOf(idToken)['custom:connect_user_id'], 'agent-agent-smith');
    assert.equal(await write(idToken, 'jones-live'), 403);
    assert.equal(locked.attributesOf(instanceId, 'jones-live')?.['note'], undefined);
  });

  it("the stand-in's default agent-desktop client may not write the attribute (the demo's relay relies on it)", async () => {
    const refused = await nameColleague(open, desktop);
    assert.equal(refused.json['__type'], 'NotAuthorizedException');
  });
});

describe('the relay refuses a claim an agent may change unless the operator confirms they cannot', () => {
  const base =
    (user: unknown, auth: unknown = { type: 'oidc', issuer: 'https://idp.example.com', audience: ['a'] }) =>
    () =>
      resolveRelayConfig({ instanceArn, auth, user });
  const cognitoAuth = (tokenUse: 'id' | 'access') => ({
    type: 'cognito',
    userPoolId: 'us-east-1_AbC123',
    clientId: ['a'],
    tokenUse,
  });

  it('a custom attribute or email needs agentsCannotChangeClaim: true, with a message that says why and what is safe', () => {
    for (const user of [
      { userIdClaim: 'custom:connect_user_id' },
      { usernameClaim: 'email' },
      { usernameClaim: 'preferred_username', agentsCannotChangeClaim: false },
    ]) {
      assert.throws(base(user), (error: Error) => {
        assert.match(error.message, /may be able to change/);
        assert.match(error.message, /UpdateUserAttributes/);
        assert.match(error.message, /cognito:username/);
        assert.match(error.message, /agentsCannotChangeClaim: true/);
        return true;
      });
    }
    assert.equal(base({ ...customAttribute })().user.agentsCannotChangeClaim, true);
    assert.deepEqual(base({ usernameClaim: 'email', agentsCannotChangeClaim: true })().user, {
      usernameClaim: 'email',
      cacheTtlSeconds: 300,
      agentsCannotChangeClaim: true,
    });
  });

  it('the Cognito username needs nothing: cognito:username in id tokens, username in access tokens', () => {
    assert.doesNotThrow(base({ usernameClaim: 'cognito:username' }));
    assert.doesNotThrow(base({ usernameClaim: 'cognito:username' }, cognitoAuth('id')));
    assert.doesNotThrow(base({ usernameClaim: 'username' }, cognitoAuth('access')));
    const poolIssuer = 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC123';
    assert.doesNotThrow(base({ usernameClaim: 'username' }, { type: 'oidc', issuer: poolIssuer, audience: ['a'] }));
    assert.doesNotThrow(base({ usernameClaim: 'username' }, { type: 'api-gateway-jwt-authorizer' }));
    // Another issuer may fill a claim named username from anything.
    assert.throws(base({ usernameClaim: 'username' }), /agentsCannotChangeClaim/);
    // The claim of the other token type is never there: a mistake named at start, not a refusal per request.
    assert.throws(base({ usernameClaim: 'username' }, cognitoAuth('id')), /must be 'cognito:username' with id tokens/);
    assert.throws(base({ usernameClaim: 'cognito:username' }, cognitoAuth('access')), /must be 'username' with access/);
  });
});

describe("the stand-in pool's UpdateUserAttributes", () => {
  it('takes an access token only, refuses unknown and immutable attributes, and changes nothing on a refusal', async () => {
    const { idToken, accessToken } = await signIn(open, profileApp);
    const attempt = (token: string, attributes: Array<{ Name: string; Value: string }>) =>
      cognito(open, 'UpdateUserAttributes', { AccessToken: token, UserAttributes: attributes });
    const colleague = { Name: 'custom:connect_user_id', Value: 'agent-agent-jones' };
    const answers = [
      await attempt(idToken, [colleague]),
      await attempt(`${accessToken.slice(0, -4)}AAAA`, [colleague]),
      await attempt(accessToken, [colleague, { Name: 'custom:nope', Value: 'x' }]),
      await attempt(accessToken, [colleague, { Name: 'sub', Value: 'x' }]),
    ].map(({ status, json }) => [status, json['__type']]);
    assert.deepEqual(answers, [
      [400, 'NotAuthorizedException'],
      [400, 'NotAuthorizedException'],
      [400, 'InvalidParameterException'],
      [400, 'InvalidParameterException'],
    ]);
    assert.equal(claimsOf((await signIn(open, desktop)).idToken)['custom:connect_user_id'], 'agent-agent-smith');

    const changed = await attempt(accessToken, [{ Name: 'email', Value: 'smith@elsewhere.example' }]);
    assert.equal(changed.status, 200);
    assert.deepEqual(changed.json['CodeDeliveryDetailsList'], [
      { AttributeName: 'email', DeliveryMedium: 'EMAIL', Destination: 's***@e***' },
    ]);
    const claims = claimsOf((await signIn(open, desktop)).idToken);
    assert.equal(claims['email'], 'smith@elsewhere.example');
    assert.equal(claims['email_verified'], false);
  });
});

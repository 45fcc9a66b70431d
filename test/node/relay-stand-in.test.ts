/**
 * The stand-ins on the relay's path, against the real @aws-sdk/client-connect and aws-jwt-verify: DescribeContact,
 * SearchUsers, flow attributes stored with the contacts, the user pool (InitiateAuth, JWKS) and Cognito Identity
 * verifying its id tokens.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  ConnectClient,
  DescribeContactCommand,
  GetContactAttributesCommand,
  SearchUsersCommand,
  UpdateContactAttributesCommand,
} from '@aws-sdk/client-connect';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { JwtVerifier } from 'aws-jwt-verify';
import { parseContactRecords } from '../../demo/connect-api/records.ts';
import { makeSigningKey, signJwt } from '../../demo/connect-api/user-pool.ts';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';

const instanceId = 'inst-r';
const contacts: ContactRecord[] = [
  {
    instanceId,
    contactId: 'a-1',
    startedAt: '2026-01-01T10:00:00Z',
    agentId: 'agent-agent-smith',
    attributes: { greeting: 'played' },
  },
  {
    instanceId,
    contactId: 'a-2',
    initialContactId: 'a-1',
    previousContactId: 'a-1',
    startedAt: '2026-01-01T10:05:00Z',
    agentId: 'agent-agent-jones',
    channel: 'CHAT',
  },
];

let clockMs = Date.now();
let handle: ConnectApiHandle;

before(async () => {
  handle = await startConnectApi({ contacts, now: () => clockMs });
});
after(() => handle.close());
afterEach(() => {
  handle.reset();
  clockMs = Date.now();
});

function connect(): ConnectClient {
  return new ConnectClient({
    region: handle.region,
    endpoint: handle.url,
    credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
    maxAttempts: 1,
  });
}

async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail('expected a refusal');
}

describe('DescribeContact', () => {
  it('describes a leg with its agent, chain, channel and times, parsed by the real SDK', async () => {
    const { Contact } = await connect().send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'a-2' }));
    assert.equal(Contact?.Id, 'a-2');
    assert.equal(Contact.InitialContactId, 'a-1');
    assert.equal(Contact.PreviousContactId, 'a-1');
    assert.equal(Contact.Channel, 'CHAT');
    assert.equal(Contact.InitiationMethod, 'TRANSFER');
    assert.equal(Contact.AgentInfo?.Id, 'agent-agent-jones');
    assert.deepEqual(Contact.InitiationTimestamp, new Date('2026-01-01T10:05:00Z'));
    assert.equal(Contact.DisconnectTimestamp, undefined);
    assert.equal(Contact.Arn, `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}/contact/a-2`);
  });

  it('shows the disconnect and the after-contact work once they are registered', async () => {
    handle.registerContacts([
      { instanceId, contactId: 'd-1', startedAt: '2026-01-02T09:00:00Z', agentId: 'agent-agent-smith' },
    ]);
    handle.registerContacts([
      { instanceId, contactId: 'd-1', startedAt: '2026-01-02T09:00:00Z', disconnectedAt: '2026-01-02T09:10:00Z' },
    ]);
    let { Contact } = await connect().send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'd-1' }));
    assert.equal(Contact?.AgentInfo?.Id, 'agent-agent-smith', 'a partial re-registration keeps the agent');
    assert.deepEqual(Contact.DisconnectTimestamp, new Date('2026-01-02T09:10:00Z'));
    assert.deepEqual(Contact.AgentInfo.AfterContactWorkStartTimestamp, new Date('2026-01-02T09:10:00Z'));
    assert.equal(Contact.AgentInfo.AfterContactWorkEndTimestamp, undefined);
    handle.registerContacts([
      {
        instanceId,
        contactId: 'd-1',
        startedAt: '2026-01-02T09:00:00Z',
        afterContactWorkEndedAt: '2026-01-02T09:12:00Z',
      },
    ]);
    ({ Contact } = await connect().send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'd-1' })));
    assert.deepEqual(Contact?.AgentInfo?.AfterContactWorkEndTimestamp, new Date('2026-01-02T09:12:00Z'));
  });

  it('answers 404 ResourceNotFoundException for an unknown contact or instance, and 403 without a signature', async () => {
    const unknown = await rejection(
      connect().send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'nope' })),
    );
    assert.equal(unknown.name, 'ResourceNotFoundException');
    assert.equal(unknown.$metadata?.httpStatusCode, 404);
    const otherInstance = await rejection(
      connect().send(new DescribeContactCommand({ InstanceId: 'inst-other', ContactId: 'a-1' })),
    );
    assert.equal(otherInstance.name, 'ResourceNotFoundException');
    const unsigned = await fetch(`${handle.url}/contacts/${instanceId}/a-1`);
    assert.equal(unsigned.status, 403);
    assert.equal(unsigned.headers.get('x-amzn-errortype'), 'MissingAuthenticationTokenException');
    assert.deepEqual(
      handle.requestLog().map((entry) => [entry.action, entry.contactId, entry.status]),
      [
        ['DescribeContact', 'nope', 404],
        ['DescribeContact', 'a-1', 404],
        ['DescribeContact', 'a-1', 403],
      ],
    );
  });
});

describe('SearchUsers', () => {
  const search = (username: string) =>
    connect().send(
      new SearchUsersCommand({
        InstanceId: instanceId,
        SearchCriteria: { StringCondition: { FieldName: 'Username', Value: username, ComparisonType: 'EXACT' } },
      }),
    );

  it('finds a demo agent by exact username, and nobody for a near miss', async () => {
    const { Users } = await search('agent.jones');
    assert.deepEqual(
      Users?.map((user) => [user.Id, user.Username]),
      [['agent-agent-jones', 'agent.jones']],
    );
    assert.deepEqual((await search('agent.jone')).Users, []);
    assert.deepEqual((await search('AGENT.JONES')).Users, []);
  });

  it('refuses criteria it does not implement rather than answering wrongly', async () => {
    const error = await rejection(
      connect().send(
        new SearchUsersCommand({
          InstanceId: instanceId,
          SearchCriteria: { StringCondition: { FieldName: 'Username', Value: 'agent', ComparisonType: 'CONTAINS' } },
        }),
      ),
    );
    assert.equal(error.name, 'InvalidParameterException');
  });
});

describe('flow attributes registered with the contacts', () => {
  it('are returned by GetContactAttributes, merged with agent writes, and kept by a reset', async () => {
    await connect().send(
      new UpdateContactAttributesCommand({
        InstanceId: instanceId,
        InitialContactId: 'a-1',
        Attributes: { note: 'x' },
      }),
    );
    const { Attributes } = await connect().send(
      new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: 'a-1' }),
    );
    assert.deepEqual(Attributes, { greeting: 'played', note: 'x' });
    handle.reset();
    assert.deepEqual(handle.attributesOf(instanceId, 'a-1'), { greeting: 'played' });
  });

  it('count in the 32,768-byte budget of the contact', async () => {
    handle.registerContacts([
      { instanceId, contactId: 'big', startedAt: '2026-01-01T10:00:00Z', attributes: { flow: 'f'.repeat(32_000) } },
    ]);
    const error = await rejection(
      connect().send(
        new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: 'big',
          Attributes: { note: 'n'.repeat(800) },
        }),
      ),
    );
    assert.equal(error.name, 'InvalidRequestException');
    assert.match(error.message, /32768 UTF-8 bytes/);
  });
});

describe('the user pool', () => {
  const initiateAuth = (body: unknown) =>
    fetch(handle.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
      },
      body: JSON.stringify(body),
    });

  it('signs a demo agent in with USER_PASSWORD_AUTH; its tokens verify against the JWKS at the well-known path', async () => {
    const response = await initiateAuth({
      AuthFlow: 'USER_PASSWORD_AUTH',
      ClientId: handle.userPoolClientId,
      AuthParameters: { USERNAME: 'agent.jones', PASSWORD: 'demo-password' },
    });
    assert.equal(response.status, 200);
    const { AuthenticationResult: result } = (await response.json()) as {
      AuthenticationResult: { IdToken: string; AccessToken: string; ExpiresIn: number; TokenType: string };
    };
    assert.equal(result.ExpiresIn, 3600);
    assert.equal(result.TokenType, 'Bearer');

    assert.equal(handle.jwksUri, `${handle.url}/us-east-1_STANDIN/.well-known/jwks.json`);
    const jwks = (await (await fetch(handle.jwksUri)).json()) as { keys: Array<Record<string, string>> };
    // aws-jwt-verify fetches JWKS over https only: hand it the keys fetched here.
    const cached = <T extends { cacheJwks(jwks: Parameters<T['cacheJwks']>[0]): void }>(verifier: T): T => {
      verifier.cacheJwks(jwks);
      return verifier;
    };
    assert.deepEqual(
      jwks.keys.map((key) => [key['kty'], key['alg'], key['use'], typeof key['kid'], 'd' in key]),
      [['RSA', 'RS256', 'sig', 'string', false]],
    );
    const id = await cached(
      JwtVerifier.create({ issuer: handle.issuer, audience: handle.userPoolClientId, jwksUri: handle.jwksUri }),
    ).verify(result.IdToken);
    assert.equal(id['token_use'], 'id');
    assert.equal(id['cognito:username'], 'agent.jones');
    assert.equal(id['custom:connect_user_id'], 'agent-agent-jones');
    assert.equal((id.exp ?? 0) - (id.iat ?? 0), 3600);
    const access = await cached(
      JwtVerifier.create({ issuer: handle.issuer, audience: null, jwksUri: handle.jwksUri }),
    ).verify(result.AccessToken);
    assert.equal(access['client_id'], handle.userPoolClientId);
    assert.equal(access['username'], 'agent.jones');
    assert.equal(access.sub, id.sub);
  });

  it('refuses a wrong password, an unknown user and an unknown app client', async () => {
    const tries = [
      { ClientId: handle.userPoolClientId, AuthParameters: { USERNAME: 'agent.jones', PASSWORD: 'wrong' } },
      { ClientId: handle.userPoolClientId, AuthParameters: { USERNAME: 'nobody', PASSWORD: 'demo-password' } },
      { ClientId: 'other-client', AuthParameters: { USERNAME: 'agent.jones', PASSWORD: 'demo-password' } },
    ];
    const answers = [];
    for (const body of tries) {
      const response = await initiateAuth({ AuthFlow: 'USER_PASSWORD_AUTH', ...body });
      answers.push([response.status, ((await response.json()) as { __type: string }).__type]);
    }
    assert.deepEqual(answers, [
      [400, 'NotAuthorizedException'],
      [400, 'NotAuthorizedException'],
      [400, 'ResourceNotFoundException'],
    ]);
  });
});

describe("Cognito Identity verifies the user pool's id tokens", () => {
  const credentialsFor = (token: string) =>
    fromCognitoIdentityPool({
      identityPoolId: handle.identityPoolId,
      logins: { [handle.loginProvider]: token },
      clientConfig: { region: handle.region, endpoint: handle.url, maxAttempts: 1 },
    })();

  it('gives one identity per user across sign-ins, another to another user', async () => {
    const first = await credentialsFor(handle.signIn('agent.smith').idToken);
    const again = await credentialsFor(handle.signIn('agent.smith').idToken);
    const other = await credentialsFor(handle.signIn('agent.jones').idToken);
    assert.equal(first.identityId, again.identityId);
    assert.notEqual(first.identityId, other.identityId);
  });

  it('refuses an expired id token, an access token and a token signed with a key outside the JWKS', async () => {
    clockMs = Date.now() - 2 * 3600_000;
    const expired = handle.signIn('agent.smith').idToken;
    clockMs = Date.now();
    const error = await rejection(credentialsFor(expired));
    assert.equal(error.name, 'NotAuthorizedException');
    assert.match(error.message, /expired/i);

    assert.equal(
      (await rejection(credentialsFor(handle.signIn('agent.smith').accessToken))).name,
      'NotAuthorizedException',
    );

    const genuine = handle.signIn('agent.smith').idToken;
    const [header, payload] = genuine
      .split('.')
      .slice(0, 2)
      .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<string, unknown>);
    const forged = signJwt(header ?? {}, payload ?? {}, makeSigningKey().privateKey);
    assert.equal((await rejection(credentialsFor(forged))).name, 'NotAuthorizedException');
  });
});

describe('the example contacts file', () => {
  it('parses, and its flow attributes, agents and after-contact work reach the API', async () => {
    const records = parseContactRecords(
      JSON.parse(await readFile(new URL('../../demo/connect-api/contacts.json', import.meta.url), 'utf8')),
    );
    const example = await startConnectApi({ contacts: records });
    try {
      const client = new ConnectClient({
        region: example.region,
        endpoint: example.url,
        credentials: { accessKeyId: example.accessKeyId, secretAccessKey: example.secretAccessKey },
      });
      const [first, transfer, chat] = records;
      assert.deepEqual(example.attributesOf(first?.instanceId ?? '', first?.contactId ?? ''), {
        greeting: 'played',
        language: 'en-US',
      });
      const leg = await client.send(
        new DescribeContactCommand({ InstanceId: transfer?.instanceId, ContactId: transfer?.contactId }),
      );
      assert.equal(leg.Contact?.InitialContactId, first?.contactId);
      assert.equal(leg.Contact?.AgentInfo?.Id, 'agent-agent-jones');
      const done = await client.send(
        new DescribeContactCommand({ InstanceId: chat?.instanceId, ContactId: chat?.contactId }),
      );
      assert.deepEqual(done.Contact?.AgentInfo?.AfterContactWorkEndTimestamp, new Date('2026-01-05T08:43:00Z'));
    } finally {
      await example.close();
    }
  });

  it('refuses malformed new fields with the field named', () => {
    const base = { instanceId: 'i', contactId: 'c', startedAt: '2026-01-01T00:00:00Z' };
    assert.throws(() => parseContactRecords({ ...base, agentId: '' }), /agentId/);
    assert.throws(() => parseContactRecords({ ...base, channel: 'FAX' }), /channel/);
    assert.throws(() => parseContactRecords({ ...base, disconnectedAt: 'later' }), /disconnectedAt/);
    assert.throws(() => parseContactRecords({ ...base, attributes: { 'bad key': 'x' } }), /attributes/);
    assert.throws(() => parseContactRecords({ ...base, attributes: { k: 1 } }), /attributes/);
  });
});

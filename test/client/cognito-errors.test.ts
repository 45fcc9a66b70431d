// Failures of the Cognito credential provider, end to end (the real SDK's fromCognitoIdentityPool against the API
// stand-in playing Cognito Identity): a sign-in or configuration error in Cognito's own words, never blamed on
// Amazon Connect, and no Connect request sent.
import { expect } from '@open-wc/testing';
import { AttributesClient, cognitoCredentials, type CognitoCredentialsOptions } from '../../src/client.ts';
import { AttributesError, kindMessages } from '../../src/errors.ts';
import {
  newContactId,
  registerContacts,
  requestLog,
  resetStandIn,
  setFaults,
  standInConfig,
  storedAttributes,
  type StandInConfig,
} from '../helpers/stand-in.ts';

const instanceId = '21111111-2222-4333-8444-555555555555';
let config: StandInConfig;

/** Writes one attribute to a fresh contact with Cognito credentials made from `options`; the error it fails with. */
async function writeFailure(options: Partial<CognitoCredentialsOptions>): Promise<AttributesError> {
  const contactId = newContactId();
  await registerContacts([{ instanceId, contactId, startedAt: new Date().toISOString() }]);
  const credentials = cognitoCredentials({
    identityPoolId: config.identityPoolId,
    logins: { [config.loginProvider]: config.validTokens[0] ?? '' },
    endpoint: config.url,
    ...options,
  });
  const client = new AttributesClient({ region: config.region, endpoint: config.url, credentials, maxAttempts: 1 });
  try {
    await client.update(instanceId, contactId, { a: 'b' });
  } catch (error) {
    expect(error).to.be.instanceOf(AttributesError);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({});
    return error as AttributesError;
  }
  throw new Error('expected the write to fail');
}

describe('Cognito credential failures', () => {
  before(async () => {
    config = await standInConfig();
  });

  beforeEach(async () => {
    await resetStandIn();
  });

  it("a wrong identity pool id: a configuration error in Cognito's words, not Amazon Connect's not-found", async () => {
    const wrongPool = 'us-east-1:99999999-0000-4000-8000-000000000000';
    const error = await writeFailure({ identityPoolId: wrongPool });
    expect(error.kind).to.equal('auth');
    expect(error.message).to.equal(
      `Could not get AWS credentials from Cognito Identity (check the sign-in and the identity pool): IdentityPool '${wrongPool}' not found.`,
    );
    expect(error.message).not.to.contain('Amazon Connect');
    expect(error.awsType).to.equal('ResourceNotFoundException');
    expect(error.retryable).to.equal(false);
    const actions = (await requestLog()).map((entry) => entry.action);
    expect(actions).to.include('GetId');
    expect(actions).not.to.include('UpdateContactAttributes');
  });

  it("a login token the pool refuses: a sign-in error in Cognito's words", async () => {
    const error = await writeFailure({ logins: { [config.loginProvider]: 'not-a-valid-token' } });
    expect(error.kind).to.equal('auth');
    expect(error.message).to.match(
      /^Could not get AWS credentials from Cognito Identity \(check the sign-in and the identity pool\): \S/,
    );
    expect(error.message).not.to.equal(`${kindMessages.auth}.`);
    expect(error.awsType).to.equal('NotAuthorizedException');
  });

  it('a login provider the pool does not know: a configuration error naming it', async () => {
    const error = await writeFailure({ logins: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_Other': 'token' } });
    expect(error.kind).to.equal('auth');
    expect(error.message).to.contain('Cognito Identity');
    expect(error.message).not.to.contain('Amazon Connect');
  });

  it('a token function that throws: its own error, as a sign-in error', async () => {
    const error = await writeFailure({
      logins: {
        [config.loginProvider]: () => {
          throw new Error('the agent is signed out');
        },
      },
    });
    expect(error.kind).to.equal('auth');
    expect(error.message).to.equal(
      'Could not get AWS credentials from Cognito Identity (check the sign-in and the identity pool): the agent is signed out',
    );
  });

  it('Cognito Identity unreachable: a retryable network error that names Cognito, not Amazon Connect', async () => {
    // Every attempt of the SDK's Cognito client (it retries a dropped connection) finds the connection dropped.
    await setFaults({ dropNext: 5 });
    const error = await writeFailure({});
    expect(error.kind).to.equal('network');
    expect(error.retryable).to.equal(true);
    expect(error.message).to.equal(
      'Could not reach Cognito Identity for AWS credentials (a network error, or access refused without CORS headers).',
    );
  });
});

import { expect } from '@open-wc/testing';
import { DropInConfigError, readDropInConfig } from '../../src/drop-in-config.ts';

const base = 'https://agents.example.com/desk/';

function problems(dataset: Record<string, string>): string[] {
  try {
    readDropInConfig(dataset, base);
  } catch (error) {
    expect(error).to.be.instanceOf(DropInConfigError);
    return (error as DropInConfigError).problems.map((p) => p.attribute);
  }
  return [];
}

describe('readDropInConfig', () => {
  it('reads a full configuration, resolving URLs against the page', () => {
    const config = readDropInConfig(
      {
        ccpUrl: 'https://x.my.connect.aws/ccp-v2/',
        ccpContainer: '#ccp',
        region: 'eu-west-2',
        instanceId: 'inst-1',
        endpoint: 'https://proxy.example.com/',
        identityPoolId: 'eu-west-2:1234abcd-0000-4000-8000-000000000000',
        loginProvider: 'cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab',
        loginTokenStorage: 'idToken',
        rulesUrl: 'rules.json',
        target: '#attributes',
        outboxDebounceMs: '300',
        outboxMaxAgeMs: '60000',
        outboxRate: '1.5',
      },
      base,
    );
    expect(config).to.deep.include({
      ccpUrl: 'https://x.my.connect.aws/ccp-v2/',
      ccpContainer: '#ccp',
      region: 'eu-west-2',
      instanceId: 'inst-1',
      endpoint: 'https://proxy.example.com/',
      rulesUrl: 'https://agents.example.com/desk/rules.json',
      target: '#attributes',
    });
    expect(config.cognito).to.deep.equal({
      identityPoolId: 'eu-west-2:1234abcd-0000-4000-8000-000000000000',
      loginProvider: 'cognito-idp.eu-west-2.amazonaws.com/eu-west-2_Ab',
      token: { storage: 'idToken' },
    });
    expect(config.outbox).to.deep.equal({ debounceMs: 300, maxAgeMs: 60000, rate: { ratePerSecond: 1.5, burst: 3 } });
  });

  it('accepts an empty configuration (attach to the page\'s CCP, read-only without credentials)', () => {
    expect(readDropInConfig({}, base)).to.deep.include({ ccpUrl: undefined, cognito: undefined, rules: undefined });
  });

  it('reads relay mode: the relay URL resolved against the page and the login token source, no Cognito', () => {
    const config = readDropInConfig({ relayUrl: '/relay/', loginTokenFunction: 'agentToken', region: 'eu-west-2' }, base);
    expect(config.relay).to.deep.equal({ url: 'https://agents.example.com/relay/', token: { function: 'agentToken' } });
    expect(config.cognito).to.equal(undefined);
    expect(readDropInConfig({ relayUrl: 'https://relay.example.com', loginTokenStorage: 'idToken' }, base).relay).to.deep.equal({
      url: 'https://relay.example.com/',
      token: { storage: 'idToken' },
    });
  });

  it('parses inline rules', () => {
    expect(readDropInConfig({ rules: '[{"on":"connected","set":{"a":"b"}}]' }, base).rules).to.deep.equal([{ on: 'connected', set: { a: 'b' } }]);
  });

  const bad: [string, Record<string, string>, string[]][] = [
    ['an unknown data attribute', { colour: 'blue' }, ['data-*']],
    ['a region that is not one', { region: 'moon' }, ['data-region']],
    ['a pool id that is not one', { identityPoolId: 'pool', loginProvider: 'p', loginTokenFunction: 'f' }, ['data-identity-pool-id']],
    ['a pool without a login provider or token source', { identityPoolId: 'us-east-1:abc' }, ['data-login-provider', 'data-login-token-function']],
    ['both token sources', { identityPoolId: 'us-east-1:abc', loginProvider: 'p', loginTokenFunction: 'f', loginTokenStorage: 's' }, ['data-login-token-function']],
    ['login settings without a pool', { loginProvider: 'p', cognitoEndpoint: 'http://127.0.0.1:1' }, ['data-login-provider', 'data-cognito-endpoint']],
    ['a relay without a token source', { relayUrl: 'https://relay.example.com' }, ['data-login-token-function']],
    ['a relay and an identity pool', { relayUrl: 'https://relay.example.com', identityPoolId: 'us-east-1:abc', loginProvider: 'p', loginTokenFunction: 'f' }, ['data-relay-url', 'data-login-provider']],
    ['direct-mode endpoints with a relay', { relayUrl: 'https://relay.example.com', loginTokenFunction: 'f', endpoint: 'https://x.example.com', cognitoEndpoint: 'https://y.example.com' }, ['data-cognito-endpoint', 'data-endpoint']],
    ['a relay URL that is not one', { relayUrl: 'http://', loginTokenFunction: 'f' }, ['data-relay-url']],
    ['a token source without a relay or a pool', { loginTokenStorage: 's' }, ['data-login-token-storage']],
    ['rules that are not JSON', { rules: '[{on: connected}]' }, ['data-rules']],
    ['JSON rules that are not valid rules', { rules: '[{"on":"hung-up","set":{"a":"b"}}]' }, ['data-rules']],
    ['inline rules and a rules URL', { rules: '[]', rulesUrl: 'r.json' }, ['data-rules-url']],
    ['a CCP container without a CCP URL', { ccpContainer: '#ccp' }, ['data-ccp-container']],
    ['a URL that is not one', { endpoint: 'http://' }, ['data-endpoint']],
    ['a debounce that is not a positive number', { outboxDebounceMs: '-5' }, ['data-outbox-debounce-ms']],
    ['a rate that is not a number', { outboxRate: 'fast' }, ['data-outbox-rate']],
  ];
  for (const [name, dataset, attributes] of bad) {
    it(`names the attribute of ${name}`, () => {
      expect(problems(dataset)).to.deep.equal(attributes);
    });
  }

  it('lists every problem in one message', () => {
    try {
      readDropInConfig({ region: 'moon', outboxRate: 'fast' }, base);
      expect.fail('expected an error');
    } catch (error) {
      expect((error as Error).message).to.equal(
        'ccp-attributes: bad configuration:\n- data-region: "moon" is not an AWS region (like us-east-1).\n- data-outbox-rate: "fast" is not a positive number.',
      );
    }
  });
});

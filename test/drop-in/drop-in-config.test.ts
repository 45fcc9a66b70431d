import { expect } from '@open-wc/testing';
import { DropInConfigError, inspectDropInConfig, readDropInConfig } from '../../src/drop-in-config.ts';

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

  it("accepts an empty configuration (attach to the page's CCP, read-only without credentials)", () => {
    expect(readDropInConfig({}, base)).to.deep.include({ ccpUrl: undefined, cognito: undefined, rules: undefined });
  });

  it('reads relay mode: the relay URL resolved against the page and the login token source, no Cognito', () => {
    const config = readDropInConfig(
      { relayUrl: '/relay/', loginTokenFunction: 'agentToken', region: 'eu-west-2' },
      base,
    );
    expect(config.relay).to.deep.equal({ url: 'https://agents.example.com/relay/', token: { function: 'agentToken' } });
    expect(config.cognito).to.equal(undefined);
    expect(
      readDropInConfig({ relayUrl: 'https://relay.example.com', loginTokenStorage: 'idToken' }, base).relay,
    ).to.deep.equal({
      url: 'https://relay.example.com/',
      token: { storage: 'idToken' },
    });
  });

  it('accepts plain http: endpoints on a loopback address only (localhost, 127.0.0.0/8, [::1])', () => {
    const pool = {
      identityPoolId: 'us-east-1:1234abcd-0000-4000-8000-000000000000',
      loginProvider: 'p',
      loginTokenFunction: 'f',
    };
    for (const host of ['localhost:8787', '127.0.0.1:8787', '127.8.9.10', '[::1]:8787', 'LOCALHOST']) {
      const config = readDropInConfig(
        { ...pool, endpoint: `http://${host}/`, cognitoEndpoint: `http://${host}/` },
        base,
      );
      expect(config.endpoint, host).to.equal(new URL(`http://${host}/`).href);
      expect(config.cognito?.endpoint, host).to.equal(new URL(`http://${host}/`).href);
      expect(
        readDropInConfig({ relayUrl: `http://${host}/relay`, loginTokenFunction: 'f' }, base).relay?.url,
        host,
      ).to.equal(new URL(`http://${host}/relay`).href);
    }
  });

  it('refuses a plain http: endpoint elsewhere, naming each attribute and saying what would travel in clear text', () => {
    const pool = {
      identityPoolId: 'us-east-1:1234abcd-0000-4000-8000-000000000000',
      loginProvider: 'p',
      loginTokenFunction: 'f',
    };
    try {
      readDropInConfig(
        { ...pool, endpoint: 'http://proxy.example.com', cognitoEndpoint: 'http://128.0.0.1:8787' },
        base,
      );
      expect.fail('expected an error');
    } catch (error) {
      expect((error as DropInConfigError).problems).to.deep.equal([
        {
          attribute: 'data-cognito-endpoint',
          message:
            '"http://128.0.0.1:8787/" would carry the login token in clear text: use https: (http: only to a loopback address: localhost, 127.0.0.0/8, [::1]).',
        },
        {
          attribute: 'data-endpoint',
          message:
            '"http://proxy.example.com/" would carry AWS credentials in clear text: use https: (http: only to a loopback address: localhost, 127.0.0.0/8, [::1]).',
        },
      ]);
    }
    expect(problems({ relayUrl: 'http://relay.example.com', loginTokenFunction: 'f' })).to.deep.equal([
      'data-relay-url',
    ]);
    expect(problems({ relayUrl: 'http://localhost.example.com', loginTokenFunction: 'f' })).to.deep.equal([
      'data-relay-url',
    ]);
    expect(problems({ relayUrl: 'ws://127.0.0.1:1', loginTokenFunction: 'f' })).to.deep.equal(['data-relay-url']);
  });

  it('reads the relay socket URL (wss:, ws: on a loopback address only) for relay mode, and refuses it otherwise', () => {
    const relayed = { relayUrl: 'https://relay.example.com', loginTokenFunction: 'f' };
    for (const socketUrl of ['wss://abc.execute-api.us-east-1.amazonaws.com/prod', 'ws://127.0.0.1:8788/socket'])
      expect(readDropInConfig({ ...relayed, relaySocketUrl: socketUrl }, base).relay).to.deep.equal({
        url: 'https://relay.example.com/',
        socketUrl,
        token: { function: 'f' },
      });
    const { config, problems: found } = inspectDropInConfig(
      { ...relayed, relaySocketUrl: 'ws://push.example.com/prod' },
      base,
    );
    expect(found).to.deep.equal([
      {
        attribute: 'data-relay-socket-url',
        message:
          '"ws://push.example.com/prod" would carry the login token in clear text: use wss: (ws: only to a loopback address: localhost, 127.0.0.0/8, [::1]).',
      },
    ]);
    expect(config.relay?.socketUrl).to.equal(undefined);
    expect(problems({ ...relayed, relaySocketUrl: 'https://push.example.com/prod' })).to.deep.equal([
      'data-relay-socket-url',
    ]);
    expect(problems({ relaySocketUrl: 'wss://push.example.com/prod' })).to.deep.equal(['data-relay-socket-url']);
  });

  it('resolves a relative endpoint against an http: page and refuses it there', () => {
    expect(problems({ relayUrl: '/relay', loginTokenFunction: 'f' })).to.deep.equal([]);
    try {
      readDropInConfig({ relayUrl: '/relay', loginTokenFunction: 'f' }, 'http://agents.example.com/desk/');
      expect.fail('expected an error');
    } catch (error) {
      expect((error as DropInConfigError).problems.map((p) => p.attribute)).to.deep.equal(['data-relay-url']);
    }
  });

  it("fetches data-rules-url from the page's own origin, or from the one data-rules-origin allows", () => {
    expect(readDropInConfig({ rulesUrl: '/rules.json' }, base).rulesOrigins).to.deep.equal([
      'https://agents.example.com',
    ]);
    const allowed = readDropInConfig(
      { rulesUrl: 'https://config.example.com/rules.json', rulesOrigin: 'https://config.example.com' },
      base,
    );
    expect(allowed.rulesUrl).to.equal('https://config.example.com/rules.json');
    expect(allowed.rulesOrigins).to.deep.equal(['https://agents.example.com', 'https://config.example.com']);
    // The page's origin is its own (location.origin), not the origin of its base URL (a <base> element).
    try {
      readDropInConfig({ rulesUrl: 'rules.json' }, 'https://cdn.example.net/', 'https://agents.example.com');
      expect.fail('expected an error');
    } catch (error) {
      expect((error as DropInConfigError).problems).to.deep.equal([
        {
          attribute: 'data-rules-url',
          message:
            'https://cdn.example.net/rules.json is not on this page\'s origin (https://agents.example.com): to fetch rules from https://cdn.example.net, allow it with data-rules-origin="https://cdn.example.net".',
        },
      ]);
    }
  });

  it("reads the editors' language (data-locale) as a CCP or BCP 47 tag, and names a tag that is none", () => {
    expect(readDropInConfig({ locale: 'de_DE' }, base).locale).to.equal('de_DE');
    expect(readDropInConfig({ locale: 'pt-BR' }, base).locale).to.equal('pt-BR');
    expect(readDropInConfig({}, base).locale).to.equal(undefined);
    expect(problems({ locale: 'not a language' })).to.deep.equal(['data-locale']);
  });

  it('parses inline rules', () => {
    const rules = readDropInConfig({ rules: '[{"on":"connected","set":{"a":"b"}}]' }, base).rules;
    expect(rules?.map(({ id, on, set }) => ({ id, on, set }))).to.deep.equal([
      { id: 'rule-0', on: ['connected'], set: { a: 'b' } },
    ]);
  });

  it('reads the softphone choice: the framed softphone unless data-allow-framed-softphone is false', () => {
    expect(readDropInConfig({}, base).allowFramedSoftphone).to.equal(true);
    expect(readDropInConfig({ allowFramedSoftphone: 'true' }, base).allowFramedSoftphone).to.equal(true);
    expect(readDropInConfig({ allowFramedSoftphone: 'false' }, base).allowFramedSoftphone).to.equal(false);
    expect(problems({ allowFramedSoftphone: 'no' })).to.deep.equal(['data-allow-framed-softphone']);
  });

  const bad: [string, Record<string, string>, string[]][] = [
    ['an unknown data attribute', { colour: 'blue' }, ['data-*']],
    ['a region that is not one', { region: 'moon' }, ['data-region']],
    [
      'a pool id that is not one',
      { identityPoolId: 'pool', loginProvider: 'p', loginTokenFunction: 'f' },
      ['data-identity-pool-id'],
    ],
    [
      'a pool without a login provider or token source',
      { identityPoolId: 'us-east-1:abc' },
      ['data-login-provider', 'data-login-token-function'],
    ],
    [
      'both token sources',
      { identityPoolId: 'us-east-1:abc', loginProvider: 'p', loginTokenFunction: 'f', loginTokenStorage: 's' },
      ['data-login-token-function'],
    ],
    [
      'login settings without a pool',
      { loginProvider: 'p', cognitoEndpoint: 'http://127.0.0.1:1' },
      ['data-login-provider', 'data-cognito-endpoint'],
    ],
    ['a relay without a token source', { relayUrl: 'https://relay.example.com' }, ['data-login-token-function']],
    [
      'a relay and an identity pool',
      {
        relayUrl: 'https://relay.example.com',
        identityPoolId: 'us-east-1:abc',
        loginProvider: 'p',
        loginTokenFunction: 'f',
      },
      ['data-relay-url', 'data-login-provider'],
    ],
    [
      'direct-mode endpoints with a relay',
      {
        relayUrl: 'https://relay.example.com',
        loginTokenFunction: 'f',
        endpoint: 'https://x.example.com',
        cognitoEndpoint: 'https://y.example.com',
      },
      ['data-cognito-endpoint', 'data-endpoint'],
    ],
    ['a relay URL that is not one', { relayUrl: 'http://', loginTokenFunction: 'f' }, ['data-relay-url']],
    ['a token source without a relay or a pool', { loginTokenStorage: 's' }, ['data-login-token-storage']],
    ['rules that are not JSON', { rules: '[{on: connected}]' }, ['data-rules']],
    ['JSON rules that are not valid rules', { rules: '[{"on":"hung-up","set":{"a":"b"}}]' }, ['data-rules']],
    ['inline rules and a rules URL', { rules: '[]', rulesUrl: 'r.json' }, ['data-rules-url']],
    ['a CCP container without a CCP URL', { ccpContainer: '#ccp' }, ['data-ccp-container']],
    ['a URL that is not one', { endpoint: 'http://' }, ['data-endpoint']],
    ['a debounce that is not a positive number', { outboxDebounceMs: '-5' }, ['data-outbox-debounce-ms']],
    ['a rate that is not a number', { outboxRate: 'fast' }, ['data-outbox-rate']],
    ['an endpoint that is not http(s)', { endpoint: 'ftp://127.0.0.1/' }, ['data-endpoint']],
    ['a rules URL on another origin', { rulesUrl: 'https://rules.example.com/r.json' }, ['data-rules-url']],
    [
      "a rules URL on another port of the page's host",
      { rulesUrl: 'https://agents.example.com:8443/r.json' },
      ['data-rules-url'],
    ],
    ['a data: rules URL (no origin)', { rulesUrl: 'data:application/json,[]' }, ['data-rules-url']],
    [
      'a rules URL on another origin than the allowed one',
      { rulesUrl: 'https://rules.example.com/r.json', rulesOrigin: 'https://config.example.com' },
      ['data-rules-url'],
    ],
    [
      'a rules origin with a path',
      { rulesUrl: 'https://config.example.com/r.json', rulesOrigin: 'https://config.example.com/rules/' },
      ['data-rules-origin', 'data-rules-url'],
    ],
    [
      'a rules origin that is not absolute',
      { rulesUrl: '/r.json', rulesOrigin: 'config.example.com' },
      ['data-rules-origin'],
    ],
    [
      'a plain http: rules origin',
      { rulesUrl: 'http://config.example.com/r.json', rulesOrigin: 'http://config.example.com' },
      ['data-rules-origin', 'data-rules-url'],
    ],
    ['a rules origin without a rules URL', { rulesOrigin: 'https://config.example.com' }, ['data-rules-origin']],
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

  it('lists the hardening problems with the others', () => {
    expect(
      problems({
        region: 'moon',
        relayUrl: 'http://relay.example.com',
        loginTokenFunction: 'f',
        rulesUrl: 'https://rules.example.com/r.json',
        outboxRate: 'fast',
      }),
    ).to.deep.equal(['data-region', 'data-relay-url', 'data-rules-url', 'data-outbox-rate']);
  });
});

// Which addresses may carry the login token or AWS credentials: https:, or http: to a loopback address only.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSecureSocket, isSecureTransport, secureEndpoint, secureSocketEndpoint } from '../../src/secure-url.ts';

describe('isSecureTransport', () => {
  const secure = [
    'https://connect.us-east-1.amazonaws.com',
    'https://203.0.113.7/',
    'http://localhost:8787',
    'http://LocalHost/',
    'http://127.0.0.1:8787/',
    'http://127.255.255.254/',
    'http://0x7f.1/', // the URL parser writes it 127.0.0.1
    'http://2130706433/', // 127.0.0.1 as one number
    'http://[::1]:8787/',
    'http://[0:0:0:0:0:0:0:1]/',
  ];
  const inClear = [
    'http://connect.example.com',
    'http://128.0.0.1/',
    'http://10.0.0.5:8787',
    'http://localhost.example.com/',
    'http://127.0.0.1.example.com/',
    'http://[::2]/',
    'http://0.0.0.0/',
    'ws://127.0.0.1/',
    'ftp://localhost/',
    'file:///etc/passwd',
  ];
  for (const url of secure) it(`allows ${url}`, () => assert.equal(isSecureTransport(new URL(url)), true));
  for (const url of inClear) it(`refuses ${url}`, () => assert.equal(isSecureTransport(new URL(url)), false));
});

describe('secureEndpoint', () => {
  it('fails fast with a TypeError naming the owner and the option', () => {
    assert.throws(() => secureEndpoint('RelayClient', 'url', 'nope'), {
      name: 'TypeError',
      message: 'RelayClient: the `url` option is not a URL: nope',
    });
    assert.throws(() => secureEndpoint('AttributesClient', 'endpoint', 'http://proxy.example.com'), {
      name: 'TypeError',
      message:
        'AttributesClient: the `endpoint` option must be an https: URL (plain http: only to a loopback address: localhost, 127.0.0.0/8, [::1]), ' +
        'since its requests carry the login token or AWS credentials: http://proxy.example.com',
    });
    assert.equal(secureEndpoint('RelayClient', 'url', 'http://127.0.0.1:8788/relay').pathname, '/relay');
  });
});

describe('isSecureSocket and secureSocketEndpoint', () => {
  const secure = [
    'wss://abc.execute-api.us-east-1.amazonaws.com/prod',
    'ws://localhost:8788/',
    'ws://127.0.0.1/',
    'ws://[::1]/',
  ];
  const inClear = ['ws://push.example.com/', 'ws://128.0.0.1/', 'https://push.example.com/', 'http://127.0.0.1/'];
  for (const url of secure) it(`allows ${url}`, () => assert.equal(isSecureSocket(new URL(url)), true));
  for (const url of inClear) it(`refuses ${url}`, () => assert.equal(isSecureSocket(new URL(url)), false));
  it('fails fast with a TypeError naming the owner and the option', () => {
    assert.throws(() => secureSocketEndpoint('RelayClient', 'socketUrl', 'ws://push.example.com/prod'), {
      name: 'TypeError',
      message:
        'RelayClient: the `socketUrl` option must be a wss: URL (plain ws: only to a loopback address: localhost, 127.0.0.0/8, [::1]), ' +
        'since its first message carries the login token: ws://push.example.com/prod',
    });
    assert.throws(() => secureSocketEndpoint('RelayClient', 'socketUrl', 'nope'), TypeError);
    assert.equal(secureSocketEndpoint('RelayClient', 'socketUrl', 'wss://push.example.com/prod').pathname, '/prod');
  });
});

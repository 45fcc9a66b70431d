// The drop-in configuration's hardening, as properties over many addresses (readDropInConfig is pure): endpoints that
// carry the login token or AWS credentials are refused over plain http: unless loopback, data-rules-url is
// accepted only on the page's origin or the one data-rules-origin allows, and no mistake in the other settings takes
// away a valid data-ccp-url (the drop-in then still creates the CCP) or lets a setting with a problem through.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  DROP_IN_ATTRIBUTES,
  DropInConfigError,
  inspectDropInConfig,
  readDropInConfig,
  type DropInProblem,
} from '../../src/drop-in-config.ts';

const page = 'https://agents.example.com/desk/';
const pool = {
  identityPoolId: 'us-east-1:1234abcd-0000-4000-8000-000000000000',
  loginProvider: 'p',
  loginTokenFunction: 'f',
};

function problemsOf(dataset: Record<string, string>, base = page): DropInProblem[] {
  try {
    readDropInConfig(dataset, base);
    return [];
  } catch (error) {
    assert.ok(error instanceof DropInConfigError);
    return [...error.problems];
  }
}

const octet = fc.integer({ min: 0, max: 255 });
const ipv4 = fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.'));
// Not an IDNA label ('xn--...'): the URL parser refuses one that is not valid punycode.
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/).filter((text) => !/^..--/.test(text));
const domain = fc
  .tuple(label, label, fc.constantFrom('com', 'net', 'internal', 'localhost'))
  .map((parts) => parts.join('.'));
const port = fc.option(fc.integer({ min: 1, max: 65535 }), { nil: undefined });
const host = fc.oneof(ipv4, domain, fc.constantFrom('localhost', '[::1]', '[::2]', '[fe80::1]'));
const withPort = (name: string, number: number | undefined): string =>
  number === undefined ? name : `${name}:${number}`;

/** What the rule says: https: anywhere, http: to 127.0.0.0/8, localhost or [::1] only. */
function expectedSecure(protocol: string, name: string): boolean {
  return protocol === 'https' || name === 'localhost' || name === '[::1]' || /^127\./.test(name);
}

describe('drop-in hardening (properties)', () => {
  it('refuses data-endpoint, data-cognito-endpoint and data-relay-url over plain http: exactly when the host is not loopback', () => {
    fc.assert(
      fc.property(fc.constantFrom('http', 'https'), host, port, (protocol, name, number) => {
        const url = `${protocol}://${withPort(name, number)}/`;
        const secure = expectedSecure(protocol, name);
        const direct = problemsOf({ ...pool, endpoint: url, cognitoEndpoint: url }).map((p) => p.attribute);
        assert.deepEqual(direct, secure ? [] : ['data-cognito-endpoint', 'data-endpoint'], url);
        const relay = problemsOf({ relayUrl: url, loginTokenFunction: 'f' });
        assert.deepEqual(
          relay.map((p) => p.attribute),
          secure ? [] : ['data-relay-url'],
          url,
        );
        if (!secure) assert.match(relay[0]?.message ?? '', /would carry the login token in clear text/);
      }),
      { numRuns: 300 },
    );
  });

  it("accepts data-rules-url on the page's origin or the allowed one only", () => {
    const origin = fc
      .tuple(fc.constantFrom('https', 'http'), fc.oneof(domain, fc.constant('agents.example.com')), port)
      .map(([protocol, name, number]) => new URL(`${protocol}://${withPort(name, number)}`).origin);
    fc.assert(
      fc.property(origin, fc.option(origin, { nil: undefined }), (rules, allowed) => {
        const dataset: Record<string, string> = {
          rulesUrl: `${rules}/rules.json`,
          ...(allowed === undefined ? {} : { rulesOrigin: allowed }),
        };
        const attributes = problemsOf(dataset).map((p) => p.attribute);
        const allowedIsSecure =
          allowed === undefined || expectedSecure(new URL(allowed).protocol.slice(0, -1), new URL(allowed).hostname);
        const accepted =
          rules === new URL(page).origin || (allowed !== undefined && allowedIsSecure && rules === allowed);
        assert.equal(attributes.includes('data-rules-url'), !accepted, JSON.stringify(dataset));
        assert.equal(attributes.includes('data-rules-origin'), !allowedIsSecure, JSON.stringify(dataset));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps a valid data-ccp-url whatever else is wrong, names every other mistake, and leaves out what has one', () => {
    const camel = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
    const names = DROP_IN_ATTRIBUTES.filter(
      (name) => name !== 'ccp-url' && name !== 'ccp-container' && name !== 'allow-framed-softphone',
    );
    // Plausible values and typos of every kind: bad URLs, http: to a public host, bad JSON, a mistyped rule event.
    const value = fc.constantFrom(
      '',
      'x',
      'moon-1',
      'http://',
      'http://relay.example.com',
      'https://relay.example.com',
      '/relay',
      '-5',
      '1.5',
      'de_DE',
      'not a language',
      '[{on: connected}]',
      '[{"on": "conected", "set": {"a": "b"}}]',
      '[{"on": "connected", "set": {"a": "b"}}]',
      'us-east-1:1234abcd-0000-4000-8000-000000000000',
      '#attributes',
    );
    const dataset = fc.dictionary(fc.constantFrom(...names.map(camel), 'colour', 'ccpUlr'), value, { maxKeys: 6 });
    fc.assert(
      fc.property(dataset, (others) => {
        const ccpUrl = 'https://x.my.connect.aws/ccp-v2/';
        const { config, problems } = inspectDropInConfig({ ...others, ccpUrl }, page);
        assert.equal(config.ccpUrl, ccpUrl, JSON.stringify(others));
        assert.equal(config.allowFramedSoftphone, true);
        const attributes = new Set(problems.map((problem) => problem.attribute));
        assert.ok(!attributes.has('data-ccp-url'), JSON.stringify(problems));
        // A setting with a problem is left out.
        if (attributes.has('data-region')) assert.equal(config.region, undefined);
        if (attributes.has('data-locale')) assert.equal(config.locale, undefined);
        if (attributes.has('data-rules')) assert.equal(config.rules, undefined);
        if (attributes.has('data-relay-url')) assert.equal(config.relay, undefined);
        if (attributes.has('data-identity-pool-id')) assert.equal(config.cognito, undefined);
        if (attributes.has('data-rules-url') || attributes.has('data-rules-origin'))
          assert.equal(config.rulesUrl, undefined);
        // The strict reader agrees: it throws exactly these problems, or returns the same configuration.
        assert.deepEqual(problemsOf({ ...others, ccpUrl }), problems);
      }),
      { numRuns: 500 },
    );
  });
});

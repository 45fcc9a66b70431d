// The drop-in configuration's hardening, as properties over many addresses (readDropInConfig is pure): endpoints that
// carry the login token or AWS credentials are refused over plain http: unless loopback, and data-rules-url is
// accepted only on the page's origin or the one data-rules-origin allows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DropInConfigError, readDropInConfig, type DropInProblem } from '../../src/drop-in-config.ts';

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
const label = fc.stringMatching(/^[a-z][a-z0-9-]{0,10}[a-z0-9]$/);
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
});

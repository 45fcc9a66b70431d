// The real @aws-sdk/client-connect in Chromium, over real HTTP (CORS included), against the Connect API stand-in.
import { expect } from '@open-wc/testing';
import { AttributesClient, cognitoCredentials, loadSdk, type RequestHandler } from '../../src/client.ts';
import { toAttributesError } from '../../src/errors.ts';
import { AttributesError } from '../../src/errors.ts';
import { attributesFrom } from '../../src/validate.ts';
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

const instanceId = '11111111-2222-4333-8444-555555555555';
let config: StandInConfig;

function client(overrides: Partial<ConstructorParameters<typeof AttributesClient>[0]> = {}): AttributesClient {
  return new AttributesClient({
    region: config.region,
    endpoint: config.url,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
    maxAttempts: 1,
    ...overrides,
  });
}

async function contact(startedAt = new Date().toISOString()): Promise<string> {
  const contactId = newContactId();
  await registerContacts([{ instanceId, contactId, startedAt }]);
  return contactId;
}

async function failure(promise: Promise<unknown>): Promise<AttributesError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(AttributesError);
    return error as AttributesError;
  }
  throw new Error('expected the call to fail');
}

describe('AttributesClient', () => {
  before(async () => {
    config = await standInConfig();
  });

  beforeEach(async () => {
    await resetStandIn();
  });

  it('does not load the AWS SDK until the first request', () => {
    // This test runs first in its own page: a static import of the SDK would already show here.
    const sdkLoaded = performance.getEntriesByType('resource').some((entry) => entry.name.includes('/__sdk__/'));
    expect(sdkLoaded).to.equal(false);
  });

  describe('options', () => {
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    it('fails fast with a TypeError naming a missing region', () => {
      expect(() => new AttributesClient({ credentials } as never)).to.throw(TypeError, '`region`');
    });
    it('fails fast with a TypeError naming missing credentials', () => {
      expect(() => new AttributesClient({ region: 'us-east-1' } as never)).to.throw(TypeError, '`credentials`');
    });
    it('refuses an endpoint that is not a URL', () => {
      expect(() => new AttributesClient({ region: 'us-east-1', credentials, endpoint: 'nope' })).to.throw(
        TypeError,
        '`endpoint`',
      );
    });
    it('refuses a plain http: endpoint off the loopback address (signed requests carry credentials)', () => {
      expect(
        () => new AttributesClient({ region: 'us-east-1', credentials, endpoint: 'http://proxy.example.com' }),
      ).to.throw(TypeError, '`endpoint` option must be an https: URL');
      expect(
        new AttributesClient({ region: 'us-east-1', credentials, endpoint: 'http://127.0.0.1:8787' }).endpoint,
      ).to.equal('http://127.0.0.1:8787');
    });
    it('refuses maxAttempts below 1', () => {
      expect(() => new AttributesClient({ region: 'us-east-1', credentials, maxAttempts: 0 })).to.throw(
        TypeError,
        '`maxAttempts`',
      );
    });
  });

  it('writes, merges and reads back attributes (round trip through the stand-in)', async () => {
    const id = await contact();
    const c = client();
    await c.update(instanceId, id, { HandledBy: 'agent-1', Note: 'déjà vu 😀' });
    await c.update(instanceId, id, { Note: 'second', Reason: 'billing' });
    expect(await c.get(instanceId, id)).to.deep.equal({ HandledBy: 'agent-1', Note: 'second', Reason: 'billing' });
    expect(await storedAttributes(instanceId, id)).to.deep.equal({
      HandledBy: 'agent-1',
      Note: 'second',
      Reason: 'billing',
    });
  });

  it('writes and reads back keys named like Object.prototype members, __proto__ included (the SDK keeps own keys)', async () => {
    const id = await contact();
    const c = client();
    const attributes = attributesFrom([
      ['__proto__', 'p'],
      ['constructor', 'c'],
      ['toString', 't'],
      ['hasOwnProperty', 'h'],
    ]);
    await c.update(instanceId, id, attributes);
    const update = (await requestLog()).find((entry) => entry.action === 'UpdateContactAttributes');
    expect(update?.status).to.equal(200);
    expect(Object.entries((await storedAttributes(instanceId, id))!)).to.deep.equal(Object.entries(attributes));
    const read = await c.get(instanceId, id);
    expect(Object.getPrototypeOf(read)).to.equal(Object.prototype);
    expect(Object.entries(read)).to.deep.equal(Object.entries(attributes));
  });

  it('writes through the AttributeWriter interface, reporting progress', async () => {
    const id = await contact();
    const states: string[] = [];
    await client().write(
      { contactId: id, initialContactId: id, instanceId },
      { a: '1' },
      { onProgress: (p) => states.push(p.state) },
    );
    expect(states).to.deep.equal(['sending']);
    expect(await storedAttributes(instanceId, id)).to.deep.equal({ a: '1' });
  });

  describe('refuses every broken rule before a request is sent', () => {
    const cases: [string, () => Parameters<AttributesClient['update']>][] = [
      ['a missing instance id', () => ['', 'c', { a: 'b' }]],
      ['a missing contact id', () => [instanceId, '', { a: 'b' }]],
      ['an instance id over 100 characters', () => ['i'.repeat(101), 'c', { a: 'b' }]],
      ['a contact id over 256 characters', () => [instanceId, 'c'.repeat(257), { a: 'b' }]],
      ['missing attributes', () => [instanceId, 'c', undefined as never]],
      ['a key with a space', () => [instanceId, 'c', { 'two words': 'b' }]],
      ['a key with a non-ASCII letter', () => [instanceId, 'c', { clé: 'b' }]],
      ['an empty key', () => [instanceId, 'c', { '': 'b' }]],
      ['a key over 32,767 characters', () => [instanceId, 'c', { ['k'.repeat(32_768)]: '' }]],
      ['a value over 32,767 characters', () => [instanceId, 'c', { k: 'v'.repeat(32_768) }]],
      ['a number value', () => [instanceId, 'c', { k: 5 as unknown as string }]],
      ['a null value', () => [instanceId, 'c', { k: null as unknown as string }]],
      ['a request over 32,768 bytes', () => [instanceId, 'c', { a: '日'.repeat(10_000), b: '😀'.repeat(1_000) }]],
      [
        'a merge over 32,768 bytes with the known stored attributes',
        () => [instanceId, 'c', { b: 'yy' }, { stored: { a: 'x'.repeat(32_765) } }],
      ],
    ];
    for (const [name, args] of cases) {
      it(`refuses ${name}`, async () => {
        const error = await failure(client().update(...args()));
        expect(error.kind).to.equal('validation');
        expect(error.problems.length).to.be.greaterThan(0);
        expect(error.status).to.equal(undefined);
        expect(await requestLog()).to.deep.equal([]);
      });
    }
  });

  describe('classifies every failure', () => {
    it('not-found: an unknown contact (404)', async () => {
      const error = await failure(client().update(instanceId, newContactId(), { a: 'b' }));
      expect([error.kind, error.status, error.retryable]).to.deep.equal(['not-found', 404, false]);
    });

    it('validation: a contact that started before 2018-09-12 (400 from the API)', async () => {
      const id = await contact('2018-01-01T00:00:00Z');
      const error = await failure(client().update(instanceId, id, { a: 'b' }));
      expect([error.kind, error.status, error.retryable]).to.deep.equal(['validation', 400, false]);
    });

    it('validation: the API counts the budget on what is stored, even when the client does not know it', async () => {
      const id = await contact();
      await client().update(instanceId, id, { a: 'x'.repeat(32_000) });
      const error = await failure(client().update(instanceId, id, { b: 'y'.repeat(1_000) }));
      expect([error.kind, error.status]).to.deep.equal(['validation', 400]);
      expect(await storedAttributes(instanceId, id)).to.deep.equal({ a: 'x'.repeat(32_000) });
    });

    it('auth: a wrong secret key (403)', async () => {
      const id = await contact();
      const error = await failure(
        client({ credentials: { accessKeyId: config.accessKeyId, secretAccessKey: 'wrong' } }).update(instanceId, id, {
          a: 'b',
        }),
      );
      expect([error.kind, error.status, error.retryable]).to.deep.equal(['auth', 403, false]);
    });

    it('auth: an unknown access key (403)', async () => {
      const id = await contact();
      const error = await failure(
        client({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: 'x' } }).update(instanceId, id, {
          a: 'b',
        }),
      );
      expect([error.kind, error.status]).to.deep.equal(['auth', 403]);
    });

    it('throttled: over the request-rate quota (429), retryable', async () => {
      const id = await contact();
      await setFaults({ quota: { ratePerSecond: 0.001, burst: 1 } });
      await client().update(instanceId, id, { a: '1' });
      const error = await failure(client().update(instanceId, id, { a: '2' }));
      expect([error.kind, error.status, error.retryable]).to.deep.equal(['throttled', 429, true]);
    });

    it('server: an internal error (500), retryable', async () => {
      const id = await contact();
      await setFaults({ failNext: { count: 1 } });
      const error = await failure(client().update(instanceId, id, { a: 'b' }));
      expect([error.kind, error.status, error.retryable]).to.deep.equal(['server', 500, true]);
    });

    it('network: a dropped connection, retryable', async () => {
      const id = await contact();
      await setFaults({ dropNext: 3 });
      const error = await failure(client().update(instanceId, id, { a: 'b' }));
      expect([error.kind, error.status, error.retryable]).to.deep.equal(['network', undefined, true]);
    });

    it('the SDK retries a 500 by itself when maxAttempts allows', async () => {
      const id = await contact();
      await setFaults({ failNext: { count: 1 } });
      await client({ maxAttempts: 2 }).update(instanceId, id, { a: 'b' });
      expect((await requestLog()).map((r) => r.status)).to.deep.equal([500, 200]);
    });

    it('gives an agent-readable message for each kind', async () => {
      const error = await failure(client().update(instanceId, newContactId(), { a: 'b' }));
      expect(error.message).to.equal('Amazon Connect does not know this contact or instance.');
    });
  });

  it('rejects with the abort reason when aborted, and sends nothing', async () => {
    const id = await contact();
    const controller = new AbortController();
    controller.abort();
    let caught: unknown;
    try {
      await client().update(instanceId, id, { a: 'b' }, { signal: controller.signal });
    } catch (error) {
      caught = error;
    }
    expect((caught as Error).name).to.equal('AbortError');
    expect(await requestLog()).to.deep.equal([]);
  });

  describe('Cognito identity pool credentials (the SDK provider against the stand-in)', () => {
    it('writes with temporary credentials from an authenticated login', async () => {
      const id = await contact();
      const credentials = cognitoCredentials({
        identityPoolId: config.identityPoolId,
        logins: { [config.loginProvider]: () => Promise.resolve(config.validTokens[0] ?? '') },
        endpoint: config.url,
      });
      await client({ credentials }).update(instanceId, id, { viaCognito: 'yes' });
      expect(await storedAttributes(instanceId, id)).to.deep.equal({ viaCognito: 'yes' });
      expect((await requestLog()).map((r) => r.action)).to.include.members([
        'GetId',
        'GetCredentialsForIdentity',
        'UpdateContactAttributes',
      ]);
    });

    it('reports an invalid login token as an auth error and sends no Connect request', async () => {
      const id = await contact();
      const credentials = cognitoCredentials({
        identityPoolId: config.identityPoolId,
        logins: { [config.loginProvider]: 'not-a-valid-token' },
        endpoint: config.url,
      });
      const error = await failure(client({ credentials }).update(instanceId, id, { a: 'b' }));
      expect(error.kind).to.equal('auth');
      expect((await requestLog()).map((r) => r.action)).not.to.include('UpdateContactAttributes');
    });

    it('refuses options without a pool id or a login', () => {
      expect(() => cognitoCredentials({ identityPoolId: '', logins: { a: 'b' } })).to.throw(
        TypeError,
        '`identityPoolId`',
      );
      expect(() => cognitoCredentials({ identityPoolId: 'us-east-1:x', logins: {} })).to.throw(TypeError, '`logins`');
    });

    it('refuses a plain http: endpoint off the loopback address (the login token goes there)', () => {
      const logins = { a: 'b' };
      expect(() =>
        cognitoCredentials({ identityPoolId: 'us-east-1:x', logins, endpoint: 'http://cognito.example.com' }),
      ).to.throw(TypeError, '`endpoint` option must be an https: URL');
      expect(cognitoCredentials({ identityPoolId: 'us-east-1:x', logins, endpoint: 'http://localhost:8787' })).to.be.a(
        'function',
      );
    });
  });

  it('sends the exact restJson1 request, signed with SigV4 (known answer)', async () => {
    const { HttpResponse } = await import('@smithy/protocol-http');
    let captured: { method: string; path: string; headers: Record<string, string>; body: unknown } | undefined;
    const requestHandler = {
      handle: (request: { method: string; path: string; headers: Record<string, string>; body: unknown }) => {
        captured = request;
        const response = new HttpResponse({ statusCode: 200, headers: {}, body: new Uint8Array() });
        return Promise.resolve({ response });
      },
    } as unknown as RequestHandler;
    const known = new AttributesClient({
      region: 'us-east-1',
      endpoint: 'https://connect.us-east-1.amazonaws.com',
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
      maxAttempts: 1,
      requestHandler,
      now: () => new Date('2026-01-02T03:04:05.000Z'),
    });
    await known.update('inst-1', 'contact-1', { HandledBy: 'jdoe' });
    expect(captured?.method).to.equal('POST');
    expect(captured?.path).to.equal('/contact/attributes');
    const body = captured?.body;
    expect(typeof body === 'string' ? body : new TextDecoder().decode(body as Uint8Array)).to.equal(
      '{"InitialContactId":"contact-1","InstanceId":"inst-1","Attributes":{"HandledBy":"jdoe"}}',
    );
    const headers = captured?.headers ?? {};
    expect(headers['content-type']).to.equal('application/json');
    expect(headers['host']).to.equal('connect.us-east-1.amazonaws.com');
    expect(headers['x-amz-date']).to.equal('20260102T030405Z');
    // sha256 of the body above, computed outside the SDK.
    expect(headers['x-amz-content-sha256']).to.equal(
      'd3259c48e9a5838104b491dbab136226b77ab3172983b77b4a22949305ea0ed0',
    );
    const authorization = headers['authorization'] ?? '';
    expect(authorization).to.match(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20260102\/us-east-1\/connect\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/,
    );
    // Every header the browser sends must be one Connect's CORS preflight allows (../shared/REFERENCE.md section 1).
    const corsAllowed = [
      'content-type',
      'x-amz-date',
      'authorization',
      'x-api-key',
      'x-amz-security-token',
      'x-amz-content-sha256',
      'x-amz-user-agent',
      'amz-sdk-invocation-id',
      'amz-sdk-request',
    ];
    const forbidden = ['host', 'content-length'];
    expect(Object.keys(headers).filter((h) => !corsAllowed.includes(h) && !forbidden.includes(h))).to.deep.equal([]);
    // The signature verifies when recomputed independently over what was captured.
    const { SignatureV4 } = await import('@smithy/signature-v4');
    const { Sha256 } = await import('@aws-crypto/sha256-js');
    const signer = new SignatureV4({
      service: 'connect',
      region: 'us-east-1',
      sha256: Sha256,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
    });
    const unsigned = Object.fromEntries(Object.entries(headers).filter(([name]) => name !== 'authorization'));
    const signedHeaders = /SignedHeaders=([^,]+)/.exec(authorization)?.[1]?.split(';') ?? [];
    const resigned = await signer.sign({ ...(captured as object), headers: unsigned } as never, {
      signingDate: new Date('2026-01-02T03:04:05.000Z'),
      unsignableHeaders: new Set(Object.keys(unsigned).filter((h) => !signedHeaders.includes(h))),
    });
    expect((resigned as { headers: Record<string, string> }).headers['authorization']).to.equal(authorization);
  });

  describe('toAttributesError', () => {
    it('classifies a failed load of the SDK chunk (no response at all) as a retryable network error', () => {
      const error = toAttributesError(new TypeError('Failed to fetch dynamically imported module: /chunks/sdk.js'));
      expect([error.kind, error.retryable, error.status]).to.deep.equal(['network', true, undefined]);
    });

    it('reads only its own table of AWS error types (no inherited names)', () => {
      const error = toAttributesError(
        Object.assign(new Error('odd'), { name: 'constructor', $metadata: { httpStatusCode: 503 } }),
      );
      expect([error.kind, error.awsType]).to.deep.equal(['server', undefined]);
    });

    it('classifies by HTTP status when the browser could not read the AWS error type', () => {
      const kinds = [400, 403, 404, 429, 500].map(
        (status) =>
          toAttributesError(Object.assign(new Error(''), { name: 'Unknown', $metadata: { httpStatusCode: status } }))
            .kind,
      );
      expect(kinds).to.deep.equal(['validation', 'auth', 'not-found', 'throttled', 'server']);
    });
  });

  it('loadSdk loads the SDK once', async () => {
    expect(await loadSdk()).to.equal(await loadSdk());
  });
});

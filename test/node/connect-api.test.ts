/**
 * The Connect API stand-in (demo/connect-api/server.ts) against the real @aws-sdk/client-connect and
 * @aws-sdk/credential-providers, plus raw signed requests for the SigV4 refusals.
 */
import assert from 'node:assert/strict';
import { Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { after, afterEach, before, describe, it } from 'node:test';
import { Sha256 } from '@aws-crypto/sha256-js';
import {
  ConnectClient,
  DescribeContactCommand,
  GetContactAttributesCommand,
  UpdateContactAttributesCommand,
  type ConnectClientConfig,
} from '@aws-sdk/client-connect';
import { fromCognitoIdentityPool } from '@aws-sdk/credential-providers';
import { HttpRequest } from '@smithy/protocol-http';
import { SignatureV4 } from '@smithy/signature-v4';
import {
  connectAllowHeaders,
  connectDefaultQuotas,
  startConnectApi,
  type ConnectApiHandle,
  type ContactRecord,
} from '../../demo/connect-api/server.ts';

const instanceId = 'inst-1';
const contacts: ContactRecord[] = [
  { instanceId, contactId: 'c-1', startedAt: '2025-01-01T10:00:00Z' },
  { instanceId, contactId: 'c-2', startedAt: '2025-01-01T10:00:00Z' },
  // A transfer: contact 'c-3b' belongs to the chain that started with 'c-3'.
  { instanceId, contactId: 'c-3', startedAt: '2025-01-01T10:00:00Z' },
  { instanceId, contactId: 'c-3b', initialContactId: 'c-3', startedAt: '2025-01-01T10:05:00Z' },
  { instanceId, contactId: 'old', startedAt: '2018-09-11T23:59:59Z' },
  { instanceId, contactId: 'release-day', startedAt: '2018-09-12T00:00:00Z' },
  { instanceId, contactId: 'ended-2019', startedAt: '2019-03-01T08:00:00Z' },
];

/** The clock every stand-in in this file runs on; tests move it forward. */
let clockMs = Date.now();
let handle: ConnectApiHandle;
const logLines: string[] = [];

before(async () => {
  handle = await startConnectApi({ contacts, now: () => clockMs, log: (line) => logLines.push(line) });
});
after(() => handle.close());
afterEach(() => {
  handle.reset();
  clockMs = Date.now();
});

type SdkError = Error & {
  $metadata: { httpStatusCode?: number; attempts?: number };
  $response?: { headers: Record<string, string> };
};

/** A ConnectClient on the stand-in; one attempt unless told otherwise, so refusals surface as they are. */
function connect(overrides: Partial<ConnectClientConfig> = {}): ConnectClient {
  return new ConnectClient({
    region: handle.region,
    endpoint: handle.url,
    credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
    maxAttempts: 1,
    ...overrides,
  });
}

function update(
  client: ConnectClient,
  initialContactId: string,
  attributes: Record<string, string>,
  instance = instanceId,
) {
  return client.send(
    new UpdateContactAttributesCommand({
      InstanceId: instance,
      InitialContactId: initialContactId,
      Attributes: attributes,
    }),
  );
}

async function stored(initialContactId: string): Promise<Record<string, string> | undefined> {
  const out = await connect().send(
    new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: initialContactId }),
  );
  return out.Attributes;
}

/** The SDK error a promise rejects with. */
async function sdkError(promise: Promise<unknown>): Promise<SdkError> {
  try {
    await promise;
  } catch (error) {
    return error as SdkError;
  }
  assert.fail('expected the request to be refused');
}

async function assertRefused(promise: Promise<unknown>, name: string, status: number): Promise<SdkError> {
  const error = await sdkError(promise);
  assert.equal(error.name, name, error.message);
  assert.equal(error.$metadata.httpStatusCode, status);
  return error;
}

interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

interface SignOptions {
  method?: string;
  path?: string;
  body?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  sessionToken?: string;
  service?: string;
  region?: string;
  date?: Date;
  applyChecksum?: boolean;
  headers?: Record<string, string>;
}

/** A request signed with @smithy/signature-v4 as the SDK signs it, ready to be tampered with. */
async function signed(options: SignOptions = {}): Promise<RawRequest> {
  const method = options.method ?? 'POST';
  const path = options.path ?? '/contact/attributes';
  const body =
    options.body ??
    (method === 'POST'
      ? JSON.stringify({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { raw: 'yes' } })
      : '');
  const signer = new SignatureV4({
    credentials: {
      accessKeyId: options.accessKeyId ?? handle.accessKeyId,
      secretAccessKey: options.secretAccessKey ?? handle.secretAccessKey,
      ...(options.sessionToken === undefined ? {} : { sessionToken: options.sessionToken }),
    },
    region: options.region ?? handle.region,
    service: options.service ?? 'connect',
    sha256: Sha256,
    applyChecksum: options.applyChecksum ?? true,
  });
  const headers: Record<string, string> = { host: new URL(handle.url).host, ...options.headers };
  if (body) headers['content-type'] = 'application/json';
  const out = await signer.sign(
    new HttpRequest({ method, protocol: 'http:', hostname: '127.0.0.1', path, headers, ...(body ? { body } : {}) }),
    { signingDate: options.date ?? new Date(clockMs) },
  );
  return { method, path, headers: { ...out.headers }, body };
}

/** Sends a request as given (no header of its own but content-length), on the given agent or a fresh connection. */
function send(raw: RawRequest, agent?: Agent): Promise<RawResponse> {
  const url = new URL(handle.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: raw.method,
        path: raw.path,
        headers: { ...raw.headers, 'content-length': String(Buffer.byteLength(raw.body)) },
        ...(agent ? { agent } : {}),
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on('error', reject);
    req.end(raw.body);
  });
}

/** Status, error type header (without the Coral suffix) and message of a raw answer. */
function refusal(response: RawResponse): { status: number; type: string; message: string } {
  const type = String(response.headers['x-amzn-errortype'] ?? '').split(':')[0] ?? '';
  const body = JSON.parse(response.text) as { message?: string };
  return { status: response.status, type, message: body.message ?? '' };
}

function body(update: Record<string, unknown>): string {
  return JSON.stringify(update);
}

describe('UpdateContactAttributes and GetContactAttributes through the real SDK', () => {
  it('stores attributes, answers 200 {} and reads them back', async () => {
    const out = await update(connect(), 'c-1', { reason: 'billing', vip: 'true' });
    assert.equal(out.$metadata.httpStatusCode, 200);
    assert.deepEqual(await stored('c-1'), { reason: 'billing', vip: 'true' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { reason: 'billing', vip: 'true' });
  });

  it('merges: updates named keys, keeps the others, stores empty values', async () => {
    await update(connect(), 'c-1', { a: '1', b: '2' });
    await update(connect(), 'c-1', { b: 'two', c: '' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '1', b: 'two', c: '' });
  });

  it('keeps contacts apart and addresses a transferred contact by its InitialContactId', async () => {
    await update(connect(), 'c-3', { chain: 'yes' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-3'), { chain: 'yes' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-2'), {});
    await assertRefused(update(connect(), 'c-3b', { chain: 'no' }), 'ResourceNotFoundException', 404);
  });

  it('refuses an unknown instance or contact with 404 ResourceNotFoundException', async () => {
    await assertRefused(update(connect(), 'c-1', { a: '1' }, 'no-such-instance'), 'ResourceNotFoundException', 404);
    await assertRefused(update(connect(), 'no-such-contact', { a: '1' }), 'ResourceNotFoundException', 404);
    await assertRefused(
      connect().send(new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: 'no-such-contact' })),
      'ResourceNotFoundException',
      404,
    );
  });

  it('refuses contacts that started before 2018-09-12 with 400 InvalidRequestException and accepts the release day', async () => {
    const error = await assertRefused(update(connect(), 'old', { a: '1' }), 'InvalidRequestException', 400);
    assert.match(error.message, /2018-09-12/);
    assert.deepEqual(handle.attributesOf(instanceId, 'old'), {});
    await update(connect(), 'release-day', { a: '1' });
    assert.deepEqual(handle.attributesOf(instanceId, 'release-day'), { a: '1' });
  });

  it('accepts writes to a contact that ended long ago', async () => {
    await update(connect(), 'ended-2019', { wrapUp: 'done' });
    assert.deepEqual(await stored('ended-2019'), { wrapUp: 'done' });
  });

  it('sends errors as AWS does: status, x-amzn-errortype with the Coral namespace, message and Message', async () => {
    const response = await send(
      await signed({ body: body({ InstanceId: instanceId, InitialContactId: 'nope', Attributes: {} }) }),
    );
    assert.equal(response.status, 404);
    assert.equal(
      response.headers['x-amzn-errortype'],
      'ResourceNotFoundException:http://internal.amazon.com/coral/com.amazonaws.connect/',
    );
    const parsed = JSON.parse(response.text) as { message: string; Message: string };
    assert.equal(parsed.Message, parsed.message);
    assert.match(parsed.message, /nope/);
    const error = await sdkError(update(connect(), 'nope', {}));
    assert.equal(error.message, parsed.message);
  });
});

describe('the API rules', () => {
  const invalid = async (payload: unknown, type = 'InvalidParameterException'): Promise<string> => {
    const response = await send(await signed({ body: JSON.stringify(payload) }));
    const { status, type: errorType, message } = refusal(response);
    assert.deepEqual({ status, errorType }, { status: 400, errorType: type }, message);
    return message;
  };

  it('requires InstanceId, InitialContactId and Attributes (400 InvalidParameterException)', async () => {
    await invalid({ InitialContactId: 'c-1', Attributes: { a: '1' } });
    await invalid({ InstanceId: instanceId, Attributes: { a: '1' } });
    assert.match(await invalid({ InstanceId: instanceId, InitialContactId: 'c-1' }), /attributes/);
    await invalid({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: ['a'] });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), {});
  });

  it('checks the key charset ^[a-zA-Z0-9_-]+$ and key length 1..32767', async () => {
    for (const key of ['has space', 'dot.ted', 'é', 'a:b', '']) {
      await invalid({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { [key]: 'v' } });
    }
    await invalid({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { ['k'.repeat(32_768)]: '' } });
    await update(connect(), 'c-1', { ['k'.repeat(32_767)]: '' });
    await update(connect(), 'c-2', { 'Az09_-': 'ok' });
    assert.deepEqual(Object.keys(handle.attributesOf(instanceId, 'c-1') ?? {}), ['k'.repeat(32_767)]);
    assert.deepEqual(handle.attributesOf(instanceId, 'c-2'), { 'Az09_-': 'ok' });
  });

  it('checks value type and length 0..32767', async () => {
    await invalid({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { a: 1 } });
    await invalid({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { a: null } });
    await invalid({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { a: 'v'.repeat(32_768) } });
    await update(connect(), 'c-1', { a: 'v'.repeat(32_767) });
    assert.equal(handle.attributesOf(instanceId, 'c-1')?.['a']?.length, 32_767);
  });

  it('checks InitialContactId length 1..256 and InstanceId length 1..100', async () => {
    await invalid({ InstanceId: instanceId, InitialContactId: '', Attributes: {} });
    await invalid({ InstanceId: instanceId, InitialContactId: 'c'.repeat(257), Attributes: {} });
    await invalid({ InstanceId: 'i'.repeat(101), InitialContactId: 'c-1', Attributes: {} });
    // 256 characters is valid: the refusal is then that no such contact exists.
    await assertRefused(update(connect(), 'c'.repeat(256), {}), 'ResourceNotFoundException', 404);
  });

  it('answers a body that is not JSON with 400 SerializationException', async () => {
    await invalid('not json', 'InvalidParameterException');
    const response = await send(await signed({ body: '{"InstanceId":' }));
    assert.deepEqual(refusal(response).type, 'SerializationException');
    assert.equal(response.status, 400);
  });

  describe('the 32,768-byte budget of a contact (keys and values, UTF-8, after the merge)', () => {
    const cases: Array<[string, string, string]> = [
      // [what, key, value] summing to exactly 32,768 bytes
      ['ASCII', 'k', 'a'.repeat(32_767)],
      ['é (2 bytes)', 'kk', 'é'.repeat(16_383)],
      ['日本 (3 bytes)', 'k', `${'日本'.repeat(5_461)}a`],
      ['emoji (4 bytes, astral)', 'kkkk', '😀'.repeat(8_191)],
    ];
    for (const [what, key, value] of cases) {
      it(`accepts exactly 32,768 bytes and refuses 32,769 with ${what}`, async () => {
        assert.equal(Buffer.byteLength(key + value), 32_768);
        await assertRefused(update(connect(), 'c-2', { [`${key}x`]: value }), 'InvalidRequestException', 400);
        assert.deepEqual(handle.attributesOf(instanceId, 'c-2'), {});
        await update(connect(), 'c-2', { [key]: value });
        assert.equal(handle.attributesOf(instanceId, 'c-2')?.[key], value);
        const error = await assertRefused(update(connect(), 'c-2', { z: '' }), 'InvalidRequestException', 400);
        assert.match(error.message, /32769/);
        assert.deepEqual(handle.attributesOf(instanceId, 'c-2'), { [key]: value });
      });
    }

    it('counts the stored result: replaced values stop counting, kept ones still count', async () => {
      await update(connect(), 'c-2', { a: 'x'.repeat(20_000) }); // 20,001 bytes
      await update(connect(), 'c-2', { b: 'y'.repeat(12_766) }); // 32,768 in all
      await assertRefused(update(connect(), 'c-2', { b: 'y'.repeat(12_767) }), 'InvalidRequestException', 400);
      await update(connect(), 'c-2', { a: '', b: 'y'.repeat(20_000) }); // 1 + 20,001
      assert.deepEqual(handle.attributesOf(instanceId, 'c-2'), { a: '', b: 'y'.repeat(20_000) });
    });
  });
});

describe('SigV4 verification', () => {
  it('accepts a correctly signed raw request (the tampering tests start from it)', async () => {
    const response = await send(await signed());
    assert.equal(response.status, 200, response.text);
    assert.equal(response.text, '{}');
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { raw: 'yes' });
  });

  it('refuses a request without Authorization: 403 MissingAuthenticationTokenException', async () => {
    const raw = await signed();
    delete raw.headers['authorization'];
    assert.deepEqual(refusal(await send(raw)), {
      status: 403,
      type: 'MissingAuthenticationTokenException',
      message: 'Missing Authentication Token',
    });
  });

  it('refuses an unknown access key: 403 UnrecognizedClientException', async () => {
    const raw = await signed({ accessKeyId: 'AKIDUNKNOWN' });
    assert.equal(refusal(await send(raw)).type, 'UnrecognizedClientException');
    await assertRefused(
      update(connect({ credentials: { accessKeyId: 'AKIDUNKNOWN', secretAccessKey: handle.secretAccessKey } }), 'c-1', {
        a: '1',
      }),
      'UnrecognizedClientException',
      403,
    );
  });

  it('refuses a wrong secret: 403 InvalidSignatureException', async () => {
    const error = await assertRefused(
      update(connect({ credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: 'wrong' } }), 'c-1', {
        a: '1',
      }),
      'InvalidSignatureException',
      403,
    );
    assert.match(error.message, /signature we calculated does not match/);
  });

  it('refuses a tampered body, whether or not x-amz-content-sha256 was sent', async () => {
    for (const applyChecksum of [true, false]) {
      const raw = await signed({ applyChecksum });
      assert.equal('x-amz-content-sha256' in raw.headers, applyChecksum);
      raw.body = raw.body.replace('"yes"', '"no!"');
      assert.equal(refusal(await send(raw)).type, 'InvalidSignatureException');
    }
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), {});
  });

  it('refuses a tampered signed header or path, and ignores unsigned headers', async () => {
    const headerTampered = await signed({ headers: { 'x-amz-user-agent': 'sdk/1' } });
    headerTampered.headers['x-amz-user-agent'] = 'sdk/2';
    assert.equal(refusal(await send(headerTampered)).type, 'InvalidSignatureException');

    const pathTampered = await signed({ method: 'GET', path: '/contact/attributes/inst-1/c-1' });
    pathTampered.path = '/contact/attributes/inst-1/c-2';
    assert.equal(refusal(await send(pathTampered)).type, 'InvalidSignatureException');

    const extra = await signed({ method: 'GET', path: '/contact/attributes/inst-1/c-1' });
    extra.headers['x-not-signed'] = 'anything';
    assert.equal((await send(extra)).status, 200);
  });

  it('refuses x-amz-date more than 5 minutes off, worded as AWS does, and accepts 4 minutes', async () => {
    const past = refusal(await send(await signed({ date: new Date(clockMs - 6 * 60_000) })));
    assert.equal(past.type, 'InvalidSignatureException');
    assert.match(
      past.message,
      /^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z \(\d{8}T\d{6}Z - 5 min\.\)$/,
    );
    const future = refusal(await send(await signed({ date: new Date(clockMs + 6 * 60_000) })));
    assert.equal(future.type, 'InvalidSignatureException');
    assert.match(future.message, /^Signature not yet current: /);
    assert.equal((await send(await signed({ date: new Date(clockMs - 4 * 60_000) }))).status, 200);
  });

  it('lets the SDK correct its clock from the Date header after "Signature expired"', async () => {
    clockMs += 10 * 60_000;
    const out = await update(connect({ maxAttempts: 3 }), 'c-1', { skew: 'fixed' });
    assert.equal(out.$metadata.attempts, 2);
    assert.deepEqual(
      handle.requestLog().map((entry) => [entry.status, entry.errorType]),
      [
        [403, 'InvalidSignatureException'],
        [200, undefined],
      ],
    );
  });

  it('refuses a credential scope for another service, region or terminator', async () => {
    const service = refusal(await send(await signed({ service: 'execute-api' })));
    assert.deepEqual([service.status, service.type], [403, 'InvalidSignatureException']);
    assert.match(service.message, /correct service: 'connect'/);
    const region = refusal(await send(await signed({ region: 'eu-west-2' })));
    assert.deepEqual([region.status, region.type], [403, 'InvalidSignatureException']);
    const raw = await signed();
    raw.headers['authorization'] = String(raw.headers['authorization']).replace('/aws4_request', '/aws5_request');
    assert.equal(refusal(await send(raw)).type, 'InvalidSignatureException');
  });

  it('refuses a malformed Authorization or an unsigned host: 403 IncompleteSignatureException', async () => {
    const noSignature = await signed();
    noSignature.headers['authorization'] = String(noSignature.headers['authorization']).replace(/, Signature=.*$/, '');
    assert.deepEqual(
      [refusal(await send(noSignature)).status, refusal(await send(noSignature)).type],
      [403, 'IncompleteSignatureException'],
    );
    const hostless = await signed();
    hostless.headers['authorization'] = String(hostless.headers['authorization']).replace('host;', '');
    assert.equal(refusal(await send(hostless)).type, 'IncompleteSignatureException');
    const noDate = await signed();
    delete noDate.headers['x-amz-date'];
    assert.equal(refusal(await send(noDate)).type, 'IncompleteSignatureException');
  });

  it('refuses a session token with long-term credentials', async () => {
    const raw = await signed({ sessionToken: 'made-up' });
    assert.equal(refusal(await send(raw)).type, 'UnrecognizedClientException');
  });
});

describe('CORS as Connect answers it', () => {
  const preflight = (path: string, requestHeaders: string): Promise<RawResponse> =>
    send({
      method: 'OPTIONS',
      path,
      headers: {
        origin: 'https://agent.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': requestHeaders,
      },
      body: '',
    });

  it('answers the preflight with *, the methods, exactly the documented header list and a max age', async () => {
    const response = await preflight('/contact/attributes', 'content-type,x-amz-date,authorization');
    assert.ok(response.status === 200 || response.status === 204);
    assert.equal(response.headers['access-control-allow-origin'], '*');
    assert.match(String(response.headers['access-control-allow-methods']), /GET/);
    assert.match(String(response.headers['access-control-allow-methods']), /POST/);
    assert.equal(
      response.headers['access-control-allow-headers'],
      'Content-Type, X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token, X-Amz-Content-Sha256, X-Amz-User-Agent, amz-sdk-invocation-id, amz-sdk-request',
    );
    assert.equal(response.headers['access-control-allow-headers'], connectAllowHeaders);
    assert.ok(Number(response.headers['access-control-max-age']) > 0);
    assert.equal(response.headers['access-control-expose-headers'], undefined);
    assert.equal(handle.requestLog()[0]?.action, 'Preflight');
  });

  it("does not list a header outside Connect's list even when the browser asks for it", async () => {
    const response = await preflight('/contact/attributes/inst-1/c-1', 'x-custom-header');
    const allowed = String(response.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    assert.ok(!allowed.includes('x-custom-header'));
    assert.ok(!allowed.includes('x-amz-target'));
  });

  it('puts Access-Control-Allow-Origin: * and no Expose-Headers on successes and errors', async () => {
    for (const raw of [await signed(), await signed({ secretAccessKey: 'wrong' })]) {
      const response = await send(raw);
      assert.equal(response.headers['access-control-allow-origin'], '*');
      assert.equal(response.headers['access-control-expose-headers'], undefined);
    }
  });

  it("allows the Cognito client's headers on the Cognito preflight (POST /)", async () => {
    const response = await preflight(
      '/',
      'content-type,x-amz-target,x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request',
    );
    const allowed = String(response.headers['access-control-allow-headers']).toLowerCase().split(/,\s*/);
    for (const name of [
      'content-type',
      'x-amz-target',
      'x-amz-user-agent',
      'amz-sdk-invocation-id',
      'amz-sdk-request',
    ]) {
      assert.ok(allowed.includes(name), name);
    }
  });
});

describe('fault injection', () => {
  it('throttles over the token-bucket quota with 429 ThrottlingException "Rate exceeded", each action in its own bucket', async () => {
    handle.setFaults({ quota: { ratePerSecond: 1, burst: 2 } });
    await update(connect(), 'c-1', { a: '1' });
    await update(connect(), 'c-1', { a: '2' });
    const error = await assertRefused(update(connect(), 'c-1', { a: '3' }), 'ThrottlingException', 429);
    assert.equal(error.message, 'Rate exceeded');
    // GetContactAttributes has a bucket of its own, still full.
    assert.deepEqual(await stored('c-1'), { a: '2' });
    await stored('c-1');
    await assertRefused(stored('c-1'), 'ThrottlingException', 429);
    clockMs += 1_000;
    await update(connect(), 'c-1', { a: '4' });
    await assertRefused(update(connect(), 'c-1', { a: '5' }), 'ThrottlingException', 429);
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '4' });
    handle.setFaults({ quota: null });
    await update(connect(), 'c-1', { a: '6' });
    assert.equal(handle.requestLog().filter((entry) => entry.errorType === 'ThrottlingException').length, 3);
  });

  it("throttling UpdateContactAttributes leaves DescribeContact's bucket untouched (quotas per action)", async () => {
    handle.registerContacts([{ instanceId, contactId: 'c-9', startedAt: '2025-01-01T10:00:00Z', agentId: 'u-1' }]);
    handle.setFaults({
      quotas: { ...connectDefaultQuotas, UpdateContactAttributes: { ratePerSecond: 0.001, burst: 1 } },
    });
    await update(connect(), 'c-9', { a: '1' });
    await assertRefused(update(connect(), 'c-9', { a: '2' }), 'ThrottlingException', 429);
    const describe = () => connect().send(new DescribeContactCommand({ InstanceId: instanceId, ContactId: 'c-9' }));
    // DescribeContact's own default bucket: a burst of 15, whatever UpdateContactAttributes went through.
    for (let call = 0; call < connectDefaultQuotas.DescribeContact.burst; call += 1)
      assert.equal((await describe()).Contact?.Id, 'c-9');
    await assertRefused(describe(), 'ThrottlingException', 429);
    // An action set to null is not metered, even under a quota for every action.
    handle.setFaults({ quota: { ratePerSecond: 0.001, burst: 1 }, quotas: { GetContactAttributes: null } });
    for (let call = 0; call < 5; call += 1) await stored('c-9');
    await update(connect(), 'c-9', { a: '3' });
    await assertRefused(update(connect(), 'c-9', { a: '4' }), 'ThrottlingException', 429);
    // Injected failures keep working once the quotas are cleared.
    handle.setFaults({ quotas: null, quota: null, failNext: { count: 1 } });
    await assertRefused(describe(), 'InternalServiceException', 500);
    assert.equal((await describe()).Contact?.Id, 'c-9');
  });

  it('fails the next N requests with 500 InternalServiceException or the given status and type', async () => {
    handle.setFaults({ failNext: { count: 2 } });
    await assertRefused(update(connect(), 'c-1', { a: '1' }), 'InternalServiceException', 500);
    await assertRefused(stored('c-1'), 'InternalServiceException', 500);
    await update(connect(), 'c-1', { a: '1' });
    handle.setFaults({ failNext: { count: 1, status: 503, type: 'ServiceUnavailableException' } });
    await assertRefused(update(connect(), 'c-1', { a: '2' }), 'ServiceUnavailableException', 503);
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '1' });
  });

  it("lets the SDK's retries get past a failure (the log shows both attempts)", async () => {
    handle.setFaults({ failNext: { count: 1 } });
    const out = await update(connect({ maxAttempts: 3 }), 'c-1', { a: '1' });
    assert.equal(out.$metadata.attempts, 2);
    assert.deepEqual(
      handle.requestLog().map((entry) => entry.status),
      [500, 200],
    );
  });

  it('drops the next N connections without answering', async () => {
    handle.setFaults({ dropNext: 1 });
    const error = await sdkError(update(connect(), 'c-1', { a: '1' }));
    assert.equal(error.$metadata.httpStatusCode, undefined);
    await update(connect(), 'c-1', { a: '2' });
    assert.deepEqual(
      handle.requestLog().map((entry) => [entry.action, entry.status, entry.errorType]),
      [
        ['UpdateContactAttributes', 0, 'ConnectionDropped'],
        ['UpdateContactAttributes', 200, undefined],
      ],
    );
  });

  it('stores the next N writes, then drops their connection without answering (logged as stored)', async () => {
    handle.setFaults({ dropAfterStoreNext: 1 });
    // A refused write and a read do not use up the countdown: only a write that is stored does.
    await assertRefused(update(connect(), 'c-1', { 'bad key': '1' }), 'InvalidParameterException', 400);
    assert.deepEqual(await stored('c-1'), {});
    const error = await sdkError(update(connect(), 'c-1', { a: '1', b: '1' }));
    assert.equal(error.$metadata.httpStatusCode, undefined);
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '1', b: '1' });
    await update(connect(), 'c-1', { a: '2' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '2', b: '1' });
    assert.deepEqual(
      handle.requestLog().map((entry) => [entry.action, entry.status, entry.errorType, entry.stored]),
      [
        ['UpdateContactAttributes', 400, 'InvalidParameterException', undefined],
        ['GetContactAttributes', 200, undefined, undefined],
        ['UpdateContactAttributes', 0, 'ConnectionDropped', true],
        ['UpdateContactAttributes', 200, undefined, true],
      ],
    );
    assert.ok(
      logLines.some((line) => line.endsWith('UpdateContactAttributes inst-1/c-1 -> 0 ConnectionDropped (stored)')),
    );
  });

  it('stores the next N writes, then answers 500 InternalServiceException (logged as stored)', async () => {
    handle.setFaults({ failAfterStoreNext: 2 });
    await assertRefused(update(connect(), 'c-1', { a: '1' }), 'InternalServiceException', 500);
    await assertRefused(update(connect(), 'c-2', { a: '1' }), 'InternalServiceException', 500);
    await update(connect(), 'c-1', { a: '2' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '2' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-2'), { a: '1' });
    assert.deepEqual(
      handle.requestLog().map((entry) => [entry.initialContactId, entry.status, entry.errorType, entry.stored]),
      [
        ['c-1', 500, 'InternalServiceException', true],
        ['c-2', 500, 'InternalServiceException', true],
        ['c-1', 200, undefined, true],
      ],
    );
    assert.deepEqual(
      handle.requestLog().filter((entry) => entry.status === 200 && !entry.stored),
      [],
    );
  });

  it("lets the SDK's retry re-send a write that was stored and answered 500 (the log shows it stored twice)", async () => {
    handle.setFaults({ failAfterStoreNext: 1 });
    const out = await update(connect({ maxAttempts: 3 }), 'c-1', { a: '1' });
    assert.equal(out.$metadata.attempts, 2);
    assert.deepEqual(
      handle.requestLog().map((entry) => [entry.status, entry.stored, entry.attributes]),
      [
        [500, true, { a: '1' }],
        [200, true, { a: '1' }],
      ],
    );
  });

  it('adds latency to every request', async () => {
    handle.setFaults({ latencyMs: 250 });
    const started = performance.now();
    await update(connect(), 'c-1', { a: '1' });
    assert.ok(performance.now() - started >= 240);
    handle.setFaults({ latencyMs: null });
    const again = performance.now();
    await update(connect(), 'c-1', { a: '1' });
    assert.ok(performance.now() - again < 240);
  });

  it('rejects malformed faults', () => {
    assert.throws(() => handle.setFaults({ quota: { ratePerSecond: 0, burst: 1 } }), TypeError);
    assert.throws(
      () => handle.setFaults({ quotas: { ListUsers: { ratePerSecond: 1, burst: 1 } } as never }),
      /faults\.quotas: unknown action ListUsers/,
    );
    assert.throws(
      () => handle.setFaults({ quotas: { DescribeContact: { ratePerSecond: 1, burst: 0 } } }),
      /faults\.quotas\.DescribeContact/,
    );
    assert.throws(() => handle.setFaults({ dropNext: -1 }), TypeError);
    assert.throws(() => handle.setFaults({ dropAfterStoreNext: -1 }), /faults\.dropAfterStoreNext/);
    assert.throws(() => handle.setFaults({ failAfterStoreNext: 1.5 }), /faults\.failAfterStoreNext/);
  });
});

describe('a request its client abandons', () => {
  for (const [when, latencyMs, sent] of [
    ['in the middle of its body', 0, '{"InstanceId":'],
    [
      'during the injected latency, its whole body sent',
      300,
      body({ InstanceId: instanceId, InitialContactId: 'c-1', Attributes: { a: '1' } }),
    ],
  ] as const) {
    it(`is logged with status 0 and ClientAborted, and nothing stored, when the client goes ${when}`, async () => {
      handle.setFaults({ latencyMs });
      const linesBefore = logLines.length;
      const url = new URL(handle.url);
      const length = when === 'in the middle of its body' ? 100 : Buffer.byteLength(sent);
      const req = httpRequest({
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: '/contact/attributes',
        headers: { 'content-type': 'application/json', 'content-length': String(length) },
      });
      req.on('error', () => undefined);
      const connected = new Promise((resolve) =>
        req.on('socket', (socket) => (socket.connecting ? socket.once('connect', resolve) : resolve(undefined))),
      );
      req.write(sent);
      await connected;
      await new Promise((resolve) => setTimeout(resolve, 50));
      req.destroy();
      const end = performance.now() + 2_000;
      while (handle.requestLog().length === 0 && performance.now() < end)
        await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(
        handle.requestLog().map((entry) => [entry.action, entry.status, entry.errorType, entry.stored]),
        [['UpdateContactAttributes', 0, 'ClientAborted', undefined]],
      );
      assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), {});
      assert.deepEqual(
        logLines.slice(linesBefore).filter((line) => line.startsWith('stand-in error')),
        [],
      );
    });
  }
});

describe('the 1 MiB request body cap', () => {
  // Just over the cap, the body is all in when the cap is crossed; at four times the cap the client is still sending.
  for (const [what, size] of [
    ['just over 1 MiB', 1024 * 1024 + 1],
    ['4 MiB', 4 * 1024 * 1024],
  ] as const) {
    it(`answers a body of ${what} with 413 and Connection: close; the same keep-alive client's next request is served and logged`, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        // Unsigned: the body is read (and refused) before the signature is checked.
        const oversized: RawRequest = {
          method: 'POST',
          path: '/contact/attributes',
          headers: { host: new URL(handle.url).host, 'content-type': 'application/json' },
          body: 'x'.repeat(size),
        };
        const refused = await send(oversized, agent);
        assert.deepEqual(refusal(refused), {
          status: 413,
          type: 'RequestEntityTooLargeException',
          message: 'Request body too large.',
        });
        assert.equal(refused.headers['connection'], 'close');
        const next = await send(await signed(), agent);
        assert.equal(next.status, 200, next.text);
        assert.deepEqual(
          handle.requestLog().map((entry) => [entry.action, entry.status, entry.errorType]),
          [
            ['UpdateContactAttributes', 413, 'RequestEntityTooLargeException'],
            ['UpdateContactAttributes', 200, undefined],
          ],
        );
        assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { raw: 'yes' });
      } finally {
        agent.destroy();
      }
    });
  }
});

describe('Cognito Identity through the real fromCognitoIdentityPool', () => {
  const cognito = (logins?: Record<string, string>, identityPoolId = handle.identityPoolId) =>
    fromCognitoIdentityPool({
      identityPoolId,
      ...(logins ? { logins } : {}),
      clientConfig: { region: handle.region, endpoint: handle.url, maxAttempts: 1 },
    });
  const agentLogin = () => ({ [handle.loginProvider]: handle.signIn().idToken });

  it('issues temporary credentials for a valid login, which Connect then accepts', async () => {
    const credentials = await cognito(agentLogin())();
    assert.match(credentials.accessKeyId, /^ASIA[A-Z2-7]{16}$/);
    assert.ok(credentials.sessionToken);
    assert.ok(credentials.expiration instanceof Date);
    assert.ok(Math.abs(credentials.expiration.getTime() - (clockMs + 3_600_000)) < 2_000);
    await update(connect({ credentials: cognito(agentLogin()) }), 'c-1', { via: 'cognito' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { via: 'cognito' });
    assert.deepEqual(
      handle.requestLog().map((entry) => entry.action),
      ['GetId', 'GetCredentialsForIdentity', 'GetId', 'GetCredentialsForIdentity', 'UpdateContactAttributes'],
    );
  });

  it('gives the same IdentityId to the same login', async () => {
    const first = await cognito(agentLogin())();
    const second = await cognito(agentLogin())();
    assert.ok(first.identityId);
    assert.equal(first.identityId, second.identityId);
  });

  it('answers Expiration in epoch seconds as a JSON number', async () => {
    const send = (target: string, payload: unknown) =>
      fetch(handle.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `AWSCognitoIdentityService.${target}`,
        },
        body: JSON.stringify(payload),
      }).then((response) => response.json() as Promise<Record<string, unknown>>);
    const { IdentityId } = await send('GetId', { IdentityPoolId: handle.identityPoolId, Logins: agentLogin() });
    const out = (await send('GetCredentialsForIdentity', { IdentityId, Logins: agentLogin() })) as {
      Credentials: { Expiration: unknown };
    };
    assert.equal(typeof out.Credentials.Expiration, 'number');
    assert.equal(out.Credentials.Expiration, Math.floor((clockMs + 3_600_000) / 1000));
  });

  it('refuses unauthenticated access, a bad token and an unknown pool', async () => {
    const noLogins = await assertRefused(cognito()(), 'NotAuthorizedException', 400);
    assert.equal(noLogins.message, 'Unauthenticated access is not supported for this identity pool.');
    const badToken = await assertRefused(
      cognito({ [handle.loginProvider]: 'forged' })(),
      'NotAuthorizedException',
      400,
    );
    assert.match(badToken.message, /^Invalid login token\./);
    await assertRefused(cognito({ 'accounts.google.com': handle.signIn().idToken })(), 'NotAuthorizedException', 400);
    await assertRefused(
      cognito(agentLogin(), 'us-east-1:11111111-1111-4111-8111-111111111111')(),
      'ResourceNotFoundException',
      400,
    );
  });

  it('refuses expired credentials with 403 ExpiredTokenException, and a refresh works', async () => {
    handle.setFaults({ credentialTtlSeconds: 60 });
    const provider = cognito(agentLogin());
    const first = await provider();
    await update(connect({ credentials: first }), 'c-1', { a: '1' });
    clockMs += 61_000;
    await assertRefused(update(connect({ credentials: first }), 'c-1', { a: '2' }), 'ExpiredTokenException', 403);
    const refreshed = await provider();
    assert.notEqual(refreshed.accessKeyId, first.accessKeyId);
    await update(connect({ credentials: refreshed }), 'c-1', { a: '3' });
    // With the provider itself, the SDK refreshes credentials that expire within 5 minutes before each call.
    await update(connect({ credentials: provider }), 'c-1', { a: '4' });
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { a: '4' });
  });

  it('requires the session token with temporary credentials (403), and the right one', async () => {
    const credentials = await cognito(agentLogin())();
    const withoutToken = await signed({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
    });
    assert.deepEqual(
      [refusal(await send(withoutToken)).status, refusal(await send(withoutToken)).type],
      [403, 'UnrecognizedClientException'],
    );
    const wrongToken = await signed({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: 'other',
    });
    assert.equal(refusal(await send(wrongToken)).type, 'UnrecognizedClientException');
    const right = await signed({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken ?? '',
    });
    assert.equal((await send(right)).status, 200);
  });

  it('revokes issued credentials on reset', async () => {
    const credentials = await cognito(agentLogin())();
    handle.reset();
    await assertRefused(update(connect({ credentials }), 'c-1', { a: '1' }), 'UnrecognizedClientException', 403);
  });

  it('serves unauthenticated identities when the pool allows them', async () => {
    const open = await startConnectApi({ contacts, identityPool: { authenticatedOnly: false } });
    try {
      const credentials = await fromCognitoIdentityPool({
        identityPoolId: open.identityPoolId,
        clientConfig: { region: open.region, endpoint: open.url },
      })();
      const client = new ConnectClient({ region: open.region, endpoint: open.url, credentials, maxAttempts: 1 });
      await update(client, 'c-1', { guest: 'yes' });
      assert.deepEqual(open.attributesOf(instanceId, 'c-1'), { guest: 'yes' });
    } finally {
      await open.close();
    }
  });

  it('never writes secrets or tokens to the log', async () => {
    const login = agentLogin();
    const credentials = await cognito(login)();
    await update(connect({ credentials }), 'c-1', { a: '1' });
    const everything = logLines.join('\n') + JSON.stringify(handle.requestLog());
    for (const secret of [
      handle.secretAccessKey,
      credentials.secretAccessKey,
      credentials.sessionToken ?? 'missing',
      login[handle.loginProvider] ?? 'missing',
    ]) {
      assert.ok(!everything.includes(secret));
    }
    assert.ok(logLines.some((line) => line.includes('UpdateContactAttributes inst-1/c-1 -> 200')));
  });
});

describe('the /_standin/ control surface', () => {
  const control = async (
    method: string,
    path: string,
    payload?: unknown,
  ): Promise<{ status: number; json: unknown; headers: Headers }> => {
    const response = await fetch(handle.url + path, {
      method,
      ...(payload === undefined
        ? {}
        : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined, headers: response.headers };
  };

  it('registers contacts (one or many) and lists them with initialContactId and attributes', async () => {
    assert.equal(
      (
        await control('POST', '/_standin/contacts', {
          instanceId: 'inst-2',
          contactId: 'x',
          startedAt: '2025-02-02T00:00:00Z',
        })
      ).status,
      204,
    );
    assert.equal(
      (
        await control('POST', '/_standin/contacts', [
          { instanceId: 'inst-2', contactId: 'y', initialContactId: 'x', startedAt: '2025-02-02T00:01:00Z' },
        ])
      ).status,
      204,
    );
    await update(connect(), 'x', { note: 'hi' }, 'inst-2');
    const { json } = await control('GET', '/_standin/contacts');
    const listed = (
      json as { contacts: Array<{ contactId: string; initialContactId: string; attributes: Record<string, string> }> }
    ).contacts.filter((contact) => contact.contactId === 'x' || contact.contactId === 'y');
    assert.deepEqual(
      listed.map((contact) => [contact.contactId, contact.initialContactId, contact.attributes]),
      [
        ['x', 'x', { note: 'hi' }],
        ['y', 'x', { note: 'hi' }],
      ],
    );
    assert.equal((await control('POST', '/_standin/contacts', { instanceId: 'inst-2' })).status, 400);
    assert.equal(
      (await control('POST', '/_standin/contacts', { instanceId: 'i', contactId: 'c', startedAt: 'yesterday' })).status,
      400,
    );
  });

  it("reads one contact's attributes, 404 when unknown", async () => {
    await update(connect(), 'c-1', { a: '1' });
    assert.deepEqual((await control('GET', '/_standin/attributes/inst-1/c-1')).json, { attributes: { a: '1' } });
    assert.equal((await control('GET', '/_standin/attributes/inst-1/nope')).status, 404);
  });

  it('sets faults over HTTP: merged, null clears a field, bad ones are 400', async () => {
    assert.equal(
      (
        await control('POST', '/_standin/faults', {
          failNext: { count: 1 },
          latencyMs: 1,
          dropAfterStoreNext: 2,
          failAfterStoreNext: 1,
        })
      ).status,
      204,
    );
    assert.equal(
      (await control('POST', '/_standin/faults', { latencyMs: null, dropAfterStoreNext: null })).status,
      204,
    );
    assert.deepEqual((await control('GET', '/_standin/faults')).json, {
      faults: { failNext: { count: 1 }, failAfterStoreNext: 1 },
    });
    await assertRefused(update(connect(), 'c-1', { a: '1' }), 'InternalServiceException', 500);
    assert.equal((await control('POST', '/_standin/faults', { bogus: 1 })).status, 400);
  });

  it('logs API requests only, refused ones included', async () => {
    await update(connect(), 'c-1', { a: '1' });
    await sdkError(update(connect(), 'c-1', { 'bad key': '1' }));
    await control('GET', '/_standin/config');
    const { json } = await control('GET', '/_standin/log');
    const requests = (json as { requests: Array<Record<string, unknown>> }).requests;
    assert.deepEqual(
      requests.map(({ action, instanceId: instance, initialContactId, attributes, status, errorType }) => ({
        action,
        instance,
        initialContactId,
        attributes,
        status,
        errorType,
      })),
      [
        {
          action: 'UpdateContactAttributes',
          instance: 'inst-1',
          initialContactId: 'c-1',
          attributes: { a: '1' },
          status: 200,
          errorType: undefined,
        },
        {
          action: 'UpdateContactAttributes',
          instance: 'inst-1',
          initialContactId: 'c-1',
          attributes: { 'bad key': '1' },
          status: 400,
          errorType: 'InvalidParameterException',
        },
      ],
    );
    assert.ok(typeof requests[0]?.['time'] === 'string');
  });

  it('resets attributes, log and faults but keeps contacts', async () => {
    await update(connect(), 'c-1', { a: '1' });
    handle.setFaults({ failNext: { count: 5 } });
    assert.equal((await control('POST', '/_standin/reset')).status, 204);
    assert.deepEqual(handle.requestLog(), []);
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), {});
    await update(connect(), 'c-1', { a: '2' });
  });

  it('tells the demo page how to reach it, and allows any origin', async () => {
    const { json: answer, headers } = await control('GET', '/_standin/config');
    const { validTokens, ...json } = answer as { validTokens: string[] };
    // A fresh id token of the first demo agent, which Cognito Identity accepts as a login.
    assert.equal(validTokens.length, 1);
    const payload = Buffer.from(validTokens[0]?.split('.')[1] ?? '', 'base64url').toString();
    assert.equal((JSON.parse(payload) as Record<string, unknown>)['cognito:username'], 'agent.smith');
    assert.deepEqual(json, {
      url: handle.url,
      region: 'us-east-1',
      accessKeyId: 'AKIDSTANDINDEMO',
      secretAccessKey: 'standin-demo-secret',
      identityPoolId: 'us-east-1:00000000-0000-4000-8000-000000000000',
      loginProvider: 'cognito-idp.us-east-1.amazonaws.com/us-east-1_STANDIN',
      userPoolId: 'us-east-1_STANDIN',
      userPoolClientId: 'standin-agent-desktop',
      issuer: `${handle.url}/us-east-1_STANDIN`,
    });
    assert.equal(headers.get('access-control-allow-origin'), '*');
    const preflight = await fetch(`${handle.url}/_standin/faults`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:8000',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });
    assert.equal(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Content-Type/i);
  });
});

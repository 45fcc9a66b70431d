/**
 * Every call of the clients ends: an abort signal ends the wait for credentials or the relay token as well as the
 * request, and `timeoutMs` bounds a call (and a credential provider's call) as a retryable network error. The signed
 * client runs the real AWS SDK against the Connect API stand-in's requests that never answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { AttributesClient, cognitoCredentials, type Credentials } from '../../src/client.ts';
import { DEFAULT_TIMEOUT_MS } from '../../src/deadline.ts';
import { AttributesError } from '../../src/errors.ts';
import { MemoryOutboxStore } from '../../src/outbox/memory-store.ts';
import { settingsOf } from '../../src/outbox/options.ts';
import { RelayClient } from '../../src/relay-client.ts';
import type { ContactRef } from '../../src/writer.ts';

const instanceId = 'inst-1';

/** What `promise` settled with, or a failure naming `what` when it did not settle within `ms`. */
async function settledWithin(promise: Promise<unknown>, ms: number, what: string): Promise<unknown> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'resolved',
        (error: unknown) => error,
      ),
      limit,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function assertNetworkTimeout(outcome: unknown): void {
  assert.ok(outcome instanceof AttributesError, `expected an AttributesError, got ${String(outcome)}`);
  assert.equal(outcome.kind, 'network');
  assert.equal(outcome.retryable, true);
  assert.equal((outcome.cause as Error | undefined)?.name, 'TimeoutError');
}

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

describe('AttributesClient: every call ends', () => {
  let api: ConnectApiHandle;
  let credentials: Credentials;

  before(async () => {
    api = await startConnectApi({
      contacts: [{ instanceId, contactId: 'c-1', startedAt: new Date().toISOString() }],
    });
    credentials = { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey };
    // One call that lands first: loading the SDK's modules is not what the limits below measure.
    await client().update(instanceId, 'c-1', { warm: '1' });
    api.reset();
  });
  after(async () => {
    await (api as ConnectApiHandle | undefined)?.close();
  });

  const client = (options: Partial<ConstructorParameters<typeof AttributesClient>[0]> = {}): AttributesClient =>
    new AttributesClient({ region: api.region, endpoint: api.url, credentials, maxAttempts: 1, ...options });

  it("ends the wait for credentials when the signal aborts, with the signal's reason", async () => {
    const controller = new AbortController();
    const call = client({ credentials: never }).update(instanceId, 'c-1', { a: '1' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException('The page left.', 'AbortError')), 50);
    const outcome = await settledWithin(call, 2_000, 'the call');
    assert.ok(outcome instanceof DOMException && outcome.message === 'The page left.', String(outcome));
  });

  it('bounds a call whose credential provider never answers; the next call asks the provider again and lands', async () => {
    let asked = 0;
    const provider = (): Promise<Credentials> => {
      asked += 1;
      return asked === 1 ? never() : Promise.resolve(credentials);
    };
    const bounded = client({ credentials: provider, timeoutMs: 300 });
    assertNetworkTimeout(await settledWithin(bounded.update(instanceId, 'c-1', { a: '1' }), 2_000, 'the first call'));
    // A call made at once may still share the provider call being given up (the SDK keeps one call under way for
    // every request): it then ends with it, no later than its own limit. The next one asks the provider again.
    const second = await settledWithin(bounded.update(instanceId, 'c-1', { a: '2' }), 1_000, 'the second call');
    if (second !== 'resolved') assertNetworkTimeout(second);
    assert.equal(await settledWithin(bounded.update(instanceId, 'c-1', { a: '3' }), 1_000, 'the third'), 'resolved');
    assert.equal(asked, 2);
    assert.deepEqual(api.attributesOf(instanceId, 'c-1'), { a: '3' });
  });

  it('bounds a request Amazon Connect never answers: a retryable network error, nothing stored', async () => {
    api.reset();
    api.setFaults({ hangNext: 1 });
    const call = client({ timeoutMs: 300 }).update(instanceId, 'c-1', { b: '1' });
    assertNetworkTimeout(await settledWithin(call, 2_000, 'the call'));
    assert.deepEqual(
      api.requestLog().map((r) => [r.action, r.status, r.errorType]),
      [['UpdateContactAttributes', 0, 'Unanswered']],
    );
    assert.deepEqual(api.attributesOf(instanceId, 'c-1'), {});
  });

  it('stores a write the stand-in leaves unanswered after storing it (hangAfterStoreNext), and logs it stored', async () => {
    api.reset();
    api.setFaults({ hangAfterStoreNext: 1 });
    assertNetworkTimeout(
      await settledWithin(client({ timeoutMs: 300 }).update(instanceId, 'c-1', { c: '1' }), 2_000, 'the call'),
    );
    assert.deepEqual(
      api.requestLog().map((r) => [r.action, r.status, r.errorType, r.stored]),
      [['UpdateContactAttributes', 0, 'Unanswered', true]],
    );
    assert.deepEqual(api.attributesOf(instanceId, 'c-1'), { c: '1' });
  });

  it('cognitoCredentials aborts a Cognito request that never answers, and the next call gets credentials', async () => {
    api.reset();
    const provider = cognitoCredentials({
      identityPoolId: api.identityPoolId,
      logins: { [api.loginProvider]: api.signIn().idToken },
      endpoint: api.url,
      timeoutMs: 300,
    });
    api.setFaults({ hangNext: 1 });
    const first = await settledWithin(provider(), 5_000, 'the first provider call');
    // The SDK's Cognito client retries a timed-out request (as a transient error) within the call.
    assert.ok(first === 'resolved' || first instanceof AttributesError, String(first));
    const log = api.requestLog();
    assert.deepEqual([log[0]?.action, log[0]?.errorType], ['GetId', 'Unanswered']);
    assert.equal(await settledWithin(provider(), 5_000, 'the second provider call'), 'resolved');
  });

  it('refuses a time limit that is not a number of milliseconds above 0', () => {
    for (const timeoutMs of [0, -1, Number.NaN, Infinity, '1000']) {
      assert.throws(() => client({ timeoutMs: timeoutMs as number }), /AttributesClient: the `timeoutMs` option/);
    }
  });
});

describe('RelayClient: every call ends', () => {
  const contact: ContactRef = { contactId: 'leg-1', initialContactId: 'leg-1', instanceId };
  const url = 'http://127.0.0.1:9/relay';
  const answered: typeof fetch = () => Promise.resolve(new Response('{}', { status: 200 }));

  it("ends the wait for the token when the signal aborts, with the signal's reason; nothing is sent", async () => {
    let sent = 0;
    const relay = new RelayClient({
      url,
      token: never,
      fetch: (...args) => {
        sent += 1;
        return answered(...args);
      },
    });
    const controller = new AbortController();
    const call = relay.update(contact, { a: '1' }, { signal: controller.signal });
    setTimeout(() => controller.abort(new DOMException('The page left.', 'AbortError')), 50);
    const outcome = await settledWithin(call, 2_000, 'the call');
    assert.ok(outcome instanceof DOMException && outcome.message === 'The page left.', String(outcome));
    assert.equal(sent, 0);
  });

  it('bounds a token function that never returns, and a relay that never answers, as retryable network errors', async () => {
    const hungToken = new RelayClient({ url, token: never, fetch: answered, timeoutMs: 200 });
    assertNetworkTimeout(await settledWithin(hungToken.update(contact, { a: '1' }), 2_000, 'the token wait'));

    let aborted = false;
    const hungRelay = new RelayClient({
      url,
      token: 'a-token',
      timeoutMs: 200,
      fetch: (_, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () => {
            aborted = true;
            reject(init.signal?.reason as Error);
          });
        }),
    });
    assertNetworkTimeout(await settledWithin(hungRelay.update(contact, { a: '1' }), 2_000, 'the request'));
    assert.equal(aborted, true, 'the request was aborted, not left open');
  });

  it('refuses a time limit that is not a number of milliseconds above 0', () => {
    assert.throws(() => new RelayClient({ url, token: 't', timeoutMs: 0 }), /RelayClient: the `timeoutMs` option/);
  });
});

describe('Outbox: requestTimeoutMs', () => {
  const sender = (): Promise<void> => Promise.resolve();

  it('defaults to at most 20 s and is given to the attempt path', () => {
    const settings = settingsOf({ store: new MemoryOutboxStore(), sender });
    assert.equal(settings.requestTimeoutMs, DEFAULT_TIMEOUT_MS);
    assert.ok((DEFAULT_TIMEOUT_MS as number) <= 20_000, "the deadline's default is at most 20 s");
    assert.equal(
      settingsOf({ store: new MemoryOutboxStore(), sender, requestTimeoutMs: 5_000 }).requestTimeoutMs,
      5_000,
    );
  });

  it('refuses a deadline that is not a number of milliseconds above 0', () => {
    for (const requestTimeoutMs of [0, -5, Number.NaN, '15000']) {
      assert.throws(
        () => settingsOf({ store: new MemoryOutboxStore(), sender, requestTimeoutMs: requestTimeoutMs as number }),
        /Outbox: the `requestTimeoutMs` option/,
      );
    }
  });
});

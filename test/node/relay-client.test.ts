/**
 * The relay client: the exact request it sends, validation before any request, every error kind from the relay's
 * answers (and from no answer), aborts, and that its module graph holds neither the AWS SDK nor the relay. Then the
 * same client over the wire: the real relay (ccp-attributes/relay) in front of the Connect API stand-in.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { startStandInRelay } from '../../demo/relay.ts';
import { AttributesError, type AttributesErrorKind } from '../../src/errors.ts';
import { createCcpAttributes } from '../../src/plugin.ts';
import { RelayClient } from '../../src/relay-client.ts';
import { attributesFrom } from '../../src/validate.ts';
import type { RelayServer } from '../../src/relay/index.ts';
import type { ContactRef } from '../../src/writer.ts';

const contact: ContactRef = {
  contactId: 'leg-2',
  initialContactId: 'leg-1',
  instanceId: 'inst-1',
  region: 'us-east-1',
};

interface Captured {
  url: string;
  init: RequestInit;
}

/** A fetch that records each call and answers `answer()`. */
function transport(answer: () => Response | Promise<Response>): { fetch: typeof fetch; calls: Captured[] } {
  const calls: Captured[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    calls.push({ url: input instanceof Request ? input.url : String(input), init: init ?? {} });
    return answer();
  };
  return { fetch: fake, calls };
}

/** An answer in the relay's error shape. */
function refusal(status: number, type: string | undefined, message: string): Response {
  return new Response(JSON.stringify({ message, Message: message }), {
    status,
    headers: { 'content-type': 'application/json', ...(type ? { 'x-amzn-errortype': type } : {}) },
  });
}

async function failure(promise: Promise<unknown>): Promise<AttributesError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof AttributesError, `expected an AttributesError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a failure');
}

describe('RelayClient', () => {
  it('sends restJson1 POST <url>/contact/attributes with the bearer token and UpdateContactAttributes plus ContactId', async () => {
    const wire = transport(() => new Response('{}', { status: 200 }));
    const client = new RelayClient({ url: 'https://relay.example.com/prod/', token: 'jwt-1', fetch: wire.fetch });
    await client.update(
      contact,
      attributesFrom([
        ['Disposition', 'Resolved'],
        ['__proto__', 'kept'],
      ]),
    );
    assert.equal(wire.calls.length, 1);
    const [call] = wire.calls;
    assert.equal(call?.url, 'https://relay.example.com/prod/contact/attributes');
    assert.equal(call.init.method, 'POST');
    assert.deepEqual(call.init.headers, { authorization: 'Bearer jwt-1', 'content-type': 'application/json' });
    assert.equal(
      call.init.body,
      '{"InstanceId":"inst-1","InitialContactId":"leg-1","ContactId":"leg-2","Attributes":{"Disposition":"Resolved","__proto__":"kept"}}',
    );
  });

  it('asks the token function for every request and awaits it', async () => {
    const wire = transport(() => new Response('{}', { status: 200 }));
    let issued = 0;
    const token = (): Promise<string> => Promise.resolve(`jwt-${++issued}`);
    const client = new RelayClient({ url: 'https://relay.example.com', token, fetch: wire.fetch });
    await client.update(contact, { a: '1' });
    await client.update(contact, { a: '2' });
    assert.deepEqual(
      wire.calls.map((call) => (call.init.headers as Record<string, string>)['authorization']),
      ['Bearer jwt-1', 'Bearer jwt-2'],
    );
    assert.equal(wire.calls[0]?.url, 'https://relay.example.com/contact/attributes');
  });

  it('validates before any request: bad keys, a missing id, the byte budget on the merged result, a missing leg', async () => {
    const wire = transport(() => new Response('{}', { status: 200 }));
    let tokens = 0;
    const client = new RelayClient({
      url: 'https://relay.example.com',
      token: () => `jwt-${++tokens}`,
      fetch: wire.fetch,
    });
    const badKey = await failure(client.update(contact, { 'no spaces': 'x' }));
    assert.equal(badKey.kind, 'validation');
    assert.deepEqual(
      badKey.problems.map((problem) => problem.code),
      ['charset'],
    );
    assert.equal(
      (await failure(client.update({ ...contact, initialContactId: '' }, { a: '1' }))).problems[0]?.field,
      'initialContactId',
    );
    const budget = await failure(
      client.update(contact, { b: 'y'.repeat(20_000) }, { stored: { a: 'x'.repeat(20_000) } }),
    );
    assert.equal(budget.problems[0]?.code, 'over-budget');
    assert.equal((await failure(client.update({ ...contact, contactId: '' }, { a: '1' }))).kind, 'validation');
    assert.equal(wire.calls.length, 0, 'no request was sent');
    assert.equal(tokens, 0, 'no token was asked for');
  });

  const kinds: [string, Response | Error, AttributesErrorKind, boolean, RegExp][] = [
    [
      '400 InvalidParameterException',
      refusal(400, 'InvalidParameterException', 'The value of "a" must be text.'),
      'validation',
      false,
      /refused these attributes: The value of "a" must be text\./,
    ],
    [
      '401 NotAuthorizedException (expired token)',
      refusal(401, 'NotAuthorizedException', 'Your sign-in is missing, expired or not valid here: sign in again.'),
      'auth',
      false,
      /^Your sign-in is missing, expired/,
    ],
    [
      "403 AccessDeniedException (another agent's contact)",
      refusal(
        403,
        'AccessDeniedException',
        'This contact is not yours: attributes can only be saved on contacts you are handling.',
      ),
      'auth',
      false,
      /^This contact is not yours/,
    ],
    [
      '403 AccessDeniedException (a denied key)',
      refusal(403, 'AccessDeniedException', 'Agents may not save the attribute "Routing".'),
      'auth',
      false,
      /^Agents may not save the attribute "Routing"\.$/,
    ],
    [
      '404 ResourceNotFoundException',
      refusal(404, 'ResourceNotFoundException', 'Contact not found.'),
      'not-found',
      false,
      /^Contact not found\.$/,
    ],
    [
      '413 without a known type',
      refusal(413, 'RequestEntityTooLargeException', 'Request body too large.'),
      'validation',
      false,
      /Request body too large/,
    ],
    [
      '429 ThrottlingException',
      refusal(429, 'ThrottlingException', 'Rate exceeded'),
      'throttled',
      true,
      /too many requests/,
    ],
    [
      '429 from API Gateway (no type)',
      refusal(429, undefined, 'Too Many Requests'),
      'throttled',
      true,
      /too many requests/,
    ],
    [
      '500 InternalServiceException',
      refusal(500, 'InternalServiceException', 'The relay had an internal error.'),
      'server',
      true,
      /internal error/,
    ],
    [
      '503 ServiceUnavailableException',
      refusal(503, 'ServiceUnavailableException', 'Amazon Connect could not be reached; try again.'),
      'server',
      true,
      /internal error/,
    ],
    [
      "401 from API Gateway's authorizer (no type)",
      refusal(401, undefined, 'Unauthorized'),
      'auth',
      false,
      /^Not allowed to save contact attributes/,
    ],
    [
      'a 502 with an HTML body',
      new Response('<html>Bad Gateway</html>', { status: 502 }),
      'server',
      true,
      /internal error/,
    ],
    [
      'no answer (fetch rejects, as on a CORS refusal)',
      new TypeError('Failed to fetch'),
      'network',
      true,
      /Could not reach/,
    ],
  ];
  for (const [name, answer, kind, retryable, message] of kinds) {
    it(`classifies ${name} as ${kind}${retryable ? ', retryable' : ', not retryable'}`, async () => {
      const wire = transport(() => {
        if (answer instanceof Error) throw answer;
        return answer.clone();
      });
      const error = await failure(
        new RelayClient({ url: 'https://relay.example.com', token: 't', fetch: wire.fetch }).update(contact, {
          a: '1',
        }),
      );
      assert.equal(error.kind, kind);
      assert.equal(error.retryable, retryable);
      assert.match(error.message, message);
      if (!(answer instanceof Error)) assert.equal(error.status, answer.status);
    });
  }

  it("reads the error type from a namespaced x-amzn-errortype or the body's __type", async () => {
    const namespaced = transport(() =>
      refusal(400, 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.coral.service/', 'slow down'),
    );
    assert.equal(
      (
        await failure(
          new RelayClient({ url: 'https://r.example', token: 't', fetch: namespaced.fetch }).update(contact, {
            a: '1',
          }),
        )
      ).kind,
      'throttled',
    );
    const typed = transport(
      () =>
        new Response(JSON.stringify({ __type: 'com.amazonaws.connect#LimitExceededException', message: 'x' }), {
          status: 400,
        }),
    );
    const error = await failure(
      new RelayClient({ url: 'https://r.example', token: 't', fetch: typed.fetch }).update(contact, { a: '1' }),
    );
    assert.equal(error.kind, 'throttled');
    assert.equal(error.awsType, 'LimitExceededException');
  });

  it('refuses to send without a token: a throwing token function or an empty token is an auth error, no request', async () => {
    const wire = transport(() => new Response('{}', { status: 200 }));
    const thrown = await failure(
      new RelayClient({
        url: 'https://r.example',
        token: () => Promise.reject(new Error('the session ended')),
        fetch: wire.fetch,
      }).update(contact, { a: '1' }),
    );
    assert.equal(thrown.kind, 'auth');
    assert.equal(thrown.retryable, false);
    assert.match(thrown.message, /the session ended/);
    assert.equal(
      (
        await failure(
          new RelayClient({ url: 'https://r.example', token: () => '', fetch: wire.fetch }).update(contact, { a: '1' }),
        )
      ).kind,
      'auth',
    );
    assert.equal(wire.calls.length, 0);
  });

  it('answers a 401 by asking the token function again (forceRefresh) and sending once more; a 403 is never re-sent', async () => {
    const answers = [refusal(401, 'NotAuthorizedException', 'Your sign-in is missing, expired or not valid here.')];
    const wire = transport(() => answers.shift() ?? new Response('{}', { status: 200 }));
    const asked: unknown[] = [];
    let issued = 0;
    const token = (options?: { forceRefresh: boolean }): string => {
      asked.push(options);
      return `jwt-${++issued}`;
    };
    await new RelayClient({ url: 'https://r.example', token, fetch: wire.fetch }).update(contact, { a: '1' });
    assert.deepEqual(
      wire.calls.map((call) => (call.init.headers as Record<string, string>)['authorization']),
      ['Bearer jwt-1', 'Bearer jwt-2'],
    );
    assert.deepEqual(asked, [undefined, { forceRefresh: true }]);
    assert.equal(wire.calls[1]?.init.body, wire.calls[0]?.init.body, 'the same request, with the fresh token');

    // A gateway authorizer's bare 401 is a refused token too.
    const gateway = transport(() =>
      gateway.calls.length === 1 ? refusal(401, undefined, 'Unauthorized') : new Response('{}'),
    );
    await new RelayClient({ url: 'https://r.example', token, fetch: gateway.fetch }).update(contact, { a: '1' });
    assert.equal(gateway.calls.length, 2);

    // "Not yours" is the relay's decision: one request, whatever the token function would give.
    const mine = transport(() => refusal(403, 'AccessDeniedException', 'This contact is not yours.'));
    const refused = await failure(
      new RelayClient({ url: 'https://r.example', token, fetch: mine.fetch }).update(contact, { a: '1' }),
    );
    assert.equal(refused.status, 403);
    assert.equal(mine.calls.length, 1);
  });

  it('a token refused again ends as an auth error after two requests; the same token refused is not sent twice', async () => {
    const wire = transport(() =>
      refusal(401, 'NotAuthorizedException', 'Your sign-in is missing, expired or not valid here.'),
    );
    let issued = 0;
    const always = new RelayClient({ url: 'https://r.example', token: () => `expired-${++issued}`, fetch: wire.fetch });
    const error = await failure(always.update(contact, { a: '1' }));
    assert.equal(error.kind, 'auth');
    assert.equal(error.status, 401);
    assert.equal(error.retryable, false);
    assert.equal(wire.calls.length, 2);

    const same = transport(() => refusal(401, 'NotAuthorizedException', 'expired'));
    let asked = 0;
    const stale = new RelayClient({
      url: 'https://r.example',
      token: () => {
        asked += 1;
        return 'the-same-expired-token';
      },
      fetch: same.fetch,
    });
    assert.equal((await failure(stale.update(contact, { a: '1' }))).status, 401);
    assert.equal(asked, 2, 'asked again');
    assert.equal(same.calls.length, 1, 'but the same token is not sent again');

    // A string token cannot be renewed: one request.
    const fixed = transport(() => refusal(401, 'NotAuthorizedException', 'expired'));
    await failure(
      new RelayClient({ url: 'https://r.example', token: 'jwt', fetch: fixed.fetch }).update(contact, { a: '1' }),
    );
    assert.equal(fixed.calls.length, 1);
  });

  it('the second request after a 401 ends within the same deadline (timeoutMs)', async () => {
    let calls = 0;
    const hangsAfterRefusal = (async (_input: string | URL | Request, init?: RequestInit) => {
      calls += 1;
      if (calls === 1) return refusal(401, 'NotAuthorizedException', 'expired');
      return new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new TypeError('aborted'))),
      );
    }) as typeof fetch;
    let issued = 0;
    const client = new RelayClient({
      url: 'https://r.example',
      token: () => `jwt-${++issued}`,
      fetch: hangsAfterRefusal,
      timeoutMs: 200,
    });
    // Without the deadline over both requests, the second would wait for ever (and the test time out). Node's
    // AbortSignal.timeout does not keep the event loop alive, and nothing else here would: this timer does.
    const alive = setInterval(() => undefined, 1_000);
    const error = await failure(client.update(contact, { a: '1' })).finally(() => clearInterval(alive));
    assert.equal(error.kind, 'network');
    assert.equal(error.retryable, true);
    assert.equal(calls, 2);
  });

  it("rejects with the signal's reason when aborted before or during the request", async () => {
    const wire = transport(() => new Response('{}', { status: 200 }));
    const client = new RelayClient({ url: 'https://r.example', token: 't', fetch: wire.fetch });
    const early = new AbortController();
    early.abort(new DOMException('stop', 'AbortError'));
    await assert.rejects(client.update(contact, { a: '1' }, { signal: early.signal }), { name: 'AbortError' });
    assert.equal(wire.calls.length, 0);

    const late = new AbortController();
    const hanging = (async (_input: string | URL | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) =>
        init?.signal?.addEventListener('abort', () => reject(new TypeError('aborted'))),
      )) as typeof fetch;
    const pending = new RelayClient({ url: 'https://r.example', token: 't', fetch: hanging }).update(
      contact,
      { a: '1' },
      { signal: late.signal },
    );
    late.abort(new DOMException('stop', 'AbortError'));
    await assert.rejects(pending, { name: 'AbortError', message: 'stop' });
  });

  it('fails fast with a TypeError naming the option', () => {
    assert.throws(() => new RelayClient({ url: '', token: 't' }), /`url` option is required/);
    assert.throws(() => new RelayClient({ url: 'not a url', token: 't' }), /not a URL/);
    assert.throws(
      () => new RelayClient({ url: 'ftp://relay.example.com', token: 't' }),
      /`url` option must be an https: URL/,
    );
    assert.throws(() => new RelayClient({ url: 'https://relay.example.com', token: '' }), /`token` option is required/);
  });

  it('is a small module: its graph holds neither the AWS SDK, nor the relay, nor the signed client', async () => {
    const entry = fileURLToPath(new URL('../../src/relay-client.ts', import.meta.url));
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      metafile: true,
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    assert.deepEqual(
      inputs.filter(
        (path) => path.includes('node_modules') || path.includes('src/relay/') || /src\/(client|sdk)\.ts$/.test(path),
      ),
      [],
    );
    assert.deepEqual(inputs.map((path) => path.replace(/^.*src\//, 'src/')).sort(), [
      'src/deadline.ts',
      'src/errors.ts',
      'src/outbox/pacing.ts',
      'src/relay-client.ts',
      'src/relay-feed.ts',
      'src/relay-wire.ts',
      'src/secure-url.ts',
      'src/validate.ts',
    ]);
  });
});

describe('createCcpAttributes in relay mode', () => {
  it('fails fast, before touching Streams, on both modes at once or a relay without a URL or token', async () => {
    const credentials = { accessKeyId: 'a', secretAccessKey: 'b' };
    await assert.rejects(
      createCcpAttributes({ credentials, relay: { url: 'https://relay.example.com', token: 't' } }),
      {
        name: 'TypeError',
        message: /give `credentials` \(direct mode\) or `relay` \(relay mode\), not both/,
      },
    );
    await assert.rejects(createCcpAttributes({ relay: { url: 'relay.example.com', token: 't' } }), {
      name: 'TypeError',
      message: /not a URL/,
    });
    await assert.rejects(createCcpAttributes({ relay: { url: 'https://relay.example.com', token: '' } }), {
      name: 'TypeError',
      message: /`token` option/,
    });
  });

  it('refuses a plain http: relay or endpoint off the loopback address: the login token would travel in clear text', async () => {
    const inClear =
      /must be an https: URL \(plain http: only to a loopback address: localhost, 127\.0\.0\.0\/8, \[::1\]\)/;
    await assert.rejects(createCcpAttributes({ relay: { url: 'http://relay.example.com', token: 't' } }), {
      name: 'TypeError',
      message: inClear,
    });
    await assert.rejects(createCcpAttributes({ relay: { url: 'http://10.0.0.5:8080', token: 't' } }), {
      name: 'TypeError',
      message: /RelayClient: the `url` option/,
    });
    await assert.rejects(
      createCcpAttributes({
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
        endpoint: 'http://proxy.example.com',
      }),
      {
        name: 'TypeError',
        message: /createCcpAttributes: the `endpoint` option must be an https: URL/,
      },
    );
    for (const url of [
      'http://localhost:8788',
      'http://127.0.0.1:8788/relay',
      'http://[::1]:8788',
      'https://relay.example.com',
    ]) {
      assert.doesNotThrow(() => new RelayClient({ url, token: 't' }), url);
    }
  });
});

describe('RelayClient through the relay to the Connect API stand-in', () => {
  let api: ConnectApiHandle;
  let relay: RelayServer;
  /** The stand-in's clock, which issues the tokens: set in the past to issue one already expired. */
  let clockMs: number | undefined;
  const leg = (contactId: string): ContactRef => ({
    contactId,
    initialContactId: contactId,
    instanceId: DEFAULT_INSTANCE_ID,
    region: 'us-east-1',
  });

  before(async () => {
    api = await startConnectApi({
      now: () => clockMs ?? Date.now(),
      contacts: [
        {
          instanceId: DEFAULT_INSTANCE_ID,
          contactId: 'smith-1',
          startedAt: new Date().toISOString(),
          agentId: 'agent-agent-smith',
        },
        {
          instanceId: DEFAULT_INSTANCE_ID,
          contactId: 'jones-1',
          startedAt: new Date().toISOString(),
          agentId: 'agent-agent-jones',
        },
      ],
    });
    relay = await startStandInRelay(api);
  });
  after(async () => {
    // Either is still unassigned when before() failed.
    await (relay as RelayServer | undefined)?.close();
    await (api as ConnectApiHandle | undefined)?.close();
  });

  it("writes the agent's own contact, and refuses another agent's with the relay's sentence, not retryable", async () => {
    const client = new RelayClient({ url: relay.url, token: () => api.signIn('agent.smith').idToken });
    await client.update(leg('smith-1'), { Disposition: 'Resolved' });
    assert.deepEqual(api.attributesOf(DEFAULT_INSTANCE_ID, 'smith-1'), { Disposition: 'Resolved' });

    const refused = await failure(client.update(leg('jones-1'), { Disposition: 'Resolved' }));
    assert.equal(refused.kind, 'auth');
    assert.equal(refused.status, 403);
    assert.equal(refused.awsType, 'AccessDeniedException');
    assert.equal(refused.retryable, false);
    assert.match(refused.message, /^This contact is not yours/);
    assert.deepEqual(api.attributesOf(DEFAULT_INSTANCE_ID, 'jones-1'), {});
  });

  it('an expired token, then a fresh one from the token function: the write lands in one call', async () => {
    const audits: string[] = [];
    const audited = await startStandInRelay(api, { audit: (record) => audits.push(record.reason) });
    try {
      clockMs = Date.now() - 2 * 3600_000;
      const expired = api.signIn('agent.smith').idToken;
      clockMs = undefined;
      const tokens = [expired];
      const client = new RelayClient({
        url: audited.url,
        token: () => tokens.shift() ?? api.signIn('agent.smith').idToken,
      });
      await client.update(leg('smith-1'), { Renewed: 'yes' });
      assert.equal(api.attributesOf(DEFAULT_INSTANCE_ID, 'smith-1')?.['Renewed'], 'yes');
      assert.deepEqual(audits, ['token:expired', 'written']);

      // A token function that keeps giving expired tokens: two requests, then the refusal.
      audits.length = 0;
      const stale = new RelayClient({
        url: audited.url,
        token: () => {
          clockMs = Date.now() - 2 * 3600_000;
          const token = api.signIn('agent.smith').idToken;
          clockMs = undefined;
          return token;
        },
      });
      const refused = await failure(stale.update(leg('smith-1'), { Renewed: 'no' }));
      assert.equal(refused.kind, 'auth');
      assert.equal(refused.status, 401);
      assert.deepEqual(audits, ['token:expired', 'token:expired']);
      assert.equal(api.attributesOf(DEFAULT_INSTANCE_ID, 'smith-1')?.['Renewed'], 'yes');
    } finally {
      clockMs = undefined;
      await audited.close();
    }
  });

  it('answers a bad token with 401 auth and a throttled Connect with 429 throttled', async () => {
    const forged = await failure(
      new RelayClient({ url: relay.url, token: 'eyJhbGciOiJub25lIn0.e30.' }).update(leg('smith-1'), { a: '1' }),
    );
    assert.equal(forged.kind, 'auth');
    assert.equal(forged.status, 401);
    assert.match(forged.message, /sign in again/);

    // The relay makes one attempt and passes the 429 on.
    api.setFaults({ failNext: { count: 1, status: 429, type: 'ThrottlingException' } });
    const client = new RelayClient({ url: relay.url, token: () => api.signIn('agent.smith').idToken });
    const throttled = await failure(client.update(leg('smith-1'), { a: '1' }));
    assert.equal(throttled.kind, 'throttled');
    assert.equal(throttled.status, 429);
    assert.equal(throttled.retryable, true);
    api.setFaults({ failNext: null });
  });
});

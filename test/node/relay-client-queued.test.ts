/**
 * The relay client against a relay in queued mode: the WriteId in the body, a 202 read as an accepted receipt, the
 * outcomes route (the request it sends, the answer read strictly, the token renewed on a 401, its deadline).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AttributesError } from '../../src/errors.ts';
import { RelayClient } from '../../src/relay-client.ts';
import type { ContactRef } from '../../src/writer.ts';

const contact: ContactRef = { contactId: 'leg-2', initialContactId: 'leg-1', instanceId: 'inst-1' };

function client(
  answer: (url: string, init: RequestInit) => Response | Promise<Response>,
  token: string | (() => string) = 'jwt-1',
) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = input instanceof Request ? input.url : String(input);
    calls.push({ url, init });
    return answer(url, init);
  };
  return { relay: new RelayClient({ url: 'https://relay.example/prod/', token, fetch, timeoutMs: 1_000 }), calls };
}

const json = (status: number, body: unknown): Response =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('RelayClient in queued mode', () => {
  it('sends the WriteId in the body and reads a 202 as accepted (the relay’s WriteId and RequestId)', async () => {
    const { relay, calls } = client(() => json(202, { State: 'ACCEPTED', WriteId: 'w-relay', RequestId: 'r-1' }));
    const receipt = await relay.update(contact, { A: '1' }, { writeId: 'w-1' });
    assert.deepEqual(receipt, { state: 'accepted', writeId: 'w-relay', requestId: 'r-1' });
    assert.deepEqual(JSON.parse(calls[0]?.init.body as string), {
      InstanceId: 'inst-1',
      InitialContactId: 'leg-1',
      ContactId: 'leg-2',
      Attributes: { A: '1' },
      WriteId: 'w-1',
    });
  });

  it('reads a 200 as landed and leaves WriteId out when none is given', async () => {
    const { relay, calls } = client(() => json(200, {}));
    assert.deepEqual(await relay.update(contact, { A: '1' }), { state: 'landed' });
    assert.equal('WriteId' in JSON.parse(calls[0]?.init.body as string), false);
  });

  it('refuses a malformed WriteId before any request', async () => {
    const { relay, calls } = client(() => json(200, {}));
    for (const writeId of ['', 'x'.repeat(129), 'a b', 'ü']) {
      await assert.rejects(relay.update(contact, { A: '1' }, { writeId }), TypeError);
    }
    assert.equal(calls.length, 0);
  });

  it('reads the outcomes route: GET with the token and since, PascalCase mapped, the optional members kept', async () => {
    const wire = {
      Outcomes: [
        {
          WriteId: 'w-1',
          RequestId: 'r-1',
          InstanceId: 'inst-1',
          InitialContactId: 'leg-1',
          ContactId: 'leg-2',
          Keys: ['A'],
          State: 'landed',
          Status: 200,
          At: 5,
        },
        {
          WriteId: 'w-2',
          State: 'refused',
          Status: 403,
          ErrorType: 'AccessDeniedException',
          Message: 'not yours',
          At: 6,
        },
      ],
    };
    const { relay, calls } = client(() => json(200, wire));
    const outcomes = await relay.outcomes(1_234.5);
    const [call] = calls;
    assert.ok(call);
    assert.equal(call.url, 'https://relay.example/prod/contact/attributes/outcomes?since=1234');
    assert.equal(call.init.method, 'GET');
    assert.equal(call.init.body, undefined);
    assert.deepEqual(call.init.headers, { authorization: 'Bearer jwt-1' });
    assert.deepEqual(outcomes, [
      {
        writeId: 'w-1',
        state: 'landed',
        status: 200,
        at: 5,
        requestId: 'r-1',
        instanceId: 'inst-1',
        initialContactId: 'leg-1',
        contactId: 'leg-2',
        keys: ['A'],
      },
      {
        writeId: 'w-2',
        state: 'refused',
        status: 403,
        at: 6,
        errorType: 'AccessDeniedException',
        message: 'not yours',
      },
    ]);
  });

  it('fails clearly on an outcomes answer that does not fit, and classifies the route’s errors', async () => {
    for (const body of [
      {},
      { Outcomes: [{ WriteId: 'w', State: 'maybe', Status: 200, At: 1 }] },
      { Outcomes: [{ State: 'landed', Status: 200, At: 1 }] },
    ]) {
      const { relay } = client(() => json(200, body));
      await assert.rejects(relay.outcomes(0), (error) => error instanceof AttributesError && error.kind === 'server');
    }
    const { relay } = client(() => json(404, { message: 'No operation' }));
    await assert.rejects(relay.outcomes(0), (error) => error instanceof AttributesError && error.kind === 'not-found');
  });

  it('renews an expired token once for the outcomes route too', async () => {
    let issued = 0;
    const { relay, calls } = client(
      (_url, init) =>
        (init.headers as Record<string, string>)['authorization'] === 'Bearer t-2'
          ? json(200, { Outcomes: [] })
          : json(401, {}),
      () => `t-${++issued}`,
    );
    assert.deepEqual(await relay.outcomes(0), []);
    assert.equal(calls.length, 2);
  });

  it('ends an outcomes call that gets no answer at its deadline as a retryable network error', async () => {
    const { relay } = client(
      (_url, init) =>
        new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error))),
    );
    await assert.rejects(
      relay.outcomes(0),
      (error) => error instanceof AttributesError && error.kind === 'network' && error.retryable,
    );
  });
});

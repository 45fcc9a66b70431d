/**
 * The relay's calls to Connect, counted at the Connect API stand-in.
 * The ownership cache (src/relay/ownership-cache.ts): at most one DescribeContact per caller and leg while its answer
 * holds, whatever the number of writes; refusals expire; the cache never lets another caller through; bounded;
 * failures and abandoned calls are not remembered.
 * No hidden retries: the relay's own Connect client (createRelayConnectClient) makes one attempt, so one throttled
 * browser attempt costs exactly one call at Connect, and the 429 reaches the browser without Retry-After.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConnectClient, type Contact } from '@aws-sdk/client-connect';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import { createOwnershipCache } from '../../src/relay/ownership-cache.ts';
import { createRelay, resolveRelayConfig, type Relay, type RelayConfig } from '../../src/relay/index.ts';

const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
const smith = 'agent-agent-smith';
/**
 * How far the relay's clock runs ahead of the stand-in's (the system clock): the SDK signs with the system clock, and
 * the stand-in refuses a skewed signature as Connect does, so only the relay's judgment of time moves.
 */
let aheadMs = 0;
const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

const contacts = (): ContactRecord[] => [
  { instanceId, contactId: 'live', startedAt: ago(5), agentId: smith },
  // Ended 3 minutes ago: writable until the hour's window closes, 57 minutes from now.
  {
    instanceId,
    contactId: 'recent',
    startedAt: ago(40),
    agentId: smith,
    disconnectedAt: ago(6),
    afterContactWorkEndedAt: ago(3),
  },
  // In the queue: no agent yet.
  { instanceId, contactId: 'routing', startedAt: ago(1) },
];

let handle: ConnectApiHandle;

before(async () => {
  handle = await startConnectApi({ contacts: contacts() });
});
after(() => handle.close());
afterEach(() => {
  handle.reset();
  aheadMs = 0;
  handle.registerContacts(contacts());
});

function relay(overrides: Partial<RelayConfig> = {}, ownConnectClient = false): Relay {
  const config = resolveRelayConfig({
    instanceArn: `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`,
    auth: { type: 'oidc', issuer: handle.issuer, audience: [handle.userPoolClientId], jwksUri: handle.jwksUri },
    user: { usernameClaim: 'cognito:username' },
    connectEndpoint: handle.url,
    ...overrides,
  });
  const connect = new ConnectClient({
    region: handle.region,
    endpoint: handle.url,
    credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
    maxAttempts: 1,
  });
  return createRelay(config, {
    ...(ownConnectClient ? {} : { connect }),
    now: () => Date.now() + aheadMs,
    audit: () => undefined,
  });
}

/** Writes `contactId` as `username`; resolves the status. */
async function write(send: Relay, contactId: string, username = 'agent.smith', value = 'resolved'): Promise<number> {
  return (await answer(send, contactId, username, value)).statusCode;
}

async function answer(send: Relay, contactId: string, username = 'agent.smith', value = 'resolved') {
  return send({
    method: 'POST',
    path: '/contact/attributes',
    headers: { authorization: `Bearer ${handle.signIn(username).idToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      InstanceId: instanceId,
      InitialContactId: contactId,
      ContactId: contactId,
      Attributes: { disposition: value },
    }),
  });
}

const calls = (action: string): number => handle.requestLog().filter((entry) => entry.action === action).length;

describe('the ownership cache in the relay, counted at the stand-in', () => {
  it('makes one DescribeContact for a burst of writes to one leg, in sequence or at once', async () => {
    const send = relay();
    for (let index = 0; index < 10; index += 1)
      assert.equal(await write(send, 'live', 'agent.smith', `v${index}`), 200);
    const together = await Promise.all(
      Array.from({ length: 10 }, (_, index) => write(send, 'recent', 'agent.smith', `w${index}`)),
    );
    assert.deepEqual(together, Array<number>(10).fill(200));
    assert.equal(calls('DescribeContact'), 2, 'one per leg');
    assert.equal(calls('UpdateContactAttributes'), 20, 'every write lands');
    assert.equal(handle.attributesOf(instanceId, 'live')?.['disposition'], 'v9');
  });

  it('asks again once an ongoing leg has been remembered for its short time to live (60 s)', async () => {
    const send = relay();
    await write(send, 'live');
    aheadMs += 59_000;
    await write(send, 'live');
    assert.equal(calls('DescribeContact'), 1);
    aheadMs += 2_000;
    assert.equal(await write(send, 'live'), 200);
    assert.equal(calls('DescribeContact'), 2);
  });

  it('remembers an ended leg until its window closes, then asks and refuses', async () => {
    const send = relay();
    assert.equal(await write(send, 'recent'), 200);
    aheadMs += 50 * 60_000;
    assert.equal(await write(send, 'recent'), 200);
    assert.equal(calls('DescribeContact'), 1, 'still within the window: no call');
    aheadMs += 8 * 60_000;
    assert.equal(await write(send, 'recent'), 403);
    assert.equal(calls('DescribeContact'), 2);
    assert.equal(calls('UpdateContactAttributes'), 2);
  });

  it('remembers a refusal only briefly: a leg routed to the agent a moment later is theirs', async () => {
    const send = relay();
    assert.equal(await write(send, 'routing'), 403);
    handle.registerContacts([{ instanceId, contactId: 'routing', startedAt: ago(1), agentId: smith }]);
    assert.equal(await write(send, 'routing'), 403, 'the refusal is remembered for a moment');
    assert.equal(calls('DescribeContact'), 1);
    aheadMs += 5_001;
    assert.equal(await write(send, 'routing'), 200, 'then it expires');
    assert.equal(calls('DescribeContact'), 2);
    assert.equal(handle.attributesOf(instanceId, 'routing')?.['disposition'], 'resolved');
  });

  it("never lets another caller through on an owner's memory, nor blocks the owner on another's refusal", async () => {
    const send = relay();
    assert.equal(await write(send, 'live', 'agent.smith', 'smith'), 200);
    assert.equal(await write(send, 'live', 'agent.jones', 'jones'), 403);
    assert.equal(await write(send, 'live', 'agent.jones', 'jones'), 403);
    assert.equal(await write(send, 'live', 'agent.smith', 'smith again'), 200);
    assert.equal(calls('DescribeContact'), 2, 'one per caller');
    assert.equal(handle.attributesOf(instanceId, 'live')?.['disposition'], 'smith again');
    assert.equal(calls('UpdateContactAttributes'), 2, "jones's writes never reached Connect");
  });

  it('does not remember a failed DescribeContact: the next write asks again', async () => {
    const send = relay();
    assert.equal(await write(send, 'recent'), 200, 'the username is resolved and remembered');
    handle.setFaults({ failNext: { count: 1, status: 429, type: 'ThrottlingException' } });
    assert.equal(await write(send, 'live'), 429);
    assert.equal(await write(send, 'live'), 200);
    assert.equal(calls('DescribeContact'), 3);
  });
});

describe("the relay's own Connect client", () => {
  const saved = { id: process.env['AWS_ACCESS_KEY_ID'], secret: process.env['AWS_SECRET_ACCESS_KEY'] };
  before(() => {
    // The default client takes the SDK's credential chain (the function's role): here, the stand-in's demo keys.
    process.env['AWS_ACCESS_KEY_ID'] = handle.accessKeyId;
    process.env['AWS_SECRET_ACCESS_KEY'] = handle.secretAccessKey;
  });
  after(() => {
    for (const [name, value] of [
      ['AWS_ACCESS_KEY_ID', saved.id],
      ['AWS_SECRET_ACCESS_KEY', saved.secret],
    ] as const) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  });

  it('makes one attempt: each throttled browser attempt is one call at Connect, and its 429 has no Retry-After', async () => {
    const send = relay({ allowedOrigins: ['https://agents.example.com'] }, true);
    assert.equal(await write(send, 'recent'), 200, 'the username is resolved and remembered');
    handle.setFaults({ failNext: { count: 3, status: 429, type: 'ThrottlingException' } });
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const throttled = await answer(send, 'live');
      assert.equal(throttled.statusCode, 429);
      assert.equal(throttled.headers['x-amzn-errortype'], 'ThrottlingException');
      assert.equal(throttled.headers['retry-after'], undefined);
      assert.equal(calls('DescribeContact'), 1 + attempt, `attempt ${attempt}: one DescribeContact`);
    }
    assert.equal(await write(send, 'live'), 200);
    assert.equal(calls('DescribeContact'), 5);
    handle.setFaults({ failNext: { count: 1, status: 500, type: 'InternalServiceException' } });
    assert.equal(await write(send, 'live', 'agent.smith', 'again'), 500, 'a server error is passed on too');
    assert.equal(calls('UpdateContactAttributes'), 3, 'one per attempt');
  });
});

describe('createOwnershipCache', () => {
  const contact = (id: string, agent = 'u1'): Contact => ({ Id: id, AgentInfo: { Id: agent } });
  const question = (contactId: string, userId = 'u1') => ({
    userId,
    instanceId: 'i',
    contactId,
    initialContactId: contactId,
  });

  it('stays within maxEntries, dropping the least recently used leg', async () => {
    let described = 0;
    const describe = (id: string) => () => {
      described += 1;
      return Promise.resolve(contact(id));
    };
    const cache = createOwnershipCache({ windowMs: 3_600_000, maxEntries: 2 });
    await cache.decide(question('a'), describe('a'));
    await cache.decide(question('b'), describe('b'));
    await cache.decide(question('a'), describe('a'));
    await cache.decide(question('c'), describe('c'));
    assert.equal(cache.size, 2);
    assert.equal(cache.stats.evictions, 1);
    await cache.decide(question('a'), describe('a'));
    assert.equal(described, 3, 'a was used last, so b went');
    await cache.decide(question('b'), describe('b'));
    assert.equal(described, 4);
  });

  it('aborts a hung DescribeContact once every waiter gave up, and forgets it', async () => {
    const cache = createOwnershipCache({ windowMs: 3_600_000 });
    let aborted = 0;
    const hung = (signal: AbortSignal) =>
      new Promise<Contact | undefined>((_, reject) => {
        signal.addEventListener('abort', () => {
          aborted += 1;
          reject(new Error('aborted'));
        });
      });
    const first = new AbortController();
    const second = new AbortController();
    const waits = [cache.decide(question('a'), hung, first.signal), cache.decide(question('a'), hung, second.signal)];
    first.abort(new Error('first gave up'));
    await assert.rejects(waits[0] as Promise<unknown>, /first gave up/);
    assert.equal(aborted, 0, 'the second still waits');
    second.abort(new Error('second gave up'));
    await assert.rejects(waits[1] as Promise<unknown>, /second gave up/);
    assert.equal(aborted, 1);
    const decision = await cache.decide(question('a'), () => Promise.resolve(contact('a')));
    assert.equal(decision.owned, true, 'a new call, not the abandoned one');
    assert.equal(cache.stats.describes, 2);
  });

  it('keeps questions apart whatever characters their ids hold', async () => {
    const cache = createOwnershipCache({ windowMs: 3_600_000 });
    const owned = () => Promise.resolve(contact('a'));
    await cache.decide({ userId: 'u1', instanceId: 'i', contactId: 'a\nb', initialContactId: 'c' }, owned);
    await cache.decide({ userId: 'u1', instanceId: 'i', contactId: 'a', initialContactId: 'b\nc' }, owned);
    assert.equal(cache.stats.describes, 2);
  });

  it('refuses settings below 0', () => {
    assert.throws(() => createOwnershipCache({ windowMs: 1, maxEntries: -1 }), /maxEntries must be 0 or more/);
  });
});

// What each write mode sends, end to end against the Connect API stand-in and the owner-checking relay (both
// started by the test runner): how many auth refusals the plugin retries in each mode, and which contact leg a
// write names in relay mode when the agent got the chain back on a later leg.
import { expect } from '@open-wc/testing';
import { signIn } from '../../demo/sign-in.ts';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { contactKeyOf, MemoryOutboxStore, Outbox, type OutboxEntry } from '../../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../../src/plugin.ts';
import { RelayClient } from '../../src/relay-client.ts';
import type { ContactSource, SourceAgent } from '../../src/tracker/source.ts';
import type { ContactRef } from '../../src/writer.ts';
import {
  newContactId,
  registerContacts,
  requestLog,
  setFaults,
  standInConfig,
  storedAttributes,
} from '../helpers/stand-in.ts';
import { until } from '../helpers/until.ts';

/** The agent the host names (the outbox sends nothing before): Agent Smith, who signs in to the relay. */
const smith: SourceAgent = {
  username: 'agent.smith',
  name: 'Agent Smith',
  arn: `arn:aws:connect:us-east-1:123456789012:instance/${DEFAULT_INSTANCE_ID}/agent/agent-agent-smith`,
  routingProfile: undefined,
};

/**
 * A host that names the agent and reports no contacts: these tests write what an earlier page left queued in the
 * store (with no owner, so the agent named adopts it).
 */
const noContacts: ContactSource = {
  start: (sink) => sink.agent(smith),
  stop: () => undefined,
  listContacts: () => [],
  readContact: () => undefined,
  readAgent: () => smith,
};

/** A store holding what an earlier page left queued: one agent write of `ref`, due now. */
async function storeWith(ref: ContactRef, attributes: Record<string, string>): Promise<MemoryOutboxStore> {
  const store = new MemoryOutboxStore();
  const key = contactKeyOf(ref);
  await store.update(key, (_, revision): OutboxEntry => ({
    id: key,
    contactKey: key,
    contact: ref,
    attributes,
    revisions: Object.fromEntries(Object.keys(attributes).map((name) => [name, revision])),
    origin: 'agent',
    revision,
    attempts: 0,
    createdAt: Date.now(),
    updatedAt: Date.now(),
    dueAt: Date.now(),
    notBefore: 0,
    failed: false,
  }));
  return store;
}

function hoursAgo(hours: number): string {
  return new Date(Date.now() - hours * 3_600_000).toISOString();
}

/** A function returning a fresh id token of the stand-in user pool for `username`. */
async function tokenOf(username: string): Promise<() => Promise<string>> {
  const config = await standInConfig();
  const { userPoolClientId } = (await (await fetch(`${config.url}/_standin/config`)).json()) as {
    userPoolClientId: string;
  };
  return async () => (await signIn({ endpoint: config.url, clientId: userPoolClientId, username })).idToken;
}

/**
 * Id tokens of the stand-in user pool for `username` that have expired by the time this resolves: issued with a
 * one-second lifetime (the stand-in's `tokenTtlSeconds` fault), then waited out.
 */
async function expiredTokensOf(username: string, count: number): Promise<string[]> {
  const fresh = await tokenOf(username);
  await setFaults({ tokenTtlSeconds: 1 });
  const tokens: string[] = [];
  try {
    for (let index = 0; index < count; index += 1) tokens.push(await fresh());
  } finally {
    await setFaults({ tokenTtlSeconds: null });
  }
  const expiry = (token: string): number => {
    const payload = (token.split('.')[1] ?? '').replace(/-/g, '+').replace(/_/g, '/');
    return Number((JSON.parse(atob(payload)) as { exp: unknown }).exp);
  };
  const last = Math.max(...tokens.map(expiry));
  await until(() => Date.now() / 1000 > last + 0.1, 'the tokens to expire', 5_000);
  return tokens;
}

async function relayUrl(): Promise<string> {
  return ((await (await fetch('/__relay')).json()) as { url: string }).url;
}

describe('Outbox defects: write modes', () => {
  let plugin: CcpAttributesPlugin | undefined;
  const outboxes: Outbox[] = [];
  afterEach(async () => {
    plugin?.dispose();
    plugin = undefined;
    await Promise.all(outboxes.splice(0).map((outbox) => outbox.close()));
    await setFaults({ failNext: null });
  });

  it('direct mode retries an auth refusal once by default (an expired credential): the write lands', async () => {
    const config = await standInConfig();
    const instanceId = crypto.randomUUID();
    const contactId = newContactId();
    await registerContacts([{ instanceId, contactId, startedAt: new Date().toISOString() }]);
    const ref: ContactRef = { contactId, initialContactId: contactId, instanceId, region: config.region };
    const store = await storeWith(ref, { Note: 'after a late refresh' });
    await setFaults({ failNext: { count: 1, status: 403, type: 'ExpiredTokenException' } });
    plugin = await createCcpAttributes({
      credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
      endpoint: config.url,
      source: noContacts,
      outbox: { store },
    });
    const outbox = plugin.outbox!;
    // The queued entry has no owner until the agent named adopts it: wait for it to land, then to settle.
    await until(async () => (await storedAttributes(instanceId, contactId))?.['Note'], 'the write to land');
    await until(() => outbox.state.pending === 0, 'the write to settle');
    expect(outbox.failures()).to.deep.equal([]);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({ Note: 'after a late refresh' });
    const updates = (await requestLog()).filter(
      (request) => request.action === 'UpdateContactAttributes' && request.initialContactId === contactId,
    );
    expect(updates.map((request) => request.status)).to.deep.equal([403, 200]);
  });

  it('relay mode does not retry the relay’s "not yours" by default: one request, kept as a failure', async () => {
    const instanceId = DEFAULT_INSTANCE_ID;
    const contactId = newContactId();
    await registerContacts([
      { instanceId, contactId, startedAt: new Date().toISOString(), agentId: 'agent-agent-jones' },
    ]);
    const ref: ContactRef = { contactId, initialContactId: contactId, instanceId };
    plugin = await createCcpAttributes({
      relay: { url: await relayUrl(), token: await tokenOf('agent.smith') },
      source: noContacts,
      outbox: { store: await storeWith(ref, { Note: 'not mine' }) },
    });
    const outbox = plugin.outbox!;
    await until(() => outbox.state.failed === 1, 'the refusal to be kept');
    expect(outbox.failures()[0]?.lastError?.status).to.equal(403);
    // A retry would have come within the first backoff (at most 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const checks = (await requestLog()).filter(
      (request) => request.action === 'DescribeContact' && request.contactId === contactId,
    );
    expect(checks).to.have.length(1);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({});
  });

  it('relay mode: an expired token is renewed within the attempt: the write lands, and the outbox saw no failure', async () => {
    const instanceId = DEFAULT_INSTANCE_ID;
    const contactId = newContactId();
    await registerContacts([
      { instanceId, contactId, startedAt: new Date().toISOString(), agentId: 'agent-agent-smith' },
    ]);
    const ref: ContactRef = { contactId, initialContactId: contactId, instanceId };
    const [expired = ''] = await expiredTokensOf('agent.smith', 1);
    const fresh = await tokenOf('agent.smith');
    const asked: unknown[] = [];
    // A token function holding a token that expired (a tab left open overnight): asked again, it signs in anew.
    const token = (options?: { forceRefresh: boolean }): Promise<string> | string => {
      asked.push(options);
      return asked.length === 1 ? expired : fresh();
    };
    plugin = await createCcpAttributes({
      relay: { url: await relayUrl(), token },
      source: noContacts,
      outbox: { store: await storeWith(ref, { Note: 'after the night' }) },
    });
    const outbox = plugin.outbox!;
    // The queued entry has no owner until the agent named adopts it: wait for it to land (or be kept), then to settle.
    await until(
      async () => outbox.state.failed > 0 || (await storedAttributes(instanceId, contactId))?.['Note'],
      'the write to end',
    );
    await until(() => outbox.state.pending === 0, 'the write to settle');
    expect(outbox.failures()).to.deep.equal([]);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({ Note: 'after the night' });
    // One attempt as the outbox sees it: no failed attempt was reported to it.
    expect(outbox.state.lastError).to.equal(undefined);
    expect(asked).to.deep.equal([undefined, { forceRefresh: true }]);
  });

  it('relay mode: a token function that keeps giving expired tokens ends as a kept auth failure after two requests', async () => {
    const instanceId = DEFAULT_INSTANCE_ID;
    const contactId = newContactId();
    await registerContacts([
      { instanceId, contactId, startedAt: new Date().toISOString(), agentId: 'agent-agent-smith' },
    ]);
    const ref: ContactRef = { contactId, initialContactId: contactId, instanceId };
    const expired = await expiredTokensOf('agent.smith', 2);
    let asked = 0;
    const token = (): string => expired[asked++ % expired.length] ?? '';
    plugin = await createCcpAttributes({
      relay: { url: await relayUrl(), token },
      source: noContacts,
      outbox: { store: await storeWith(ref, { Note: 'stale sign-in' }) },
    });
    const outbox = plugin.outbox!;
    await until(() => outbox.state.failed === 1, 'the refusal to be kept');
    const [kept] = outbox.failures();
    expect(kept?.lastError?.status).to.equal(401);
    expect(kept?.lastError?.kind).to.equal('auth');
    // A retry would have come within the first backoff (at most 500 ms).
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(asked, 'one token per request: the first and one renewal').to.equal(2);
    expect(outbox.state.failed).to.equal(1);
    expect(await storedAttributes(instanceId, contactId)).to.deep.equal({});
  });

  it('relay mode: a write on a later leg of the chain names that leg, so values still queued from an earlier leg land with it', async () => {
    const instanceId = DEFAULT_INSTANCE_ID;
    const first = newContactId();
    const back = newContactId();
    // The agent handled the chain's first leg hours ago (past the relay's one-hour window), and has it back now.
    await registerContacts([
      {
        instanceId,
        contactId: first,
        startedAt: hoursAgo(3),
        agentId: 'agent-agent-smith',
        disconnectedAt: hoursAgo(2.9),
        afterContactWorkEndedAt: hoursAgo(2.8),
      },
      {
        instanceId,
        contactId: back,
        initialContactId: first,
        previousContactId: first,
        startedAt: new Date().toISOString(),
        agentId: 'agent-agent-smith',
      },
    ]);
    const client = new RelayClient({ url: await relayUrl(), token: await tokenOf('agent.smith') });
    const outbox = new Outbox({
      store: new MemoryOutboxStore(),
      sender: (contact, attributes, { signal }) => client.update(contact, attributes, { signal }),
      debounceMs: 300,
    });
    outboxes.push(outbox);
    // A rule tag of the first leg still waits when the agent saves on the leg they are on now.
    const written = await Promise.allSettled([
      outbox.write({ contactId: first, initialContactId: first, instanceId }, { Tag: 'first' }, { origin: 'rule' }),
      outbox.write({ contactId: back, initialContactId: first, instanceId }, { Note: 'back' }),
    ]);
    expect(written.map((settled) => settled.status)).to.deep.equal(['fulfilled', 'fulfilled']);
    expect(outbox.failures()).to.deep.equal([]);
    expect(await storedAttributes(instanceId, first)).to.deep.equal({ Tag: 'first', Note: 'back' });
    const checked = (await requestLog()).filter(
      (request) => request.action === 'DescribeContact' && [first, back].includes(request.contactId ?? ''),
    );
    expect(checked.map((request) => request.contactId)).to.deep.equal([back]);
  });
});

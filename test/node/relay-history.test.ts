/**
 * The relay's read routes end to end: the plugin's RelayClient and relayHistory over the relay's Node server, against
 * the Connect API stand-in (real JWTs, SearchContacts, DescribeQueue, DescribeContact, GetContactAttributes through
 * @aws-sdk/client-connect). Outcomes are read from the stand-in: what it stored and which calls reached it.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConnectClient } from '@aws-sdk/client-connect';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import { isAttributesError } from '../../src/errors.ts';
import { relayHistory } from '../../src/history/relay-history.ts';
import { RelayClient } from '../../src/relay-client.ts';
import { startRelayServer, type AuditRecord, type RelayConfig, type RelayServer } from '../../src/relay/index.ts';

const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
const smith = 'agent-agent-smith';
const jones = 'agent-agent-jones';
const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
const sales = { queueId: 'q-sales', queueName: 'Sales' };

const contacts: ContactRecord[] = [
  { instanceId, contactId: 'live', startedAt: ago(5), agentId: smith, ...sales },
  {
    instanceId,
    contactId: 'recent-1',
    startedAt: ago(40),
    agentId: smith,
    disconnectedAt: ago(30),
    afterContactWorkEndedAt: ago(28),
    attributes: { reason: 'billing' },
    ...sales,
  },
  {
    instanceId,
    contactId: 'recent-2',
    startedAt: ago(20),
    agentId: smith,
    disconnectedAt: ago(10),
    afterContactWorkEndedAt: ago(9),
    channel: 'CHAT',
    ...sales,
  },
  {
    instanceId,
    contactId: 'recent-3',
    startedAt: ago(15),
    agentId: smith,
    disconnectedAt: ago(5),
    afterContactWorkEndedAt: ago(4),
    queueId: 'q-support',
    queueName: 'Support',
  },
  // Ended two hours ago: past the one-hour window.
  {
    instanceId,
    contactId: 'old',
    startedAt: ago(150),
    agentId: smith,
    disconnectedAt: ago(125),
    afterContactWorkEndedAt: ago(120),
    ...sales,
  },
  // Another agent's, within the window.
  {
    instanceId,
    contactId: 'jones-recent',
    startedAt: ago(20),
    agentId: jones,
    disconnectedAt: ago(8),
    afterContactWorkEndedAt: ago(7),
    attributes: { reason: 'secret' },
    ...sales,
  },
];

let handle: ConnectApiHandle;
let server: RelayServer | undefined;
let audits: AuditRecord[] = [];

before(async () => {
  handle = await startConnectApi({ contacts });
});
after(() => handle.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
  handle.reset();
  audits = [];
});

async function relay(overrides: Partial<RelayConfig> = {}): Promise<string> {
  server = await startRelayServer({
    config: {
      instanceArn,
      auth: { type: 'oidc', issuer: handle.issuer, audience: [handle.userPoolClientId], jwksUri: handle.jwksUri },
      user: { usernameClaim: 'cognito:username' },
      connectEndpoint: handle.url,
      ...overrides,
    },
    dependencies: {
      connect: new ConnectClient({
        region: handle.region,
        endpoint: handle.url,
        credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
        maxAttempts: 1,
      }),
      audit: (record) => audits.push(record),
    },
  });
  return server.url;
}

function historyOf(url: string, username = 'agent.smith') {
  const client = new RelayClient({ url, token: () => handle.signIn(username).idToken });
  return { client, history: relayHistory({ relay: client, instanceId }) };
}

const calls = (action: string): number => handle.requestLog().filter((entry) => entry.action === action).length;

async function refusal(promise: Promise<unknown>): Promise<{ kind: string; status: number | undefined }> {
  try {
    await promise;
  } catch (error) {
    assert.ok(isAttributesError(error), String(error));
    return { kind: error.kind, status: error.status };
  }
  assert.fail('expected a refusal');
}

describe('the relay lists the caller’s recent contacts', () => {
  it('lists only the caller’s contacts ended within the window, newest first, with queue names', async () => {
    const { history } = historyOf(await relay());
    const page = await history.recent();
    assert.deepEqual(
      page.contacts.map((contact) => contact.contactId),
      ['recent-3', 'recent-2', 'recent-1'],
    );
    assert.deepEqual(
      page.contacts.map((contact) => contact.queueName),
      ['Support', 'Sales', 'Sales'],
    );
    assert.equal(page.contacts[1]?.channel, 'CHAT');
    assert.ok(page.contacts.every((contact) => contact.agentId === smith));
    assert.equal(history.windowSeconds, 3600);
    // Two queues, two DescribeQueue calls; the next search asks none.
    assert.equal(calls('DescribeQueue'), 2);
    await history.recent();
    assert.equal(calls('DescribeQueue'), 2);
    assert.equal(audits.at(-1)?.reason, 'searched');
  });

  it("never lists another agent's contact, whatever the browser sends", async () => {
    const url = await relay();
    const { client, history } = historyOf(url, 'agent.jones');
    assert.deepEqual(
      (await history.recent()).contacts.map((contact) => contact.contactId),
      ['jones-recent'],
    );
    // A browser naming another agent, or a time range of its own, is not heard: the criteria are the relay's.
    const forged = (await client.request('/contacts/search', {
      SearchCriteria: { AgentIds: [smith] },
      AgentIds: [smith],
    })) as { Contacts: Array<{ Id: string }> };
    assert.deepEqual(
      forged.Contacts.map((contact) => contact.Id),
      ['jones-recent'],
    );
    const searches = handle.requestLog().filter((entry) => entry.action === 'SearchContacts');
    assert.equal(searches.length, 2);
  });

  it('pages through the list, the next page with the first page’s range', async () => {
    const { history } = historyOf(await relay());
    const first = await history.recent({ maxResults: 2 });
    assert.deepEqual(
      first.contacts.map((contact) => contact.contactId),
      ['recent-3', 'recent-2'],
    );
    assert.ok(first.nextToken);
    const second = await history.recent({ maxResults: 2, nextToken: first.nextToken });
    assert.deepEqual(
      second.contacts.map((contact) => contact.contactId),
      ['recent-1'],
    );
    assert.equal(second.nextToken, undefined);
  });

  it('refuses a next page that reaches back past the window', async () => {
    const { client } = historyOf(await relay());
    const failure = await refusal(
      client.request('/contacts/search', {
        NextToken: 'x',
        StartTime: Date.now() / 1000 - 86_400,
        EndTime: Date.now() / 1000,
      }),
    );
    assert.equal(failure.status, 403);
    assert.equal(calls('SearchContacts'), 0);
  });

  it('paces searches under the quota: past the deadline a search is refused with a 429 and never sent', async () => {
    const { history } = historyOf(await relay({ searchesPerSecond: 0.1, connectTimeoutMs: 300 }));
    // One search every 10 s, a burst of one: the second waits for a token past its 300 ms deadline.
    await history.recent();
    const failure = await refusal(history.recent());
    assert.deepEqual(failure, { kind: 'throttled', status: 429 });
    assert.equal(calls('SearchContacts'), 1);
    assert.equal(audits.at(-1)?.reason, 'paced');
  });

  it("passes Connect's own SearchContacts throttle on as a retryable 429 (the stand-in's quota set explicitly)", async () => {
    const { history } = historyOf(await relay({ searchesPerSecond: 10 }));
    handle.setFaults({ quotas: { SearchContacts: { ratePerSecond: 0.001, burst: 1 } } });
    await history.recent();
    const failure = await refusal(history.recent());
    assert.deepEqual(failure, { kind: 'throttled', status: 429 });
    assert.deepEqual(
      handle
        .requestLog()
        .filter((entry) => entry.action === 'SearchContacts')
        .map((entry) => entry.status),
      [200, 429],
    );
    assert.equal(audits.at(-1)?.decision, 'failed');
  });

  it('refuses a caller without a valid token before any call to Connect', async () => {
    const client = new RelayClient({ url: await relay(), token: 'not-a-token' });
    const failure = await refusal(relayHistory({ relay: client, instanceId }).recent());
    assert.equal(failure.status, 401);
    assert.equal(handle.requestLog().length, 0);
  });
});

describe('the relay reads and writes a listed contact for its agent only', () => {
  it('reads and writes a contact ended within the window', async () => {
    const url = await relay();
    const { client, history } = historyOf(url);
    const [listed] = (await history.recent()).contacts.filter((contact) => contact.contactId === 'recent-1');
    assert.ok(listed);
    const ref = { instanceId, initialContactId: listed.initialContactId, contactId: listed.contactId };
    assert.deepEqual({ ...(await history.attributes(ref)) }, { reason: 'billing' });
    await client.update(ref, { disposition: 'callback' });
    assert.deepEqual(handle.attributesOf(instanceId, 'recent-1'), { reason: 'billing', disposition: 'callback' });
  });

  it('cannot read or write a contact past the window, nor another agent’s', async () => {
    const { client, history } = historyOf(await relay());
    for (const contactId of ['old', 'jones-recent']) {
      const ref = { instanceId, initialContactId: contactId, contactId };
      assert.equal((await refusal(history.attributes(ref))).status, 403);
      assert.equal((await refusal(client.update(ref, { disposition: 'x' }))).status, 403);
    }
    assert.equal(calls('GetContactAttributes'), 0);
    assert.equal(calls('UpdateContactAttributes'), 0);
    assert.deepEqual(handle.attributesOf(instanceId, 'jones-recent'), { reason: 'secret' });
    assert.deepEqual(handle.attributesOf(instanceId, 'old'), {});
  });
});

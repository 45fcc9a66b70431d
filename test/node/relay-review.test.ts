/**
 * Reviewers through the relay's HTTP server against the Connect API stand-in: a user pool group (`cognito:groups`,
 * set by administrators only) makes a reviewer, who may flag any contact of the instance with the reviewers' keys;
 * an agent's token cannot, and an agent cannot write their own contact past the window. Outcomes are read from the
 * stand-in's store and request log, and from the audit lines.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ConnectClient } from '@aws-sdk/client-connect';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import { demoUsers } from '../../demo/connect-api/user-pool.ts';
import { isReviewer } from '../../src/relay/review-config.ts';
import {
  resolveRelayConfig,
  startRelayServer,
  type AuditRecord,
  type RelayConfig,
  type RelayServer,
} from '../../src/relay/index.ts';

const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
const daysAgo = (days: number, minutes = 0): string =>
  new Date(Date.now() - days * 86_400_000 - minutes * 60_000).toISOString();

const contacts: ContactRecord[] = [
  {
    instanceId,
    contactId: 'last-week',
    startedAt: daysAgo(7, 20),
    disconnectedAt: daysAgo(7, 5),
    afterContactWorkEndedAt: daysAgo(7),
    agentId: 'agent-agent-smith',
    queueId: 'q-sales',
    queueName: 'Sales',
    attributes: { reason: 'complaint' },
  },
  {
    instanceId,
    contactId: 'chat-last-week',
    startedAt: daysAgo(6, 20),
    disconnectedAt: daysAgo(6, 5),
    afterContactWorkEndedAt: daysAgo(6),
    agentId: 'agent-agent-jones',
    channel: 'CHAT',
    queueId: 'q-support',
    queueName: 'Support',
  },
];
const users = [
  ...demoUsers,
  { username: 'qa.lee', password: 'demo-password', connectUserId: 'agent-qa-lee', groups: ['reviewers'] },
];

let handle: ConnectApiHandle;
let server: RelayServer | undefined;
let audits: AuditRecord[] = [];

before(async () => {
  handle = await startConnectApi({ contacts, userPool: { users } });
});
after(() => handle.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
  handle.reset();
  audits = [];
});

function config(overrides: Partial<RelayConfig> = {}): RelayConfig {
  return {
    instanceArn,
    auth: { type: 'oidc', issuer: handle.issuer, audience: [handle.userPoolClientId], jwksUri: handle.jwksUri },
    user: { usernameClaim: 'cognito:username' },
    connectEndpoint: handle.url,
    denyKeyPrefixes: ['routing_'],
    reviewers: { claim: 'cognito:groups', values: ['reviewers'], allowKeyPrefixes: ['Review', 'Legal'] },
    ...overrides,
  };
}

/** Starts the relay; returns a POST to one of its routes with a user's id token. */
async function relay(): Promise<
  (path: string, username: string, body: unknown) => Promise<{ status: number; body: Record<string, unknown> }>
> {
  const started = await startRelayServer({
    config: config(),
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
  server = started;
  return async (path, username, body) => {
    const response = await fetch(`${started.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${handle.signIn(username).idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };
}

const flag = {
  InstanceId: instanceId,
  InitialContactId: 'last-week',
  ContactId: 'last-week',
  Attributes: { ReviewFlag: 'legal-hold' },
};
const calls = (action: string): number => handle.requestLog().filter((entry) => entry.action === action).length;

describe('reviewers', () => {
  it('a reviewer flags a contact of last week; the write is audited with its keys', async () => {
    const post = await relay();
    const answer = await post('/review/contact/attributes', 'qa.lee', flag);
    assert.equal(answer.status, 200);
    assert.deepEqual(handle.attributesOf(instanceId, 'last-week'), { reason: 'complaint', ReviewFlag: 'legal-hold' });
    const audit = audits.at(-1);
    assert.equal(audit?.decision, 'allowed');
    assert.equal(audit.reason, 'reviewed');
    assert.deepEqual(audit.keys, ['ReviewFlag']);
    assert.equal(audit.caller?.username, 'qa.lee');
    assert.equal(audit.contactId, 'last-week');
  });

  it("an agent's token cannot, on the reviewers' route nor on the agents' one", async () => {
    const post = await relay();
    const asReviewer = await post('/review/contact/attributes', 'agent.smith', flag);
    assert.equal(asReviewer.status, 403);
    assert.equal(audits.at(-1)?.reason, 'not-reviewer');
    // Smith handled the contact, but a week ago: past the window.
    const asAgent = await post('/contact/attributes', 'agent.smith', flag);
    assert.equal(asAgent.status, 403);
    assert.equal(audits.at(-1)?.reason, 'window-passed');
    assert.equal(calls('UpdateContactAttributes'), 0);
    assert.deepEqual(handle.attributesOf(instanceId, 'last-week'), { reason: 'complaint' });
    for (const path of ['/review/contacts/search', '/review/contact'])
      assert.equal((await post(path, 'agent.jones', { ContactId: 'last-week' })).status, 403);
    assert.equal(calls('SearchContacts') + calls('DescribeContact') + calls('GetContactAttributes'), 1);
  });

  it('a reviewer writes only the keys of the allow list, never a denied one', async () => {
    const post = await relay();
    for (const Attributes of [{ disposition: 'x' }, { ReviewFlag: 'y', disposition: 'x' }, { routing_Review: 'z' }]) {
      const answer = await post('/review/contact/attributes', 'qa.lee', { ...flag, Attributes });
      assert.equal(answer.status, 403);
      assert.equal(audits.at(-1)?.reason, 'review-key-not-allowed');
    }
    assert.equal(calls('UpdateContactAttributes'), 0);
  });

  it('a reviewer searches by time range, agent, queue and channel, and finds a contact by id', async () => {
    const post = await relay();
    const range = {
      Type: 'DISCONNECT_TIMESTAMP',
      StartTime: Date.now() / 1000 - 14 * 86_400,
      EndTime: Date.now() / 1000,
    };
    const all = await post('/review/contacts/search', 'qa.lee', { TimeRange: range });
    assert.equal(all.status, 200);
    const ids = (answer: { body: Record<string, unknown> }): string[] =>
      (answer.body['Contacts'] as Array<{ Id: string }>).map((contact) => contact.Id).sort();
    assert.deepEqual(ids(all), ['chat-last-week', 'last-week']);
    const byAgent = await post('/review/contacts/search', 'qa.lee', {
      TimeRange: range,
      SearchCriteria: { AgentIds: ['agent-agent-jones'], Channels: ['CHAT'], QueueIds: ['q-support'] },
    });
    assert.deepEqual(ids(byAgent), ['chat-last-week']);
    assert.equal((byAgent.body['Contacts'] as Array<{ QueueName: string }>)[0]?.QueueName, 'Support');
    const found = await post('/review/contact', 'qa.lee', { ContactId: 'last-week' });
    assert.equal(found.status, 200);
    assert.deepEqual(found.body['Attributes'], { reason: 'complaint' });
    assert.equal((found.body['Contact'] as { QueueName: string }).QueueName, 'Sales');
    assert.equal((await post('/review/contact', 'qa.lee', { ContactId: 'nobody' })).status, 404);
  });
});

describe('the reviewers setting', () => {
  it('refuses a claim users may change unless confirmed', () => {
    const reviewers = { claim: 'custom:role', values: ['qa'], allowKeyPrefixes: ['Review'] };
    assert.throws(() => resolveRelayConfig(config({ reviewers })), /reviewers\.claim 'custom:role'/);
    assert.doesNotThrow(() => resolveRelayConfig(config({ reviewers: { ...reviewers, claimCannotChange: true } })));
    assert.throws(
      () =>
        resolveRelayConfig(config({ reviewers: { claim: 'cognito:groups', values: ['qa'], allowKeyPrefixes: [] } })),
      /allowKeyPrefixes/,
    );
  });

  it("reads a list claim as the token carries it, or as API Gateway's authorizer passes it", () => {
    const reviewers = { claim: 'cognito:groups', values: ['reviewers'], allowKeyPrefixes: ['Review'] };
    assert.equal(isReviewer({ 'cognito:groups': ['agents', 'reviewers'] }, reviewers), true);
    assert.equal(isReviewer({ 'cognito:groups': '[agents reviewers]' }, reviewers), true);
    assert.equal(isReviewer({ 'cognito:groups': '[agents reviewers-extra]' }, reviewers), false);
    assert.equal(isReviewer({ 'cognito:groups': ['agents'] }, reviewers), false);
    assert.equal(isReviewer({}, reviewers), false);
    assert.equal(isReviewer({ 'cognito:groups': ['reviewers'] }, undefined), false);
  });
});

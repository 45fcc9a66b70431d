/**
 * Direct mode's recent contacts: directHistory over the plugin's AttributesClient (the real @aws-sdk/client-connect,
 * SigV4) against the Connect API stand-in. What reached the stand-in is the outcome: the search's criteria, and one
 * DescribeQueue per queue.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import { AttributesClient } from '../../src/client.ts';
import { directHistory } from '../../src/history/direct-history.ts';

const instanceId = 'inst-d';
const smith = 'agent-agent-smith';
const ago = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();
const ended = (contactId: string, minutes: number, agentId = smith, queueId = 'q-sales'): ContactRecord => ({
  instanceId,
  contactId,
  startedAt: ago(minutes + 10),
  disconnectedAt: ago(minutes),
  afterContactWorkEndedAt: ago(minutes - 1),
  agentId,
  queueId,
  queueName: queueId === 'q-sales' ? 'Sales' : 'Support',
  attributes: { reason: contactId },
});

const contacts = [
  ended('s-1', 50),
  ended('s-2', 30, smith, 'q-support'),
  ended('s-3', 10),
  ended('s-old', 200),
  ended('j-1', 20, 'agent-agent-jones'),
];

let handle: ConnectApiHandle;
before(async () => {
  handle = await startConnectApi({ contacts });
});
after(() => handle.close());
afterEach(() => handle.reset());

function history(windowSeconds = 3600) {
  const client = new AttributesClient({
    region: handle.region,
    endpoint: handle.url,
    credentials: { accessKeyId: handle.accessKeyId, secretAccessKey: handle.secretAccessKey },
    maxAttempts: 1,
  });
  return directHistory({ client, instanceId, agentId: smith, windowSeconds });
}

describe('directHistory', () => {
  it("lists the agent's contacts ended within the window, newest first, page by page", async () => {
    const recent = history();
    const first = await recent.recent({ maxResults: 2 });
    assert.deepEqual(
      first.contacts.map((contact) => contact.contactId),
      ['s-3', 's-2'],
    );
    const second = await recent.recent({ maxResults: 2, nextToken: first.nextToken });
    assert.deepEqual(
      second.contacts.map((contact) => contact.contactId),
      ['s-1'],
    );
    assert.equal(second.nextToken, undefined);
    assert.ok(first.contacts.every((contact) => contact.agentId === smith && contact.disconnectedAt));
  });

  it('asks each queue its name once, and reads attributes only when asked', async () => {
    const recent = history();
    const page = await recent.recent();
    const names = await Promise.all(page.contacts.map((contact) => recent.queueName(contact.queueId ?? '')));
    await recent.queueName('q-sales');
    assert.deepEqual(names, ['Sales', 'Support', 'Sales']);
    const log = handle.requestLog();
    assert.equal(log.filter((entry) => entry.action === 'DescribeQueue').length, 2);
    assert.equal(log.filter((entry) => entry.action === 'GetContactAttributes').length, 0);
    const [newest] = page.contacts;
    assert.ok(newest);
    assert.deepEqual(
      await recent.attributes({ instanceId, initialContactId: newest.initialContactId, contactId: newest.contactId }),
      {
        reason: 's-3',
      },
    );
  });
});

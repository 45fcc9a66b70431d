/**
 * The relay client's outcome feed end to end, over Node's own WebSocket (as the bench runs it) against the Node
 * relay's outcome socket (demo/queued.ts: the relay in queued mode, fauxqs, the worker and the Connect API stand-in in
 * one process; real JWTs): subscribed after its backlog, then the landed outcome of a write the same client sent
 * (202) arrives converted as the outcomes route's would be, without a poll.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { startQueuedStandIn, type QueuedStandIn } from '../../demo/queued.ts';
import type { OutcomeFeedState, WriteOutcomeReport } from '../../src/outbox/options.ts';
import { RelayClient } from '../../src/relay-client.ts';
import { outcomeSocketPath } from '../../src/relay/index.ts';
import { until } from '../helpers/until.ts';

let api: ConnectApiHandle;
let queued: QueuedStandIn;

before(async () => {
  api = await startConnectApi({
    contacts: [
      {
        instanceId: DEFAULT_INSTANCE_ID,
        contactId: 'feed-smith',
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        agentId: 'agent-agent-smith',
      },
    ],
  });
  queued = await startQueuedStandIn(api, { allowedOrigins: ['https://agents.example.com'], pacePerSecond: 50 });
});
after(async () => {
  await queued.close();
  await api.close();
});

describe('RelayClient.outcomeFeed against the Node relay', () => {
  it('subscribes over a real WebSocket and receives the landed outcome of its own 202 write', async () => {
    const { url } = queued.relay;
    const socketUrl = `${url.replace(/^http/, 'ws')}${outcomeSocketPath}`;
    const relay = new RelayClient({ url, socketUrl, token: () => api.signIn('agent.smith').idToken });
    const states: OutcomeFeedState[] = [];
    const outcomes: WriteOutcomeReport[] = [];
    const errors: Error[] = [];
    const feed = relay.outcomeFeed({
      since: () => Date.now() - 60_000,
      outcomes: (reports) => outcomes.push(...reports),
      state: (state) => states.push(state),
      error: (error) => errors.push(error),
    });
    try {
      await until(() => states.includes('subscribed'), 'the subscription and its backlog');
      const contact = { instanceId: DEFAULT_INSTANCE_ID, initialContactId: 'feed-smith', contactId: 'feed-smith' };
      const receipt = await relay.update(contact, { disposition: 'pushed' }, { writeId: 'feed-write-1' });
      assert.equal(receipt.state, 'accepted');
      const landed = await until(() => outcomes.find((o) => o.writeId === 'feed-write-1'), 'the pushed outcome');
      assert.deepEqual(
        [landed.state, landed.status, landed.initialContactId, landed.keys],
        ['landed', 200, 'feed-smith', ['disposition']],
      );
      assert.deepEqual(api.attributesOf(DEFAULT_INSTANCE_ID, 'feed-smith'), { disposition: 'pushed' });
      assert.deepEqual(states, ['connecting', 'subscribed']);
      assert.deepEqual(errors, []);
    } finally {
      feed.close();
    }
  });
});

/**
 * The Node relay's outcome socket end to end (demo/queued.ts: the relay in queued mode, fauxqs, the worker and the
 * Connect API stand-in in one process; real JWTs): a write POSTed and answered 202 lands on the stand-in, and its
 * `landed` outcome reaches the writer's WebSocket (a `ws` client, sending Origin as a browser does) and no one else's.
 * A page of another origin is refused at the handshake, and a relay without an in-process worker offers no socket.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { startQueuedStandIn, type QueuedStandIn } from '../../demo/queued.ts';
import { startStandInRelay } from '../../demo/relay.ts';
import { outcomeSocketPath, type RelayServer, type WireOutcome } from '../../src/relay/index.ts';
import { until } from '../helpers/until.ts';

const origin = 'https://agents.example.com';
let api: ConnectApiHandle;
let queued: QueuedStandIn;
const sockets = new Set<WebSocket>();

before(async () => {
  api = await startConnectApi({
    contacts: ['push-smith', 'push-jones'].map((contactId, i) => ({
      instanceId: DEFAULT_INSTANCE_ID,
      contactId,
      startedAt: new Date(Date.now() - 60_000).toISOString(),
      agentId: i === 0 ? 'agent-agent-smith' : 'agent-agent-jones',
    })),
  });
  queued = await startQueuedStandIn(api, { allowedOrigins: [origin], pacePerSecond: 50 });
});
after(async () => {
  for (const socket of sockets) socket.terminate();
  await queued.close();
  await api.close();
});

const socketUrl = (relay: RelayServer) => `${relay.url.replace(/^http/, 'ws')}${outcomeSocketPath}`;

/** Opens a socket; resolves it with the frames it receives, or rejects with the handshake's status. */
/** `from`: the Origin header sent (null: none, as a client that is not a browser). */
function open(url: string, from: string | null = origin) {
  const socket = new WebSocket(url, from === null ? {} : { origin: from });
  sockets.add(socket);
  const frames: Array<Record<string, unknown>> = [];
  socket.on('message', (data: WebSocket.RawData) =>
    frames.push(JSON.parse((data as Buffer).toString('utf8')) as Record<string, unknown>),
  );
  return new Promise<{ socket: WebSocket; frames: typeof frames }>((resolve, reject) => {
    socket.once('open', () => resolve({ socket, frames }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`status ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

/** Opens and subscribes as `username`; resolves once the backlog arrived. */
async function subscribed(username: string) {
  const opened = await open(socketUrl(queued.relay));
  opened.socket.send(JSON.stringify({ action: 'subscribe', token: api.signIn(username).idToken, since: Date.now() }));
  await until(() => opened.frames.some((f) => f['backlog'] === true), `${username}'s backlog`);
  assert.equal(opened.frames[0]?.['type'], 'subscribed');
  return opened;
}

describe('the Node relay outcome socket', () => {
  it("pushes the landed outcome of a 202 write to the writer's socket only", async () => {
    const smith = await subscribed('agent.smith');
    const jones = await subscribed('agent.jones');
    const response = await fetch(`${queued.relay.url}/contact/attributes`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${api.signIn('agent.smith').idToken}`,
        'content-type': 'application/json',
        origin,
      },
      body: JSON.stringify({
        InstanceId: DEFAULT_INSTANCE_ID,
        InitialContactId: 'push-smith',
        ContactId: 'push-smith',
        Attributes: { disposition: 'pushed' },
        WriteId: 'push-write-1',
      }),
    });
    assert.equal(response.status, 202, await response.text());
    const pushed = await until(
      () => smith.frames.find((f) => f['type'] === 'outcomes' && f['backlog'] === undefined),
      "smith's pushed outcome",
    );
    const outcomes = pushed['outcomes'] as WireOutcome[];
    assert.deepEqual(
      outcomes.map((o) => [o.WriteId, o.State, o.Status, o.InitialContactId]),
      [['push-write-1', 'landed', 200, 'push-smith']],
    );
    // It was pushed because it landed: the stand-in holds the value.
    assert.deepEqual(api.attributesOf(DEFAULT_INSTANCE_ID, 'push-smith'), { disposition: 'pushed' });
    // Jones's socket got its subscription and its empty backlog, nothing of smith's.
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(
      jones.frames.map((f) => f['type']),
      ['subscribed', 'outcomes'],
    );
    assert.deepEqual(jones.frames[1]?.['outcomes'], []);

    // A socket subscribing later with an earlier `since` gets the outcome in its backlog.
    const late = await open(socketUrl(queued.relay));
    late.socket.send(
      JSON.stringify({ action: 'subscribe', token: api.signIn('agent.smith').idToken, since: Date.now() - 60_000 }),
    );
    const backlog = await until(() => late.frames.find((f) => f['backlog'] === true), 'the late backlog');
    assert.deepEqual(
      (backlog['outcomes'] as WireOutcome[]).map((o) => o.WriteId),
      ['push-write-1'],
    );
  });

  it('answers ping with pong and refuses a bad token on the open socket', async () => {
    const { socket, frames } = await open(socketUrl(queued.relay));
    socket.send('{"action":"ping"}');
    socket.send(JSON.stringify({ action: 'subscribe', token: 'not.a.jwt', since: 0 }));
    await until(() => frames.length === 2, 'two answers');
    assert.deepEqual(frames[0], { type: 'pong' });
    assert.equal(frames[1]?.['status'], 401);
  });

  it('refuses a handshake from an origin outside allowedOrigins with 403', async () => {
    await assert.rejects(open(socketUrl(queued.relay), 'https://evil.example.com'), /status 403/);
    // Not a browser (no Origin): the handshake passes, the token still decides.
    const { socket } = await open(socketUrl(queued.relay), null);
    assert.equal(socket.readyState, WebSocket.OPEN);
  });

  it('answers 404 on another path', async () => {
    await assert.rejects(open(`${socketUrl(queued.relay)}/more`), /status 404/);
  });

  it('answers the upgrade 404 on a relay without an in-process worker', async () => {
    const relay = await startStandInRelay(api, { allowedOrigins: [origin] });
    try {
      await assert.rejects(open(socketUrl(relay)), /status 404/);
    } finally {
      await relay.close();
    }
  });
});

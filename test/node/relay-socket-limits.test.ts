/**
 * The Node relay's outcome socket closes what costs memory and does nothing (src/relay/socket-server.ts): a socket
 * not subscribed in time, and one whose client sends nothing for too long; short limits injected. Tokens are judged
 * by a stand-in authenticator (the socket's own tests use real ones).
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, it } from 'node:test';
import WebSocket from 'ws';
import {
  createLocalOutcomeSockets,
  createMemoryOutcomeStore,
  outcomeSocketPath,
  type Authenticator,
} from '../../src/relay/index.ts';
import { serveOutcomeSocket } from '../../src/relay/socket-server.ts';
import { until } from '../helpers/until.ts';

const authenticator: Authenticator = {
  authenticate: () => Promise.resolve({ sub: 'smith', exp: Math.floor(Date.now() / 1000) + 3600 }),
};
let stop = (): void => undefined;
let server: Server | undefined;
afterEach(async () => {
  stop();
  await new Promise((resolve) => server?.close(resolve));
});

async function serve(limits: { subscribeWithinMs: number; idleMs: number }) {
  const sockets = createLocalOutcomeSockets(limits);
  server = createServer();
  stop = serveOutcomeSocket(server, { authenticator, store: createMemoryOutcomeStore(), sockets, allowedOrigins: [] });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${outcomeSocketPath}`;
  return { sockets, url };
}

/** Opens a socket; `closed` resolves with the close code and when it came (ms after opening). */
async function open(url: string) {
  const socket = new WebSocket(url);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  const opened = Date.now();
  const closed = new Promise<{ code: number; after: number }>((resolve) =>
    socket.once('close', (code) => resolve({ code, after: Date.now() - opened })),
  );
  return { socket, closed };
}

describe('the Node outcome socket: limits', () => {
  it('closes a socket that does not subscribe in time (pings do not count)', async () => {
    const { url } = await serve({ subscribeWithinMs: 150, idleMs: 10_000 });
    const { socket, closed } = await open(url);
    socket.send('{"action":"ping"}');
    const { code, after } = await closed;
    assert.equal(code, 1008);
    assert.ok(after >= 100 && after < 2_000, `closed after ${after} ms`);
  });

  it('keeps a subscribed socket past that limit, and closes it once idle', async () => {
    const { url, sockets } = await serve({ subscribeWithinMs: 100, idleMs: 400 });
    const { socket, closed } = await open(url);
    socket.send(JSON.stringify({ action: 'subscribe', token: 'stand-in', since: 0 }));
    // Messages keep it alive: one every 200 ms for 600 ms, past both limits.
    for (let i = 0; i < 3; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(socket.readyState, WebSocket.OPEN, `open at ${(i + 1) * 200} ms`);
      socket.send('{"action":"ping"}');
    }
    assert.equal((await sockets.registry.connectionsOf('smith', Date.now())).length, 1);
    const quiet = Date.now();
    const { code } = await closed;
    assert.equal(code, 1001);
    assert.ok(Date.now() - quiet >= 350, 'closed only after idleMs without a message');
    await until(
      async () => (await sockets.registry.connectionsOf('smith', Date.now())).length === 0,
      'its registration dropped',
    );
  });

  it('refuses limits that are not above 0', () => {
    assert.throws(() => createLocalOutcomeSockets({ idleMs: 0 }), /idleMs must be above 0/);
  });
});

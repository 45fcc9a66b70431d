/**
 * The relay client's outcome feed over time, on mocked timers: renewal before the token expires, a subscription not
 * renewed taken for lost, reopening after a loss with a growing capped backoff, and pings.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { PING_INTERVAL_MS, RENEW_BEFORE_MS } from '../../src/relay-feed.ts';
import { flush, jwt, rig, T0, TIMEOUT_MS, wireLanded } from '../helpers/feed-rig.ts';

describe('RelayClient.outcomeFeed over time', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  it('subscribes again a minute before the token expires, with the renewed token and a fresh since', async () => {
    const first = jwt('t-1', T0 + 3600_000);
    const second = jwt('t-2', T0 + 7200_000);
    let current = first;
    const { subscribe, last, states, setSince, feed, asked } = rig(() => current);
    const socket = await subscribe(T0 + 3600_000);
    current = second;
    setSince(T0 + 10);
    const subscribes = () => socket.sent.filter((message) => message['action'] === 'subscribe');
    mock.timers.tick(3600_000 - RENEW_BEFORE_MS - 1);
    await flush();
    assert.equal(subscribes().length, 1, 'not yet');
    mock.timers.tick(1);
    await flush();
    assert.deepEqual(subscribes().at(-1), { action: 'subscribe', token: second, since: T0 + 10 });
    assert.deepEqual(asked.at(-1), undefined, 'a renewed token needs no forced refresh');
    socket.receive({ type: 'subscribed', expiresAt: T0 + 7200_000 });
    socket.receive({ type: 'outcomes', outcomes: [], backlog: true });
    // The first subscription's end passes: nothing is lost, the socket stays.
    mock.timers.tick(2 * RENEW_BEFORE_MS);
    await flush();
    assert.equal(last(), socket);
    assert.equal(socket.closed, false);
    assert.deepEqual(states, ['connecting', 'subscribed']);
    feed.close();
  });

  it('asks for a forced refresh at renewal when the function gives the same token, and takes a subscription not renewed by its end for lost', async () => {
    const token = jwt('t-1', T0 + 3600_000);
    const { subscribe, asked, states, feed, sockets } = rig(() => token);
    const socket = await subscribe(T0 + 3600_000);
    mock.timers.tick(3600_000 - RENEW_BEFORE_MS);
    await flush();
    assert.deepEqual(asked.slice(-2), [undefined, { forceRefresh: true }]);
    // The relay never answers that subscribe: the socket is lost, and opened again.
    mock.timers.tick(TIMEOUT_MS);
    await flush();
    assert.equal(socket.closed, true);
    assert.deepEqual(states, ['connecting', 'subscribed', 'down']);
    mock.timers.tick(60_000);
    assert.equal(sockets.length, 2);
    feed.close();
  });

  it('opens again after a loss (backoff), subscribes with a fresh since, and is subscribed again after its backlog', async () => {
    const token = jwt('t-1', T0 + 3600_000);
    const { subscribe, sockets, states, setSince, outcomes, feed } = rig(() => token);
    const first = await subscribe(T0 + 3600_000);
    first.drop();
    assert.deepEqual(states, ['connecting', 'subscribed', 'down']);
    mock.timers.tick(499);
    assert.equal(sockets.length, 1, 'the first reopening waits at least half the base backoff');
    mock.timers.tick(501);
    assert.equal(sockets.length, 2);
    setSince(T0 + 42);
    const second = await subscribe(T0 + 3600_000, [wireLanded]);
    assert.deepEqual(second.sent, [{ action: 'subscribe', token, since: T0 + 42 }]);
    assert.deepEqual(states, ['connecting', 'subscribed', 'down', 'connecting', 'subscribed']);
    assert.deepEqual(
      outcomes.map((list) => list[0]?.writeId),
      ['w-1'],
    );
    // Losses in a row wait longer each time, up to the cap.
    const gaps: number[] = [];
    for (let loss = 0; loss < 8; loss++) {
      const made = sockets.length;
      sockets.at(-1)?.drop();
      let waited = 0;
      while (sockets.length === made) {
        mock.timers.tick(250);
        waited += 250;
      }
      gaps.push(waited);
    }
    assert.ok(
      gaps.every((gap, i) => i === 0 || gap >= (gaps[i - 1] ?? 0) / 2),
      `gaps ${gaps.join()}`,
    );
    assert.ok(gaps.at(-1)! >= 30_000 && gaps.at(-1)! <= 60_000, `capped: ${gaps.join()}`);
    feed.close();
  });

  it('pings every 5 minutes, and takes a socket that does not answer a ping within the time limit for lost', async () => {
    const { subscribe, states, sockets, feed } = rig(() => jwt('t-1', T0 + 7200_000));
    const socket = await subscribe(T0 + 7200_000);
    socket.pongs = false;
    mock.timers.tick(PING_INTERVAL_MS - 1);
    assert.equal(socket.sent.length, 1);
    mock.timers.tick(1);
    assert.deepEqual(socket.sent.at(-1), { action: 'ping' });
    socket.receive({ type: 'pong' });
    mock.timers.tick(PING_INTERVAL_MS);
    assert.deepEqual(
      socket.sent.map((message) => message['action']),
      ['subscribe', 'ping', 'ping'],
    );
    assert.equal(socket.closed, false);
    // No pong this time.
    mock.timers.tick(TIMEOUT_MS);
    assert.equal(socket.closed, true);
    assert.deepEqual(states, ['connecting', 'subscribed', 'down']);
    mock.timers.tick(60_000);
    assert.equal(sockets.length, 2);
    feed.close();
  });
});

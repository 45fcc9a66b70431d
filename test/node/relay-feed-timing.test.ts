/**
 * The relay client's outcome feed over time, on mocked timers: renewal before the token expires, a subscription not
 * renewed taken for lost, a renewal refused taken for lost, the relay's clock timing the renewal, long tokens,
 * only answers meeting the deadline, reopening after a loss with a growing capped backoff, and pings.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { AttributesError } from '../../src/errors.ts';
import { MAX_TIMER_MS, PING_INTERVAL_MS, RENEW_BEFORE_MS } from '../../src/relay-feed.ts';
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

  it('takes a renewal answered with an error for lost, though the relay said subscribed first: down, polled, reopened', async () => {
    let issued = 0;
    const { subscribe, states, errors, sockets, feed } = rig(() => jwt(`t-${++issued}`, T0 + issued * 3600_000));
    const socket = await subscribe(T0 + 3600_000);
    mock.timers.tick(3600_000 - RENEW_BEFORE_MS);
    await flush();
    assert.equal(socket.sent.filter((message) => message['action'] === 'subscribe').length, 2);
    socket.receive({ type: 'subscribed', expiresAt: T0 + 7200_000 });
    socket.receive({ type: 'error', status: 500, message: 'the backlog could not be read' });
    assert.deepEqual(states, ['connecting', 'subscribed', 'down']);
    assert.deepEqual(
      errors.map((error) => error instanceof AttributesError && error.kind),
      ['server'],
    );
    assert.equal(socket.closed, true);
    mock.timers.tick(60_000);
    assert.equal(sockets.length, 2, 'opened again');
    feed.close();
  });

  it('takes a subscribe answered by pushed outcomes but no backlog within the time limit for lost', async () => {
    const { last, states, outcomes, feed } = rig(() => jwt('t-1', T0 + 3600_000));
    const socket = last();
    socket.open();
    await flush();
    socket.receive({ type: 'subscribed', expiresAt: T0 + 3600_000 });
    socket.receive({ type: 'outcomes', outcomes: [wireLanded] }); // pushed live, before the backlog
    socket.receive({ type: 'pong' });
    mock.timers.tick(TIMEOUT_MS);
    assert.equal(socket.closed, true);
    assert.deepEqual(states, ['connecting', 'down']);
    assert.equal(outcomes.length, 1, 'the pushed outcome was still delivered');
    feed.close();
  });

  it('times the renewal by the relay’s clock when its subscribed says its now', async () => {
    const { last, feed } = rig(() => jwt('t-1', T0 + 3600_000));
    const socket = last();
    socket.open();
    await flush();
    // The relay's clock is 30 minutes ahead of the browser's: 30 minutes are left, not 60.
    socket.receive({ type: 'subscribed', expiresAt: T0 + 3600_000, now: T0 + 1800_000 });
    socket.receive({ type: 'outcomes', outcomes: [], backlog: true });
    const subscribes = () => socket.sent.filter((message) => message['action'] === 'subscribe').length;
    mock.timers.tick(1800_000 - RENEW_BEFORE_MS - 1);
    await flush();
    assert.equal(subscribes(), 1, 'not yet');
    mock.timers.tick(1);
    await flush();
    assert.equal(subscribes(), 2, 'renewed a minute before the end by the relay’s clock');
    feed.close();
  });

  it('waits for a token that lasts longer than setTimeout can wait (2^31-1 ms) instead of renewing at once', async () => {
    // setTimeout fires a longer delay at once (browsers and Node; the mocked one too).
    const expiresAt = T0 + 30 * 86_400_000;
    const { subscribe, states, sockets, feed } = rig(() => jwt('t-1', expiresAt));
    const socket = await subscribe(expiresAt);
    const subscribes = () => socket.sent.filter((message) => message['action'] === 'subscribe').length;
    mock.timers.tick(60_000);
    await flush();
    assert.equal(subscribes(), 1, 'no renewal yet');
    assert.equal(socket.closed, false);
    assert.deepEqual(states, ['connecting', 'subscribed']);
    // The chained timers come due within the last half hour (the mock runs a timer set in a tick from its end).
    while (Date.now() < expiresAt - 1800_000) mock.timers.tick(Math.min(600_000, expiresAt - 1800_000 - Date.now()));
    await flush();
    assert.equal(subscribes(), 1, 'not before the last minute');
    while (subscribes() === 1 && Date.now() < expiresAt) {
      mock.timers.tick(60_000);
      await flush();
    }
    assert.equal(subscribes(), 2, 'renewed before the token’s end');
    assert.equal(sockets.length, 1);
    assert.ok(MAX_TIMER_MS < 30 * 86_400_000);
    feed.close();
  });
});

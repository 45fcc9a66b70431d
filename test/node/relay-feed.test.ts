/**
 * The relay client's outcome feed against a fake WebSocket: what it subscribes with (the token in the first message,
 * never in the URL, and the listener's since), when it tells `subscribed` (after the backlog), outcomes converted as
 * the outcomes route's are, a refused token renewed once with forceRefresh and, refused even so, not sent again on
 * reopening until the function gives another, the `now` of subscribed read strictly, close, and the socket URL rule.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { AttributesError } from '../../src/errors.ts';
import { RelayClient } from '../../src/relay-client.ts';
import { flush, jwt, rig, T0, wireLanded, wireRefused } from '../helpers/feed-rig.ts';

describe('RelayClient.outcomeFeed', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout', 'Date'], now: T0 }));
  afterEach(() => mock.timers.reset());

  it('subscribes with the token in the first message and the listener’s since, never in the URL', async () => {
    const token = jwt('t-1', T0 + 3600_000);
    const { sockets, states, last, feed } = rig(() => token);
    assert.equal(sockets.length, 1);
    assert.equal(last().url, 'wss://push.example/prod');
    assert.deepEqual(states, ['connecting']);
    last().open();
    await flush();
    assert.deepEqual(last().sent, [{ action: 'subscribe', token, since: T0 - 600_000 }]);
    feed.close();
  });

  it('tells subscribed only once the backlog arrived, and converts backlog and pushed outcomes as outcomes() does', async () => {
    const { states, outcomes, last, feed } = rig(() => jwt('t-1', T0 + 3600_000));
    last().open();
    await flush();
    last().receive({ type: 'subscribed', expiresAt: T0 + 3600_000 });
    last().receive({ type: 'outcomes', outcomes: [wireRefused] }); // pushed, not the backlog
    assert.deepEqual(states, ['connecting'], 'not before the backlog');
    last().receive({ type: 'outcomes', outcomes: [wireLanded], backlog: true });
    assert.deepEqual(states, ['connecting', 'subscribed']);
    assert.deepEqual(outcomes, [
      [
        {
          writeId: 'w-2',
          state: 'refused',
          status: 403,
          at: T0 - 4,
          errorType: 'AccessDeniedException',
          message: 'not yours',
        },
      ],
      [
        {
          writeId: 'w-1',
          state: 'landed',
          status: 200,
          at: T0 - 5,
          requestId: 'r-1',
          instanceId: 'inst-1',
          initialContactId: 'leg-1',
          contactId: 'leg-2',
          keys: ['A'],
        },
      ],
    ]);
    feed.close();
  });

  it('reports a message that does not fit as a server error and goes on', async () => {
    const { states, outcomes, errors, subscribe, last, feed } = rig(() => jwt('t-1', T0 + 3600_000));
    await subscribe(T0 + 3600_000);
    last().receive('not json');
    last().receive({ type: 'outcomes', outcomes: [{ WriteId: 'w', State: 'maybe', Status: 200, At: 1 }] });
    last().receive({ type: 'outcomes', outcomes: [wireLanded] });
    assert.deepEqual(
      errors.map((error) => error instanceof AttributesError && error.kind),
      ['server', 'server'],
    );
    assert.deepEqual(
      outcomes.map((list) => list.map((outcome) => outcome.writeId)),
      [['w-1']],
    );
    assert.deepEqual(states, ['connecting', 'subscribed']);
    feed.close();
  });

  it('asks the token function with forceRefresh once after a 401, and reports a second refusal as an auth error', async () => {
    let issued = 0;
    const { last, asked, errors, states, feed } = rig(() => jwt(`t-${++issued}`, T0 + 3600_000));
    const socket = last();
    socket.open();
    await flush();
    socket.receive({ type: 'error', status: 401, message: 'expired' });
    await flush();
    assert.deepEqual(asked, [undefined, { forceRefresh: true }]);
    assert.deepEqual(
      socket.sent.map((message) => message['token']),
      [jwt('t-1', T0 + 3600_000), jwt('t-2', T0 + 3600_000)],
    );
    socket.receive({ type: 'error', status: 401, message: 'expired' });
    await flush();
    assert.equal(asked.length, 2, 'once only');
    assert.deepEqual(
      errors.map((error) => error instanceof AttributesError && error.kind),
      ['auth'],
    );
    const tokens = socket.sent.map((message) => String(message['token']));
    assert.ok(
      errors.every((error) => tokens.every((sent) => !error.message.includes(sent))),
      'no token in errors',
    );
    assert.equal(socket.closed, true);
    assert.deepEqual(states, ['connecting', 'down']);
    feed.close();
  });

  it('does not send a token the relay refused again when the function gives the same one', async () => {
    const token = jwt('t-1', T0 + 3600_000);
    const { last, asked, errors, states, feed } = rig(() => token);
    const socket = last();
    socket.open();
    await flush();
    socket.receive({ type: 'error', status: 401, message: 'expired' });
    await flush();
    assert.deepEqual(asked, [undefined, { forceRefresh: true }]);
    assert.equal(socket.sent.length, 1);
    assert.deepEqual(
      errors.map((error) => error instanceof AttributesError && error.kind),
      ['auth'],
    );
    assert.deepEqual(states, ['connecting', 'down']);
    feed.close();
  });

  it('does not send a token refused for good again when reopening, until the function gives another', async () => {
    let token = jwt('t-1', T0 + 3600_000);
    const { last, sockets, errors, states, feed } = rig(() => token);
    last().open();
    await flush();
    last().receive({ type: 'error', status: 401, message: 'revoked' });
    await flush();
    assert.deepEqual(states, ['connecting', 'down']);
    // Reopening with the same token would only be refused again: nothing is opened, nothing more reported.
    mock.timers.tick(10 * 60_000);
    await flush();
    mock.timers.tick(10 * 60_000);
    await flush();
    assert.equal(sockets.length, 1);
    assert.equal(errors.length, 1, 'the auth error is reported once');
    assert.deepEqual(states, ['connecting', 'down']);
    token = jwt('t-2', T0 + 7200_000);
    mock.timers.tick(60_000);
    await flush();
    assert.equal(sockets.length, 2);
    last().open();
    await flush();
    assert.deepEqual(
      last().sent.map((message) => message['token']),
      [token],
    );
    feed.close();
  });

  it('reads a subscribed frame’s now strictly: a time, or none (older relays)', async () => {
    const { last, errors, states, feed } = rig(() => jwt('t-1', T0 + 3600_000));
    last().open();
    await flush();
    last().receive({ type: 'subscribed', expiresAt: T0 + 3600_000, now: 'soon' });
    last().receive({ type: 'subscribed', expiresAt: T0 + 3600_000 });
    last().receive({ type: 'outcomes', outcomes: [], backlog: true });
    assert.deepEqual(
      errors.map((error) => error instanceof AttributesError && error.kind === 'server' && /now/.test(error.message)),
      [true],
    );
    assert.deepEqual(states, ['connecting', 'subscribed']);
    feed.close();
  });

  it('stops for good on close: the socket closes, no reopening, no more calls', async () => {
    const { subscribe, sockets, states, feed } = rig(() => jwt('t-1', T0 + 3600_000));
    const socket = await subscribe(T0 + 3600_000);
    feed.close();
    assert.equal(socket.closed, true);
    socket.drop();
    mock.timers.tick(3 * 3600_000);
    assert.equal(sockets.length, 1);
    assert.deepEqual(states, ['connecting', 'subscribed']);
  });

  it('needs a wss: socket URL (ws: on a loopback address only) and a socketUrl to open a feed', () => {
    const token = 'jwt';
    const url = 'https://relay.example';
    for (const socketUrl of ['ws://relay.example/socket', 'https://relay.example/socket', 'nope'])
      assert.throws(() => new RelayClient({ url, token, socketUrl }), TypeError, socketUrl);
    for (const socketUrl of ['wss://relay.example/socket', 'ws://127.0.0.1:8788/contact/attributes/outcomes/socket'])
      assert.doesNotThrow(() => new RelayClient({ url, token, socketUrl }));
    const listener = { since: () => 0, outcomes: () => undefined, state: () => undefined, error: () => undefined };
    assert.throws(() => new RelayClient({ url, token }).outcomeFeed(listener), TypeError);
  });
});

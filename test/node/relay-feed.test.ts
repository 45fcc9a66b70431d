/**
 * The relay client's outcome feed against a fake WebSocket, on mocked timers: what it subscribes with (the token in
 * the first message, never in the URL, and the listener's since), when it tells `subscribed` (after the backlog),
 * outcomes converted as the outcomes route's are, renewal before the token expires, reopening after a loss, pings,
 * and a refused token renewed once with forceRefresh.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { AttributesError } from '../../src/errors.ts';
import type { OutcomeFeedListener, OutcomeFeedState, WriteOutcomeReport } from '../../src/outbox/options.ts';
import { RelayClient, type RelayTokenOptions } from '../../src/relay-client.ts';
import { PING_INTERVAL_MS, RENEW_BEFORE_MS } from '../../src/relay-feed.ts';

const T0 = Date.UTC(2026, 11, 7, 9);
const TIMEOUT_MS = 1_000;

/** A JWT whose payload says `exp` (seconds); the feed reads it for timing only. */
function jwt(name: string, expMs: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'agent-1', exp: expMs / 1000, name })}.sig`;
}

type Listener = (event: { data: unknown }) => void;

/** A WebSocket the test drives: `open()`, `receive()`, `drop()`; records what was sent. */
class FakeSocket {
  readyState = 0;
  readonly sent: Record<string, unknown>[] = [];
  closed = false;
  /** Answers each ping with a pong at once. */
  pongs = true;
  readonly #listeners = new Map<string, Listener[]>();
  constructor(readonly url: string) {}
  addEventListener(type: string, listener: Listener): void {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
  }
  send(data: string): void {
    if (this.readyState !== 1) throw new Error('not open');
    const message = JSON.parse(data) as Record<string, unknown>;
    this.sent.push(message);
    if (message['action'] === 'ping' && this.pongs) this.receive({ type: 'pong' });
  }
  close(): void {
    this.closed = true;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.#emit('open', { data: undefined });
  }
  receive(message: unknown): void {
    this.#emit('message', { data: typeof message === 'string' ? message : JSON.stringify(message) });
  }
  drop(): void {
    this.readyState = 3;
    this.#emit('close', { data: undefined });
  }
  #emit(type: string, event: { data: unknown }): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(event);
  }
}

/** Lets the token function's promises settle (setImmediate is not mocked). */
const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

function rig(token: (options?: RelayTokenOptions) => string) {
  const sockets: FakeSocket[] = [];
  const WebSocket = class extends FakeSocket {
    constructor(url: string) {
      super(url);
      sockets.push(this);
    }
  };
  const asked: (RelayTokenOptions | undefined)[] = [];
  const relay = new RelayClient({
    url: 'https://relay.example/prod',
    socketUrl: 'wss://push.example/prod',
    token: (options) => {
      asked.push(options);
      return token(options);
    },
    WebSocket,
    timeoutMs: TIMEOUT_MS,
  });
  const states: OutcomeFeedState[] = [];
  const outcomes: WriteOutcomeReport[][] = [];
  const errors: Error[] = [];
  let since = T0 - 600_000;
  const listener: OutcomeFeedListener = {
    since: () => since,
    outcomes: (reports) => outcomes.push(reports),
    state: (state) => states.push(state),
    error: (error) => errors.push(error),
  };
  const feed = relay.outcomeFeed(listener);
  const last = (): FakeSocket => {
    const socket = sockets.at(-1);
    assert.ok(socket, 'a socket was made');
    return socket;
  };
  /** Opens the last socket and answers its subscribe with `expiresAt` and the backlog. */
  const subscribe = async (expiresAt: number, backlog: unknown[] = []): Promise<FakeSocket> => {
    const socket = last();
    socket.open();
    await flush();
    socket.receive({ type: 'subscribed', expiresAt });
    socket.receive({ type: 'outcomes', outcomes: backlog, backlog: true });
    return socket;
  };
  return {
    feed,
    sockets,
    asked,
    states,
    outcomes,
    errors,
    last,
    subscribe,
    setSince: (value: number) => (since = value),
  };
}

const wireLanded = {
  WriteId: 'w-1',
  RequestId: 'r-1',
  InstanceId: 'inst-1',
  InitialContactId: 'leg-1',
  ContactId: 'leg-2',
  Keys: ['A'],
  State: 'landed',
  Status: 200,
  At: T0 - 5,
};
const wireRefused = {
  WriteId: 'w-2',
  State: 'refused',
  Status: 403,
  ErrorType: 'AccessDeniedException',
  Message: 'not yours',
  At: T0 - 4,
};

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

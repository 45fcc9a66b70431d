/** The relay client's outcome feed on a fake WebSocket (the test opens, answers and drops it) and a token function. */
import assert from 'node:assert/strict';
import type { OutcomeFeedListener, OutcomeFeedState, WriteOutcomeReport } from '../../src/outbox/options.ts';
import { RelayClient, type RelayTokenOptions } from '../../src/relay-client.ts';

export const T0 = Date.UTC(2026, 11, 7, 9);
export const TIMEOUT_MS = 1_000;

/** A JWT whose payload says `exp` (seconds); the feed reads it for timing only. */
export function jwt(name: string, expMs: number): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'agent-1', exp: expMs / 1000, name })}.sig`;
}

type Listener = (event: { data: unknown }) => void;

/** A WebSocket the test drives: `open()`, `receive()`, `drop()`; records what was sent. */
export class FakeSocket {
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
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

export function rig(token: (options?: RelayTokenOptions) => string) {
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

export const wireLanded = {
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
export const wireRefused = {
  WriteId: 'w-2',
  State: 'refused',
  Status: 403,
  ErrorType: 'AccessDeniedException',
  Message: 'not yours',
  At: T0 - 4,
};

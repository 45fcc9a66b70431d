/**
 * The outcome feed of a queued relay: one WebSocket to the relay's socket URL (an API Gateway WebSocket API, or the
 * self-hosted relay's `/contact/attributes/outcomes/socket`) over which the relay pushes the outcomes of the agent's
 * accepted writes as its worker records them, so the outbox need not poll for them.
 *
 * The protocol (JSON text frames): once open, `{action: 'subscribe', token, since}` (the token in the first message,
 * never in the URL, which servers log); the relay answers `{type: 'subscribed', expiresAt}` then the backlog
 * `{type: 'outcomes', outcomes, backlog: true}` (the agent's outcomes since `since`), then pushes `{type: 'outcomes',
 * outcomes}`; a refused token gets `{type: 'error', status: 401}`. The feed
 * - subscribes again a minute before the subscription ends (the token's `exp`, read from the JWT for timing only),
 *   with a newer token from the token function (asked with `{forceRefresh: true}` when it gives the same one); the
 *   time left is the relay's `expiresAt - now` when its `subscribed` says its `now`: the browser's clock may differ;
 * - on a 401, asks the token function with `{forceRefresh: true}` once, as the relay client does for HTTP; a token
 *   refused even so is not sent again, however often the socket is opened, until the function gives another;
 * - takes any error answering a subscribe (the first or a renewal) for a loss: the relay did not register it;
 * - pings every 5 minutes: API Gateway closes a WebSocket idle for 10 minutes, and any after 2 hours
 *   (https://docs.aws.amazon.com/apigateway/latest/developerguide/limits.html); a closed one is opened again;
 * - gives every question (open and subscribe, renewal, ping) the client's time limit: unanswered (the backlog
 *   answers a subscribe, a pong a ping; a pushed outcome answers neither), the socket is taken for lost, closed, and
 *   opened again after a capped backoff with jitter.
 * It tells its listener `subscribed` only once the backlog arrived: nothing was missed then. The token is never
 * logged nor put in an error.
 */
import { AttributesError, classifyFailure, relayReadableKinds } from './errors.ts';
import type { OutcomeFeedHandle, OutcomeFeedListener, OutcomeFeedState } from './outbox/options.ts';
import { backoffDelay, type BackoffOptions } from './outbox/pacing.ts';
import { expiryOf, feedMessageOf } from './relay-wire.ts';

/** The part of a WebSocket the feed uses: the browser's (and Node 22's global) fits. */
export interface FeedSocket {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}

export type FeedSocketConstructor = new (url: string) => FeedSocket;

export interface RelayFeedOptions {
  /** The socket URL, checked (wss:, or ws: to a loopback host). */
  url: string;
  WebSocket: FeedSocketConstructor;
  /** The agent's token; rejects with an AttributesError when there is none. */
  readToken(options?: { forceRefresh: boolean }): Promise<string>;
  /** How long an open, a subscribe or a ping may wait for its answer (ms). */
  timeoutMs: number;
  listener: OutcomeFeedListener;
}

/** WebSocket.OPEN. */
const OPEN = 1;
export const PING_INTERVAL_MS = 5 * 60_000;
/** A subscription is renewed this long before it ends. */
export const RENEW_BEFORE_MS = 60_000;
/** ...but never sooner than this after the last one (a token function that cannot renew would make a loop). */
const MIN_RENEW_MS = 10_000;
/** Reopening after a loss: from about a second, doubling, up to a minute. */
export const FEED_BACKOFF: Readonly<BackoffOptions> = { baseMs: 1_000, capMs: 60_000, jitter: 'equal' };
/**
 * The longest delay setTimeout takes: a longer one fires at once (browsers and Node store it in 32 bits:
 * https://developer.mozilla.org/docs/Web/API/Window/setTimeout#maximum_delay_value), so longer waits are chained.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

type Timer = 'answer' | 'ping' | 'renew' | 'lapse' | 'reopen';

export class RelayFeed implements OutcomeFeedHandle {
  readonly #options: RelayFeedOptions;
  #socket: FeedSocket | undefined;
  #state: OutcomeFeedState | undefined;
  #closed = false;
  /** Losses in a row since the last subscription. */
  #losses = 0;
  /** The token the last subscribe carried, and whether it was asked with forceRefresh (held in memory only). */
  #sent: { token: string; forced: boolean } | undefined;
  /** A token the relay refused even after a forced refresh: never sent again (kept across reopens, in memory only). */
  #refused: string | undefined;
  /** When the current subscription ends (ms since the epoch, as its token's `exp`). */
  #expiresAt: number | undefined;
  /** Questions sent and not answered yet: the answer deadline stands while any is. */
  readonly #asked = new Set<'subscribe' | 'ping'>();
  readonly #timers = new Map<Timer, ReturnType<typeof setTimeout>>();

  constructor(options: RelayFeedOptions) {
    this.#options = options;
    this.#open();
  }

  renew(): void {
    if (this.#closed || this.#socket?.readyState !== OPEN) return;
    this.#tell('connecting');
    void this.#subscribe('first');
  }

  close(): void {
    this.#closed = true;
    this.#drop();
  }

  #open(): void {
    if (this.#closed) return;
    const refused = this.#refused;
    if (refused !== undefined) {
      // Opening would only send the refused token again: wait (down) until the function gives another.
      this.#options.readToken().then(
        (token) => {
          if (token === refused) {
            this.#lost();
            return;
          }
          this.#refused = undefined;
          this.#open();
        },
        // readToken rejects with an AttributesError (src/relay-client.ts).
        (error: unknown) => {
          this.#lost(error as Error);
        },
      );
      return;
    }
    this.#tell('connecting');
    let socket: FeedSocket;
    try {
      socket = new this.#options.WebSocket(this.#options.url);
    } catch (error) {
      this.#lost(new AttributesError('network', "The relay's outcome feed could not be opened.", { cause: error }));
      return;
    }
    this.#socket = socket;
    this.#expect();
    const current = (): boolean => this.#socket === socket && !this.#closed;
    socket.addEventListener('open', () => {
      if (!current()) return;
      void this.#subscribe('first');
      this.#pingLater();
    });
    socket.addEventListener('message', (event) => {
      if (current()) this.#receive(event.data);
    });
    socket.addEventListener('error', () => {
      if (current()) this.#lost();
    });
    socket.addEventListener('close', () => {
      if (current()) this.#lost();
    });
  }

  /**
   * Sends a subscribe with the listener's `since` and a token from the function: a fresh one after a refusal
   * (`forced`), one that lasts longer than the subscription for a `renewal`.
   */
  async #subscribe(mode: 'first' | 'renewal' | 'forced'): Promise<void> {
    const forced = mode === 'forced';
    const socket = this.#socket;
    this.#expect();
    let token: string;
    try {
      token = await this.#options.readToken(forced ? { forceRefresh: true } : undefined);
      // A renewal wants a token that lasts longer than the subscription it renews.
      const expiresAt = this.#expiresAt;
      if (mode === 'renewal' && expiresAt !== undefined && (expiryOf(token) ?? Infinity) <= expiresAt)
        token = await this.#options.readToken({ forceRefresh: true });
    } catch (error) {
      // readToken rejects with an AttributesError (src/relay-client.ts).
      if (this.#socket === socket) this.#lost(error as Error);
      return;
    }
    if (this.#socket !== socket || this.#closed || socket?.readyState !== OPEN) return;
    // The same token would be refused the same way: the first refusal stands.
    if (forced && token === this.#sent?.token) {
      this.#refused = token;
      this.#lost(classifyFailure({ status: 401 }, relayReadableKinds));
      return;
    }
    this.#sent = { token, forced };
    this.#asked.add('subscribe');
    socket.send(JSON.stringify({ action: 'subscribe', token, since: Math.floor(this.#options.listener.since()) }));
  }

  #receive(data: unknown): void {
    const { listener } = this.#options;
    let message;
    try {
      message = feedMessageOf(data);
    } catch (error) {
      listener.error(error as Error);
      return;
    }
    if (message.type === 'subscribed') {
      const expiresAt = Math.min(message.expiresAt, expiryOf(this.#sent?.token) ?? Infinity);
      this.#expiresAt = expiresAt;
      // Time left by the relay's clock when it says it (its `now`), else by the browser's.
      this.#renewLater(expiresAt - (message.now ?? Date.now()));
    } else if (message.type === 'outcomes') {
      if (message.backlog) this.#answered('subscribe');
      if (message.outcomes.length > 0) listener.outcomes(message.outcomes);
      if (message.backlog && this.#state !== 'subscribed') {
        this.#losses = 0;
        this.#tell('subscribed');
      }
    } else if (message.type === 'pong') {
      this.#answered('ping');
    } else {
      const subscribing = this.#asked.has('subscribe');
      this.#asked.clear();
      this.#settle('answer');
      const sent = this.#sent;
      if (message.status === 401 && sent && !sent.forced) {
        // The token expired or was revoked: one more subscribe with a fresh one.
        void this.#subscribe('forced');
        return;
      }
      if (message.status === 401 && sent) this.#refused = sent.token;
      const error = classifyFailure({ status: message.status ?? 500, message: message.message }, relayReadableKinds);
      // A subscribe (a renewal too) refused is not registered: the relay pushes nothing, whatever it said before.
      if (message.status === 401 || subscribing || this.#state !== 'subscribed') this.#lost(error);
      else listener.error(error);
    }
  }

  /** `question` is answered: the answer deadline goes once none is left. */
  #answered(question: 'subscribe' | 'ping'): void {
    this.#asked.delete(question);
    if (this.#asked.size === 0) this.#settle('answer');
  }

  /** Arms the answer deadline (an armed one stands): unanswered by then, the socket is lost. */
  #expect(): void {
    if (this.#timers.has('answer')) return;
    this.#later('answer', this.#options.timeoutMs, () => this.#lost());
  }

  #pingLater(): void {
    this.#later('ping', PING_INTERVAL_MS, () => {
      this.#expect();
      this.#asked.add('ping');
      if (this.#socket?.readyState === OPEN) this.#socket.send(JSON.stringify({ action: 'ping' }));
      this.#pingLater();
    });
  }

  /** Renews before the subscription ends, `left` ms from now; one not renewed by then is lost (the relay stops pushing). */
  #renewLater(left: number): void {
    this.#later('renew', Math.max(MIN_RENEW_MS, left - RENEW_BEFORE_MS), () => void this.#subscribe('renewal'));
    this.#later('lapse', Math.max(0, left), () => this.#lost());
  }

  /** The socket is gone or useless: close it, tell `down` (and `error` if any), open again after the backoff. */
  #lost(error?: Error): void {
    if (this.#closed) return;
    this.#drop();
    this.#tell('down');
    if (error) this.#options.listener.error(error);
    this.#losses++;
    this.#later('reopen', backoffDelay(this.#losses, FEED_BACKOFF, Math.random), () => this.#open());
  }

  /** Closes the socket and stops every timer. */
  #drop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.#asked.clear();
    const socket = this.#socket;
    this.#socket = undefined;
    this.#sent = undefined;
    this.#expiresAt = undefined;
    try {
      socket?.close();
    } catch {
      // Closing a socket that never opened may throw in some runtimes; it is gone either way.
    }
  }

  /** Runs `run` in `ms`, replacing the timer of that name; past MAX_TIMER_MS, timers are chained to the time due. */
  #later(name: Timer, ms: number, run: () => void): void {
    clearTimeout(this.#timers.get(name));
    const due = Date.now() + ms;
    const wait = Math.min(ms, MAX_TIMER_MS);
    this.#timers.set(
      name,
      setTimeout(() => {
        this.#timers.delete(name);
        const left = due - Date.now();
        if (ms > wait && left > 0) this.#later(name, left, run);
        else run();
      }, wait),
    );
  }

  #settle(name: 'answer'): void {
    clearTimeout(this.#timers.get(name));
    this.#timers.delete(name);
  }

  #tell(state: OutcomeFeedState): void {
    if (this.#state === state || this.#closed) return;
    this.#state = state;
    this.#options.listener.state(state);
  }
}

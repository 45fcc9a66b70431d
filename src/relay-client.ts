/**
 * The relay client: writes through an owner-checking relay (`ccp-attributes/relay`) with `fetch` and the agent's
 * sign-in token, instead of calling Amazon Connect with AWS credentials. The browser then needs neither the AWS SDK
 * nor Cognito Identity, and the relay writes only the contacts the agent is handling.
 *
 * The request is the relay's (src/relay/core.ts documents it): restJson1 `POST <url>/contact/attributes` with the
 * body of UpdateContactAttributes plus `ContactId`, the leg the agent is on, and `Authorization: Bearer <token>`.
 * Errors come back in Connect's shape (status, `x-amzn-errortype`, `message`) and are classified like Connect's.
 * A relay in queued mode answers 202 `{State: 'ACCEPTED', WriteId, RequestId}`: the write is durable there, and its
 * outcome is read later from `GET <url>/contact/attributes/outcomes?since=<ms>` (`outcomes()`), or pushed over the
 * relay's WebSocket when `socketUrl` is given (`outcomeFeed()`, src/relay-feed.ts).
 * This module imports nothing from the AWS SDK or from the relay itself, so it stays a few KB (gzip).
 */
import { checkTimeout, DEFAULT_TIMEOUT_MS, orAbort, withTimeout } from './deadline.ts';
import { AttributesError, classifyFailure, relayReadableKinds, validationError } from './errors.ts';
import { RelayFeed, type FeedSocketConstructor } from './relay-feed.ts';
import { acceptedOf, LANDED, outcomesOf, readJson } from './relay-wire.ts';
import { secureEndpoint, secureSocketEndpoint } from './secure-url.ts';
import { checkUpdate, type Attributes } from './validate.ts';
import type { OutcomeFeedHandle, OutcomeFeedListener, WriteOutcomeReport } from './outbox/options.ts';
import type { AttributeWriter, ContactRef, WriteOptions, WriteReceipt } from './writer.ts';

/**
 * The agent's JWT, or a function returning (a promise of) a fresh one. The function is asked before every request,
 * and once more with `{forceRefresh: true}` when the relay refused the token it gave (401: expired or not valid), as
 * Amplify's `fetchAuthSession({forceRefresh: true})` takes it.
 */
export type RelayToken = string | ((options?: RelayTokenOptions) => string | Promise<string>);

/** What the token function is asked with after a refusal. */
export interface RelayTokenOptions {
  /** True when the relay refused the previous token: return a new one, not a cached one. */
  forceRefresh: boolean;
}

export interface RelayClientOptions {
  /** The relay's base URL: the deployed stack's `RelayUrl`, or a self-hosted relay's address. */
  url: string;
  /**
   * The agent's id or access token, or a function returning a fresh one: asked for every request, and again (with
   * `{forceRefresh: true}`) when the relay answers 401, which then gets one more request with the new token.
   */
  token: RelayToken;
  /** The transport (default: the global `fetch`), for tests and special networks. */
  fetch?: typeof fetch;
  /**
   * A queued relay's WebSocket URL (the stack's `SocketUrl`, or a self-hosted relay's
   * `ws(s)://host/contact/attributes/outcomes/socket`): `wss:`, or `ws:` to a loopback address. Given, outcomes are
   * pushed over it (`outcomeFeed()`) instead of polled.
   */
  socketUrl?: string | undefined;
  /** The WebSocket constructor behind `outcomeFeed()` (default: the global `WebSocket`), for tests and Node. */
  WebSocket?: FeedSocketConstructor;
  /**
   * The longest one call may take, getting the token included (ms, default 15,000); past it the call rejects with
   * a retryable `network` AttributesError.
   */
  timeoutMs?: number;
}

export interface RelayRequestOptions {
  /** Aborts the request; the promise then rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
  /** What is known to be stored, so the 32,768-byte budget is checked on the merged result. */
  stored?: Readonly<Attributes> | undefined;
  /**
   * Names the request's content (1 to 128 of `A-Z a-z 0-9 _ . : -`; the outbox makes one per request): a queued
   * relay drops a retry with the same one, and reports the outcome under it.
   */
  writeId?: string | undefined;
}

/** The relay's write route. */
export const RELAY_PATH = '/contact/attributes';

/** The route a queued relay reports the outcomes of the caller's accepted writes on. */
export const RELAY_OUTCOMES_PATH = '/contact/attributes/outcomes';

/** What the relay checks a WriteId against. */
const WRITE_ID = /^[A-Za-z0-9_.:-]{1,128}$/;

/** As the relay checks ContactId (src/relay/core.ts); UpdateContactAttributes' InitialContactId has the same limit. */
const MAX_CONTACT_ID_LENGTH = 256;

/** Writes contact attributes through the relay. As an AttributeWriter it writes directly, without the outbox. */
export class RelayClient implements AttributeWriter {
  readonly url: string;
  readonly #endpoint: string;
  readonly #outcomesEndpoint: string;
  readonly #base: string;
  readonly #token: RelayToken;
  readonly #fetch: typeof fetch | undefined;
  readonly #timeoutMs: number;
  readonly #socketUrl: string | undefined;
  readonly #WebSocket: FeedSocketConstructor | undefined;

  constructor(options: RelayClientOptions) {
    const given = options as Partial<RelayClientOptions> | undefined; // JavaScript callers can pass anything
    if (typeof given?.url !== 'string' || given.url === '') {
      throw new TypeError("RelayClient: the `url` option is required (the relay's base URL).");
    }
    const parsed = secureEndpoint('RelayClient', 'url', options.url);
    if (typeof options.token !== 'function' && (typeof options.token !== 'string' || options.token === '')) {
      throw new TypeError(
        "RelayClient: the `token` option is required (the agent's sign-in token, or a function returning it).",
      );
    }
    checkTimeout('RelayClient', 'timeoutMs', options.timeoutMs);
    if (options.socketUrl !== undefined) secureSocketEndpoint('RelayClient', 'socketUrl', options.socketUrl);
    this.#socketUrl = options.socketUrl;
    this.#WebSocket = options.WebSocket;
    this.url = options.url;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    this.#base = base;
    this.#endpoint = `${base}${RELAY_PATH}`;
    this.#outcomesEndpoint = `${base}${RELAY_OUTCOMES_PATH}`;
    this.#token = options.token;
    this.#fetch = options.fetch;
  }

  /**
   * Merges `attributes` into the contact's stored attributes, through the relay. Validates first: a bad input
   * never leaves the page. Resolves with `landed` (200) or, from a relay in queued mode, `accepted` (202).
   */
  async update(
    contact: ContactRef,
    attributes: Readonly<Attributes>,
    options: RelayRequestOptions = {},
  ): Promise<WriteReceipt> {
    const { instanceId, initialContactId, contactId } = contact;
    const problems = checkUpdate({ instanceId, initialContactId, attributes, stored: options.stored });
    if (problems.length > 0) throw validationError(problems);
    if (typeof contactId !== 'string' || contactId === '' || contactId.length > MAX_CONTACT_ID_LENGTH) {
      throw new AttributesError('validation', 'The id of the contact leg is missing or longer than 256 characters.');
    }
    const { writeId } = options;
    if (writeId !== undefined && (typeof writeId !== 'string' || !WRITE_ID.test(writeId)))
      throw new TypeError('RelayClient: `writeId` must be 1 to 128 of the characters A-Z a-z 0-9 _ . : -');
    options.signal?.throwIfAborted();
    const body = JSON.stringify({
      InstanceId: instanceId,
      InitialContactId: initialContactId,
      ContactId: contactId,
      Attributes: attributes,
      ...(writeId === undefined ? {} : { WriteId: writeId }),
    });
    return this.#call(options.signal, async (signal) => {
      const response = await this.#send('POST', this.#endpoint, body, signal);
      if (response.status === 202) return acceptedOf(response, writeId, signal);
      await response.body?.cancel().catch(() => undefined);
      return LANDED;
    });
  }

  /**
   * The outcomes of the caller's writes a queued relay accepted and settled since `sinceMs` (the relay's clock, ms
   * since the epoch), oldest first; only the caller's own (the relay reads the token's subject). The outbox polls it
   * while accepted writes await their outcome (`OutboxOptions.outcomes`).
   */
  async outcomes(sinceMs: number, options: { signal?: AbortSignal | undefined } = {}): Promise<WriteOutcomeReport[]> {
    if (!Number.isFinite(sinceMs) || sinceMs < 0)
      throw new TypeError('RelayClient.outcomes: `sinceMs` must be a time in ms since the epoch.');
    options.signal?.throwIfAborted();
    const url = `${this.#outcomesEndpoint}?since=${Math.floor(sinceMs)}`;
    return this.#call(options.signal, async (signal) => {
      const response = await this.#send('GET', url, undefined, signal);
      return outcomesOf(await readJson(response, signal));
    });
  }

  /**
   * Opens the push feed of the caller's outcomes over `socketUrl` (see src/relay-feed.ts: it subscribes with the
   * token, renews before the token expires, pings, and reopens after a loss) and tells `listener` until closed. The
   * outbox holds one while it is the flusher (`OutboxOptions.outcomeFeed`).
   */
  outcomeFeed(listener: OutcomeFeedListener): OutcomeFeedHandle {
    const url = this.#socketUrl;
    if (url === undefined) throw new TypeError('RelayClient.outcomeFeed: the `socketUrl` option is not set.');
    const WebSocket = this.#WebSocket ?? (globalThis as { WebSocket?: FeedSocketConstructor }).WebSocket;
    if (!WebSocket)
      throw new TypeError('RelayClient.outcomeFeed: there is no WebSocket here: give the `WebSocket` option.');
    const readToken = (options?: RelayTokenOptions): Promise<string> => this.#readToken(options);
    return new RelayFeed({ url, WebSocket, readToken, timeoutMs: this.#timeoutMs, listener });
  }

  /**
   * One JSON request to another route of the relay (its reads of recent contacts, src/relay/history-routes.ts, and the
   * reviewers' routes), with the token and the time limit of every request; resolves with the parsed answer, rejects
   * with an AttributesError as writes do.
   */
  async request(path: string, payload: Readonly<Record<string, unknown>>, signal?: AbortSignal): Promise<unknown> {
    signal?.throwIfAborted();
    return this.#call(signal, async (limited) =>
      readJson(await this.#send('POST', `${this.#base}${path}`, JSON.stringify(payload), limited), limited),
    );
  }

  /** Runs `work` within the client's time limit; past it, a retryable `network` AttributesError. */
  async #call<T>(outer: AbortSignal | undefined, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = withTimeout(outer, this.#timeoutMs);
    try {
      return await work(signal);
    } catch (error) {
      if (outer?.aborted) throw outer.reason;
      // Past the time limit (the reason is a TimeoutError): a retryable network failure, whatever it interrupted.
      if (signal.aborted) throw classifyFailure({ cause: signal.reason });
      throw error;
    }
  }

  /**
   * Gets the token and sends the request, all ending when `signal` aborts; resolves with a successful response. A
   * 401 (the relay's "sign in again", or a gateway authorizer's bare 401) refused the token, not the request: an
   * expired token gets one more request with a fresh one, within the same deadline. A 403 is the relay's decision on
   * the request and is never sent again. (JSON.stringify wrote every own key of the body, an own `__proto__` too.)
   */
  async #send(method: 'POST' | 'GET', url: string, body: string | undefined, signal: AbortSignal): Promise<Response> {
    const token = await orAbort(this.#readToken(), signal);
    let response = await this.#fetchWith(method, url, body, token, signal);
    if (response.status === 401 && typeof this.#token === 'function') {
      const fresh = await orAbort(this.#readToken({ forceRefresh: true }), signal);
      // The same token would be refused the same way: the first refusal stands.
      if (fresh !== token) {
        await response.body?.cancel().catch(() => undefined);
        response = await this.#fetchWith(method, url, body, fresh, signal);
      }
    }
    if (response.ok) return response;
    throw await failureOf(response, signal);
  }

  /** One request to the relay; no answer at all is a retryable network failure (or the signal's reason). */
  async #fetchWith(
    method: 'POST' | 'GET',
    url: string,
    body: string | undefined,
    token: string,
    signal: AbortSignal,
  ): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    try {
      return await (this.#fetch ?? fetch)(url, { method, headers, ...(body === undefined ? {} : { body }), signal });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      throw classifyFailure({ cause: error });
    }
  }

  /** AttributeWriter: one request to the relay. */
  async write(
    contact: ContactRef,
    attributes: Readonly<Attributes>,
    options: WriteOptions = {},
  ): Promise<WriteReceipt> {
    options.onProgress?.({ state: 'sending' });
    return this.update(contact, attributes, { signal: options.signal, stored: options.stored });
  }

  /** The token, from the string or the function; a token that cannot be had is an `auth` error, never a request. */
  async #readToken(options?: RelayTokenOptions): Promise<string> {
    let token: unknown;
    try {
      token = typeof this.#token === 'function' ? await this.#token(options) : this.#token;
    } catch (error) {
      const reason = error instanceof Error && error.message ? `: ${error.message}` : '.';
      throw new AttributesError('auth', `Your sign-in token could not be read${reason}`, { cause: error });
    }
    if (typeof token !== 'string' || token === '')
      throw new AttributesError('auth', 'You are not signed in: there is no sign-in token. Sign in again.');
    return token;
  }
}

/** The relay's (or a gateway's) error answer as an AttributesError, by `x-amzn-errortype`, else the body's type, else the status. */
async function failureOf(response: Response, signal: AbortSignal | undefined): Promise<AttributesError> {
  let body: unknown;
  try {
    body = JSON.parse(await response.text());
  } catch {
    if (signal?.aborted) throw signal.reason;
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value !== '' ? value : undefined);
  // restJson1: the header may carry a namespace or a URI after the name (`Name:http://...`); `__type` may be `ns#Name`.
  const type =
    text(response.headers.get('x-amzn-errortype'))?.split(':')[0] ?? text(record['__type'])?.split('#').pop();
  // Only an answer that names its error type is the relay's own: a gateway's bare 401 "Unauthorized" gets the kind's sentence.
  return classifyFailure(
    { type, status: response.status, message: text(record['message']) ?? text(record['Message']) },
    type ? relayReadableKinds : [],
  );
}

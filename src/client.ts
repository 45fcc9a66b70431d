/**
 * The thin signed client: the one place that talks to Amazon Connect. SigV4, endpoints and
 * retries are @aws-sdk/client-connect's; this file adds validation before any request, one
 * typed error for every failure, and a lazy load of the SDK.
 */
import { checkTimeout, DEFAULT_TIMEOUT_MS, orAbort, withTimeout } from './deadline.ts';
import { toAttributesError } from './errors.ts';
import { searchCriteria, toSummaries } from './history/summary.ts';
import type { ContactPage, ContactSearch } from './history/types.ts';
import type { RequestHandler } from './request-handler.ts';
import { loadSdkModule, type Sdk } from './sdk-loader.ts';
import { secureEndpoint } from './secure-url.ts';
import { assertValidUpdate, type Attributes } from './validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions } from './writer.ts';

import type { Credentials, CredentialsProvider } from './credentials.ts';

export type { Credentials, CredentialsProvider };

export { cognitoCredentials, type CognitoCredentialsOptions } from './cognito-credentials.ts';
export { loadSdk } from './load-sdk.ts';
export type { HttpHandlerOptionsLike, HttpRequestLike, HttpResponseLike, RequestHandler } from './request-handler.ts';

export interface AttributesClientOptions {
  /** AWS region of the Amazon Connect instance, e.g. `us-east-1`. */
  region: string;
  /** Static credentials or a provider such as `cognitoCredentials(...)`. */
  credentials: Credentials | CredentialsProvider;
  /** Another endpoint than `https://connect.<region>.amazonaws.com`: a local stand-in, or a proxy of your own. */
  endpoint?: string;
  /** Attempts per request, first one included, with the SDK's backoff (default 3; the outbox passes 1 and retries itself). */
  maxAttempts?: number;
  /** The HTTP transport (default: the SDK's fetch handler). */
  requestHandler?: RequestHandler;
  /** The clock requests are signed with (default: the system clock). */
  now?: () => Date;
  /**
   * The longest one call may take, getting credentials included, and the longest one call of a credential provider
   * may take (ms, default 15,000). A call past it rejects with a retryable `network` AttributesError; a provider call
   * past it is given up, so the next request asks the provider again instead of waiting on the same call.
   */
  timeoutMs?: number;
}

export interface RequestOptions {
  /** Aborts the request; the promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface UpdateOptions extends RequestOptions {
  /** What is known to be stored, so the 32,768-byte budget is checked on the merged result. */
  stored?: Readonly<Attributes>;
}

type Connect = InstanceType<Sdk['ConnectClient']>;

/**
 * Reads and writes contact attributes with UpdateContactAttributes and GetContactAttributes.
 * As an AttributeWriter it writes directly, without the outbox's coalescing and durability.
 */
export class AttributesClient implements AttributeWriter {
  readonly region: string;
  readonly endpoint: string | undefined;
  readonly #options: AttributesClientOptions;
  readonly #timeoutMs: number;
  #connect: Promise<Connect> | undefined;

  constructor(options: AttributesClientOptions) {
    // JavaScript callers can pass anything: the required options are checked through a type that admits their absence.
    const given = options as Partial<AttributesClientOptions> | undefined;
    if (typeof given?.region !== 'string' || given.region === '') {
      throw new TypeError('AttributesClient: the `region` option is required (e.g. "us-east-1").');
    }
    if (!given.credentials || (typeof given.credentials !== 'function' && typeof given.credentials !== 'object')) {
      throw new TypeError(
        'AttributesClient: the `credentials` option is required (credentials or a credential provider).',
      );
    }
    if (options.endpoint !== undefined) secureEndpoint('AttributesClient', 'endpoint', options.endpoint);
    if (options.maxAttempts !== undefined && !(Number.isInteger(options.maxAttempts) && options.maxAttempts >= 1)) {
      throw new TypeError('AttributesClient: the `maxAttempts` option must be a whole number of at least 1.');
    }
    checkTimeout('AttributesClient', 'timeoutMs', options.timeoutMs);
    this.region = options.region;
    this.endpoint = options.endpoint;
    this.#options = options;
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Merges `attributes` into the contact's stored attributes. Validates first: a bad input never leaves the page. */
  async update(
    instanceId: string,
    initialContactId: string,
    attributes: Readonly<Attributes>,
    options: UpdateOptions = {},
  ): Promise<void> {
    assertValidUpdate({ instanceId, initialContactId, attributes, stored: options.stored });
    options.signal?.throwIfAborted();
    await this.#send(async (connect, sdk, signal) => {
      const command = new sdk.UpdateContactAttributesCommand({
        InstanceId: instanceId,
        InitialContactId: initialContactId,
        // A copy by spread keeps an own `__proto__` key; the SDK writes every own key of the map (for...in with
        // hasOwn in @smithy/core/dist-es/submodules/protocols/json/codec-v2/JsonShapeSerializer2.js, writeMap).
        Attributes: { ...attributes },
      });
      await connect.send(command, { abortSignal: signal });
    }, options.signal);
  }

  /** AttributeWriter: one direct UpdateContactAttributes call. */
  async write(contact: ContactRef, attributes: Readonly<Attributes>, options: WriteOptions = {}): Promise<void> {
    options.onProgress?.({ state: 'sending' });
    await this.update(contact.instanceId, contact.initialContactId, attributes, {
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.stored ? { stored: options.stored } : {}),
    });
  }

  /** The contact's stored attributes. */
  async get(instanceId: string, initialContactId: string, options: RequestOptions = {}): Promise<Attributes> {
    assertValidUpdate({ instanceId, initialContactId, attributes: {} });
    options.signal?.throwIfAborted();
    const output = await this.#send(
      (connect, sdk, signal) =>
        connect.send(
          new sdk.GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: initialContactId }),
          { abortSignal: signal },
        ),
      options.signal,
    );
    return { ...(output.Attributes ?? {}) };
  }

  /**
   * One page of SearchContacts: the agent's recent contacts, or a reviewer's search. Needs `connect:SearchContacts`
   * (and `connect:GetContactAttributes` when searching attributes). Loads the search commands on first use.
   */
  async searchContacts(instanceId: string, search: ContactSearch, options: RequestOptions = {}): Promise<ContactPage> {
    assertValidUpdate({ instanceId, initialContactId: 'search', attributes: {} });
    const output = await this.#send(async (connect, _sdk, signal) => {
      const { SearchContactsCommand } = await import('./sdk-search.ts');
      const { timeRange, sort, maxResults, nextToken } = search;
      const command = new SearchContactsCommand({
        InstanceId: instanceId,
        TimeRange: { Type: timeRange.type, StartTime: timeRange.start, EndTime: timeRange.end },
        SearchCriteria: searchCriteria(search),
        MaxResults: maxResults ?? 25,
        ...(nextToken ? { NextToken: nextToken } : {}),
        ...(sort ? { Sort: { FieldName: sort.field, Order: sort.order } } : {}),
      });
      return connect.send(command, { abortSignal: signal });
    }, options.signal);
    return { contacts: toSummaries(output.Contacts), nextToken: output.NextToken };
  }

  /** A queue's name (DescribeQueue; needs `connect:DescribeQueue`). */
  async queueName(instanceId: string, queueId: string, options: RequestOptions = {}): Promise<string | undefined> {
    const output = await this.#send(async (connect, _sdk, signal) => {
      const { DescribeQueueCommand } = await import('./sdk-search.ts');
      return connect.send(new DescribeQueueCommand({ InstanceId: instanceId, QueueId: queueId }), {
        abortSignal: signal,
      });
    }, options.signal);
    return output.Queue?.Name;
  }

  /**
   * Loads the SDK and the client, then sends, within `timeoutMs`; every failure, loading included, becomes an
   * AttributesError. The SDK passes the abort signal to the request only: waiting for credentials ends on it here.
   */
  async #send<T>(
    send: (connect: Connect, sdk: Sdk, signal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
  ): Promise<T> {
    const call = withTimeout(signal, this.#timeoutMs);
    try {
      const sending = Promise.all([this.#client(), loadSdkModule()]).then(([connect, sdk]) => {
        const { now } = this.#options;
        if (now) connect.config.systemClockOffset = now().getTime() - Date.now();
        return send(connect, sdk, call);
      });
      return await orAbort(sending, call);
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // Past the time limit: the reason is a TimeoutError, classified as a retryable network failure.
      throw toAttributesError(call.aborted ? call.reason : error);
    }
  }

  #client(): Promise<Connect> {
    this.#connect ??= loadSdkModule().then(
      ({ ConnectClient }) => {
        const { region, credentials, endpoint, maxAttempts, requestHandler } = this.#options;
        const timeoutMs = this.#timeoutMs;
        return new ConnectClient({
          region,
          // The SDK shares one provider call under way among every request that needs credentials
          // (@smithy/core/dist-es/legacy-root-exports/util-identity-and-auth/memoizeIdentityProvider.js,
          // coalesceProvider): a call that never ends would hold every later request. A bounded call rejects, and
          // the next request calls the provider again.
          credentials:
            typeof credentials === 'function'
              ? () => orAbort(credentials(), AbortSignal.timeout(timeoutMs))
              : credentials,
          ...(endpoint === undefined ? {} : { endpoint }),
          ...(maxAttempts === undefined ? {} : { maxAttempts }),
          ...(requestHandler === undefined ? {} : { requestHandler }),
        });
      },
      (error: unknown) => {
        this.#connect = undefined;
        throw error;
      },
    );
    return this.#connect;
  }
}

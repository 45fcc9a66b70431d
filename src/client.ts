/**
 * The thin signed client: the one place that talks to Amazon Connect. SigV4, endpoints and
 * retries are @aws-sdk/client-connect's; this file adds validation before any request, one
 * typed error for every failure, and a lazy load of the SDK.
 */
import { credentialsError } from './credentials-error.ts';
import { checkTimeout, DEFAULT_TIMEOUT_MS, orAbort, withTimeout } from './deadline.ts';
import { toAttributesError } from './errors.ts';
import type { RequestHandler } from './request-handler.ts';
import { secureEndpoint } from './secure-url.ts';
import { assertValidUpdate, type Attributes } from './validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions } from './writer.ts';

/** AWS credentials (structurally the SDK's AwsCredentialIdentity). */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Any AWS SDK credential provider: called when credentials are needed or about to expire. */
export type CredentialsProvider = () => Promise<Credentials>;

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

type Sdk = typeof import('./sdk.ts');
type Connect = InstanceType<Sdk['ConnectClient']>;

let sdkModule: Promise<Sdk> | undefined;

/**
 * Loads the AWS SDK half of the plugin (once per page; a failed load, e.g. a network blip while fetching
 * the chunk, is tried again on the next call). Call it early to warm the cache. What it resolves with is internal
 * (`unknown`: the SDK's own types name Node's modules, which a browser app's declarations cannot resolve).
 */
export function loadSdk(): Promise<unknown> {
  return loadSdkModule();
}

/** `loadSdk` with the module's type, for this file. */
function loadSdkModule(): Promise<Sdk> {
  sdkModule ??= import('./sdk.ts').catch((error: unknown) => {
    sdkModule = undefined;
    throw error;
  });
  return sdkModule;
}

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

/** Options of the Cognito identity pool credentials of a real deployment. */
export interface CognitoCredentialsOptions {
  /** `us-east-1:1234abcd-...` */
  identityPoolId: string;
  /** Region of the identity pool (default: the pool id's prefix). */
  region?: string;
  /**
   * The authenticated login, e.g. `{'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC': idToken}`; a value may be a
   * function returning (a promise of) a fresh token. Unauthenticated identities are deliberately not supported.
   */
  logins: Record<string, string | (() => string | Promise<string>)>;
  /** Another Cognito Identity endpoint (a local stand-in). */
  endpoint?: string;
  /** The longest one request to Cognito Identity may take before it is aborted (ms, default 15,000). */
  timeoutMs?: number;
}

/**
 * Credentials from a Cognito identity pool with an authenticated login, through the SDK's own
 * `fromCognitoIdentityPool`; loaded with the SDK on first use. Credentials are kept in memory only.
 */
export function cognitoCredentials(options: CognitoCredentialsOptions): CredentialsProvider {
  // JavaScript callers can pass anything: the required options are checked through a type that admits their absence.
  const given = options as Partial<CognitoCredentialsOptions> | undefined;
  if (typeof given?.identityPoolId !== 'string' || !given.identityPoolId.includes(':')) {
    throw new TypeError('cognitoCredentials: the `identityPoolId` option is required (e.g. "us-east-1:1234abcd-...").');
  }
  if (!given.logins || Object.keys(given.logins).length === 0) {
    throw new TypeError(
      'cognitoCredentials: the `logins` option is required: an authenticated login (provider name -> token).',
    );
  }
  if (options.endpoint !== undefined) secureEndpoint('cognitoCredentials', 'endpoint', options.endpoint);
  checkTimeout('cognitoCredentials', 'timeoutMs', options.timeoutMs);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // Options of the SDK's default transport: in a browser the fetch handler aborts each request at its own signal
  // (`requestInit`, @smithy/fetch-http-handler/dist-es/fetch-http-handler.js; its `requestTimeout` only stops
  // waiting, leaving the connection open), in Node the http handler destroys it at `requestTimeout`.
  const requestHandler = {
    requestInit: () => ({ signal: AbortSignal.timeout(timeoutMs) }),
    requestTimeout: timeoutMs,
    throwOnRequestTimeout: true,
  };
  const region = options.region ?? options.identityPoolId.slice(0, options.identityPoolId.indexOf(':'));
  let provider: Promise<CredentialsProvider> | undefined;
  return async () => {
    provider ??= loadSdkModule().then(
      ({ fromCognitoIdentityPool }) =>
        fromCognitoIdentityPool({
          identityPoolId: options.identityPoolId,
          // The SDK awaits a token function's result; its types ask for a promise, which this gives.
          logins: Object.fromEntries(
            Object.entries(options.logins).map(([name, token]) => [
              name,
              typeof token === 'function' ? async () => token() : token,
            ]),
          ),
          clientConfig: {
            region,
            requestHandler,
            ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
          },
        }),
      (error: unknown) => {
        provider = undefined;
        throw error;
      },
    );
    try {
      return await (
        await provider
      )();
    } catch (error) {
      // Cognito's failures are sign-in or configuration errors in its own words, never blamed on Amazon Connect.
      throw credentialsError(error);
    }
  };
}

/**
 * Browser credentials from a Cognito identity pool with an authenticated login, through the SDK's own
 * `fromCognitoIdentityPool` (loaded with the SDK on first use).
 */
import { credentialsError } from './credentials-error.ts';
import type { CredentialsProvider } from './credentials.ts';
import { checkTimeout, DEFAULT_TIMEOUT_MS } from './deadline.ts';
import { loadSdkModule } from './sdk-loader.ts';
import { secureEndpoint } from './secure-url.ts';

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

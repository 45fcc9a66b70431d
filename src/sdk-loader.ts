/** The lazy load of the AWS SDK half of the plugin (src/sdk.ts), shared by the signed client and the Cognito credentials. */

/** The SDK half's module. */
export type Sdk = typeof import('./sdk.ts');

let sdkModule: Promise<Sdk> | undefined;

/**
 * Loads the AWS SDK half of the plugin (once per page; a failed load, e.g. a network blip while fetching
 * the chunk, is tried again on the next call). Call it early to warm the cache. What it resolves with is internal
 * (`unknown`: the SDK's own types name Node's modules, which a browser app's declarations cannot resolve).
 */
export function loadSdk(): Promise<unknown> {
  return loadSdkModule();
}

/** `loadSdk` with the module's type, for the plugin's own modules. */
export function loadSdkModule(): Promise<Sdk> {
  sdkModule ??= import('./sdk.ts').catch((error: unknown) => {
    sdkModule = undefined;
    throw error;
  });
  return sdkModule;
}

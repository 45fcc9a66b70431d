/**
 * The lazy load of the AWS SDK half of the plugin (src/sdk.ts), shared by the signed client and the Cognito
 * credentials. Internal: its types name the SDK's, whose declarations reach Node's modules, so no public declaration
 * may import this module (the public `loadSdk` is in src/load-sdk.ts).
 */

/** The SDK half's module. */
export type Sdk = typeof import('./sdk.ts');

let sdkModule: Promise<Sdk> | undefined;

/**
 * Loads the SDK half once per page; a failed load (e.g. a network blip while fetching the chunk) is tried again on
 * the next call.
 */
export function loadSdkModule(): Promise<Sdk> {
  sdkModule ??= import('./sdk.ts').catch((error: unknown) => {
    sdkModule = undefined;
    throw error;
  });
  return sdkModule;
}

/** The public warm-up of the AWS SDK half (its declaration names no SDK type: src/sdk-loader.ts says why). */
import { loadSdkModule } from './sdk-loader.ts';

/**
 * Loads the AWS SDK half of the plugin (once per page; a failed load, e.g. a network blip while fetching
 * the chunk, is tried again on the next call). Call it early to warm the cache. What it resolves with is internal
 * (`unknown`: the SDK's own types name Node's modules, which a browser app's declarations cannot resolve).
 */
export function loadSdk(): Promise<unknown> {
  return loadSdkModule();
}

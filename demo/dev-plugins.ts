// Dev-server plugins shared by the demo server (npm start) and the browser tests.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Plugin } from '@web/dev-server-core';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
/**
 * The SDK packages bundled, and the module each bundle starts from. credential-providers' `browser`
 * field maps `./dist-es/index` without the `.js` its `module` field names, which esbuild does not
 * match, so its browser entry is named directly.
 */
const sdkEntries: Record<string, string> = {
  '@aws-sdk/client-connect': '@aws-sdk/client-connect',
  '@aws-sdk/credential-providers': '@aws-sdk/credential-providers/dist-es/index.browser.js',
};
const sdkPackages = Object.keys(sdkEntries);

/**
 * Serves each AWS SDK package as one esbuild bundle instead of ~600 modules (TOOLCHAIN.md: a test
 * run drops from ~12 s to ~5 s). Development only; the published builds go through rollup.
 */
export function bundledSdk(): Plugin {
  const cache = new Map<string, Promise<string>>();
  return {
    name: 'bundled-aws-sdk',
    resolveImport({ source }) {
      return sdkPackages.includes(source) ? `/__sdk__/${source.replace('/', '__')}.js` : undefined;
    },
    async serve(context) {
      if (!context.path.startsWith('/__sdk__/')) return undefined;
      const name = context.path.slice('/__sdk__/'.length, -'.js'.length).replace('__', '/');
      if (!sdkPackages.includes(name)) return undefined;
      let bundle = cache.get(name);
      if (!bundle) {
        bundle = build({
          stdin: { contents: `export * from '${sdkEntries[name]}';`, resolveDir: rootDir },
          bundle: true,
          format: 'esm',
          platform: 'browser',
          conditions: ['browser'],
          target: 'es2022',
          write: false,
          logLevel: 'silent',
        }).then((result) => result.outputFiles[0]?.text ?? '');
        cache.set(name, bundle);
      }
      return { body: await bundle, type: 'js' };
    },
  };
}

/**
 * Where the demo's configuration expects the Connect API stand-in: `npm start`'s default. demo/drop-in.html and
 * demo/workspace/app.html and service.html write it literally, as a real page writes its real endpoints.
 */
export const DEMO_API_URL = 'http://127.0.0.1:8787';

/** The demo files that write DEMO_API_URL literally. */
const DEMO_CONFIG_PATHS = new Set(['/demo/drop-in.html', '/demo/workspace/app.html', '/demo/workspace/service.html']);

/**
 * Tells pages where the Connect API stand-in listens: `GET /__standin` -> `{url}`; and when it listens elsewhere than
 * DEMO_API_URL (another --api-port, a free port in the tests), serves the demo's configuration files with its address.
 */
export function standInLocation(url: () => string): Plugin {
  return {
    name: 'connect-api-stand-in-location',
    serve(context) {
      if (context.path !== '/__standin') return undefined;
      return { body: JSON.stringify({ url: url() }), type: 'json' };
    },
    transform(context) {
      if (!DEMO_CONFIG_PATHS.has(context.path) || typeof context.body !== 'string') return undefined;
      const actual = url();
      return actual === DEMO_API_URL ? undefined : { body: context.body.split(DEMO_API_URL).join(actual) };
    },
  };
}

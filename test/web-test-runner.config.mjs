// Browser tests: real Chromium (Debian's), real amazon-connect-streams, real AWS SDK, and the
// Connect API stand-in started for the run. Run through `npm run test:browser` (tsx loader on).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { findChromium, chromiumArgs } from './chromium.ts';
import { startConnectApi } from '../demo/connect-api/server.ts';

const rootDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Serves each AWS SDK package as one esbuild bundle instead of ~600 modules (TOOLCHAIN.md: ~12 s -> ~5 s).
 * Only the tests use this; the published builds go through rollup.
 */
function bundledSdk() {
  const packages = ['@aws-sdk/client-connect', '@aws-sdk/credential-providers'];
  const cache = new Map();
  return {
    name: 'bundled-aws-sdk',
    resolveImport({ source }) {
      if (packages.includes(source)) return `/__sdk__/${source.replace('/', '__')}.js`;
      return undefined;
    },
    async serve(context) {
      if (!context.path.startsWith('/__sdk__/')) return undefined;
      const name = context.path.slice('/__sdk__/'.length, -'.js'.length).replace('__', '/');
      if (!cache.has(name)) {
        cache.set(
          name,
          build({
            stdin: { contents: `export * from '${name}';`, resolveDir: rootDir },
            bundle: true,
            format: 'esm',
            platform: 'browser',
            conditions: ['browser'],
            target: 'es2022',
            write: false,
            logLevel: 'silent',
          }).then((result) => result.outputFiles[0].text),
        );
      }
      return { body: await cache.get(name), type: 'js' };
    },
  };
}

/** Starts the Connect API stand-in for the run and tells pages where it is at /__standin.json. */
function connectApiStandIn() {
  let api;
  return {
    name: 'connect-api-stand-in',
    async serverStart() {
      api = await startConnectApi({ port: 0 });
    },
    async serverStop() {
      await api?.close();
    },
    serve(context) {
      if (context.path !== '/__standin.json') return undefined;
      return { body: JSON.stringify({ url: api.url }), type: 'json' };
    },
  };
}

const executablePath = findChromium();

export default {
  rootDir,
  files: ['test/**/*.test.ts', '!test/node/**'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 600000,
  browsers: [chromeLauncher({ launchOptions: { executablePath, headless: true, args: chromiumArgs } })],
  plugins: [
    bundledSdk(),
    connectApiStandIn(),
    esbuildPlugin({ ts: true, json: true, tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)), target: 'es2022' }),
  ],
};

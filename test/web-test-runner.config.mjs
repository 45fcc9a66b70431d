// Browser tests: real Chromium (Debian's), real amazon-connect-streams, real AWS SDK, and the
// Connect API stand-in started for the run with the owner-checking relay in front of it (relay mode's tests), and
// queued mode beside it (demo/queued.ts: fauxqs, the relay in queued mode with its outcome socket, the worker), started
// at the first `GET /__queued` so that only the runs with a queued test pay for it.
// Run through `npm run test:browser` (tsx loader on).
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { findChromium, chromiumArgs } from './chromium.ts';
import { startConnectApi } from '../demo/connect-api/server.ts';
import { bundledSdk, standInLocation } from '../demo/dev-plugins.ts';
import { queuedLocation, startQueuedStandIn } from '../demo/queued.ts';
import { loopbackOrigins, relayLocation, startStandInRelay } from '../demo/relay.ts';
import { bundledReact } from './helpers/bundled-react.ts';

let api;
let relay;
let allowedOrigins;
/** Promise of the queued stand-in, once a page asked for it. */
let queued;

export default {
  rootDir: fileURLToPath(new URL('..', import.meta.url)),
  files: ['test/**/*.test.ts', '!test/node/**'],
  nodeResolve: { browser: true, exportConditions: ['browser', 'development'] },
  concurrency: 1,
  testFramework: { config: { timeout: 20000 } },
  testsFinishTimeout: 600000,
  browsers: [chromeLauncher({ launchOptions: { executablePath: findChromium(), headless: true, args: chromiumArgs } })],
  plugins: [
    {
      name: 'connect-api-stand-in',
      async serverStart({ config }) {
        api = await startConnectApi({ port: 0 });
        allowedOrigins = loopbackOrigins(config.port);
        relay = await startStandInRelay(api, { allowedOrigins });
      },
      async serverStop() {
        await (await queued?.catch(() => undefined))?.close();
        await relay?.close();
        await api?.close();
      },
    },
    standInLocation(() => api.url),
    relayLocation(() => relay?.url),
    queuedLocation(() => (queued ??= startQueuedStandIn(api, { allowedOrigins }))),
    bundledSdk(),
    bundledReact(),
    esbuildPlugin({
      ts: true,
      json: true,
      tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
      target: 'es2022',
    }),
  ],
};

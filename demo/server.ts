/**
 * The demo server, started by `npm start` (demo/serve.ts) and by the screenshot test: the Connect API stand-in plus
 * a dev server for the demo pages (TypeScript compiled on the fly, bare imports resolved), the relay in front of the
 * stand-in, and queued mode beside it (fauxqs, the relay in queued mode and the worker: demo/queued.ts).
 */
import { fileURLToPath } from 'node:url';
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startConnectApi, type ConnectApiHandle, type ConnectApiOptions } from './connect-api/server.ts';
import { demoReviewer, demoUsers } from './connect-api/user-pool.ts';
import { bundledSdk, standInLocation } from './dev-plugins.ts';
import { queuedLocation, startQueuedStandIn, type QueuedStandIn } from './queued.ts';
import { loopbackOrigins, relayLocation, startStandInRelay } from './relay.ts';
import type { RelayServer } from '../src/relay/index.ts';

/** Options of startDemo; every field is optional. */
export interface DemoOptions {
  /** Port of the demo pages; 0 (the default) picks a free one. */
  port?: number;
  /** Port of the Connect API stand-in; 0 (the default) picks a free one. */
  apiPort?: number;
  /** Receives one line per Connect API request (default: none). */
  log?: ConnectApiOptions['log'];
}

/** A running demo. */
export interface DemoHandle {
  /** Base URL of the demo pages, e.g. `http://127.0.0.1:8000` (the custom agent desktop is `${url}/demo/`). */
  url: string;
  /** The Connect API stand-in (its `url`, control methods, demo credentials). */
  api: ConnectApiHandle;
  /** The owner-checking relay in front of the stand-in (relay mode's writes), CORS open to the demo pages. */
  relay: RelayServer;
  /** Queued mode (`?writes=queued`): fauxqs, the relay in queued mode and the worker, in front of the stand-in. */
  queued: QueuedStandIn;
  /** Stops every server. */
  stop(): Promise<void>;
}

const rootDir = fileURLToPath(new URL('..', import.meta.url));

/** Starts the Connect API stand-in and the dev server; resolves once both listen. */
export async function startDemo(options: DemoOptions = {}): Promise<DemoHandle> {
  const api = await startConnectApi({
    port: options.apiPort ?? 0,
    userPool: { users: [...demoUsers, demoReviewer] },
    ...(options.log ? { log: options.log } : {}),
  });
  let server: Awaited<ReturnType<typeof startDevServer>>;
  // Started once the pages' port is known: its CORS allows exactly their origin.
  let relay: RelayServer | undefined;
  let queued: QueuedStandIn | undefined;
  try {
    server = await startDevServer({
      config: {
        rootDir,
        hostname: '127.0.0.1',
        port: options.port ?? 0,
        nodeResolve: { browser: true, exportConditions: ['browser'] },
        plugins: [
          standInLocation(() => api.url),
          relayLocation(() => relay?.url),
          queuedLocation(() => queued),
          bundledSdk(),
          esbuildPlugin({
            ts: true,
            json: true,
            tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
            target: 'es2022',
          }),
        ],
      },
      readCliArgs: false,
      readFileConfig: false,
      logStartMessage: false,
      autoExitProcess: false,
    });
  } catch (error) {
    await api.close();
    throw error;
  }
  const address = server.server?.address();
  const port = address && typeof address === 'object' ? address.port : server.config.port;
  const allowedOrigins = port === undefined ? [] : loopbackOrigins(port);
  try {
    relay = await startStandInRelay(api, { allowedOrigins });
    queued = await startQueuedStandIn(api, { allowedOrigins });
  } catch (error) {
    await Promise.all([server.stop(), relay?.close(), api.close()]);
    throw error;
  }
  const started = { relay, queued };
  return {
    url: `http://127.0.0.1:${port}`,
    api,
    ...started,
    stop: async () => {
      await Promise.all([server.stop(), started.relay.close(), started.queued.close()]);
      await api.close();
    },
  };
}

// `npm start`: the Connect API stand-in plus a dev server for the demo pages (TypeScript compiled on the fly).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDevServer } from '@web/dev-server';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { startConnectApi } from './connect-api/server.ts';
import { bundledSdk, standInLocation } from './dev-plugins.ts';

const usage = `Usage: npm start -- [--port 8000] [--api-port 8787]
  --port       port of the demo pages (default 8000)
  --api-port   port of the Connect API stand-in (default 8787)`;

function port(value: string | undefined, name: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0 || number > 65535) {
    console.error(`--${name} must be a port number, not ${JSON.stringify(value)}\n${usage}`);
    process.exit(2);
  }
  return number;
}

let values: { port?: string; 'api-port'?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    options: { port: { type: 'string', default: '8000' }, 'api-port': { type: 'string', default: '8787' }, help: { type: 'boolean' } },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const api = await startConnectApi({ port: port(values['api-port'], 'api-port') });
const server = await startDevServer({
  config: {
    rootDir: fileURLToPath(new URL('..', import.meta.url)),
    hostname: '127.0.0.1',
    port: port(values.port, 'port'),
    nodeResolve: { browser: true, exportConditions: ['browser'] },
    plugins: [
      standInLocation(() => api.url),
      bundledSdk(),
      esbuildPlugin({ ts: true, json: true, tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)), target: 'es2022' }),
    ],
  },
  readCliArgs: false,
  readFileConfig: false,
  logStartMessage: false,
  autoExitProcess: false,
});
const base = `http://127.0.0.1:${server.config.port}`;
console.log(`ccp-attributes demo
  custom agent desktop:   ${base}/demo/
  Connect API stand-in:   ${api.url} (access key ${api.accessKeyId}, secret ${api.secretAccessKey}, region ${api.region})
Press Ctrl+C to stop.`);

async function stop(): Promise<void> {
  await Promise.all([server.stop(), api.close()]);
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

// `npm start`: the Connect API stand-in plus a dev server for the demo pages (see server.ts), from the command line.
import { parseArgs } from 'node:util';
import { startDemo } from './server.ts';

const usage = `Usage: npm start -- [--port 8000] [--api-port 8787]
  --port       port of the demo pages (default 8000; 0 picks a free one)
  --api-port   port of the Connect API stand-in (default 8787; 0 picks a free one)`;

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
    options: {
      port: { type: 'string', default: '8000' },
      'api-port': { type: 'string', default: '8787' },
      help: { type: 'boolean' },
    },
  }));
} catch (error) {
  console.error(`${(error as Error).message}\n${usage}`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}

const demo = await startDemo({ port: port(values.port, 'port'), apiPort: port(values['api-port'], 'api-port') });
const { api } = demo;
console.log(`ccp-attributes demo
  custom agent desktop:   ${demo.url}/demo/
  drop-in script tag:     ${demo.url}/demo/drop-in.html
  agent workspace app:    ${demo.url}/demo/workspace/ (a stand-in workspace with the app inside)
  Connect API stand-in:   ${api.url} (access key ${api.accessKeyId}, secret ${api.secretAccessKey}, region ${api.region})
  relay (owner-checked):  ${demo.relay.url}/contact/attributes (the agent desktop's relay mode: ${demo.url}/demo/?writes=relay)
  queued relay:           ${demo.queued.relay.url}/contact/attributes (202, then the worker lands it: ${demo.url}/demo/?writes=queued)
  SQS (fauxqs):           ${demo.queued.queue.queueUrl} (endpoint ${demo.queued.queue.endpoint}), worker at ${demo.queued.pacePerSecond} calls/s per action
Press Ctrl+C to stop.`);

async function stop(): Promise<void> {
  await demo.stop();
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

/**
 * `npm run connect-api -- [flags]`: runs the Connect API stand-in until SIGINT or SIGTERM.
 * Exit codes: 0 after a clean stop or --help, 2 for bad flags or a bad contacts file.
 */
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseContactRecords } from './records.ts';
import { startConnectApi, type ContactRecord } from './server.ts';

const usage = `Usage: npm run connect-api -- [options]

A loopback stand-in for the Amazon Connect API (UpdateContactAttributes, GetContactAttributes, DescribeContact,
SearchUsers), a Cognito user pool (InitiateAuth, UpdateUserAttributes, JWKS) and Cognito Identity.

Options:
  --port <n>                 port to listen on, 0 picks a free one (default 8787)
  --host <address>           address to listen on (default 127.0.0.1)
  --region <region>          region of the SigV4 credential scope (default us-east-1)
  --contacts <file.json>     contacts to register: [{"instanceId","contactId","startedAt", and optionally
                             "initialContactId","previousContactId","agentId","channel","attributes",
                             "disconnectedAt","afterContactWorkEndedAt"}] (example: demo/connect-api/contacts.json;
                             default: none, the stand-in CCP page or POST /_standin/contacts registers them)
  --access-key-id <id>       static demo access key id (default AKIDSTANDINDEMO)
  --secret-access-key <key>  static demo secret (default standin-demo-secret)
  -h, --help                 print this help

The demo credentials are deliberately public: they only open this loopback stand-in.`;

/** Thrown for anything the user typed wrong; exits with code 2. */
class UsageError extends Error {}

/** The flags, with their defaults; a UsageError for unknown or malformed ones. */
function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        region: { type: 'string', default: 'us-east-1' },
        contacts: { type: 'string' },
        'access-key-id': { type: 'string', default: 'AKIDSTANDINDEMO' },
        'secret-access-key': { type: 'string', default: 'standin-demo-secret' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(argv: string[]): Promise<void> {
  const values = parseFlags(argv);
  if (values.help) {
    console.log(usage);
    return;
  }
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  const contacts = values.contacts === undefined ? [] : await readContacts(values.contacts);

  const handle = await startConnectApi({
    port,
    host: values.host,
    region: values.region,
    accessKeyId: values['access-key-id'],
    secretAccessKey: values['secret-access-key'],
    contacts,
    log: (line) => console.log(line),
  });
  const stop = (signal: NodeJS.Signals): void => {
    console.log(`${signal}: stopping`);
    handle.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  // Handlers first: whoever reads the URL below may signal at once.
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Printing the demo credentials is the point: they open nothing but this loopback stand-in.
  console.log(`Connect API stand-in listening on ${handle.url}`);
  console.log(`  region            ${handle.region}`);
  console.log(`  access key id     ${handle.accessKeyId}`);
  console.log(`  secret access key ${handle.secretAccessKey}`);
  console.log(`  identity pool     ${handle.identityPoolId}`);
  console.log(`  login provider    ${handle.loginProvider}`);
  console.log(
    `  user pool issuer  ${handle.issuer} (app client ${handle.userPoolClientId}; agents agent.smith, agent.jones, password demo-password)`,
  );
  console.log(`  contacts          ${contacts.length}`);
  console.log(
    '  control surface   GET /_standin/config, /_standin/contacts, /_standin/log; POST /_standin/faults, /_standin/reset',
  );
}

async function readContacts(file: string): Promise<ContactRecord[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --contacts ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const parsed: unknown = JSON.parse(text);
    if (!Array.isArray(parsed)) throw new TypeError('expected a JSON array of contacts');
    return parseContactRecords(parsed);
  } catch (error) {
    throw new UsageError(`bad --contacts ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof UsageError) {
    console.error(`connect-api: ${error.message}\nRun with --help for the options.`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});

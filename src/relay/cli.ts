/**
 * `npm run relay -- --port 8788 --config relay.json`: runs the relay as a Node HTTP server until SIGINT or SIGTERM.
 * Exit codes: 0 after a clean stop or --help, 2 for bad flags or a bad configuration.
 */
import { parseArgs } from 'node:util';
import { readConfigFile, runCli, stopOnSignals, UsageError } from './cli-run.ts';
import { outcomeSocketPath } from './outcome-push.ts';
import { startInProcessWorker, type InProcessWorker } from './cli-worker.ts';
import { startRelayServer, type RelayServer } from './server.ts';

const usage = `Usage: npm run relay -- --config <relay.json> [options]

An owner-checking relay for Amazon Connect UpdateContactAttributes: agents' browsers send writes here with their
sign-in token (Authorization: Bearer <JWT>); the relay writes only contacts the agent is handling.

Options:
  --config <file.json>   the relay's settings (required), see below
  --port <n>             port to listen on, 0 picks a free one (default 8788)
  --host <address>       address to listen on (default 127.0.0.1)
  --worker               queued mode: also run the worker in this process (paced by RELAY_WORKER_PACING, e.g.
                         {"describeContactPerSecond": 2}) and push each outcome to its caller's WebSocket at
                         /contact/attributes/outcomes/socket. Without it the relay offers no socket (the upgrade
                         answers 404) and browsers poll GET /contact/attributes/outcomes
  -h, --help             print this help

Settings (JSON):
  instanceArn              arn:aws:connect:<region>:<account>:instance/<instanceId> (required)
  auth                     how tokens are verified (required), one of
                             {"type": "oidc", "issuer": "<iss>", "audience": ["<aud>"], "jwksUri": "<url>"}
                               (jwksUri defaults to <issuer>/.well-known/jwks.json; http only on a loopback host)
                             {"type": "cognito", "userPoolId": "<id>", "clientId": ["<id>"], "tokenUse": "id"|"access"}
  user                     the claim that names the agent (required): a security decision, an agent who can
                           change it writes a colleague's contacts. One of
                             {"usernameClaim": "cognito:username"}   Cognito id tokens: the username, fixed for good
                             {"usernameClaim": "username"}           Cognito access tokens: the same username
                               (resolved to the Connect user with SearchUsers, Username EXACT; "cacheTtlSeconds": 300)
                             {"userIdClaim": "<claim holding the Connect user id>", "agentsCannotChangeClaim": true}
                             {"usernameClaim": "<another claim>", "agentsCannotChangeClaim": true}
                           Any claim but the Cognito username needs "agentsCannotChangeClaim": true, and is safe only
                           when agents cannot change it: a Cognito custom attribute that no app client of the pool
                           lists in its write attributes (a user rewrites their own attributes, email included, with
                           their access token: UpdateUserAttributes), or a claim the identity provider alone sets
                           from data only administrators change (a directory attribute, a group it assigns).
                           Not email: it follows the user's own edits.
  ownershipWindowSeconds   how long after a contact ended it can still be written (default 3600)
  allowKeyPrefixes         if set, every key must start with one of these
  denyKeyPrefixes          keys starting with one of these are refused
  allowedOrigins           browser origins allowed by CORS, e.g. ["https://agents.example.com"] (default none)
  connectEndpoint          the Connect API's URL, for a stand-in (default: the region's endpoint; https, or http
                           on a loopback host only)
  connectTimeoutMs         how long one request may wait on Connect, all its calls together (default 8000, from
                           100 to 29000); past it the answer is a retryable 503 ServiceUnavailableException. Each
                           call is made once: a throttle (429) goes back to the browser, whose outbox retries
  outcomes                 where queued writes' outcomes are kept, read back with
                           GET /contact/attributes/outcomes?since=<ms>: {"table": "<DynamoDB table>",
                           "endpoint"?: "<DynamoDB URL, for a local server>"} (default none: that route answers 404)
  searchesPerSecond        SearchContacts calls a second for agents' recent contacts and reviewers' searches, per
                           relay process (default 1, bursts of 2; 0.1 to 100), below SearchContacts' quota
  reviewers                {"claim": "cognito:groups", "values": ["reviewers"], "allowKeyPrefixes": ["Review"]}:
                           holders may search and read any contact and write only those keys (default none). Any
                           claim but cognito:groups needs "claimCannotChange": true

Connect is called with the AWS SDK's default credentials (environment, profile, instance role); the role needs
connect:DescribeContact, connect:UpdateContactAttributes, and for the read routes connect:GetContactAttributes,
connect:SearchContacts and connect:DescribeQueue; with usernameClaim, connect:SearchUsers; with outcomes,
dynamodb:Query on the table.
One JSON audit line per decision goes to stdout (caller, contact, keys, decision, reason; never values or tokens).`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        port: { type: 'string', default: '8788' },
        host: { type: 'string', default: '127.0.0.1' },
        worker: { type: 'boolean', default: false },
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
  if (values.config === undefined) throw new UsageError('--config <relay.json> is required');
  const port = Number(values.port);
  if (!/^\d+$/.test(values.port) || port > 65_535)
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  const config = await readConfigFile(values.config);
  let server: RelayServer;
  let worker: InProcessWorker | undefined;
  try {
    worker = values.worker ? await startInProcessWorker(config) : undefined;
    server = await startRelayServer({
      config,
      port,
      host: values.host,
      ...(worker ? { push: worker.sockets, dependencies: { outcomes: worker.outcomes } } : {}),
    });
  } catch (error) {
    await worker?.loop.stop();
    if (error instanceof TypeError) throw new UsageError(error.message);
    throw error;
  }
  stopOnSignals('stopping', async () => {
    await server.close();
    await worker?.loop.stop();
  });
  // On stderr: stdout carries only the audit lines.
  console.error(
    `ccp-attributes relay listening on ${server.url}/contact/attributes for instance ${config.instanceId} (${config.region})` +
      (worker
        ? `, with its worker and the outcome socket at ${server.url.replace(/^http/, 'ws')}${outcomeSocketPath}`
        : ''),
  );
}

runCli('relay', main);

/**
 * `npm run relay-worker -- --config relay.json`: drains the queued relay's FIFO queue into Amazon Connect until SIGINT
 * or SIGTERM (then it finishes the batch in progress and exits 0). Exit codes: 0 after a clean stop or --help, 2 for
 * bad flags or a bad configuration.
 */
import { parseArgs } from 'node:util';
import { resolveRelayConfig, type ResolvedRelayConfig } from './config.ts';
import { readConfigFile, runCli, stopOnSignals, UsageError } from './cli-run.ts';
import { workerDefaults, type WorkerSettings } from './worker.ts';
import { startWorkerLoop } from './worker-loop.ts';
import { createSqsClient } from './queued.ts';
import { checkWorkerSettings, describeSettings, outcomeStoreOf, readMaxReceiveCount } from './worker-runtime.ts';

const usage = `Usage: npm run relay-worker -- --config <relay.json> [options]

The queued relay's worker: receives the writes the relay accepted (202) from its SQS FIFO queue, checks that each
contact is the caller's (DescribeContact), lands them with UpdateContactAttributes at a pace under Connect's quotas,
and records an outcome for each (landed, refused, failed, dead-letter). One JSON audit line per settled write goes to
stdout (never values or tokens).

Options:
  --config <file.json>          the relay's settings (required; see npm run relay -- --help), with
                                "queue": {"url": "<FIFO queue URL>", "endpoint"?: "<SQS endpoint>"} and
                                "outcomes": {"table": "<DynamoDB table>"}, where the relay reads outcomes from
                                (without it, outcomes stay in this process; the audit lines are written anyway)
  --queue-url <url>             the queue, instead of the settings' queue.url
  --sqs-endpoint <url>          an SQS-compatible endpoint (fauxqs), instead of the settings' queue.endpoint
  --describe-per-second <n>     DescribeContact calls per second (default ${workerDefaults.describeContactPerSecond})
  --update-per-second <n>       UpdateContactAttributes calls per second (default ${workerDefaults.updateAttributesPerSecond})
  --ownership-check <how>       describe-contact (default) or current-user-data: a leg that is its own initial
                                contact is first looked for among its caller's current contacts (GetCurrentUserData,
                                up to 100 callers per call), DescribeContact when it is not there
  --current-user-data-per-second <n>
                                GetCurrentUserData calls per second (default ${workerDefaults.currentUserDataPerSecond})
  --max-receive-count <n>       the queue's redrive maxReceiveCount: on that receive a failing write is reported as
                                a dead letter (default: read from the queue's redrive policy, else
                                ${workerDefaults.maxReceiveCount})
  --wait-seconds <n>            long poll length, 0 to 20 (default 20)
  -h, --help                    print this help

The paces are this process's: with several workers, divide Connect's quotas among them. Connect and SQS are called
with the AWS SDK's default credentials; the role needs connect:DescribeContact, connect:UpdateContactAttributes (and
connect:SearchUsers with usernameClaim, connect:GetCurrentUserData with --ownership-check current-user-data),
sqs:ReceiveMessage, sqs:DeleteMessage and sqs:ChangeMessageVisibility (and dynamodb:PutItem on the outcomes table).`;

function parseFlags(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: 'string' },
        'queue-url': { type: 'string' },
        'sqs-endpoint': { type: 'string' },
        'describe-per-second': { type: 'string' },
        'update-per-second': { type: 'string' },
        'ownership-check': { type: 'string' },
        'current-user-data-per-second': { type: 'string' },
        'max-receive-count': { type: 'string' },
        'wait-seconds': { type: 'string', default: '20' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

type Flags = ReturnType<typeof parseFlags>;

async function readConfig(flags: Flags): Promise<ResolvedRelayConfig> {
  const file = flags.config;
  if (file === undefined) throw new UsageError('--config <relay.json> is required');
  return readConfigFile(file, (parsed) => {
    const given = parsed as Record<string, unknown>;
    const queue = { ...(given['queue'] as object | undefined) } as Record<string, unknown>;
    if (flags['queue-url'] !== undefined) queue['url'] = flags['queue-url'];
    if (flags['sqs-endpoint'] !== undefined) queue['endpoint'] = flags['sqs-endpoint'];
    const config = resolveRelayConfig({ ...given, ...(Object.keys(queue).length > 0 ? { queue } : {}) });
    if (!config.queue) throw new TypeError('no queue to drain: set "queue": {"url": ...} or --queue-url');
    return config;
  });
}

function readSettings(flags: Flags): WorkerSettings {
  const given: Record<string, number | string> = {};
  if (flags['ownership-check'] !== undefined) given['ownershipCheck'] = flags['ownership-check'];
  const numbers = [
    ['describe-per-second', 'describeContactPerSecond'],
    ['update-per-second', 'updateAttributesPerSecond'],
    ['current-user-data-per-second', 'currentUserDataPerSecond'],
    ['max-receive-count', 'maxReceiveCount'],
  ] as const;
  for (const [flag, name] of numbers) {
    const text = flags[flag];
    if (text !== undefined) given[name] = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  }
  try {
    return checkWorkerSettings(given, 'flags');
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function main(argv: string[]): Promise<void> {
  const flags = parseFlags(argv);
  if (flags.help) {
    console.log(usage);
    return;
  }
  const settings = readSettings(flags);
  const waitTimeSeconds = Number(flags['wait-seconds']);
  if (!/^\d+$/.test(flags['wait-seconds']) || waitTimeSeconds > 20)
    throw new UsageError(`--wait-seconds must be a whole number from 0 to 20, got '${flags['wait-seconds']}'`);
  const config = await readConfig(flags);
  if (settings.maxReceiveCount === undefined && config.queue) {
    const fromQueue = await readMaxReceiveCount(createSqsClient(config.queue, config.region), config.queue.url);
    if (fromQueue === undefined)
      console.error('relay-worker: the queue has no dead-letter queue; check its redrive policy');
    else settings.maxReceiveCount = fromQueue;
  }
  const loop = startWorkerLoop({
    config,
    settings,
    dependencies: { outcomes: outcomeStoreOf(config) },
    waitTimeSeconds,
  });
  stopOnSignals('stopping after the batch in progress', () => loop.stop());
  // On stderr: stdout carries only the audit lines.
  console.error(
    `ccp-attributes relay worker draining ${config.queue?.url ?? ''} into instance ${config.instanceId} (${describeSettings(settings)})`,
  );
}

runCli('relay-worker', main);

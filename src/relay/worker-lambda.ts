/**
 * The queued relay's worker as an AWS Lambda function on an SQS event source (the FIFO write queue), with partial
 * batch responses: the event source mapping has `FunctionResponseTypes: ["ReportBatchItemFailures"]`, and the handler
 * answers `{batchItemFailures: [{itemIdentifier: messageId}]}` for the messages to deliver again; Lambda deletes the
 * others. For a FIFO queue, a failure must take every later message of its group with it
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html): the worker hands back the rest of a
 * group from its first failure (src/relay/worker.ts). Handed-back messages get the worker's delay as their visibility
 * timeout (sqs:ChangeMessageVisibility on the queue).
 * Configured like the relay: RELAY_CONFIG (JSON), RELAY_QUEUE_URL (and RELAY_SQS_ENDPOINT), RELAY_OUTCOMES_TABLE (and
 * RELAY_DYNAMODB_ENDPOINT) for the outcome store, RELAY_CONNECTIONS_TABLE and RELAY_SOCKET_ENDPOINT (both, or neither)
 * to push each outcome to its caller's open WebSockets (src/relay/socket-aws.ts), and the pace in
 * RELAY_WORKER_PACING (src/relay/worker-runtime.ts). The pace is per execution environment: the event source's
 * maximum concurrency times it must stay under Connect's quotas.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { notifyingOutcomeStore, type OutcomeNotifier } from './outcome-push.ts';
import type { OutcomeStore } from './outcomes.ts';
import { outcomesFromEnvironment } from './outcomes-config.ts';
import { queueFromEnvironment, queueRegion } from './queue-config.ts';
import { createSqsClient } from './queued.ts';
import { socketNotifierFromEnvironment } from './socket-aws.ts';
import { createWorker, type WorkerDependencies, type WorkerMessage, type WorkerSettings } from './worker.ts';
import { handBack, outcomeStoreOf, workerSettingsFromEnvironment } from './worker-runtime.ts';

/**
 * The members of an SQS event record the worker reads; `SQSRecord` of @types/aws-lambda fits it (declared here so the
 * package's types do not depend on @types/aws-lambda).
 */
export interface SQSRecord {
  messageId: string;
  receiptHandle: string;
  body: string;
  attributes: { ApproximateReceiveCount: string; MessageGroupId?: string };
  /** `arn:aws:sqs:<region>:<account>:<queue name>`. */
  eventSourceARN: string;
}

/** An SQS event (a batch of up to 10 messages for a FIFO queue). */
export interface SQSEvent {
  Records: SQSRecord[];
}

/** The partial batch response. */
export interface SQSBatchResponse {
  batchItemFailures: Array<{ itemIdentifier: string }>;
}

/** A Lambda handler for SQS events. */
export type WorkerLambdaHandler = (event: SQSEvent) => Promise<SQSBatchResponse>;

/** What a handler over a given configuration runs on; the worker's defaults otherwise. */
export interface WorkerLambdaDependencies extends Omit<WorkerDependencies, 'outcomes'> {
  outcomes?: OutcomeStore;
  /** For handing messages back; default a client for the configured queue. */
  sqs?: SQSClient;
  /** Pushes each recorded outcome to its caller's sockets (after it is recorded; a failed push fails nothing). */
  notifier?: OutcomeNotifier;
}

/** A handler over a given configuration (tests, or a function of one's own); a wrong one throws before any event. */
export function createWorkerLambdaHandler(
  given: RelayConfig,
  settings: WorkerSettings = {},
  dependencies: WorkerLambdaDependencies = {},
): WorkerLambdaHandler {
  const config = resolveRelayConfig(given);
  const kept = dependencies.outcomes ?? outcomeStoreOf(config);
  const outcomes = dependencies.notifier ? notifyingOutcomeStore(kept, dependencies.notifier) : kept;
  const worker = createWorker(config, settings, { ...dependencies, outcomes });
  const sqs = dependencies.sqs ?? (config.queue ? createSqsClient(config.queue, config.region) : undefined);
  return async (event) => {
    const messages: WorkerMessage[] = event.Records.map((record) => ({
      id: record.messageId,
      body: record.body,
      receiveCount: Number(record.attributes.ApproximateReceiveCount) || 1,
      groupId: record.attributes.MessageGroupId,
    }));
    const { retry } = await worker.process(messages);
    const [first] = event.Records;
    const queueUrl = config.queue?.url ?? (first ? queueUrlOf(first.eventSourceARN) : undefined);
    if (retry.length > 0 && queueUrl) {
      const receipts = event.Records.map((r) => ({ id: r.messageId, receiptHandle: r.receiptHandle }));
      await handBack(
        sqs ?? new SQSClient({ region: queueRegion(queueUrl) ?? config.region }),
        queueUrl,
        retry,
        receipts,
      );
    }
    return { batchItemFailures: retry.map(({ id }) => ({ itemIdentifier: id })) };
  };
}

/** The queue URL of a queue ARN (`arn:aws:sqs:<region>:<account>:<name>`), on SQS's public endpoint. */
export function queueUrlOf(arn: string): string | undefined {
  const match = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]+)$/.exec(arn);
  return match ? `https://sqs.${match[1]}.amazonaws.com/${match[2]}/${match[3]}` : undefined;
}

let cached: WorkerLambdaHandler | undefined;

/**
 * The Lambda entry point, configured from the environment (a missing or wrong configuration fails every invocation
 * loudly; the messages then come back, and end in the dead-letter queue if it is never fixed).
 */
export const handler: WorkerLambdaHandler = async (event) => {
  if (!cached) {
    const text = process.env['RELAY_CONFIG'];
    if (!text) throw new Error('ccp-attributes worker: the RELAY_CONFIG environment variable is not set');
    const queue = queueFromEnvironment(process.env);
    const outcomes = outcomesFromEnvironment(process.env);
    const config = {
      ...(JSON.parse(text) as RelayConfig),
      ...(queue ? { queue } : {}),
      ...(outcomes ? { outcomes } : {}),
    };
    const notifier = socketNotifierFromEnvironment(process.env, resolveRelayConfig(config).region);
    cached = createWorkerLambdaHandler(
      config,
      workerSettingsFromEnvironment(process.env),
      notifier ? { notifier } : {},
    );
  }
  return cached(event);
};

/**
 * The queued relay's worker as a long-running process (self-hosting, the demo, the bench): sqs-consumer's polling loop
 * (long polls of up to 10 messages) hands each batch to the worker (src/relay/worker.ts); the messages it settled are
 * deleted, the ones it hands back get its delay as their visibility timeout (src/relay/worker-runtime.ts).
 * sqs-consumer warns that it does not guarantee FIFO order by itself: here a batch is processed whole before the next
 * receive, and SQS holds a group back while any message of it is in flight, so order holds; the warning is silenced.
 * A heartbeat keeps a batch hidden while it is worked on (sqs-consumer's heartbeatInterval).
 * `stop()` ends polling, lets a batch being processed finish (its deletes included), then resolves; every wait has a
 * deadline (`stopTimeoutMs`), past which the batch's messages come back at their visibility timeout.
 */
import type { Message, SQSClient } from '@aws-sdk/client-sqs';
import { Consumer } from 'sqs-consumer';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { createSqsClient } from './queued.ts';
import { createWorker, type WorkerDependencies, type WorkerSettings } from './worker.ts';
import { describeError, handBack } from './worker-runtime.ts';

/** Options of the loop. */
export interface WorkerLoopOptions {
  /** The relay's configuration; its `queue` names the queue to drain (required). */
  config: RelayConfig;
  settings?: WorkerSettings;
  dependencies: WorkerDependencies & { sqs?: SQSClient };
  /** Seconds a long poll waits for messages (default 20, SQS's most). */
  waitTimeSeconds?: number;
  /**
   * Seconds a received batch stays hidden from other receivers (default 60); a heartbeat renews it every third of
   * that while the batch is worked on, so a slow batch at a low pace is never delivered twice at once.
   */
  visibilityTimeoutSeconds?: number;
  /** How long stop() waits for a batch being processed (default 30,000 ms). */
  stopTimeoutMs?: number;
}

/** A running loop. */
export interface WorkerLoop {
  /** Batches processed so far. */
  readonly batches: number;
  /** Stops polling, waits for the batch in progress (up to the deadline). */
  stop(): Promise<void>;
}

/** Starts draining the configured queue. */
export function startWorkerLoop(options: WorkerLoopOptions): WorkerLoop {
  const config = resolveRelayConfig(options.config);
  if (!config.queue) throw new TypeError('relay worker: the configuration has no queue (queue.url) to drain');
  const queueUrl = config.queue.url;
  const sqs = options.dependencies.sqs ?? createSqsClient(config.queue, config.region);
  const worker = createWorker(config, options.settings ?? {}, options.dependencies);
  const stopTimeoutMs = options.stopTimeoutMs ?? 30_000;
  const visibilityTimeout = options.visibilityTimeoutSeconds ?? 60;
  let batches = 0;
  /** Batches being worked on (handled, not yet deleted: sqs-consumer deletes after the handler resolves). */
  let busy = false;

  async function handleBatch(messages: Message[]): Promise<Message[]> {
    const { settled, retry } = await worker.process(
      messages.map((m) => ({
        id: m.MessageId ?? '',
        body: m.Body,
        receiveCount: Number(m.Attributes?.ApproximateReceiveCount) || 1,
        groupId: m.Attributes?.MessageGroupId,
      })),
    );
    if (retry.length > 0) {
      const receipts = messages.map((m) => ({ id: m.MessageId ?? '', receiptHandle: m.ReceiptHandle ?? '' }));
      await handBack(sqs, queueUrl, retry, receipts);
    }
    batches += 1;
    const done = new Set(settled);
    return messages.filter((m) => done.has(m.MessageId ?? ''));
  }

  const consumer = Consumer.create({
    queueUrl,
    sqs,
    batchSize: 10,
    waitTimeSeconds: options.waitTimeSeconds ?? 20,
    messageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
    visibilityTimeout,
    ...(visibilityTimeout >= 2 ? { heartbeatInterval: Math.max(1, Math.floor(visibilityTimeout / 3)) } : {}),
    suppressFifoWarning: true,
    // Send to the client's endpoint (fauxqs offline), not the host in the queue URL.
    useQueueUrlAsEndpoint: false,
    handleMessageBatch: (messages) => {
      busy = true;
      return handleBatch(messages);
    },
    // stop() waits this long for the batch in progress, its deletes included.
    pollingCompleteWaitTimeMs: stopTimeoutMs,
  });
  consumer.on('response_processed', () => {
    busy = false;
  });
  let stopping = false;
  consumer.on('error', (error) => {
    if (stopping && /abort/i.test(error.message)) return; // the long poll stop() aborted
    // A receive, a delete or a whole batch that failed; the loop polls again. A message not deleted comes back at
    // its visibility timeout (a write that landed is then sent again: harmless, its group waited behind it).
    console.error(`ccp-attributes worker: ${describeError(error)}`);
  });
  consumer.start();

  return {
    get batches() {
      return batches;
    },
    async stop() {
      stopping = true;
      const stopped = new Promise<void>((resolve) => consumer.once('stopped', () => resolve()));
      // Abort a long poll only when no batch is being worked on (aborting would also abort its deletes).
      consumer.stop({ abort: !busy });
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(resolve, stopTimeoutMs + 2_000)));
      await Promise.race([stopped, deadline]);
      clearTimeout(timer);
    },
  };
}

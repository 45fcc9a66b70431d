// fauxqs (an SQS emulator) in-process on a free loopback port, with a FIFO queue and its FIFO dead-letter queue
// created through @aws-sdk/client-sqs, as a deployment creates them.
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { buildApp } from 'fauxqs';

/** A running fauxqs with one FIFO queue and its dead-letter queue. */
export interface FauxqsQueue {
  /** The emulator's URL, e.g. 'http://127.0.0.1:41234' (the SDK's endpoint). */
  endpoint: string;
  region: string;
  queueUrl: string;
  deadLetterUrl: string;
  /** A client for the test's own calls (static demo credentials: fauxqs does not check signatures). */
  sqs: SQSClient;
  close(): Promise<void>;
}

/** Options of startFauxqsQueue. */
export interface FauxqsQueueOptions {
  /** Default 30 s. */
  visibilityTimeoutSeconds?: number;
  /** Receives before SQS moves a message to the dead-letter queue; default 3. */
  maxReceiveCount?: number;
  /** Default 'writes'. */
  name?: string;
}

export const fauxqsRegion = 'us-east-1';
export const fauxqsCredentials = { accessKeyId: 'fauxqs', secretAccessKey: 'fauxqs' };

/** An SQS client for the emulator at `endpoint`. */
export function fauxqsClient(endpoint: string): SQSClient {
  return new SQSClient({ region: fauxqsRegion, endpoint, credentials: fauxqsCredentials, maxAttempts: 1 });
}

/**
 * Starts fauxqs on 127.0.0.1 (its `startFauxqs` listens on every interface; `buildApp` is the same server without
 * the listen) and creates `<name>.fifo` with a redrive policy to `<name>-dead.fifo`.
 */
export async function startFauxqsQueue(options: FauxqsQueueOptions = {}): Promise<FauxqsQueue> {
  // Typed by hand: buildApp's declared type is Fastify's, which the type-aware lint cannot resolve from fauxqs's types.
  const app = buildApp({ logger: false, defaultRegion: fauxqsRegion }) as unknown as {
    listen(options: { port: number; host: string }): Promise<string>;
    close(): Promise<void>;
  };
  const endpoint = await app.listen({ port: 0, host: '127.0.0.1' });
  const sqs = fauxqsClient(endpoint);
  const name = options.name ?? 'writes';
  const dead = await sqs.send(
    new CreateQueueCommand({ QueueName: `${name}-dead.fifo`, Attributes: { FifoQueue: 'true' } }),
  );
  const deadLetterUrl = dead.QueueUrl ?? '';
  const { Attributes: deadAttributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: deadLetterUrl, AttributeNames: ['QueueArn'] }),
  );
  const main = await sqs.send(
    new CreateQueueCommand({
      QueueName: `${name}.fifo`,
      Attributes: {
        FifoQueue: 'true',
        VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? 30),
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: deadAttributes?.QueueArn,
          maxReceiveCount: options.maxReceiveCount ?? 3,
        }),
      },
    }),
  );
  return {
    endpoint,
    region: fauxqsRegion,
    queueUrl: main.QueueUrl ?? '',
    deadLetterUrl,
    sqs,
    close: async () => {
      sqs.destroy();
      await app.close();
    },
  };
}

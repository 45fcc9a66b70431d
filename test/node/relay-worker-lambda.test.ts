/**
 * The worker's Lambda handler, invoked with SQS events made of messages the relay queued on fauxqs (as Lambda's SQS
 * poller hands them over): a partial batch response naming the handed-back messages, whose visibility it set to the
 * worker's delay; and the entry point configured from the environment.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import {
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { createDynamoConnectionRegistry, createRelay, type WireOutcome } from '../../src/relay/index.ts';
import { createMemoryOutcomeStore, type WriteOutcome } from '../../src/relay/outcomes.ts';
import { createWorkerLambdaHandler, queueUrlOf, type SQSEvent } from '../../src/relay/worker-lambda.ts';
import { createConnectionsTable, startManagementApi } from '../helpers/management-api.ts';
import { instanceId, sqsOf, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';

let rig: QueuedRig;

before(async () => {
  rig = await startQueuedRig({ visibilityTimeoutSeconds: 30, maxReceiveCount: 3 });
});
after(() => rig.close());
afterEach(async () => {
  rig.connectApi.reset();
  await rig.queue.sqs.send(new PurgeQueueCommand({ QueueUrl: rig.queue.queueUrl }));
});

async function accept(initialContactId: string, writeId: string, step: string): Promise<void> {
  const relay = createRelay(rig.config(), { connect: rig.connect(), sqs: sqsOf(rig), audit: () => undefined });
  const answer = await relay({
    method: 'POST',
    path: '/contact/attributes',
    headers: { authorization: `Bearer ${rig.signIn()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      InstanceId: instanceId,
      InitialContactId: initialContactId,
      ContactId: initialContactId,
      Attributes: { step },
      WriteId: writeId,
    }),
  });
  assert.equal(answer.statusCode, 202);
}

/** What Lambda's poller would receive now, as an SQS event. */
async function receiveEvent(): Promise<SQSEvent> {
  const { Messages = [] } = await rig.queue.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: rig.queue.queueUrl,
      MaxNumberOfMessages: 10,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
    }),
  );
  return {
    Records: Messages.map((m: Message) => ({
      messageId: m.MessageId ?? '',
      receiptHandle: m.ReceiptHandle ?? '',
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        MessageGroupId: m.Attributes?.MessageGroupId ?? '',
      },
      eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:writes.fifo',
    })),
  };
}

/** Lambda deletes the messages a partial batch response does not name. */
async function deleteSucceeded(event: SQSEvent, failed: string[]): Promise<void> {
  for (const record of event.Records.filter((r) => !failed.includes(r.messageId)))
    await rig.queue.sqs.send(
      new DeleteMessageCommand({ QueueUrl: rig.queue.queueUrl, ReceiptHandle: record.receiptHandle }),
    );
}

describe('worker Lambda handler', () => {
  it('lands a batch, reports the handed-back messages and makes them visible again after the delay', async () => {
    rig.liveContact('lambda-a');
    rig.liveContact('lambda-b');
    await accept('lambda-a', 'a-1', '1');
    await accept('lambda-b', 'b-1', '1');
    const outcomes: WriteOutcome[] = [];
    const store = createMemoryOutcomeStore();
    const handler = createWorkerLambdaHandler(
      rig.config(),
      { describeContactPerSecond: 100, updateAttributesPerSecond: 100, maxReceiveCount: 3 },
      {
        connect: rig.connect(),
        sqs: sqsOf(rig),
        audit: () => undefined,
        outcomes: { record: (o) => (outcomes.push(o), store.record(o)), recent: (s, t) => store.recent(s, t) },
      },
    );
    const event = await receiveEvent();
    assert.equal(event.Records.length, 2);
    // Connect fails the first call: the first group's write goes back, the other lands.
    rig.connectApi.setFaults({ failNext: { count: 1, status: 500 } });
    const response = await handler(event);
    assert.equal(response.batchItemFailures.length, 1);
    const failed = response.batchItemFailures.map((f) => f.itemIdentifier);
    await deleteSucceeded(event, failed);
    assert.equal(outcomes.length, 1);
    assert.equal(outcomes[0]?.state, 'landed');

    // The handed-back message had its visibility set to 1 s (not the queue's 30 s): it is back for the next poll.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const again = await receiveEvent();
    assert.deepEqual(
      again.Records.map((r) => r.messageId),
      failed,
    );
    assert.equal(again.Records[0]?.attributes.ApproximateReceiveCount, '2');
    assert.deepEqual(await handler(again), { batchItemFailures: [] });
    await deleteSucceeded(again, []);
    assert.deepEqual(rig.connectApi.attributesOf(instanceId, 'lambda-a'), { step: '1' });
    assert.deepEqual(rig.connectApi.attributesOf(instanceId, 'lambda-b'), { step: '1' });
    const { Attributes } = await rig.queue.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: rig.queue.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    );
    assert.deepEqual(Attributes, { ApproximateNumberOfMessages: '0', ApproximateNumberOfMessagesNotVisible: '0' });
  });

  it('runs from the environment: RELAY_CONFIG, RELAY_QUEUE_URL, RELAY_SQS_ENDPOINT, RELAY_WORKER_PACING, and pushes with RELAY_CONNECTIONS_TABLE and RELAY_SOCKET_ENDPOINT', async () => {
    rig.liveContact('lambda-env');
    await accept('lambda-env', 'env-1', 'env');
    const { queue, ...config } = rig.config();
    // The writer's open WebSocket: registered in the connections table (dynalite), reached through the management API.
    const dynamo = dynalite({ createTableMs: 0 });
    await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', resolve));
    const dynamoEndpoint = `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`;
    const credentials = { accessKeyId: rig.connectApi.accessKeyId, secretAccessKey: rig.connectApi.secretAccessKey };
    const client = new DynamoDBClient({ region: 'us-east-1', endpoint: dynamoEndpoint, credentials });
    const management = await startManagementApi(credentials);
    await createConnectionsTable(client, 'connections');
    const registry = createDynamoConnectionRegistry(client, 'connections');
    const idToken = rig.signIn().split('.')[1] ?? '';
    const { sub } = JSON.parse(Buffer.from(idToken, 'base64url').toString()) as { sub: string };
    await registry.put('smith-socket', sub, Date.now() + 600_000);
    management.open('smith-socket');
    const saved = { ...process.env };
    Object.assign(process.env, {
      RELAY_CONFIG: JSON.stringify({
        instanceArn: config.instanceArn,
        auth: config.auth,
        user: config.user,
        connectEndpoint: config.connectEndpoint,
      }),
      RELAY_QUEUE_URL: queue?.url,
      RELAY_SQS_ENDPOINT: queue?.endpoint,
      RELAY_WORKER_PACING: JSON.stringify({ describeContactPerSecond: 5, maxReceiveCount: 3 }),
      AWS_ACCESS_KEY_ID: rig.connectApi.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rig.connectApi.secretAccessKey,
      AWS_REGION: rig.connectApi.region,
      RELAY_CONNECTIONS_TABLE: 'connections',
      RELAY_DYNAMODB_ENDPOINT: dynamoEndpoint,
      RELAY_SOCKET_ENDPOINT: management.endpoint,
    });
    try {
      const { handler } = await import('../../src/relay/worker-lambda.ts');
      assert.deepEqual(await handler(await receiveEvent()), { batchItemFailures: [] });
      assert.deepEqual(rig.connectApi.attributesOf(instanceId, 'lambda-env'), { step: 'env' });
      const frames = management.framesOf('smith-socket') as Array<{ type: string; outcomes: WireOutcome[] }>;
      assert.deepEqual(
        frames.map((f) => [f.type, ...f.outcomes.map((o) => [o.WriteId, o.State])]),
        [['outcomes', ['env-1', 'landed']]],
      );
    } finally {
      process.env = saved;
      client.destroy();
      await management.close();
      await new Promise((resolve) => dynamo.close(resolve));
    }
  });

  it('derives the queue URL from the event source ARN', () => {
    assert.equal(
      queueUrlOf('arn:aws:sqs:eu-west-1:123456789012:writes.fifo'),
      'https://sqs.eu-west-1.amazonaws.com/123456789012/writes.fifo',
    );
    assert.equal(queueUrlOf('not an arn'), undefined);
  });
});

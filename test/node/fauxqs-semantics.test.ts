/**
 * The SQS FIFO semantics the queued relay relies on, checked on fauxqs through @aws-sdk/client-sqs before anything is
 * built on them: order within a message group, a group held back while a message of it is in flight (also after it
 * is handed back), deduplication within the 5-minute interval (also after the first copy was deleted), redelivery
 * after the visibility timeout, and the move to the dead-letter queue after maxReceiveCount receives.
 * Where SQS may return several messages of one group in one receive and fauxqs returns one, the assertions hold for
 * both (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/FIFO-queues-understanding-logic.html).
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import {
  ChangeMessageVisibilityCommand,
  DeleteMessageCommand,
  PurgeQueueCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { startFauxqsQueue, type FauxqsQueue } from '../../demo/fauxqs.ts';

let queue: FauxqsQueue;

before(async () => {
  queue = await startFauxqsQueue({ visibilityTimeoutSeconds: 1, maxReceiveCount: 2 });
});
after(() => queue.close());
afterEach(async () => {
  await queue.sqs.send(new PurgeQueueCommand({ QueueUrl: queue.queueUrl }));
  await queue.sqs.send(new PurgeQueueCommand({ QueueUrl: queue.deadLetterUrl }));
});

/** Deduplication ids are remembered for 5 minutes across tests too: each test sends under its own prefix. */
let run = 0;
beforeEach(() => {
  run += 1;
});

async function send(group: string, body: string, dedup = body): Promise<void> {
  await queue.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.queueUrl,
      MessageBody: body,
      MessageGroupId: group,
      MessageDeduplicationId: `${run}-${dedup}`,
    }),
  );
}

async function receive(url = queue.queueUrl, visibilityTimeout?: number): Promise<Message[]> {
  const { Messages = [] } = await queue.sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: url,
      MaxNumberOfMessages: 10,
      WaitTimeSeconds: 0,
      MessageSystemAttributeNames: ['ApproximateReceiveCount', 'MessageGroupId'],
      ...(visibilityTimeout === undefined ? {} : { VisibilityTimeout: visibilityTimeout }),
    }),
  );
  return Messages;
}

async function remove(message: Message): Promise<void> {
  await queue.sqs.send(new DeleteMessageCommand({ QueueUrl: queue.queueUrl, ReceiptHandle: message.ReceiptHandle }));
}

async function handBack(message: Message): Promise<void> {
  await queue.sqs.send(
    new ChangeMessageVisibilityCommand({
      QueueUrl: queue.queueUrl,
      ReceiptHandle: message.ReceiptHandle,
      VisibilityTimeout: 0,
    }),
  );
}

const bodies = (messages: Message[]) => messages.map((message) => message.Body);
const ofGroup = (messages: Message[], group: string) =>
  messages.filter((message) => message.Attributes?.MessageGroupId === group);

/** Receives and deletes until the queue is empty (a deadline of 20 receives): the bodies in delivery order. */
async function drain(): Promise<string[]> {
  const seen: string[] = [];
  for (let round = 0; round < 20; round += 1) {
    const messages = await receive();
    if (messages.length === 0) return seen;
    for (const message of messages) {
      seen.push(message.Body ?? '');
      await remove(message);
    }
  }
  assert.fail(`the queue was not drained in 20 receives (seen ${seen.join(', ')})`);
}

describe('fauxqs as an SQS FIFO queue', () => {
  it('delivers the messages of a group in the order they were sent, whatever the receives return', async () => {
    for (const body of ['a1', 'a2', 'a3', 'a4']) await send('A', body);
    for (const body of ['b1', 'b2']) await send('B', body);
    const seen = await drain();
    assert.deepEqual(
      seen.filter((body) => body.startsWith('a')),
      ['a1', 'a2', 'a3', 'a4'],
    );
    assert.deepEqual(
      seen.filter((body) => body.startsWith('b')),
      ['b1', 'b2'],
    );
  });

  it('holds a group back while a message of it is in flight, and hands it back at its place', async () => {
    await send('A', 'a1');
    await send('A', 'a2');
    await send('B', 'b1');
    const first = await receive(queue.queueUrl, 30);
    const firstOfA = ofGroup(first, 'A');
    assert.equal(bodies(firstOfA)[0], 'a1', 'a receive starts a group at its oldest message');
    assert.deepEqual(bodies(ofGroup(first, 'B')), ['b1'], 'other groups are not held back');
    // While a1 is in flight, no receive returns a later message of its group (SQS may have returned a2 with it).
    const during = await receive(queue.queueUrl, 30);
    assert.deepEqual(bodies(ofGroup(during, 'A')), [], 'the group waits while a message of it is in flight');
    // Handed back (visibility 0): the group starts again at a1, not at a2.
    for (const message of firstOfA) await handBack(message);
    const again = await receive(queue.queueUrl, 30);
    assert.equal(bodies(ofGroup(again, 'A'))[0], 'a1');
  });

  it('drops a message whose deduplication id was sent within 5 minutes, even once the first was deleted', async () => {
    await send('A', 'first', 'same-id');
    await send('A', 'second copy', 'same-id');
    const [only, ...rest] = await receive();
    assert.equal(only?.Body, 'first');
    assert.deepEqual(rest, []);
    await remove(only);
    await send('A', 'third copy', 'same-id');
    await send('A', 'other', 'other-id');
    assert.deepEqual(await drain(), ['other'], 'a retry after the first was handled is still a duplicate');
  });

  it('delivers a message again once its visibility timeout passes, counting the receives', async () => {
    await send('A', 'a1');
    const [first] = await receive();
    assert.equal(first?.Attributes?.['ApproximateReceiveCount'], '1');
    assert.deepEqual(await receive(), [], 'invisible within the timeout');
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const [again] = await receive();
    assert.equal(again?.Body, 'a1');
    assert.equal(again.Attributes?.['ApproximateReceiveCount'], '2');
  });

  it('moves a message to the dead-letter queue on the receive after maxReceiveCount, and the group goes on', async () => {
    await send('A', 'poison');
    await send('A', 'next');
    for (const receiveCount of ['1', '2']) {
      const [message] = await receive();
      assert.equal(message?.Body, 'poison');
      assert.equal(message.Attributes?.['ApproximateReceiveCount'], receiveCount);
      await handBack(message);
    }
    assert.deepEqual(await drain(), ['next'], 'the third receive moves it and the group goes on');
    assert.deepEqual(bodies(await receive(queue.deadLetterUrl)), ['poison']);
  });
});

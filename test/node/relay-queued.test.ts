/**
 * Queued mode's accept, against fauxqs and the Connect API stand-in: after the token, the request and the policy are
 * checked, the write goes to the FIFO queue (its group the InitialContactId, its deduplication id from the caller, the
 * contact and the WriteId) and the relay answers 202 without calling Connect; the queue unavailable is a 503.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { DeleteMessageCommand, PurgeQueueCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import {
  createAuthenticator,
  createRelay,
  resolveRelayConfig,
  type AuditRecord,
  type Relay,
} from '../../src/relay/index.ts';
import { decodeQueuedWrite } from '../../src/relay/queued-write.ts';
import { fauxqsClient } from '../../demo/fauxqs.ts';
import { instanceId, sqsOf, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';

let rig: QueuedRig;
let audits: AuditRecord[] = [];
let relay: Relay;

before(async () => {
  rig = await startQueuedRig();
  rig.liveContact('live');
});
after(() => rig.close());
beforeEach(() => {
  audits = [];
  relay = createRelay(rig.config(), { connect: rig.connect(), sqs: sqsOf(rig), audit: (r) => audits.push(r) });
});
afterEach(async () => {
  rig.connectApi.reset();
  await rig.queue.sqs.send(new PurgeQueueCommand({ QueueUrl: rig.queue.queueUrl }));
});

/** Deduplication ids live 5 minutes across tests: each test writes its own contact chain. */
let chain = 0;
function write(members: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    InstanceId: instanceId,
    InitialContactId: `chain-${chain}`,
    ContactId: 'live',
    Attributes: { disposition: 'resolved' },
    ...members,
  };
}
beforeEach(() => {
  chain += 1;
});

async function post(body: Record<string, unknown>, token: string | null = rig.signIn(), to = relay) {
  const response = await to({
    method: 'POST',
    path: '/contact/attributes',
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      origin: 'https://agents.example.com',
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
  });
  return { ...response, json: JSON.parse(response.body) as Record<string, unknown> };
}

/** Every message on the queue (received and deleted), in delivery order. */
async function queued(): Promise<Message[]> {
  const seen: Message[] = [];
  for (let round = 0; round < 50; round += 1) {
    const { Messages = [] } = await rig.queue.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: rig.queue.queueUrl,
        MaxNumberOfMessages: 10,
        MessageSystemAttributeNames: ['MessageGroupId', 'MessageDeduplicationId'],
      }),
    );
    if (Messages.length === 0) return seen;
    for (const message of Messages) {
      seen.push(message);
      await rig.queue.sqs.send(
        new DeleteMessageCommand({ QueueUrl: rig.queue.queueUrl, ReceiptHandle: message.ReceiptHandle }),
      );
    }
  }
  assert.fail('the queue did not empty in 50 receives');
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('queued mode: accept', () => {
  it('queues a checked write and answers 202 ACCEPTED with its WriteId, without calling Connect', async () => {
    const answer = await post(write({ WriteId: 'w-1' }));
    assert.equal(answer.statusCode, 202);
    const requestId = answer.headers['x-amzn-requestid'];
    assert.deepEqual(answer.json, { State: 'ACCEPTED', WriteId: 'w-1', RequestId: requestId });
    assert.equal(answer.headers['access-control-allow-origin'], 'https://agents.example.com');
    assert.deepEqual(rig.connectApi.requestLog(), [], 'no SearchUsers, DescribeContact or UpdateContactAttributes');

    const [message, ...more] = await queued();
    assert.deepEqual(more, []);
    assert.equal(message?.Attributes?.['MessageGroupId'], `chain-${chain}`);
    const [, payload = ''] = rig.signIn().split('.');
    const { sub } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sub: string };
    assert.equal(
      message.Attributes['MessageDeduplicationId'],
      sha256(`${sub}\n${instanceId}\nchain-${chain}\nw-1`),
      "the contract's deduplication id",
    );
    const body = decodeQueuedWrite(message.Body);
    assert.deepEqual(
      { ...body, acceptedAt: 0 },
      {
        v: 1,
        requestId,
        writeId: 'w-1',
        acceptedAt: 0,
        sub,
        claims: { 'cognito:username': 'agent.smith' },
        instanceId,
        initialContactId: `chain-${chain}`,
        contactId: 'live',
        attributes: { disposition: 'resolved' },
      },
    );
    const [audit] = audits;
    assert.equal(audit?.decision, 'allowed');
    assert.equal(audit.reason, 'queued');
    assert.equal(audit.status, 202);
    assert.equal(audit.writeId, 'w-1');
    assert.deepEqual(audit.keys, ['disposition']);
    assert.doesNotMatch(JSON.stringify(audits), /resolved/, 'never a value in the audit line');
  });

  it('sends a retry of the same WriteId once, and a newer WriteId again', async () => {
    for (const writeId of ['w-1', 'w-1', 'w-2', 'w-1']) {
      const answer = await post(write({ WriteId: writeId, Attributes: { step: writeId } }));
      assert.equal(answer.statusCode, 202);
      assert.equal(answer.json['WriteId'], writeId);
    }
    assert.deepEqual(
      (await queued()).map((message) => decodeQueuedWrite(message.Body)?.writeId),
      ['w-1', 'w-2'],
    );
  });

  it('without a WriteId, derives one from the request: the same for a retry, deduplicated on the values', async () => {
    const first = await post(write());
    const retry = await post(write());
    const other = await post(write({ Attributes: { disposition: 'escalated' } }));
    assert.match(String(first.json['WriteId']), /^relay:[0-9a-f]{32}$/);
    assert.equal(retry.json['WriteId'], first.json['WriteId']);
    assert.notEqual(other.json['WriteId'], first.json['WriteId']);
    assert.deepEqual(
      (await queued()).map((message) => decodeQueuedWrite(message.Body)?.attributes['disposition']),
      ['resolved', 'escalated'],
    );
  });

  it('refuses a malformed WriteId with 400 in both modes, queuing nothing', async () => {
    const sync = createRelay(resolveRelayConfig({ ...rig.config(), queue: undefined }), { connect: rig.connect() });
    for (const bad of ['', 'has space', 'x'.repeat(129), 42, 'é']) {
      for (const to of [relay, sync]) {
        const answer = await post(write({ WriteId: bad }), rig.signIn(), to);
        assert.equal(answer.statusCode, 400, `WriteId ${JSON.stringify(bad)}`);
        assert.equal(answer.headers['x-amzn-errortype'], 'InvalidParameterException');
      }
    }
    assert.deepEqual(await queued(), []);
    assert.deepEqual(rig.connectApi.requestLog(), [], 'the synchronous relay refused before calling Connect');
  });

  it('still refuses at accept what checks 1 to 3 refuse, queuing nothing', async () => {
    const cases: Array<[Record<string, unknown>, string | null, number]> = [
      [write(), null, 401],
      [write({ Attributes: { routing_queue: 'x' } }), rig.signIn(), 403],
      [write({ InstanceId: 'other-instance' }), rig.signIn(), 403],
      [write({ Attributes: { 'bad key': 'x' } }), rig.signIn(), 400],
    ];
    for (const [body, token, status] of cases) assert.equal((await post(body, token)).statusCode, status);
    assert.deepEqual(await queued(), []);
  });

  it('refuses with 401 a token without a subject (its outcome could never be read), queuing nothing', async () => {
    const verified = createAuthenticator(resolveRelayConfig(rig.config()).auth);
    const noSubject = createRelay(rig.config(), {
      connect: rig.connect(),
      sqs: sqsOf(rig),
      audit: (r) => audits.push(r),
      authenticator: {
        authenticate: async (input) => ({ ...(await verified.authenticate(input)), sub: undefined }),
      },
    });
    const answer = await post(write({ WriteId: 'w-no-sub' }), rig.signIn(), noSubject);
    assert.equal(answer.statusCode, 401);
    assert.equal(answer.json['message'], 'Your sign-in carries no subject (sub): sign in again.');
    assert.equal(audits[0]?.reason, 'token:no-sub');
    assert.deepEqual(await queued(), []);
  });

  it('answers a retryable 503 when the queue cannot be reached, and audits it as failed', async () => {
    const closed = await freePort();
    const unreachable = createRelay(rig.config({ connectTimeoutMs: 2_000 }), {
      connect: rig.connect(),
      sqs: fauxqsClient(`http://127.0.0.1:${closed}`),
      audit: (r) => audits.push(r),
    });
    const answer = await post(write({ WriteId: 'w-1' }), rig.signIn(), unreachable);
    assert.equal(answer.statusCode, 503);
    assert.equal(answer.headers['x-amzn-errortype'], 'ServiceUnavailableException');
    assert.equal(audits[0]?.decision, 'failed');
    assert.equal(audits[0].reason, 'queue:unavailable');
  });
});

describe('queued mode: configuration', () => {
  it('takes a FIFO queue URL, https or with a loopback endpoint', () => {
    const base = rig.config();
    const problems = (queue: unknown) => {
      try {
        resolveRelayConfig({ ...base, queue });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    };
    assert.equal(problems({ url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/writes.fifo' }), '');
    assert.match(problems({ url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/writes' }), /FIFO/);
    assert.match(problems({ url: 'http://sqs.eu-west-1.example.com/1/writes.fifo' }), /must be https/);
    assert.match(
      problems({ url: 'https://sqs.eu-west-1.amazonaws.com/1/w.fifo', endpoint: 'http://sqs.example.com' }),
      /queue.endpoint/,
    );
    assert.match(problems({ url: 'https://sqs.eu-west-1.amazonaws.com/1/w.fifo', retries: 3 }), /queue.retries/);
  });
});

/** A port nothing listens on (listened on, then closed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

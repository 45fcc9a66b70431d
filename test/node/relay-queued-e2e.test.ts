/**
 * Queued mode end to end, in one process: the relay in queued mode (real JWTs) -> fauxqs's FIFO queue -> the worker
 * loop (sqs-consumer, @aws-sdk/client-sqs) -> the Connect API stand-in. Every check counts what reached the
 * stand-in's store (and its request log), not what was reported: writes land in order per contact, newest value
 * winning; a refusal is an outcome and never lands; and under each fault nothing is lost.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import { GetQueueAttributesCommand, PurgeQueueCommand, SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { createRelay, type AuditRecord, type Relay } from '../../src/relay/index.ts';
import { createMemoryOutcomeStore, type OutcomeStore, type WriteOutcome } from '../../src/relay/outcomes.ts';
import { startWorkerLoop, type WorkerLoop } from '../../src/relay/worker-loop.ts';
import { fauxqsClient } from '../../demo/fauxqs.ts';
import { instanceId, jones, sqsOf, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';
import { until } from '../helpers/until.ts';

let rig: QueuedRig;
let relay: Relay;
let audits: AuditRecord[];
let outcomes: WriteOutcome[];
/** The store the worker records into and the relay's outcomes route reads. */
let store: OutcomeStore;
const loops = new Set<WorkerLoop>();

before(async () => {
  rig = await startQueuedRig({ visibilityTimeoutSeconds: 2, maxReceiveCount: 4 });
});
after(() => rig.close());
beforeEach(() => {
  audits = [];
  outcomes = [];
  store = createMemoryOutcomeStore();
  relay = createRelay(rig.config(), {
    connect: rig.connect(),
    sqs: sqsOf(rig),
    audit: (r) => audits.push(r),
    outcomes: store,
  });
  chain += 1;
});
afterEach(async () => {
  await Promise.all([...loops].map((loop) => loop.stop()));
  loops.clear();
  rig.connectApi.reset();
  for (const url of [rig.queue.queueUrl, rig.queue.deadLetterUrl])
    await rig.queue.sqs.send(new PurgeQueueCommand({ QueueUrl: url }));
});

/** Deduplication ids live 5 minutes: each test writes its own contact chains. */
let chain = 0;
const contact = (name = 'a') => `e2e-${chain}-${name}`;

/** Starts a worker loop recording outcomes into `outcomes` (its own SQS client unless given). */
function startWorker(sqs: SQSClient = sqsOf(rig), pace = 50): WorkerLoop {
  const loop = startWorkerLoop({
    config: rig.config(),
    settings: { describeContactPerSecond: pace, updateAttributesPerSecond: pace, maxReceiveCount: 4 },
    dependencies: {
      sqs,
      connect: rig.connect(),
      audit: (r) => audits.push(r),
      outcomes: { record: (o) => (outcomes.push(o), store.record(o)), recent: (s, t) => store.recent(s, t) },
    },
    waitTimeSeconds: 1,
    visibilityTimeoutSeconds: 2,
    stopTimeoutMs: 10_000,
  });
  loops.add(loop);
  return loop;
}

async function stopWorker(loop: WorkerLoop): Promise<void> {
  await loop.stop();
  loops.delete(loop);
}

async function post(initialContactId: string, writeId: string, attributes: Record<string, string>, to = relay) {
  const response = await to({
    method: 'POST',
    path: '/contact/attributes',
    headers: { authorization: `Bearer ${rig.signIn()}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      InstanceId: instanceId,
      InitialContactId: initialContactId,
      ContactId: initialContactId,
      Attributes: attributes,
      WriteId: writeId,
    }),
  });
  return response.statusCode;
}

const stored = (initialContactId: string) => rig.connectApi.attributesOf(instanceId, initialContactId) ?? {};
/** The values of `key` each UpdateContactAttributes call that was stored carried for a contact, in order. */
const landedValues = (initialContactId: string, key = 'step') =>
  rig.connectApi
    .requestLog()
    .filter((e) => e.action === 'UpdateContactAttributes' && e.stored && e.initialContactId === initialContactId)
    .map((e) => e.attributes?.[key]);
const settledIds = (state: WriteOutcome['state']) => outcomes.filter((o) => o.state === state).map((o) => o.writeId);

/** Posts `count` writes to each contact, interleaved, each a newer `step`; all accepted. */
async function burst(contacts: string[], count: number, from = 0, to = relay): Promise<void> {
  for (let step = from; step < from + count; step += 1) {
    for (const id of contacts)
      assert.equal(await post(id, `${id}-${step}`, { step: String(step), [`k${step}`]: 'v' }, to), 202);
  }
}

describe('queued mode end to end', () => {
  it('lands writes in order per contact, the newest value winning, with an outcome and audit lines', async () => {
    const ids = [contact('a'), contact('b'), contact('c')].map((id) => rig.liveContact(id));
    startWorker();
    await burst(ids, 5);
    await until(() => settledIds('landed').length === 15, '15 landed outcomes');
    for (const id of ids) {
      const values = stored(id);
      assert.equal(values['step'], '4', `the newest value won on ${id}`);
      assert.deepEqual(Object.keys(values).sort(), ['k0', 'k1', 'k2', 'k3', 'k4', 'step']);
      const order = landedValues(id).map(Number);
      assert.deepEqual(
        order,
        [...order].sort((x, y) => x - y),
        `landed in order on ${id}`,
      );
    }
    assert.deepEqual(
      audits.filter((a) => a.writeId === `${ids[0]}-2`).map((a) => a.reason),
      ['queued', 'landed'],
      'an audit line at accept and one at landing',
    );
  });

  it("records a refusal for another agent's contact, which never lands", async () => {
    const theirs = rig.liveContact(contact('theirs'), jones);
    const mine = rig.liveContact(contact('mine'));
    startWorker();
    assert.equal(
      await post(theirs, 'steal', { step: 'stolen' }),
      202,
      'accepted: ownership is checked behind the queue',
    );
    assert.equal(await post(mine, 'fine', { step: 'fine' }), 202);
    await until(() => outcomes.length === 2, 'two outcomes');
    assert.deepEqual(settledIds('refused'), ['steal']);
    assert.equal(outcomes.find((o) => o.writeId === 'steal')?.status, 403);
    assert.deepEqual(stored(theirs), {});
    assert.deepEqual(landedValues(theirs), []);
    assert.deepEqual(stored(mine), { step: 'fine' });

    // The agent reads both outcomes back from the relay, with the token they wrote with.
    const read = await relay({
      method: 'GET',
      path: '/contact/attributes/outcomes',
      query: 'since=0',
      headers: { authorization: `Bearer ${rig.signIn()}` },
      body: '',
    });
    assert.equal(read.statusCode, 200);
    const { Outcomes } = JSON.parse(read.body) as {
      Outcomes: Array<{ WriteId: string; State: string; Status: number }>;
    };
    assert.deepEqual(Outcomes.map((o) => [o.WriteId, o.State, o.Status]).sort(), [
      ['fine', 'landed', 200],
      ['steal', 'refused', 403],
    ]);
  });
});

describe('queued mode: faults, nothing lost', () => {
  it('a worker killed after a write landed and before its delete: the re-send is harmless, and counted', async () => {
    const id = rig.liveContact(contact());
    // The first worker's deletes never reach the queue, as if it died right after landing.
    const dying = fauxqsClient(rig.queue.endpoint);
    dying.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'DeleteMessageBatchCommand') throw new Error('killed');
        return next(args);
      },
      { step: 'initialize' },
    );
    const first = startWorker(dying);
    assert.equal(await post(id, 'w-0', { step: '0' }), 202);
    await until(() => landedValues(id).length === 1, 'the first landing');
    await stopWorker(first);
    assert.equal(await post(id, 'w-1', { step: '1' }), 202);
    startWorker();
    await until(() => settledIds('landed').filter((w) => w === 'w-1').length === 1, 'w-1 landed');
    assert.deepEqual(landedValues(id), ['0', '0', '1'], 'w-0 landed twice, both before w-1');
    assert.deepEqual(stored(id), { step: '1' }, 'the newest value won');
  });

  it('the queue unavailable at accept: a 503, and the retry with the same WriteId lands once', async () => {
    const id = rig.liveContact(contact());
    const closed = await freePort();
    const cut = createRelay(rig.config({ connectTimeoutMs: 2_000 }), {
      connect: rig.connect(),
      sqs: fauxqsClient(`http://127.0.0.1:${closed}`),
      audit: () => undefined,
    });
    assert.equal(await post(id, 'w-0', { step: '0' }, cut), 503);
    assert.equal(await post(id, 'w-0', { step: '0' }), 202, "the outbox's retry");
    assert.equal(await post(id, 'w-0', { step: '0' }), 202, 'a second retry, deduplicated by SQS');
    startWorker();
    await until(() => settledIds('landed').length === 1, 'w-0 landed');
    assert.deepEqual(stored(id), { step: '0' });
    assert.deepEqual(landedValues(id), ['0'], 'landed once');
  });

  it('a throttle storm: writes go back and wait, then all land in order', async () => {
    const ids = [contact('a'), contact('b')].map((id) => rig.liveContact(id));
    // Connect allows 3 calls a second, the worker tries 50: most calls are throttled at first.
    rig.connectApi.setFaults({ quota: { ratePerSecond: 3, burst: 1 } });
    startWorker();
    await burst(ids, 3);
    await until(() => settledIds('landed').length === 6, '6 landed outcomes', 60_000);
    const throttled = rig.connectApi.requestLog().filter((e) => e.status === 429).length;
    assert.ok(throttled > 0, 'the storm throttled calls');
    for (const id of ids) {
      assert.equal(stored(id)['step'], '2');
      const order = landedValues(id).map(Number);
      assert.deepEqual(
        order,
        [...order].sort((x, y) => x - y),
      );
    }
    assert.deepEqual(settledIds('dead-letter'), []);
  });

  it('a poison message goes to the dead-letter queue after its last receive; its group then moves on', async () => {
    const id = rig.liveContact(contact());
    await rig.queue.sqs.send(
      new SendMessageCommand({
        QueueUrl: rig.queue.queueUrl,
        MessageBody: 'not a write',
        MessageGroupId: id,
        MessageDeduplicationId: `poison-${chain}`,
      }),
    );
    assert.equal(await post(id, 'w-1', { step: '1' }), 202);
    startWorker();
    await until(() => settledIds('landed').includes('w-1'), 'w-1 landed after the poison message', 60_000);
    assert.deepEqual(stored(id), { step: '1' });
    await until(async () => (await deadLetters()) === 1, 'the poison message in the dead-letter queue');
  });

  it('a write that keeps failing is recorded as a dead letter on its last receive', async () => {
    const id = rig.liveContact(contact());
    rig.connectApi.setFaults({ failNext: { count: 100, status: 500 } });
    startWorker();
    assert.equal(await post(id, 'doomed', { step: 'x' }), 202);
    await until(() => settledIds('dead-letter').includes('doomed'), 'the dead-letter outcome', 60_000);
    rig.connectApi.setFaults({ failNext: null });
    await until(async () => (await deadLetters()) === 1, 'the write in the dead-letter queue');
    assert.deepEqual(stored(id), {});
  });

  it('the relay and the worker restarted mid-burst: every write lands once, the newest value winning', async () => {
    const ids = [contact('a'), contact('b')].map((id) => rig.liveContact(id));
    let worker = startWorker();
    await burst(ids, 3);
    await stopWorker(worker);
    // A new relay (its queue client too); the browsers send again what they had no answer for, then newer writes.
    const restarted = createRelay(rig.config(), { connect: rig.connect(), sqs: sqsOf(rig), audit: () => undefined });
    await burst(ids, 1, 2, restarted);
    worker = startWorker();
    await burst(ids, 3, 3, restarted);
    await until(() => settledIds('landed').length === 12, '12 landed outcomes (3 retries deduplicated)');
    for (const id of ids) {
      assert.equal(stored(id)['step'], '5');
      const order = landedValues(id).map(Number);
      assert.deepEqual(
        order,
        [...order].sort((x, y) => x - y),
        `landed in order on ${id}`,
      );
    }
    assert.equal(new Set(settledIds('landed')).size, 12, 'each write settled once');
  });
});

async function deadLetters(): Promise<number> {
  const { Attributes } = await rig.queue.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: rig.queue.deadLetterUrl,
      AttributeNames: ['ApproximateNumberOfMessages'],
    }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address ? address.port : 0;
}

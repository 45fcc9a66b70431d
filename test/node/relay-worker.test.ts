/**
 * The queued relay's worker on hand-made batches, against the Connect API stand-in: a batch's writes merged per
 * contact in order (later values win), the same end state whether a batch holds several messages of one group (as SQS
 * may deliver) or one (as fauxqs does), refusals and final errors settled with an outcome and never landed, throttles
 * and server errors handed back with the rest of their group, and the outcome 'dead-letter' on the last receive.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { createMemoryOutcomeStore, type OutcomeStore, type WriteOutcome } from '../../src/relay/outcomes.ts';
import type { QueuedWrite } from '../../src/relay/queued-write.ts';
import type { AuditRecord } from '../../src/relay/respond.ts';
import { createWorker, type Worker, type WorkerMessage } from '../../src/relay/worker.ts';
import { instanceId, jones, smith, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';

let rig: QueuedRig;
let outcomes: OutcomeStore;
let recorded: WriteOutcome[];
let audits: AuditRecord[];
let worker: Worker;

before(async () => {
  rig = await startQueuedRig();
});
after(() => rig.close());
beforeEach(async () => {
  const store = createMemoryOutcomeStore();
  recorded = [];
  outcomes = { record: (o) => (recorded.push(o), store.record(o)), recent: (sub, since) => store.recent(sub, since) };
  audits = [];
  worker = createWorker(
    rig.config(),
    { describeContactPerSecond: 1000, updateAttributesPerSecond: 1000, maxReceiveCount: 3 },
    { outcomes, connect: rig.connect(), audit: (r) => audits.push(r) },
  );
  // Resolve the agent's Connect user once (SearchUsers is remembered), so injected faults hit the calls under test.
  rig.liveContact('warm');
  assert.deepEqual((await worker.process([message('warm', { initialContactId: 'warm' })])).retry, []);
  rig.connectApi.reset();
  recorded.length = 0;
  audits.length = 0;
  chain += 1;
});
afterEach(() => rig.connectApi.reset());

/** Each test writes its own contact chain. */
let chain = 0;
const chainId = () => `chain-${chain}`;

function message(
  id: string,
  write: Partial<QueuedWrite> = {},
  delivery: Partial<Pick<WorkerMessage, 'receiveCount' | 'groupId'>> = {},
): WorkerMessage {
  const body: QueuedWrite = {
    v: 1,
    requestId: `request-${id}`,
    writeId: id,
    acceptedAt: 0,
    sub: 'sub-smith',
    claims: { 'cognito:username': 'agent.smith' },
    instanceId,
    initialContactId: chainId(),
    contactId: chainId(),
    attributes: { step: id },
    ...write,
  };
  return {
    id: `m-${id}`,
    body: JSON.stringify(body),
    receiveCount: delivery.receiveCount ?? 1,
    groupId: delivery.groupId ?? body.initialContactId,
  };
}

/**
 * A worker whose Connect client throttles the calls `which` picks (once each: the stand-in's faults are neither per
 * action nor per contact).
 */
function workerFailing(command: string, which: (input: Record<string, unknown>) => boolean): Worker {
  const connect = rig.connect();
  const throttled = new Set<string>();
  connect.middlewareStack.add(
    (next, context) => async (args) => {
      const input = args.input as Record<string, unknown>;
      const key = JSON.stringify(input);
      if (context.commandName === command && which(input) && !throttled.has(key)) {
        throttled.add(key);
        throw Object.assign(new Error('Rate exceeded'), {
          name: 'ThrottlingException',
          $metadata: { httpStatusCode: 429 },
        });
      }
      return next(args);
    },
    { step: 'initialize' },
  );
  return createWorker(
    rig.config(),
    { describeContactPerSecond: 1000, updateAttributesPerSecond: 1000, maxReceiveCount: 3 },
    { outcomes, connect, audit: () => undefined },
  );
}

const stored = (initialContactId = chainId()) => rig.connectApi.attributesOf(instanceId, initialContactId);
const calls = (action: string) => rig.connectApi.requestLog().filter((entry) => entry.action === action).length;
const states = () => recorded.map((o) => `${o.writeId}:${o.state}`);

describe('worker: merging a batch per contact', () => {
  it('lands several messages of one group in one batch (as SQS may deliver) as one call, later values winning', async () => {
    rig.liveContact(chainId());
    const batch = [
      message('a', { attributes: { step: 'a', first: 'x' } }),
      message('b', { attributes: { step: 'b' } }),
      message('c', { attributes: { step: 'c', last: 'y' } }),
    ];
    const settlement = await worker.process(batch);
    assert.deepEqual(settlement, { settled: ['m-a', 'm-b', 'm-c'], retry: [] });
    assert.deepEqual(stored(), { step: 'c', first: 'x', last: 'y' });
    assert.equal(calls('UpdateContactAttributes'), 1, 'one call for the merged writes');
    assert.equal(calls('DescribeContact'), 1, 'one ownership check for the leg');
    assert.deepEqual(states(), ['a:landed', 'b:landed', 'c:landed']);
    assert.deepEqual(
      recorded.map((o) => [o.requestId, o.status, o.keys]),
      [
        ['request-a', 200, ['step', 'first']],
        ['request-b', 200, ['step']],
        ['request-c', 200, ['step', 'last']],
      ],
    );
    assert.deepEqual(
      audits.map((a) => [a.writeId, a.decision, a.reason]),
      [
        ['a', 'allowed', 'landed'],
        ['b', 'allowed', 'landed'],
        ['c', 'allowed', 'landed'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(audits) + JSON.stringify(recorded), /"x"|"y"/, 'never a value');
  });

  it('reaches the same state one message per group per batch (as fauxqs delivers)', async () => {
    rig.liveContact(chainId());
    for (const [id, attributes] of [
      ['a', { step: 'a', first: 'x' }],
      ['b', { step: 'b' }],
      ['c', { step: 'c', last: 'y' }],
    ] as const) {
      assert.deepEqual(await worker.process([message(id, { attributes })]), { settled: [`m-${id}`], retry: [] });
    }
    assert.deepEqual(stored(), { step: 'c', first: 'x', last: 'y' });
    assert.equal(calls('UpdateContactAttributes'), 3);
    assert.equal(calls('DescribeContact'), 1, 'the leg is remembered from batch to batch');
    assert.deepEqual(states(), ['a:landed', 'b:landed', 'c:landed']);
  });

  it('ends in the state of the writes applied in turn, however the deliveries cut them into batches', async () => {
    const keys = fc.constantFrom('k1', 'k2', 'k3');
    const writes = fc.array(fc.dictionary(keys, fc.string({ maxLength: 3 }), { minKeys: 1 }), {
      minLength: 1,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(
        writes,
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 6, maxLength: 6 }),
        async (all, cuts) => {
          chain += 1;
          rig.liveContact(chainId());
          const batches: WorkerMessage[][] = [];
          let index = 0;
          for (const size of cuts) {
            if (index >= all.length) break;
            batches.push(
              all.slice(index, index + size).map((attributes, i) => message(`w${index + i}`, { attributes })),
            );
            index += size;
          }
          for (const batch of batches) assert.deepEqual((await worker.process(batch)).retry, []);
          assert.deepEqual(stored(), Object.assign({}, ...all));
        },
      ),
      { numRuns: 15 },
    );
  });

  it('keeps groups apart and lands each in its own call', async () => {
    const other = `${chainId()}-other`;
    rig.liveContact(chainId());
    rig.liveContact(other);
    const batch = [message('a'), message('b', { initialContactId: other, contactId: other }), message('c')];
    const settlement = await worker.process(batch);
    assert.deepEqual([...settlement.settled].sort(), ['m-a', 'm-b', 'm-c']);
    assert.deepEqual(stored(), { step: 'c' });
    assert.deepEqual(stored(other), { step: 'b' });
    assert.equal(calls('UpdateContactAttributes'), 2);
  });
});

describe('worker: refusals and final errors', () => {
  it("refuses another agent's contact with an outcome, lands nothing of it, and lands the owner's writes", async () => {
    rig.liveContact(chainId(), jones);
    const mine = `${chainId()}-mine`;
    rig.liveContact(mine);
    const batch = [
      message('theirs', { attributes: { stolen: 'x' } }),
      message('ok', { initialContactId: mine, contactId: mine }),
    ];
    const settlement = await worker.process(batch);
    assert.deepEqual([...settlement.settled].sort(), ['m-ok', 'm-theirs'], 'a refusal is settled, not retried');
    assert.deepEqual(stored(), {}, 'nothing landed on their contact');
    assert.deepEqual(stored(mine), { step: 'ok' });
    const refusal = recorded.find((o) => o.writeId === 'theirs');
    assert.equal(refusal?.state, 'refused');
    assert.equal(refusal.status, 403);
    assert.equal(refusal.errorType, 'AccessDeniedException');
    assert.equal(audits.find((a) => a.writeId === 'theirs')?.reason, 'not-the-agent');
  });

  it('refuses an unknown contact and a key the policy denies, settling both', async () => {
    const batch = [message('ghost'), message('denied', { initialContactId: 'x', attributes: { routing_q: 'x' } })];
    const settlement = await worker.process(batch);
    assert.deepEqual([...settlement.settled].sort(), ['m-denied', 'm-ghost']);
    assert.deepEqual(states().sort(), ['denied:refused', 'ghost:refused']);
    assert.equal(calls('UpdateContactAttributes'), 0);
  });

  it('fails a write that takes the contact over budget, alone, after landing the merge before it', async () => {
    rig.connectApi.registerContacts([
      {
        instanceId,
        contactId: chainId(),
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        agentId: 'agent-agent-smith',
        attributes: { flow: 'f'.repeat(20_000) },
      },
    ]);
    const batch = [
      message('small', { attributes: { a: 'a'.repeat(5_000) } }),
      message('big', { attributes: { b: 'b'.repeat(9_000) } }),
      message('after', { attributes: { c: 'c' } }),
    ];
    const settlement = await worker.process(batch);
    assert.deepEqual(settlement, { settled: ['m-small', 'm-big', 'm-after'], retry: [] });
    assert.deepEqual(states(), ['small:landed', 'big:failed', 'after:landed']);
    assert.equal(recorded[1]?.status, 400);
    const now = stored() ?? {};
    assert.equal(now['b'], undefined, 'the write over budget did not land');
    assert.equal(now['a']?.length, 5_000);
    assert.equal(now['c'], 'c');
  });
});

describe('worker: handing back', () => {
  it('hands a throttled landing back with the rest of its group, records nothing, and lands it next time', async () => {
    rig.liveContact(chainId());
    const batch = [message('a'), message('b')];
    const throttled = workerFailing('UpdateContactAttributesCommand', () => true);
    const settlement = await throttled.process(batch);
    assert.deepEqual(settlement.settled, []);
    assert.deepEqual(
      settlement.retry.map((r) => r.id),
      ['m-a', 'm-b'],
    );
    assert.deepEqual(states(), [], 'a hand-back is not an outcome');
    assert.deepEqual(stored(), {});
    const again = await throttled.process(batch.map((m) => ({ ...m, receiveCount: 2 })));
    assert.deepEqual(again, { settled: ['m-a', 'm-b'], retry: [] });
    assert.deepEqual(stored(), { step: 'b' });
  });

  it('hands back from the first write whose ownership check was throttled, landing those before it', async () => {
    rig.liveContact(chainId());
    const leg2 = `${chainId()}-leg2`;
    rig.connectApi.registerContacts([
      { instanceId, contactId: leg2, initialContactId: chainId(), startedAt: new Date().toISOString(), agentId: smith },
    ]);
    const throttled = workerFailing('DescribeContactCommand', (input) => input['ContactId'] === leg2);
    const batch = [message('a'), message('b', { contactId: leg2 }), message('c')];
    const settlement = await throttled.process(batch);
    assert.deepEqual(settlement.settled, ['m-a']);
    assert.deepEqual(
      settlement.retry.map((r) => r.id),
      ['m-b', 'm-c'],
      'the throttled write and every later one of its group go back',
    );
    assert.deepEqual(stored(), { step: 'a' });
    assert.deepEqual(states(), ['a:landed']);
  });

  it('waits longer on each receive', async () => {
    rig.liveContact(chainId());
    rig.connectApi.setFaults({ failNext: { count: 3, status: 500 } });
    const delays = [];
    for (const receiveCount of [1, 2]) {
      delays.push((await worker.process([message('a', {}, { receiveCount })])).retry[0]?.delaySeconds);
    }
    assert.deepEqual(delays, [1, 2]);
  });

  it("records 'dead-letter' on the last receive of a write that keeps failing, and hands it back for SQS to move", async () => {
    rig.liveContact(chainId());
    rig.connectApi.setFaults({ failNext: { count: 2, status: 500 } });
    const early = await worker.process([message('a', {}, { receiveCount: 2 })]);
    assert.deepEqual(early.settled, []);
    assert.deepEqual(states(), [], 'not before the last receive');
    const last = await worker.process([message('a', {}, { receiveCount: 3 })]);
    assert.deepEqual(last.settled, []);
    assert.deepEqual(
      last.retry.map((r) => r.id),
      ['m-a'],
    );
    assert.deepEqual(states(), ['a:dead-letter']);
    assert.equal(recorded[0]?.status, 500);
    assert.equal(audits[0]?.reason, 'dead-letter:connect:DescribeContact:InternalServiceException');
    assert.deepEqual(stored(), {});
  });

  it('hands a poison message back with the rest of its group, without an outcome, and lands other groups', async () => {
    const other = `${chainId()}-other`;
    rig.liveContact(chainId());
    rig.liveContact(other);
    const poison: WorkerMessage = {
      id: 'm-poison',
      body: '{"v":1,"attributes":"no"}',
      receiveCount: 3,
      groupId: chainId(),
    };
    const settlement = await worker.process([
      poison,
      message('a'),
      message('b', { initialContactId: other, contactId: other }),
    ]);
    assert.deepEqual(settlement.settled, ['m-b']);
    assert.deepEqual(
      settlement.retry.map((r) => r.id),
      ['m-poison', 'm-a'],
    );
    assert.deepEqual(states(), ['b:landed'], 'nothing in a poison message says whose it is');
    assert.deepEqual(stored(), {});
  });
});

/**
 * The queued worker's ownership check 'current-user-data' against the Connect API stand-in: a leg that is its own
 * initial contact found among its caller's current contacts is owned without DescribeContact (one GetCurrentUserData
 * for the callers of a batch); not found there (another agent's, cleared already) or the call throttled, DescribeContact
 * decides; a later leg of a chain goes to DescribeContact alone. The outcome is checked in the stand-in's store.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { createMemoryOutcomeStore, type WriteOutcome } from '../../src/relay/outcomes.ts';
import type { QueuedWrite } from '../../src/relay/queued-write.ts';
import { createWorker, type Worker, type WorkerMessage, type WorkerSettings } from '../../src/relay/worker.ts';
import { asContact } from '../../src/relay/worker-connect.ts';
import { checkWorkerSettings } from '../../src/relay/worker-runtime.ts';
import { instanceId, jones, smith, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';

let rig: QueuedRig;
before(async () => {
  rig = await startQueuedRig();
});
after(() => rig.close());
afterEach(() => rig.connectApi.reset());

let recorded: WriteOutcome[] = [];
const fast = { describeContactPerSecond: 1000, updateAttributesPerSecond: 1000, currentUserDataPerSecond: 1000 };

function worker(settings: WorkerSettings = { ownershipCheck: 'current-user-data' }): Worker {
  const store = createMemoryOutcomeStore();
  recorded = [];
  const outcomes = {
    record: (o: WriteOutcome) => (recorded.push(o), store.record(o)),
    recent: store.recent.bind(store),
  };
  return createWorker(
    rig.config(),
    { ...fast, ...settings },
    { outcomes, connect: rig.connect(), audit: () => undefined },
  );
}

const usernames: Record<string, string> = { [smith]: 'agent.smith', [jones]: 'agent.jones' };

function message(id: string, caller: string, chain: string, leg = chain): WorkerMessage {
  const body: QueuedWrite = {
    v: 1,
    requestId: `request-${id}`,
    writeId: id,
    acceptedAt: 0,
    sub: `sub-${caller}`,
    claims: { 'cognito:username': usernames[caller] ?? caller },
    instanceId,
    initialContactId: chain,
    contactId: leg,
    attributes: { step: id },
  };
  return { id: `m-${id}`, body: JSON.stringify(body), receiveCount: 1, groupId: chain };
}

const calls = (action: string) => rig.connectApi.requestLog().filter((entry) => entry.action === action).length;
const stored = (chain: string) => rig.connectApi.attributesOf(instanceId, chain);
const states = () => recorded.map((o) => `${o.writeId}:${o.state}`).sort();
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

describe("worker: ownershipCheck 'current-user-data'", () => {
  it('lands writes on legs found among their callers’ current contacts, one GetCurrentUserData for the batch, no DescribeContact for them', async () => {
    rig.liveContact('own-smith', smith);
    rig.liveContact('own-jones', jones);
    rig.liveContact('smith-only', smith);
    rig.connectApi.registerContacts([
      { instanceId, contactId: 'own-acw', startedAt: minutesAgo(3), disconnectedAt: minutesAgo(1), agentId: smith },
    ]);
    const check = worker();
    // The callers' Connect users resolved first (SearchUsers is remembered), as they are for a steady fleet: a batch's
    // ownership questions then reach GetCurrentUserData together.
    rig.liveContact('warm-smith', smith);
    rig.liveContact('warm-jones', jones);
    await check.process([message('w1', smith, 'warm-smith'), message('w2', jones, 'warm-jones')]);
    rig.connectApi.reset();
    recorded.length = 0;
    const settlement = await check.process([
      message('a', smith, 'own-smith'),
      message('b', jones, 'own-jones'),
      message('c', smith, 'own-acw'),
      message('x', jones, 'smith-only'),
    ]);
    assert.deepEqual(settlement.retry, []);
    assert.deepEqual(states(), ['a:landed', 'b:landed', 'c:landed', 'x:refused']);
    assert.deepEqual(stored('smith-only'), {}, 'one caller’s current contacts never count for another');
    assert.deepEqual(stored('own-smith'), { step: 'a' });
    assert.deepEqual(stored('own-jones'), { step: 'b' });
    assert.deepEqual(stored('own-acw'), { step: 'c' }, 'ENDED, in after-contact work: still the agent’s');
    assert.equal(calls('GetCurrentUserData'), 1, 'both callers in one call');
    assert.equal(calls('DescribeContact'), 1, 'only for the leg not among its caller’s current contacts');
  });

  it('refuses a leg not among the caller’s current contacts once DescribeContact says it is another agent’s', async () => {
    rig.liveContact('not-jones', smith);
    const settlement = await worker().process([message('d', jones, 'not-jones')]);
    assert.deepEqual(settlement.retry, []);
    assert.deepEqual(states(), ['d:refused']);
    assert.equal(recorded[0]?.status, 403);
    assert.deepEqual(stored('not-jones'), {}, 'nothing written');
    assert.equal(calls('GetCurrentUserData'), 1);
    assert.equal(calls('DescribeContact'), 1, 'DescribeContact decided');
  });

  it('asks DescribeContact when the contact is cleared already, and lands within the window', async () => {
    rig.connectApi.registerContacts([
      {
        instanceId,
        contactId: 'cleared',
        startedAt: minutesAgo(5),
        disconnectedAt: minutesAgo(3),
        afterContactWorkEndedAt: minutesAgo(2),
        agentId: smith,
      },
    ]);
    await worker().process([message('e', smith, 'cleared')]);
    assert.deepEqual(states(), ['e:landed']);
    assert.deepEqual(stored('cleared'), { step: 'e' });
    assert.equal(calls('GetCurrentUserData'), 1);
    assert.equal(calls('DescribeContact'), 1);
  });

  it('falls back to DescribeContact when GetCurrentUserData is throttled', async () => {
    rig.liveContact('throttled', smith);
    rig.connectApi.setFaults({ quotas: { GetCurrentUserData: { ratePerSecond: 0.001, burst: 0.5 } } });
    const settlement = await worker().process([message('f', smith, 'throttled')]);
    assert.deepEqual(settlement.retry, []);
    assert.deepEqual(stored('throttled'), { step: 'f' });
    const log = rig.connectApi.requestLog();
    assert.deepEqual(
      log.filter((entry) => entry.action === 'GetCurrentUserData').map((entry) => entry.status),
      [429],
    );
    assert.equal(calls('DescribeContact'), 1);
  });

  it('checks a later leg of a chain (a transfer) with DescribeContact alone', async () => {
    rig.connectApi.registerContacts([
      { instanceId, contactId: 'chain-first', startedAt: minutesAgo(4), disconnectedAt: minutesAgo(3), agentId: jones },
      {
        instanceId,
        contactId: 'chain-second',
        initialContactId: 'chain-first',
        startedAt: minutesAgo(3),
        agentId: smith,
      },
    ]);
    await worker().process([message('g', smith, 'chain-first', 'chain-second')]);
    assert.deepEqual(states(), ['g:landed']);
    assert.deepEqual(stored('chain-first'), { step: 'g' });
    assert.equal(calls('GetCurrentUserData'), 0);
    assert.equal(calls('DescribeContact'), 1);
  });

  it("makes no GetCurrentUserData call with the default, 'describe-contact'", async () => {
    rig.liveContact('default-check', smith);
    await worker({}).process([message('h', smith, 'default-check')]);
    assert.deepEqual(stored('default-check'), { step: 'h' });
    assert.equal(calls('GetCurrentUserData'), 0);
    assert.equal(calls('DescribeContact'), 1);
  });
});

describe('worker: the ownership check setting', () => {
  it('takes only the states in which the contact is the agent’s as ownership', () => {
    const at = new Date(Date.UTC(2026, 0, 5, 9));
    for (const state of ['INCOMING', 'PENDING', 'CONNECTING', 'MISSED', 'ERROR', 'REJECTED'] as const)
      assert.equal(
        asContact({ ContactId: 'c', AgentContactState: state, StateStartTimestamp: at }, 'u'),
        undefined,
        state,
      );
    assert.equal(asContact({ ContactId: 'c', AgentContactState: 'CONNECTED_ONHOLD' }, 'u')?.AgentInfo?.Id, 'u');
    const ended = asContact({ ContactId: 'c', AgentContactState: 'ENDED', StateStartTimestamp: at }, 'u');
    assert.deepEqual([ended?.DisconnectTimestamp, ended?.AgentInfo?.AfterContactWorkStartTimestamp], [at, at]);
  });

  it('refuses an unknown ownership check, in the worker and in RELAY_WORKER_PACING', () => {
    assert.throws(
      () => worker({ ownershipCheck: 'guess' as 'describe-contact' }),
      /ownershipCheck must be one of describe-contact, current-user-data/,
    );
    assert.deepEqual(
      checkWorkerSettings({ ownershipCheck: 'current-user-data', currentUserDataPerSecond: 0.5 }, 'test'),
      { ownershipCheck: 'current-user-data', currentUserDataPerSecond: 0.5 },
    );
    assert.throws(
      () => checkWorkerSettings({ ownershipCheck: 'sometimes', currentUserDataPerSecond: 0 }, 'test'),
      /ownershipCheck must be one of .*; currentUserDataPerSecond must be a number/,
    );
  });
});

/**
 * The queued relay's worker, shared by the Lambda handler (src/relay/worker-lambda.ts) and the long-running process
 * (src/relay/worker-cli.ts): a batch of messages in, which to delete and which to hand back out.
 *
 * For each message group (one contact chain), in delivery order:
 * 1. read the write (a message that is not one is poison: handed back until SQS moves it to the dead-letter queue);
 * 2. judge it: the relay's policy again, the caller's Connect user, and ownership of the leg through the cache
 *    (DescribeContact paced under its quota; with `ownershipCheck: 'current-user-data'`, a leg that is its own initial
 *    contact is first looked for among the caller's current contacts, GetCurrentUserData paced under its own quota:
 *    src/relay/worker-connect.ts). A refusal settles the message at once (outcome 'refused');
 * 3. merge the owned writes in order (later values win) into as few UpdateContactAttributes calls as Connect's budget
 *    allows, paced under its quota, and settle them (outcome 'landed', or 'failed' for a final error: a merged call
 *    that fails so is retried write by write, so each write gets its own answer).
 * A throttle, a server error or no answer hands back that message and every later one of its group (the group then
 * waits in SQS, so order holds); on its last receive (`maxReceiveCount`) the outcome 'dead-letter' is recorded first.
 * Every settled write writes an audit line and an outcome; outcomes are best effort (a write that landed is deleted
 * even if its outcome could not be stored: delivering it again could overwrite newer values).
 */
import type { ConnectClient } from '@aws-sdk/client-connect';
import { resolveRelayConfig, type RelayConfig } from './config.ts';
import { createRelayConnectClient } from './connect-side.ts';
import type { OutcomeStore, WriteOutcome } from './outcomes.ts';
import { createCurrentContacts } from './current-contacts.ts';
import { createOwnershipCache } from './ownership-cache.ts';
import { createPacer, type PacerClock } from './pacer.ts';
import { decodeQueuedWrite, type QueuedWrite } from './queued-write.ts';
import { auditToStdout, type AuditRecord } from './respond.ts';
import { createUserResolver } from './users.ts';
import { createWorkerConnect, type CallFailure, type WorkerConnectOptions } from './worker-connect.ts';
import { byGroup, mergeInOrder, type WorkerMessage } from './worker-plan.ts';

export type { WorkerMessage } from './worker-plan.ts';

/** How the worker checks that a leg is the caller's. */
export type OwnershipCheck = 'describe-contact' | 'current-user-data';
export const ownershipChecks: readonly OwnershipCheck[] = ['describe-contact', 'current-user-data'];

/** The worker's settings. */
export interface WorkerSettings {
  /**
   * 'describe-contact' (default): DescribeContact for every leg. 'current-user-data': a leg that is its own initial
   * contact is first looked for among the caller's current contacts (GetCurrentUserData, up to 100 callers per call;
   * the role then needs connect:GetCurrentUserData too), DescribeContact when it is not there.
   */
  ownershipCheck?: OwnershipCheck;
  /** GetCurrentUserData calls per second, per worker process (default 1: Connect's default quota is 2/s). */
  currentUserDataPerSecond?: number;
  /** DescribeContact calls per second, per worker process (default 4: Connect's default quota is about 10/s). */
  describeContactPerSecond?: number;
  /** UpdateContactAttributes calls per second, per worker process (default 4). */
  updateAttributesPerSecond?: number;
  /** The queue's redrive policy maxReceiveCount: on that receive a failing write's outcome is 'dead-letter' (default 10). */
  maxReceiveCount?: number;
}

/** What the worker runs on. */
export interface WorkerDependencies {
  outcomes: OutcomeStore;
  /** Default: a ConnectClient for the configured region (and endpoint), one attempt per call. */
  connect?: ConnectClient;
  audit?: (record: AuditRecord) => void;
  /** The clock of ownership, outcomes and audit lines; default Date.now. */
  now?: () => number;
  /** The pacers' clock and timer; default the system's. */
  pacerClock?: PacerClock;
  /** Default: an ownership cache with the relay's window. */
  ownership?: WorkerConnectOptions['ownership'];
}

/** What to do with each message of a batch. */
export interface Settlement {
  /** Ids of the messages to delete. */
  settled: string[];
  /** Ids of the messages to hand back, and how long until they are delivered again. */
  retry: Array<{ id: string; delaySeconds: number }>;
}

/** The worker. */
export interface Worker {
  process(messages: readonly WorkerMessage[]): Promise<Settlement>;
}

export const workerDefaults = {
  describeContactPerSecond: 4,
  updateAttributesPerSecond: 4,
  maxReceiveCount: 10,
  ownershipCheck: 'describe-contact' as OwnershipCheck,
  currentUserDataPerSecond: 1,
};

/** Seconds before a handed-back message is delivered again: 1, 2, 4, ... up to 30. */
export const retryDelaySeconds = (receiveCount: number): number => Math.min(30, 2 ** Math.max(0, receiveCount - 1));

/** A worker for the relay's configuration. */
export function createWorker(given: RelayConfig, settings: WorkerSettings, dependencies: WorkerDependencies): Worker {
  const config = resolveRelayConfig(given);
  const {
    describeContactPerSecond,
    updateAttributesPerSecond,
    maxReceiveCount,
    ownershipCheck,
    currentUserDataPerSecond,
  } = { ...workerDefaults, ...settings };
  if (!(Number.isInteger(maxReceiveCount) && maxReceiveCount >= 1))
    throw new TypeError(`worker: maxReceiveCount must be a whole number from 1, got ${maxReceiveCount}`);
  if (!ownershipChecks.includes(ownershipCheck))
    throw new TypeError(`worker: ownershipCheck must be one of ${ownershipChecks.join(', ')}, got ${ownershipCheck}`);
  const now = dependencies.now ?? Date.now;
  const connect =
    dependencies.connect ?? createRelayConnectClient({ region: config.region, endpoint: config.connectEndpoint });
  const audit = dependencies.audit ?? auditToStdout;
  const calls = createWorkerConnect({
    config,
    connect,
    users: createUserResolver(config.user, connect, config.instanceId, now),
    ownership: dependencies.ownership ?? createOwnershipCache({ windowMs: config.ownershipWindowSeconds * 1000, now }),
    describePacer: createPacer(describeContactPerSecond, dependencies.pacerClock),
    updatePacer: createPacer(updateAttributesPerSecond, dependencies.pacerClock),
    ...(ownershipCheck === 'current-user-data' ? { currentContacts: currentContactsOf(currentUserDataPerSecond) } : {}),
  });

  function currentContactsOf(ratePerSecond: number) {
    const pacer = createPacer(ratePerSecond, dependencies.pacerClock);
    return { pacer, batcher: createCurrentContacts({ connect, pacer, timeoutMs: config.connectTimeoutMs }) };
  }

  /** Records the outcome and writes the audit line of a settled (or dead-lettered) write. */
  async function report(write: QueuedWrite, state: WriteOutcome['state'], answer: Answer): Promise<void> {
    const keys = Object.keys(write.attributes);
    const at = now();
    audit({
      time: new Date(at).toISOString(),
      requestId: write.requestId,
      decision: state === 'landed' ? 'allowed' : state === 'refused' ? 'refused' : 'failed',
      status: answer.status,
      reason: state === 'landed' ? 'landed' : state === 'dead-letter' ? `dead-letter:${answer.reason}` : answer.reason,
      caller: { sub: write.sub, ...(answer.userId ? { userId: answer.userId } : {}) },
      instanceId: write.instanceId,
      contactId: write.contactId,
      initialContactId: write.initialContactId,
      keys,
      writeId: write.writeId,
    });
    const outcome: WriteOutcome = {
      sub: write.sub,
      writeId: write.writeId,
      requestId: write.requestId,
      instanceId: write.instanceId,
      initialContactId: write.initialContactId,
      contactId: write.contactId,
      keys,
      state,
      status: answer.status,
      ...(answer.errorType ? { errorType: answer.errorType } : {}),
      ...(answer.message ? { message: answer.message } : {}),
      at,
    };
    try {
      await dependencies.outcomes.record(outcome);
    } catch (error) {
      console.error(`ccp-attributes worker: outcome of ${write.writeId} not stored: ${String(error)}`);
    }
  }

  async function processGroup(group: readonly WorkerMessage[], result: Settlement): Promise<void> {
    const owned: Array<{
      message: WorkerMessage;
      write: QueuedWrite;
      userId: string;
      attributes: QueuedWrite['attributes'];
    }> = [];
    /** Messages from here on go back to the queue, for this reason. */
    let stopAt = group.length;
    let cause: CallFailure | undefined;
    for (const [index, message] of group.entries()) {
      const write = decodeQueuedWrite(message.body);
      if (!write) {
        console.error(
          `ccp-attributes worker: message ${message.id} is not a queued write; left for the dead-letter queue`,
        );
        stopAt = index;
        cause = poison;
        break;
      }
      const verdict = await calls.judge(write);
      if ('failure' in verdict) {
        if (!verdict.failure.retry) {
          await report(write, 'failed', verdict.failure);
          result.settled.push(message.id);
          continue;
        }
        stopAt = index;
        cause = verdict.failure;
        break;
      }
      if (!verdict.owned) {
        const { status, type, message: text, reason } = verdict.refusal;
        await report(write, 'refused', { status, errorType: type, message: text, reason });
        result.settled.push(message.id);
        continue;
      }
      owned.push({ message, write, userId: verdict.userId, attributes: write.attributes });
    }

    const handBack: Array<{ message: WorkerMessage; write?: QueuedWrite }> = [];
    const runs = mergeInOrder(owned);
    for (const [index, run] of runs.entries()) {
      const [first] = run.writes;
      if (!first) continue;
      const failure = await calls.land(first.write.instanceId, first.write.initialContactId, run.attributes);
      if (!failure) {
        for (const item of run.writes) {
          await report(item.write, 'landed', { status: 200, reason: 'landed', userId: item.userId });
          result.settled.push(item.message.id);
        }
        continue;
      }
      if (!failure.retry && run.writes.length > 1) {
        // Which write broke it: each alone, in order (a write landed alone is as harmless as in the merge).
        runs.splice(index + 1, 0, ...mergeInOrder(run.writes, 0));
        continue;
      }
      if (!failure.retry) {
        await report(first.write, 'failed', { ...failure, userId: first.userId });
        result.settled.push(first.message.id);
        continue;
      }
      cause ??= failure;
      for (const later of runs.slice(index).flatMap((each) => each.writes)) handBack.push(later);
      break;
    }
    for (const message of group.slice(stopAt)) handBack.push({ message, ...writeOf(message) });
    for (const { message, write } of handBack) {
      if (write && message.receiveCount >= maxReceiveCount) await report(write, 'dead-letter', cause ?? poison);
      result.retry.push({ id: message.id, delaySeconds: retryDelaySeconds(message.receiveCount) });
    }
  }

  return {
    async process(messages) {
      const result: Settlement = { settled: [], retry: [] };
      await Promise.all(byGroup(messages).map((group) => processGroup(group, result)));
      return result;
    },
  };
}

/** What a report says about a write. */
interface Answer {
  status: number;
  errorType?: string;
  message?: string;
  reason: string;
  userId?: string;
}

const poison: CallFailure = {
  retry: true,
  throttled: false,
  status: 400,
  errorType: 'InvalidMessage',
  message: 'The queued message is not a write the worker can read.',
  reason: 'poison',
};

function writeOf(message: WorkerMessage): { write?: QueuedWrite } {
  const write = decodeQueuedWrite(message.body);
  return write ? { write } : {};
}

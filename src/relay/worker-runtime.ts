/**
 * What the worker's two entry points share (the Lambda handler, src/relay/worker-lambda.ts, and the long-running
 * process, src/relay/worker-loop.ts): the worker's settings from the environment, and handing messages back to the
 * queue with the worker's delay.
 * A handed-back message gets its visibility timeout set to the delay (ChangeMessageVisibilityBatch): the rest of its
 * group waits behind it in SQS, so order holds. If that call fails, the message still comes back when its visibility
 * timeout (the queue's) ends: later, never lost.
 */
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { ResolvedRelayConfig } from './config.ts';
import { outcomeStoreFor } from './outcomes-dynamodb.ts';
import { createMemoryOutcomeStore, type OutcomeStore } from './outcomes.ts';
import { ownershipChecks, workerDefaults, type Settlement, type WorkerSettings } from './worker.ts';

/**
 * The worker's settings from RELAY_WORKER_PACING, JSON `{"describeContactPerSecond": 2, "updateAttributesPerSecond":
 * 2, "maxReceiveCount": 5, "ownershipCheck": "current-user-data", "currentUserDataPerSecond": 1}` (each optional);
 * throws a TypeError naming what is wrong.
 */
export function workerSettingsFromEnvironment(env: Readonly<Record<string, string | undefined>>): WorkerSettings {
  const text = env['RELAY_WORKER_PACING'];
  if (!text) return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TypeError('RELAY_WORKER_PACING must be JSON, e.g. {"describeContactPerSecond": 2}');
  }
  return checkWorkerSettings(value, 'RELAY_WORKER_PACING');
}

/** Checks worker settings (from JSON or flags); throws a TypeError listing every problem. */
export function checkWorkerSettings(value: unknown, where: string): WorkerSettings {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new TypeError(`${where} must be an object`);
  const problems: string[] = [];
  const settings: WorkerSettings = {};
  for (const [name, given] of Object.entries(value)) {
    if (
      name === 'describeContactPerSecond' ||
      name === 'updateAttributesPerSecond' ||
      name === 'currentUserDataPerSecond'
    ) {
      if (typeof given === 'number' && Number.isFinite(given) && given > 0 && given <= 1000) settings[name] = given;
      else problems.push(`${name} must be a number of calls per second above 0 (at most 1000)`);
    } else if (name === 'maxReceiveCount') {
      if (Number.isInteger(given) && (given as number) >= 1 && (given as number) <= 1000)
        settings.maxReceiveCount = given as number;
      else problems.push('maxReceiveCount must be a whole number from 1 to 1000 (the queue redrive policy)');
    } else if (name === 'ownershipCheck') {
      const check = ownershipChecks.find((each) => each === given);
      if (check) settings.ownershipCheck = check;
      else problems.push(`ownershipCheck must be one of ${ownershipChecks.join(', ')}`);
    } else problems.push(`unknown setting ${name}`);
  }
  if (problems.length > 0) throw new TypeError(`${where}: ${problems.join('; ')}`);
  return settings;
}

/** The settings in force, for a start-up line. */
export const describeSettings = (settings: WorkerSettings): string => {
  const s = { ...workerDefaults, ...settings };
  const current =
    s.ownershipCheck === 'current-user-data' ? `, GetCurrentUserData ${s.currentUserDataPerSecond}/s first` : '';
  return `DescribeContact ${s.describeContactPerSecond}/s${current}, UpdateContactAttributes ${s.updateAttributesPerSecond}/s, maxReceiveCount ${s.maxReceiveCount}`;
};

/**
 * The outcome store of the relay's `outcomes` setting (a DynamoDB table the relay's outcomes route reads too), or,
 * without one, a store in this process only (every settled write still writes its audit line).
 */
export function outcomeStoreOf(config: Pick<ResolvedRelayConfig, 'outcomes' | 'region'>): OutcomeStore {
  if (config.outcomes) return outcomeStoreFor(config.outcomes, config.region);
  console.warn('ccp-attributes worker: no outcomes setting; outcomes are kept in this process only');
  return createMemoryOutcomeStore();
}

/**
 * The queue's own maxReceiveCount (its RedrivePolicy), so the worker's 'dead-letter' outcomes fall on the receive
 * after which SQS really moves a message; undefined when the queue has none or cannot be read.
 */
export async function readMaxReceiveCount(sqs: SQSClient, queueUrl: string): Promise<number | undefined> {
  try {
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['RedrivePolicy'] }),
      { abortSignal: AbortSignal.timeout(10_000) },
    );
    const policy = JSON.parse(Attributes?.RedrivePolicy ?? '{}') as { maxReceiveCount?: unknown };
    const count = Number(policy.maxReceiveCount);
    return Number.isInteger(count) && count >= 1 ? count : undefined;
  } catch (error) {
    console.error(`ccp-attributes worker: the queue's redrive policy could not be read: ${describeError(error)}`);
    return undefined;
  }
}

/** A received message's handle, to hand it back. */
export interface Receipt {
  id: string;
  receiptHandle: string;
}

/**
 * Sets the visibility timeout of the messages the worker hands back to their delays (at most 10 per call, SQS's
 * batch limit). Resolves the ids it could not change (they come back at the queue's visibility timeout instead).
 */
export async function handBack(
  sqs: SQSClient,
  queueUrl: string,
  retry: Settlement['retry'],
  receipts: readonly Receipt[],
): Promise<string[]> {
  const handles = new Map(receipts.map((r) => [r.id, r.receiptHandle]));
  const unchanged: string[] = [];
  for (let start = 0; start < retry.length; start += 10) {
    const entries = retry.slice(start, start + 10).flatMap(({ id, delaySeconds }, index) => {
      const handle = handles.get(id);
      // SQS batch entry ids: alphanumerics, - and _, up to 80 characters; the index keeps them unique.
      return handle ? [{ Id: `m${start + index}`, ReceiptHandle: handle, VisibilityTimeout: delaySeconds, id }] : [];
    });
    if (entries.length === 0) continue;
    try {
      const answer = await sqs.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: entries.map(({ Id, ReceiptHandle, VisibilityTimeout }) => ({
            Id,
            ReceiptHandle,
            VisibilityTimeout,
          })),
        }),
        { abortSignal: AbortSignal.timeout(10_000) },
      );
      for (const failed of answer.Failed ?? []) {
        const entry = entries.find((e) => e.Id === failed.Id);
        if (entry) unchanged.push(entry.id);
      }
    } catch (error) {
      console.error(`ccp-attributes worker: ChangeMessageVisibilityBatch failed: ${describeError(error)}`);
      unchanged.push(...entries.map((e) => e.id));
    }
  }
  return unchanged;
}

/** An error's name and message only (an SDK error also carries the request it failed on). */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}

/**
 * The worker's plan for a batch, as pure functions: the messages by group in the order SQS delivered them, and a
 * group's owned writes merged into as few UpdateContactAttributes calls as Connect's budget allows (later values win,
 * as they would had each been written in turn). SQS may deliver several messages of one group in one receive, an
 * emulator one at a time: the plan is the same function of whatever arrives.
 */
import { attributesBytes, mergeAttributes, MAX_TOTAL_BYTES, type Attributes } from '../validate.ts';

/** A received message, whatever delivered it (an SQS event record, a ReceiveMessage answer). */
export interface WorkerMessage {
  /** The message's id in this delivery (the event's messageId, or the receipt's MessageId). */
  id: string;
  body: string | undefined;
  /** ApproximateReceiveCount, 1 on the first delivery. */
  receiveCount: number;
  /** MessageGroupId; a message without one is a group of its own. */
  groupId: string | undefined;
}

/** The messages by group, each group in delivery order, the groups in order of their first message. */
export function byGroup<T extends Pick<WorkerMessage, 'id' | 'groupId'>>(messages: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const message of messages) {
    const key = message.groupId === undefined ? `\u0000${message.id}` : message.groupId;
    const group = groups.get(key);
    if (group) group.push(message);
    else groups.set(key, [message]);
  }
  return [...groups.values()];
}

/** One UpdateContactAttributes call: the merged attributes and the writes it lands. */
export interface MergedWrite<T> {
  attributes: Attributes;
  writes: T[];
}

/**
 * Merges consecutive writes, later values winning, into runs whose merged attributes stay within `budgetBytes`
 * (Connect's, by default): a write that would take the run over starts a new one. Every write fits alone (the relay
 * validated it), so nothing is dropped.
 */
export function mergeInOrder<T extends { attributes: Attributes }>(
  writes: readonly T[],
  budgetBytes = MAX_TOTAL_BYTES,
): MergedWrite<T>[] {
  const runs: MergedWrite<T>[] = [];
  let current: MergedWrite<T> | undefined;
  for (const write of writes) {
    const merged = current ? mergeAttributes(current.attributes, write.attributes) : undefined;
    if (current && merged && attributesBytes(merged) <= budgetBytes) {
      current.attributes = merged;
      current.writes.push(write);
    } else {
      current = { attributes: { ...write.attributes }, writes: [write] };
      runs.push(current);
    }
  }
  return runs;
}

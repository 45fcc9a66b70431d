/**
 * The worker's calls to Amazon Connect, one attempt each (the queue is the retry loop): whose write it is (the caller's
 * Connect user, then DescribeContact through the ownership cache, paced under DescribeContact's quota) and the landing
 * (UpdateContactAttributes, paced under its quota). Every error is classified once: a throttle, a server error or no
 * answer is worth another delivery; any other error is final.
 *
 * With `currentContacts` (the worker's `ownershipCheck: 'current-user-data'`), a leg that is its own initial contact is
 * first looked for among the caller's current contacts (GetCurrentUserData, many callers per call: current-contacts.ts).
 * Found there in a state the agent is on it (CONNECTED, CONNECTED_ONHOLD) or in its after-contact work (ENDED: Connect
 * keeps a contact on the agent's list until the agent clears it), it is the caller's, and is judged by the same
 * checkOwnership as DescribeContact's answer. Not found (cleared already, not the caller's, still ringing), or the
 * call failed: DescribeContact decides, as without the setting. A later leg of a chain (a transfer) always goes to
 * DescribeContact: an AgentContactReference does not say which chain a contact belongs to.
 */
import {
  DescribeContactCommand,
  UpdateContactAttributesCommand,
  type AgentContactReference,
  type ConnectClient,
  type Contact,
} from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import type { Attributes } from '../validate.ts';
import { checkPolicy } from './checks.ts';
import type { ResolvedRelayConfig } from './config.ts';
import { statusOf } from './connect-side.ts';
import type { Pacer } from './pacer.ts';
import type { QueuedWrite } from './queued-write.ts';
import { notYours, RelayError } from './respond.ts';
import type { UserResolver } from './users.ts';
import type { CurrentContacts } from './current-contacts.ts';
import type { LegDecision, OwnershipCache } from './ownership-cache.ts';

/** Why a call did not succeed, and whether another delivery can help. */
export interface CallFailure {
  retry: boolean;
  /** True for a throttle (the pacer then holds back). */
  throttled: boolean;
  status: number;
  errorType: string;
  message: string;
  /** For the audit line, e.g. `connect:UpdateContactAttributes:ThrottlingException`. */
  reason: string;
}

/** The verdict on one write before landing. */
export type Verdict =
  { owned: true; userId: string } | { owned: false; refusal: RelayError } | { failure: CallFailure };

/** What the worker's Connect side runs on. */
export interface WorkerConnectOptions {
  config: Pick<ResolvedRelayConfig, 'instanceId' | 'allowKeyPrefixes' | 'denyKeyPrefixes' | 'connectTimeoutMs'>;
  connect: ConnectClient;
  users: UserResolver;
  ownership: Pick<OwnershipCache, 'decide'>;
  describePacer: Pacer;
  updatePacer: Pacer;
  /** Agents' current contacts, asked before DescribeContact for a leg that is its own initial contact. */
  currentContacts?: { batcher: CurrentContacts; pacer: Pacer };
}

/** The Connect side of the worker. */
export interface WorkerConnect {
  /** Whether the write's caller may write its leg (policy, user, ownership). */
  judge(write: QueuedWrite): Promise<Verdict>;
  /** UpdateContactAttributes of merged attributes; resolves undefined when it landed. */
  land(instanceId: string, initialContactId: string, attributes: Attributes): Promise<CallFailure | undefined>;
}

/** How long the pace is held back after a throttle (ms). */
const throttleHoldOffMs = 1_000;

export function createWorkerConnect(options: WorkerConnectOptions): WorkerConnect {
  const { config, connect, users, ownership, describePacer, updatePacer, currentContacts } = options;
  const deadline = () => AbortSignal.timeout(config.connectTimeoutMs);

  return {
    async judge(write) {
      // The relay checked these at accept; the queue may hold messages it never saw, so they are checked again.
      try {
        checkPolicy({ instanceId: write.instanceId, keys: Object.keys(write.attributes) }, config);
      } catch (error) {
        if (error instanceof RelayError) return { owned: false, refusal: error };
        throw error;
      }
      let userId: string;
      try {
        const signal = deadline();
        const user = await orAbort(users.resolve(write.claims, signal), signal);
        if ('refused' in user) {
          const refusal = new RelayError(
            403,
            'AccessDeniedException',
            'Your sign-in does not match an Amazon Connect user of this instance.',
            `user:${user.refused}`,
          );
          return { owned: false, refusal };
        }
        userId = user.userId;
      } catch (error) {
        return { failure: classify('SearchUsers', error) };
      }
      const question = {
        userId,
        instanceId: write.instanceId,
        contactId: write.contactId,
        initialContactId: write.initialContactId,
      };
      let decision: LegDecision;
      try {
        decision = await ownership.decide(question, async (flight) => {
          const current =
            write.contactId === write.initialContactId ? await currentContact(question, flight) : undefined;
          return current ?? describe(write.instanceId, write.contactId, flight);
        });
      } catch (error) {
        const failure = classify('DescribeContact', error);
        if (failure.throttled) describePacer.holdOff(throttleHoldOffMs);
        return { failure };
      }
      if (decision.owned) return { owned: true, userId };
      const detail = decision.reason === 'window-passed' ? ' any more' : '';
      return { owned: false, refusal: notYours(decision.reason, detail) };
    },

    async land(instanceId, initialContactId, attributes) {
      await updatePacer.take();
      const signal = deadline();
      try {
        const command = new UpdateContactAttributesCommand({
          InstanceId: instanceId,
          InitialContactId: initialContactId,
          Attributes: attributes,
        });
        await orAbort(connect.send(command, { abortSignal: signal }), signal);
        return undefined;
      } catch (error) {
        const failure = classify('UpdateContactAttributes', error);
        if (failure.throttled) updatePacer.holdOff(throttleHoldOffMs);
        return failure;
      }
    },
  };

  /** The leg as a Contact when it is among the caller's current contacts in a state that makes it theirs. */
  async function currentContact(
    question: { userId: string; instanceId: string; contactId: string },
    flight: AbortSignal,
  ): Promise<Contact | undefined> {
    if (!currentContacts) return undefined;
    let contacts: AgentContactReference[];
    try {
      contacts = await currentContacts.batcher.of(question.instanceId, question.userId, flight);
    } catch (error) {
      if (flight.aborted) throw error;
      if (classify('GetCurrentUserData', error).throttled) currentContacts.pacer.holdOff(throttleHoldOffMs);
      return undefined;
    }
    const reference = contacts.find((contact) => contact.ContactId === question.contactId);
    return reference && asContact(reference, question.userId);
  }

  /** DescribeContact once its slot comes; the deadline counts from then (a paced wait is not Connect's slowness). */
  async function describe(instanceId: string, contactId: string, flight: AbortSignal): Promise<Contact | undefined> {
    await describePacer.take(flight);
    const signal = AbortSignal.any([flight, deadline()]);
    try {
      const command = new DescribeContactCommand({ InstanceId: instanceId, ContactId: contactId });
      return (await orAbort(connect.send(command, { abortSignal: signal }), signal)).Contact;
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }
}

/** Agent contact states in which the contact is the agent's: on it, on hold, or in its after-contact work. */
const ownedStates: ReadonlySet<string> = new Set(['CONNECTED', 'CONNECTED_ONHOLD', 'ENDED']);

/**
 * A current contact of `userId` as DescribeContact would describe the leg, for checkOwnership: the user is its agent,
 * the leg is its own initial contact (only such legs are looked up), and an ENDED one is in after-contact work since
 * its state started. Undefined in any other state (ringing, missed, rejected, in error): DescribeContact decides.
 */
export function asContact(reference: AgentContactReference, userId: string): Contact | undefined {
  if (!reference.ContactId || !ownedStates.has(reference.AgentContactState ?? '')) return undefined;
  const ended = reference.AgentContactState === 'ENDED' ? reference.StateStartTimestamp : undefined;
  return {
    Id: reference.ContactId,
    InitialContactId: reference.ContactId,
    AgentInfo: {
      Id: userId,
      ConnectedToAgentTimestamp: reference.ConnectedToAgentTimestamp,
      ...(ended ? { AfterContactWorkStartTimestamp: ended } : {}),
    },
    ...(ended ? { DisconnectTimestamp: ended } : {}),
  };
}

/**
 * A failed call as the worker acts on it: 429 and throttling errors, 5xx, and no answer at all (a network error, the
 * deadline) are retried through the queue; any other status is final.
 */
export function classify(action: string, error: unknown): CallFailure {
  const status = statusOf(error);
  const errorType = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error && error.message ? error.message : `${action} failed.`;
  const throttled = status === 429 || /Throttl|TooManyRequests/.test(errorType);
  if (status === undefined) {
    return {
      retry: true,
      throttled: false,
      status: 503,
      errorType: 'ServiceUnavailableException',
      message: 'Amazon Connect could not be reached.',
      reason: `connect:${action}:unreachable`,
    };
  }
  return {
    retry: throttled || status >= 500,
    throttled,
    status,
    errorType,
    message,
    reason: `connect:${action}:${errorType}`,
  };
}

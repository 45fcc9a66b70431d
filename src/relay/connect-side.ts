/**
 * The relay's calls to Amazon Connect, checks 4 and 5 of src/relay/core.ts: whose contact (the caller's Connect user,
 * then DescribeContact judged by src/relay/ownership.ts) and the write itself. Every call takes the request's one
 * deadline: passed to the SDK, which aborts the HTTP request and stops (rather than the handler's requestTimeout,
 * which @smithy/node-http-handler 4.x applies per attempt and by default only warns about), and raced with it, so a
 * call the SDK does not end (credentials) ends anyway. Connect's errors pass through with their status (429 stays
 * 429); no answer by the deadline, or none at all, is a retryable 503.
 * No hidden retries: the relay's client makes one attempt (createRelayConnectClient), so a throttled call costs one
 * call at Connect per browser attempt, and the browser's outbox backoff is the only retry loop.
 */
import {
  ConnectClient,
  DescribeContactCommand,
  UpdateContactAttributesCommand,
  type ConnectClientConfig,
} from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import type { Claims } from './auth.ts';
import type { LegDecision, OwnershipCache } from './ownership-cache.ts';
import { RelayError, notYours, type AuditRecord } from './respond.ts';
import type { UserResolver } from './users.ts';

/** The members of a write the Connect side reads. */
export interface ContactWrite {
  instanceId: string;
  initialContactId: string;
  contactId: string;
  attributes: Record<string, string>;
}

/** What the Connect side runs on. */
export interface ConnectSideOptions {
  connect: ConnectClient;
  users: UserResolver;
  /** Decides ownership, at most one DescribeContact per caller and leg while its answer holds. */
  ownership: OwnershipCache;
}

/** Checks 4 and 5, each ending by `deadline`. */
export interface ConnectSide {
  /** 4a. The caller's Connect user id (403 when the claims map to none); notes it in the audit record. */
  resolveUser(claims: Claims, record: AuditRecord, deadline: AbortSignal): Promise<string>;
  /**
   * 4b. Throws a 403 unless DescribeContact (or the cache's memory of it) shows the leg is `userId`'s, in the write's
   * chain, and not too old.
   */
  confirmOwner(userId: string, write: ContactWrite, deadline: AbortSignal): Promise<void>;
  /** 5. UpdateContactAttributes with the relay's role. */
  update(write: ContactWrite, deadline: AbortSignal): Promise<void>;
}

/**
 * The relay's Connect client: one attempt per call (`maxAttempts: 1`, so no retry mode applies: neither the standard
 * mode's retries nor the adaptive mode's client-side rate limiter). A retry inside the relay would multiply the calls a
 * fleet makes against a quota its browsers already back off from, and spend the request's one deadline; the 429 goes
 * back to the browser instead. `credentials`: default the SDK's chain (the function's role).
 */
export function createRelayConnectClient(options: {
  region: string;
  endpoint?: string | undefined;
  credentials?: ConnectClientConfig['credentials'];
}): ConnectClient {
  return new ConnectClient({
    region: options.region,
    maxAttempts: 1,
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.credentials ? { credentials: options.credentials } : {}),
  });
}

/** The Connect side of a relay (or a worker). */
export function createConnectSide({ connect, users, ownership }: ConnectSideOptions): ConnectSide {
  return {
    async resolveUser(claims, record, deadline) {
      const user = await viaConnect('SearchUsers', deadline, () => users.resolve(claims, deadline));
      if ('refused' in user) {
        throw new RelayError(
          403,
          'AccessDeniedException',
          'Your sign-in does not match an Amazon Connect user of this instance.',
          `user:${user.refused}`,
        );
      }
      record.caller = {
        ...record.caller,
        userId: user.userId,
        ...(user.username ? { username: user.username } : {}),
      };
      return user.userId;
    },

    async confirmOwner(userId, write, deadline) {
      const describe = async (signal: AbortSignal) => {
        try {
          const command = new DescribeContactCommand({ InstanceId: write.instanceId, ContactId: write.contactId });
          return (await connect.send(command, { abortSignal: signal })).Contact;
        } catch (error) {
          if (statusOf(error) === 404) return undefined;
          throw error;
        }
      };
      let decision: LegDecision;
      try {
        // The cache ends this request's wait at its deadline, and the call once no request waits for it.
        decision = await ownership.decide({ userId, ...write }, describe, deadline);
      } catch (error) {
        throw connectError('DescribeContact', error, deadline);
      }
      // An unknown contact is refused like someone else's: the answer does not tell which contacts exist.
      if (!decision.owned) throw notYours(decision.reason, decision.reason === 'window-passed' ? ' any more' : '');
    },

    async update(write, deadline) {
      const update = new UpdateContactAttributesCommand({
        InstanceId: write.instanceId,
        InitialContactId: write.initialContactId,
        Attributes: write.attributes,
      });
      await viaConnect('UpdateContactAttributes', deadline, () => connect.send(update, { abortSignal: deadline }));
    },
  };
}

async function viaConnect<T>(action: string, deadline: AbortSignal, call: () => Promise<T>): Promise<T> {
  try {
    return await orAbort(call(), deadline);
  } catch (error) {
    throw connectError(action, error, deadline);
  }
}

/**
 * Connect's error, passed through with its status and type; no answer by the deadline, or no response at all,
 * becomes a retryable 503. A write may still have been stored (the browser's outbox treats a 503 as ambiguous).
 */
export function connectError(action: string, error: unknown, deadline: AbortSignal): RelayError {
  if (deadline.aborted)
    return new RelayError(
      503,
      'ServiceUnavailableException',
      'Amazon Connect did not answer in time; try again.',
      `connect:${action}:timeout`,
    );
  const status = statusOf(error);
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error && error.message ? error.message : `${action} failed.`;
  if (status === undefined)
    return new RelayError(
      503,
      'ServiceUnavailableException',
      'Amazon Connect could not be reached; try again.',
      `connect:${action}:unreachable`,
    );
  return new RelayError(status, name, message, `connect:${action}:${name}`);
}

/** The HTTP status of an AWS SDK error, when it had a response. */
export function statusOf(error: unknown): number | undefined {
  const metadata = (error as { $metadata?: { httpStatusCode?: unknown } } | undefined)?.$metadata;
  return typeof metadata?.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
}

/**
 * Queued mode's accept: after checks 1 to 3 (src/relay/checks.ts), the write goes to the SQS FIFO queue and the relay
 * answers 202 with `{"State": "ACCEPTED", "WriteId", "RequestId"}`. No call to Amazon Connect here: the worker
 * (src/relay/worker.ts) resolves the caller's Connect user, checks ownership and lands the write at Connect's pace, so
 * a burst of accepts cannot herd on DescribeContact. The queue unavailable (or slower than the relay's deadline) is a
 * retryable 503: the browser's outbox sends again, with the same WriteId, which SQS deduplicates if the first send
 * was stored after all.
 */
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { orAbort } from '../deadline.ts';
import { subjectOf, type CheckedWrite } from './checks.ts';
import type { ResolvedRelayConfig } from './config.ts';
import { queueRegion, type RelayQueue } from './queue-config.ts';
import {
  deduplicationIdOf,
  derivedWriteId,
  messageGroupIdOf,
  writeIdPattern,
  type QueuedWrite,
} from './queued-write.ts';
import { RelayError, type AuditRecord } from './respond.ts';

/** The 202 answer's body. */
export interface AcceptedBody {
  State: 'ACCEPTED';
  WriteId: string;
  RequestId: string;
}

/** Hands checked writes to the queue. */
export interface QueueSender {
  /** Sends the write; resolves with the 202 body, or throws a RelayError (400, 401, 403, 503). */
  accept(write: CheckedWrite, requestId: string, record: AuditRecord, deadline: AbortSignal): Promise<AcceptedBody>;
}

/** An SQS client for the queue: its region from the URL, the endpoint when one is set. */
export function createSqsClient(queue: RelayQueue, fallbackRegion: string): SQSClient {
  return new SQSClient({
    region: queueRegion(queue.url) ?? fallbackRegion,
    ...(queue.endpoint ? { endpoint: queue.endpoint } : {}),
  });
}

/**
 * The request's WriteId: undefined when it has none, a 400 InvalidParameterException when it is malformed (in both
 * modes: a browser sending one expects it to count).
 */
export function readWriteId(body: Record<string, unknown>): string | undefined {
  const writeId = body['WriteId'];
  if (writeId === undefined) return undefined;
  if (typeof writeId !== 'string' || !writeIdPattern.test(writeId)) {
    throw new RelayError(
      400,
      'InvalidParameterException',
      'WriteId must be 1 to 128 characters of letters, digits and _ . : -',
      'invalid:write-id',
    );
  }
  return writeId;
}

/** A sender to `queue` with the relay's settings. */
export function createQueueSender(
  queue: RelayQueue,
  config: Pick<ResolvedRelayConfig, 'user'>,
  sqs: SQSClient,
  now: () => number,
): QueueSender {
  const claimName = 'userIdClaim' in config.user ? config.user.userIdClaim : config.user.usernameClaim;
  return {
    async accept(write, requestId, record, deadline) {
      // Without a subject the write's outcome could never be read or pushed to its caller.
      const sub = subjectOf(write.claims);
      const givenWriteId = readWriteId(write.body);
      const claim = write.claims[claimName];
      if (typeof claim !== 'string' || claim.length === 0) {
        // As the synchronous relay answers a missing claim (src/relay/connect-side.ts), without asking Connect.
        throw new RelayError(
          403,
          'AccessDeniedException',
          'Your sign-in does not match an Amazon Connect user of this instance.',
          'user:no-user-claim',
        );
      }
      const deduplicationId = deduplicationIdOf({ ...write, sub }, givenWriteId);
      const message: QueuedWrite = {
        v: 1,
        requestId,
        writeId: givenWriteId ?? derivedWriteId(deduplicationId),
        acceptedAt: now(),
        sub,
        claims: { [claimName]: claim },
        instanceId: write.instanceId,
        initialContactId: write.initialContactId,
        contactId: write.contactId,
        attributes: write.attributes,
      };
      record.writeId = message.writeId;
      const command = new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: JSON.stringify(message),
        MessageGroupId: messageGroupIdOf(write.initialContactId),
        MessageDeduplicationId: deduplicationId,
      });
      try {
        await orAbort(sqs.send(command, { abortSignal: deadline }), deadline);
      } catch (error) {
        // Name and message only: an SDK error also carries the request it failed on.
        if (!deadline.aborted) console.error(`ccp-attributes relay: SendMessage failed: ${describe(error)}`);
        throw new RelayError(
          503,
          'ServiceUnavailableException',
          'The relay cannot queue the write right now; try again.',
          deadline.aborted ? 'queue:timeout' : 'queue:unavailable',
        );
      }
      return { State: 'ACCEPTED', WriteId: message.writeId, RequestId: requestId };
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : 'unknown error';
}

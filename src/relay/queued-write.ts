/**
 * A write as it travels through the SQS FIFO queue between the relay (which accepts it) and the worker (which lands
 * it): the message body, its group and its deduplication id.
 * - `MessageGroupId` is the InitialContactId (its SHA-256 in hex when longer than 128 characters, SQS's limit), so
 *   one contact's writes are delivered in order.
 * - `MessageDeduplicationId` is the SHA-256 in hex of the caller, the instance, the contact and the request's
 *   WriteId (or, without one, its attributes in canonical JSON): a browser's retry of the same request is dropped by
 *   SQS within its 5-minute deduplication interval, and a request carrying newer values (a new WriteId) is not.
 * Limits read from @aws-sdk/client-sqs's SendMessageRequest docs (dist-types/models/models_0.d.ts): both ids up to
 * 128 characters of alphanumerics and punctuation.
 */
import { createHash } from 'node:crypto';
import { checkUpdate, type Attributes } from '../validate.ts';

/** The message body (JSON). Never logged: it carries attribute values. */
export interface QueuedWrite {
  /** The format's version. */
  v: 1;
  /** The relay's request id at accept. */
  requestId: string;
  /** The browser's WriteId, or one derived from the request when it sent none. */
  writeId: string;
  /** When the relay accepted it (ms since the epoch). */
  acceptedAt: number;
  /** The caller's token subject: the partition of their outcomes. */
  sub: string;
  /** The one claim that names the caller's Connect user (the relay's `user` mapping), for the worker to resolve. */
  claims: Record<string, string>;
  instanceId: string;
  initialContactId: string;
  /** The leg the agent is on: the worker checks it is theirs. */
  contactId: string;
  attributes: Attributes;
}

/** What the browser may send as WriteId. */
export const writeIdPattern = /^[A-Za-z0-9_.:-]{1,128}$/;

/** The SQS message group of a contact's writes. */
export function messageGroupIdOf(initialContactId: string): string {
  return initialContactId.length <= 128 && /^[\x21-\x7e]+$/.test(initialContactId)
    ? initialContactId
    : sha256Hex(initialContactId);
}

/** The SQS deduplication id of a write (see the header). */
export function deduplicationIdOf(
  write: Pick<QueuedWrite, 'sub' | 'instanceId' | 'initialContactId' | 'attributes'>,
  writeId: string | undefined,
): string {
  const what = writeId ?? canonicalJson(write.attributes);
  return sha256Hex([write.sub, write.instanceId, write.initialContactId, what].join('\n'));
}

/** The WriteId the relay gives a request that came without one: stable for the same request, so a retry gets it too. */
export function derivedWriteId(deduplicationId: string): string {
  return `relay:${deduplicationId.slice(0, 32)}`;
}

/** JSON with object keys sorted (attribute maps only: string values), so equal maps give equal text. */
export function canonicalJson(attributes: Readonly<Attributes>): string {
  const keys = Object.keys(attributes).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${JSON.stringify(attributes[key])}`).join(',')}}`;
}

/**
 * Reads a message body; undefined when it is not a write of this format (a poison message: nothing in it can be
 * trusted, not even whose it is). Re-validates the attributes with the project's validator: the queue may hold
 * messages nobody accepted through the relay.
 */
export function decodeQueuedWrite(body: string | undefined): QueuedWrite | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body ?? '');
  } catch {
    return undefined;
  }
  if (!isRecord(value) || value['v'] !== 1) return undefined;
  const strings = ['requestId', 'writeId', 'sub', 'instanceId', 'initialContactId', 'contactId'] as const;
  if (!strings.every((name) => typeof value[name] === 'string' && value[name] !== '')) return undefined;
  const { claims, attributes, acceptedAt } = value;
  if (typeof acceptedAt !== 'number' || !isStringMap(claims) || !isStringMap(attributes)) return undefined;
  const write = value as unknown as QueuedWrite;
  const problems = checkUpdate({
    instanceId: write.instanceId,
    initialContactId: write.initialContactId,
    attributes,
  });
  return problems.length === 0 && writeIdPattern.test(write.writeId) ? write : undefined;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringMap(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((entry) => typeof entry === 'string');
}

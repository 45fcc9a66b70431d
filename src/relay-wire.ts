/**
 * What a queued relay answers, read strictly: the 202 of an accepted write (`{State: 'ACCEPTED', WriteId,
 * RequestId}`) and the outcomes route's `{Outcomes: [{WriteId, RequestId, InstanceId, InitialContactId, ContactId,
 * Keys, State, Status, ErrorType?, Message?, At}]}` (PascalCase on the wire, as the rest of the relay), and the
 * outcome feed's messages (`subscribed` with the relay's `now`, `outcomes` with the same WireOutcomes, `pong`, `error`). An answer
 * that does not fit is a retryable `server` error naming what is wrong, never a silent drop.
 */
import { AttributesError } from './errors.ts';
import type { WriteOutcomeReport } from './outbox/options.ts';
import type { WriteReceipt } from './writer.ts';

/** The receipt of a write the relay stored at once (200). */
export const LANDED: WriteReceipt = Object.freeze({ state: 'landed' });

const STATES: ReadonlySet<string> = new Set(['landed', 'refused', 'failed', 'dead-letter']);

/** The body of a response as JSON; an unreadable one is a `server` error (or the signal's reason). */
export async function readJson(response: Response, signal: AbortSignal): Promise<unknown> {
  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    if (signal.aborted) throw signal.reason;
    throw malformed('its answer could not be read', error);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformed('its answer is not JSON', error);
  }
}

/** The receipt of a 202: the WriteId the relay gives (else the one sent) and its request id. */
export async function acceptedOf(
  response: Response,
  sent: string | undefined,
  signal: AbortSignal,
): Promise<WriteReceipt> {
  const body = record(await readJson(response, signal));
  const writeId = text(body['WriteId']) ?? sent;
  if (writeId === undefined) throw malformed('it accepted the write (202) without a WriteId');
  const requestId = text(body['RequestId']) ?? text(response.headers.get('x-amzn-requestid'));
  return { state: 'accepted', writeId, ...(requestId ? { requestId } : {}) };
}

/** The outcomes of an answer of the outcomes route. */
export function outcomesOf(json: unknown): WriteOutcomeReport[] {
  return wireOutcomes(record(json)['Outcomes'], 'its outcomes answer has no Outcomes list');
}

/** A list of WireOutcomes (the outcomes route's `Outcomes`, a pushed `outcomes` message's) as reports. */
export function wireOutcomes(list: unknown, missing: string): WriteOutcomeReport[] {
  if (!Array.isArray(list)) throw malformed(missing);
  return list.map((item: unknown, index) => {
    const wire = record(item);
    const writeId = text(wire['WriteId']);
    const state = text(wire['State']);
    const status = wire['Status'];
    const at = wire['At'];
    if (writeId === undefined || state === undefined || !STATES.has(state) || typeof status !== 'number')
      throw malformed(`outcome ${index} lacks a WriteId, a known State or a Status`);
    if (typeof at !== 'number') throw malformed(`outcome ${index} lacks its time (At)`);
    const keys = wire['Keys'];
    const optional = {
      requestId: text(wire['RequestId']),
      instanceId: text(wire['InstanceId']),
      initialContactId: text(wire['InitialContactId']),
      contactId: text(wire['ContactId']),
      keys: Array.isArray(keys) ? keys.filter((key): key is string => typeof key === 'string') : undefined,
      errorType: text(wire['ErrorType']),
      message: text(wire['Message']),
    };
    const defined = Object.entries(optional).filter(([, value]) => value !== undefined);
    return { writeId, state: state as WriteOutcomeReport['state'], status, at, ...Object.fromEntries(defined) };
  });
}

/** A message the outcome feed's socket sends (JSON text, `type` naming it). */
export type FeedMessage =
  | { type: 'subscribed'; expiresAt: number; now: number | undefined }
  | { type: 'outcomes'; outcomes: WriteOutcomeReport[]; backlog: boolean }
  | { type: 'pong' }
  | { type: 'error'; status: number | undefined; message: string | undefined };

/** One message of the outcome feed, read strictly. */
export function feedMessageOf(data: unknown): FeedMessage {
  if (typeof data !== 'string') throw malformed('a message of its outcome feed is not text');
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (error) {
    throw malformed('a message of its outcome feed is not JSON', error);
  }
  const message = record(json);
  const type = message['type'];
  if (type === 'subscribed') {
    const expiresAt = message['expiresAt'];
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt))
      throw malformed('its feed said subscribed without expiresAt');
    // The relay's clock (ms since the epoch), which relays before it was added do not send.
    const now = message['now'];
    if (now !== undefined && (typeof now !== 'number' || !Number.isFinite(now)))
      throw malformed('its feed said subscribed with a `now` that is not a time');
    return { type, expiresAt, now };
  }
  if (type === 'outcomes') {
    const outcomes = wireOutcomes(message['outcomes'], 'its feed sent outcomes without an outcomes list');
    return { type, outcomes, backlog: message['backlog'] === true };
  }
  if (type === 'pong') return { type };
  if (type === 'error') {
    const status = message['status'];
    return { type, status: typeof status === 'number' ? status : undefined, message: text(message['message']) };
  }
  throw malformed('a message of its outcome feed has no known type');
}

/** The `exp` of a JWT (ms since the epoch), for timing only: the relay verifies the token, not this. */
export function expiryOf(token: string | undefined): number | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/'));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function malformed(what: string, cause?: unknown): AttributesError {
  return new AttributesError('server', `The relay's answer is not what it should be: ${what}.`, { cause });
}

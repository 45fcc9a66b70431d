/**
 * `GET /contact/attributes/outcomes?since=<ms>`: the caller's own write outcomes since a time (src/relay/outcomes.ts),
 * oldest first, with the same bearer token as the writes. The answer is PascalCase like the rest of the relay:
 * `{"Outcomes": [{WriteId, RequestId, InstanceId, InitialContactId, ContactId, Keys, State, Status, ErrorType?,
 * Message?, At}]}`. The partition is the token's `sub`, never anything the request names, so no caller reads another's.
 */
import { orAbort } from '../deadline.ts';
import type { Authenticator } from './auth.ts';
import { authenticateCaller, subjectOf } from './checks.ts';
import type { OutcomeStore, WriteOutcome } from './outcomes.ts';
import {
  RelayError,
  asRelayError,
  errorResponse,
  jsonResponse,
  type AuditRecord,
  type RelayRequest,
  type RelayResponse,
} from './respond.ts';

/** The route's path. */
export const outcomesPath = '/contact/attributes/outcomes';

/** A route besides the write: its methods (for the preflight) and its handler. */
export interface RelayRoute {
  /** e.g. 'GET, OPTIONS'. */
  methods: string;
  /** Answers `request`; `base` holds the CORS headers and the request id. */
  handle(request: RelayRequest, base: Record<string, string>): Promise<RelayResponse>;
}

/** An outcome on the wire. */
export interface WireOutcome {
  WriteId: string;
  RequestId: string;
  InstanceId: string;
  InitialContactId: string;
  ContactId: string;
  Keys: string[];
  State: WriteOutcome['state'];
  Status: number;
  ErrorType?: string;
  Message?: string;
  At: number;
}

/** What the route runs on. */
export interface OutcomesRouteOptions {
  authenticator: Authenticator;
  /** Undefined: this relay keeps no outcomes (404). */
  store: OutcomeStore | undefined;
  /** How long the store may take (ms); past it a retryable 503. */
  timeoutMs: number;
}

/** The outcomes route. */
export function createOutcomesRoute({ authenticator, store, timeoutMs }: OutcomesRouteOptions): RelayRoute {
  return {
    methods: 'GET, OPTIONS',
    async handle(request, base) {
      try {
        if (request.method !== 'GET')
          throw new RelayError(405, 'UnknownOperationException', `Use GET on ${outcomesPath}.`, 'wrong-method');
        // Not a write: the record only carries what authenticateCaller notes; no audit line is written.
        const record: AuditRecord = { time: '', requestId: '', decision: 'refused', status: 0, reason: '' };
        const claims = await authenticateCaller(request, record, authenticator);
        const sub = subjectOf(claims);
        const since = readSince(request.query);
        if (!store)
          throw new RelayError(
            404,
            'ResourceNotFoundException',
            'This relay keeps no write outcomes (no outcomes setting).',
            'no-outcomes',
          );
        let outcomes: WriteOutcome[];
        try {
          outcomes = await orAbort(store.recent(sub, since), AbortSignal.timeout(timeoutMs));
        } catch (error) {
          console.error(
            'ccp-attributes relay: the outcome store did not answer',
            error instanceof Error ? error.name : error,
          );
          throw new RelayError(
            503,
            'ServiceUnavailableException',
            'The outcomes of your writes cannot be read right now; try again.',
            'outcomes:unavailable',
          );
        }
        // The store was asked for this caller's only; checked again, since a leak here would show a colleague's writes.
        const own = outcomes.filter((outcome) => outcome.sub === sub);
        return jsonResponse(base, 200, { Outcomes: own.map(toWireOutcome) });
      } catch (error) {
        return errorResponse(base, asRelayError(error));
      }
    },
  };
}

/** `since`: a whole number of ms since the epoch, required. */
function readSince(query: string | undefined): number {
  const values = new URLSearchParams(query ?? '').getAll('since');
  const [text] = values;
  if (values.length !== 1 || text === undefined || !/^\d{1,15}$/.test(text))
    throw new RelayError(
      400,
      'InvalidParameterException',
      'since must be given once, as a whole number of milliseconds since the epoch.',
      'invalid:since',
    );
  return Number(text);
}

/** An outcome as the relay sends it (the route's answer and the outcome socket's frames): PascalCase, keys only. */
export function toWireOutcome(outcome: WriteOutcome): WireOutcome {
  return {
    WriteId: outcome.writeId,
    RequestId: outcome.requestId,
    InstanceId: outcome.instanceId,
    InitialContactId: outcome.initialContactId,
    ContactId: outcome.contactId,
    Keys: [...outcome.keys],
    State: outcome.state,
    Status: outcome.status,
    ...(outcome.errorType === undefined ? {} : { ErrorType: outcome.errorType }),
    ...(outcome.message === undefined ? {} : { Message: outcome.message }),
    At: outcome.at,
  };
}

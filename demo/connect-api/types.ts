/**
 * The data the stand-in's parts share, and what its control surface answers: a registered contact, the injected
 * faults, a logged request, the configuration pages read. Its own module, so
 * that the server and the parts it composes (rules.ts, faults.ts) import it and not each other.
 */

/** DescribeContact's `Channel`. */
export type ContactChannel = 'VOICE' | 'CHAT' | 'TASK' | 'EMAIL';

/** A contact the stand-in knows; its attributes are addressed by (instanceId, initialContactId). */
export interface ContactRecord {
  instanceId: string;
  contactId: string;
  /** The first contact of the chain; defaults to contactId. */
  initialContactId?: string;
  /** ISO date the contact started (contacts before 2018-09-12 cannot be updated). */
  startedAt: string;
  /** The Amazon Connect user id of the agent on this leg (DescribeContact's `AgentInfo.Id`). */
  agentId?: string;
  /** Attributes the contact flow set; stored for the chain, counted in its 32,768 bytes, returned by GetContactAttributes. */
  attributes?: Record<string, string>;
  /** Default 'VOICE'. */
  channel?: ContactChannel;
  /** The leg this one was transferred from. */
  previousContactId?: string;
  /** ISO date the contact was disconnected; the agent is in after-contact work from then until afterContactWorkEndedAt. */
  disconnectedAt?: string;
  /** ISO date the agent closed the contact (after-contact work done). */
  afterContactWorkEndedAt?: string;
  /** The queue the contact was routed through (SearchContacts' `QueueInfo.Id`; DescribeQueue answers for it). */
  queueId?: string;
  /** The queue's name, DescribeQueue's `Name` (default: the queue id). */
  queueName?: string;
  /** SearchContacts' and DescribeContact's `InitiationMethod`; default INBOUND, or TRANSFER for a later leg. */
  initiationMethod?: string;
}

/** The Connect actions the stand-in meters, each with its own token bucket, as Connect meters each API separately. */
export type MeteredAction =
  | 'UpdateContactAttributes'
  | 'GetContactAttributes'
  | 'DescribeContact'
  | 'SearchUsers'
  | 'SearchContacts'
  | 'GetCurrentUserData';

/** A token-bucket quota: the steady rate and the bucket's size. */
export interface Quota {
  ratePerSecond: number;
  burst: number;
}

/**
 * Injected faults. `quota` gives every Connect action its own bucket of that size (Connect's quotas are per API);
 * `quotas` sets actions one by one (over `quota`; an action set to null is not metered even when `quota` is set).
 * `quota`, `quotas` and `failNext` apply to the Connect actions; `latencyMs`, `dropNext` and `hangNext` to
 * every API request (Connect and Cognito, not preflights); `credentialTtlSeconds` to credentials issued from then on,
 * `tokenTtlSeconds` to user pool tokens issued from then on (a token that expires while a test holds it).
 * `hangNext`: the next N requests are never processed and never answered (the connection stays open until the
 * client gives up). `dropAfterStoreNext`, `failAfterStoreNext` and `hangAfterStoreNext` are ambiguous failures of
 * the next N UpdateContactAttributes that pass every check: the merge is stored (and logged with `stored: true`),
 * then the connection is dropped without an answer, a 500 InternalServiceException is answered, or no answer ever
 * comes, so the client cannot tell that its write landed. A hung write is thus stored before its client gives up,
 * or never: the stand-in never applies a request late.
 */
export interface Faults {
  quota?: Quota | null;
  quotas?: Partial<Record<MeteredAction, Quota | null>> | null;
  failNext?: { count: number; status?: number; type?: string } | null;
  latencyMs?: number | null;
  dropNext?: number | null;
  hangNext?: number | null;
  dropAfterStoreNext?: number | null;
  failAfterStoreNext?: number | null;
  hangAfterStoreNext?: number | null;
  credentialTtlSeconds?: number | null;
  tokenTtlSeconds?: number | null;
}

/**
 * One API request as the stand-in saw it. A dropped connection is logged with status 0 and 'ConnectionDropped'; a
 * request left without an answer (`hangNext`, `hangAfterStoreNext`), with status 0 and 'Unanswered' when it is left;
 * a request whose client went away before its body was read, with status 0 and 'ClientAborted' (nothing is stored).
 */
export interface LoggedRequest {
  time: string;
  action:
    | 'UpdateContactAttributes'
    | 'GetContactAttributes'
    | 'DescribeContact'
    | 'SearchUsers'
    | 'SearchContacts'
    | 'DescribeQueue'
    | 'GetCurrentUserData'
    | 'GetId'
    | 'GetCredentialsForIdentity'
    | 'InitiateAuth'
    | 'UpdateUserAttributes'
    | 'Preflight'
    | 'Unknown';
  instanceId?: string;
  /** DescribeContact's ContactId. */
  contactId?: string;
  initialContactId?: string;
  attributes?: Record<string, string>;
  status: number;
  errorType?: string;
  /** UpdateContactAttributes: the merge was applied to the store (on every 200, and on an ambiguous failure). */
  stored?: true;
}

/** `GET /_standin/config`: where the stand-in listens, its demo credentials, its pools, and a fresh id token. */
export interface StandInConfigAnswer {
  url: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  identityPoolId: string;
  loginProvider: string;
  userPoolId: string;
  /** The first app client of the user pool. */
  userPoolClientId: string | undefined;
  issuer: string;
  /** An id token of the first demo agent, issued for this request (it expires like any other). */
  validTokens: string[];
}

/** What went wrong with a read or write of contact attributes, in terms an integrator can act on. */
export type AttributesErrorKind = 'validation' | 'auth' | 'not-found' | 'throttled' | 'server' | 'network';

/** One broken rule of the UpdateContactAttributes API, found before any request is sent. */
export interface AttributeProblem {
  /** Which input breaks the rule. */
  field: 'instanceId' | 'initialContactId' | 'attributes' | 'key' | 'value';
  /** The attribute key concerned, for `key` and `value` problems. */
  key?: string;
  /** A stable code for programs. */
  code: 'missing' | 'too-long' | 'empty' | 'charset' | 'not-string' | 'over-budget' | 'duplicate';
  /** A sentence an agent can read. */
  message: string;
}

export interface AttributesErrorOptions {
  /** HTTP status when a response arrived. */
  status?: number;
  /** The AWS error type (`ThrottlingException`, ...) when it could be read. */
  awsType?: string;
  /** The underlying error. */
  cause?: unknown;
  /** For `validation` errors: every rule the input breaks. */
  problems?: readonly AttributeProblem[];
}

/** Kinds that may succeed when the same request is sent again later. */
const retryableKinds: ReadonlySet<AttributesErrorKind> = new Set(['throttled', 'server', 'network']);

/**
 * The one error every failure of ccp-attributes is reported as (modelled on ky's HTTPError).
 * `message` is written for an agent to read; `kind`, `retryable`, `status` and `awsType` are for code.
 */
export class AttributesError extends Error {
  override readonly name = 'AttributesError';
  readonly kind: AttributesErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  readonly awsType: string | undefined;
  readonly problems: readonly AttributeProblem[];

  constructor(kind: AttributesErrorKind, message: string, options: AttributesErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.retryable = retryableKinds.has(kind);
    this.status = options.status;
    this.awsType = options.awsType;
    this.problems = options.problems ?? [];
  }
}

/** True for an AttributesError (also across realms/bundles, where instanceof fails). */
export function isAttributesError(value: unknown): value is AttributesError {
  return (
    value instanceof AttributesError || (value instanceof Error && value.name === 'AttributesError' && 'kind' in value)
  );
}

const typeKinds: Record<string, AttributesErrorKind> = {
  InvalidRequestException: 'validation',
  InvalidParameterException: 'validation',
  InvalidActiveRegionException: 'validation',
  ValidationException: 'validation',
  AccessDeniedException: 'auth',
  UnrecognizedClientException: 'auth',
  InvalidSignatureException: 'auth',
  ExpiredTokenException: 'auth',
  MissingAuthenticationTokenException: 'auth',
  NotAuthorizedException: 'auth',
  CredentialsProviderError: 'auth',
  ResourceNotFoundException: 'not-found',
  ThrottlingException: 'throttled',
  LimitExceededException: 'throttled',
  TooManyRequestsException: 'throttled',
  InternalServiceException: 'server',
  ServiceUnavailableException: 'server',
};

/** Each kind's sentence (without its full stop): the message of an error that has no more specific words. */
export const kindMessages: Readonly<Record<AttributesErrorKind, string>> = {
  validation: 'Amazon Connect refused these attributes',
  auth: 'Not allowed to save contact attributes: the sign-in may have expired, or access to UpdateContactAttributes is missing',
  'not-found': 'Amazon Connect does not know this contact or instance',
  throttled: 'Amazon Connect is receiving too many requests right now',
  server: 'Amazon Connect had an internal error',
  network: 'Could not reach Amazon Connect (a network error, or access refused without CORS headers)',
};

function kindOfStatus(status: number): AttributesErrorKind | undefined {
  if (status === 429) return 'throttled';
  if (status === 401 || status === 403) return 'auth';
  if (status === 404) return 'not-found';
  if (status >= 500) return 'server';
  if (status >= 400) return 'validation';
  return undefined;
}

/**
 * Classifies any failure of the SDK as an AttributesError: by the AWS error type when it could be
 * read, else by HTTP status (a browser under CORS cannot read `x-amzn-errortype`), else as a
 * network failure (no response at all, e.g. a 403 without CORS headers).
 */
export function toAttributesError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  const record = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    message?: unknown;
    $metadata?: { httpStatusCode?: unknown };
  };
  const rawStatus = record.$metadata?.httpStatusCode;
  return classifyFailure({
    type: typeof record.name === 'string' ? record.name : undefined,
    status: typeof rawStatus === 'number' ? rawStatus : undefined,
    message: typeof record.message === 'string' ? record.message : undefined,
    cause: error,
  });
}

/** What a failed request told about itself, whichever client read it. */
export interface FailureReport {
  /** The AWS error type (`ThrottlingException`, ...), when it could be read; unknown names are ignored. */
  type?: string | undefined;
  /** HTTP status, when a response arrived. */
  status?: number | undefined;
  /** The service's message. */
  message?: string | undefined;
  cause?: unknown;
}

/**
 * Kinds whose message an owner-checking relay writes for the agent: its refusals ("This contact is not yours: ...", a
 * key agents may not write, a sign-in to renew) and the validator's sentences. Throttling, server and network
 * failures are retried and get the kind's own sentence.
 */
export const relayReadableKinds: readonly AttributesErrorKind[] = ['validation', 'auth', 'not-found'];

/**
 * The one classification of a failed request: kind by the AWS error type when known, else by HTTP status, else a
 * network failure. The service's message is shown for the kinds in `showMessageOf` (by default `validation` only:
 * Connect's other messages are written for developers, not agents); the others get the kind's sentence.
 */
export function classifyFailure(
  report: FailureReport,
  showMessageOf: readonly AttributesErrorKind[] = ['validation'],
): AttributesError {
  const { type, status } = report;
  const awsType = type !== undefined && Object.hasOwn(typeKinds, type) ? type : undefined;
  const kind =
    (awsType === undefined ? undefined : typeKinds[awsType]) ??
    (status === undefined ? undefined : kindOfStatus(status)) ??
    'network';
  const detail =
    report.message !== undefined && report.message !== '' && report.message !== 'UnknownError' ? report.message : '';
  const message =
    !detail || !showMessageOf.includes(kind)
      ? `${kindMessages[kind]}.`
      : kind === 'validation'
        ? `${kindMessages[kind]}: ${detail}`
        : detail;
  return new AttributesError(kind, message, { status, awsType, cause: report.cause });
}

/**
 * The one way a broken rule of the API becomes an error: the first problem's sentence, with a count of the others
 * (every problem stays in `problems`).
 */
export function validationError(problems: readonly AttributeProblem[]): AttributesError {
  const [first] = problems;
  if (!first) throw new TypeError('validationError: no problem given.');
  const others = problems.length - 1;
  const more = others > 0 ? ` (and ${others} more problem${others > 1 ? 's' : ''})` : '';
  return new AttributesError('validation', first.message + more, { problems });
}

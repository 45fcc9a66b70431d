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
  return value instanceof AttributesError || (value instanceof Error && value.name === 'AttributesError' && 'kind' in value);
}

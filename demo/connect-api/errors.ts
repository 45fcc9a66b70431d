/**
 * Errors as the stand-in answers them, and how they are written on the wire.
 *
 * restJson1 (Connect): status, `x-amzn-errortype`, JSON body. The SDK reads the type from the header first, then
 * the body's `code`, then `__type` (@smithy/core dist-es/submodules/protocols/json/parseJsonBody.js
 * `loadRestJsonErrorCode`), keeps only what precedes the first `:` (so the Coral suffix AWS appends is harmless), and
 * takes the message from `message ?? Message` (@aws-sdk/core dist-es/submodules/protocols/json/AwsRestJsonProtocol.js
 * `handleError`), while the modelled `Message` member is read from `Message` (client-connect schemas_0.js). The
 * stand-in therefore sends both spellings.
 *
 * awsJson1.1 (Cognito Identity): `{"__type": Type, "message": ...}`, the type read from `__type` first
 * (`loadJsonRpcErrorCode`).
 */

/** An error the stand-in answers with: HTTP status, AWS error type, message and extra modelled members. */
export class ApiError extends Error {
  /** HTTP status. */
  readonly status: number;
  /** AWS error type (`ResourceNotFoundException`, ...). */
  readonly type: string;
  /** Extra members of the error shape (e.g. `Reason`). */
  readonly members: Readonly<Record<string, unknown>>;

  constructor(status: number, type: string, message: string, members: Record<string, unknown> = {}) {
    super(message);
    this.name = type;
    this.status = status;
    this.type = type;
    this.members = members;
  }
}

/** Errors raised by Connect's own operations carry the Coral namespace in `x-amzn-errortype`, as AWS sends it. */
const connectNamespace = 'http://internal.amazon.com/coral/com.amazonaws.connect/';

/** Error types raised by the authentication front door rather than the service; AWS sends them without a namespace. */
const frontDoorTypes: ReadonlySet<string> = new Set([
  'MissingAuthenticationTokenException',
  'IncompleteSignatureException',
  'InvalidSignatureException',
  'UnrecognizedClientException',
  'ExpiredTokenException',
  'ThrottlingException',
]);

/** Headers and JSON body of a restJson1 (Connect) error. */
export function restJsonError(error: ApiError): { headers: Record<string, string>; body: string } {
  const errortype = frontDoorTypes.has(error.type) ? error.type : `${error.type}:${connectNamespace}`;
  return {
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': errortype },
    body: JSON.stringify({ ...error.members, message: error.message, Message: error.message }),
  };
}

/** Headers and JSON body of an awsJson1.1 (Cognito Identity) error. */
export function awsJsonError(error: ApiError): { headers: Record<string, string>; body: string } {
  return {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': `${error.type}:` },
    body: JSON.stringify({ __type: error.type, message: error.message }),
  };
}

/** ccp-attributes, framework-free: the signed client, the relay client, validation, the contact tracker, the outbox, tagging, and their assembly. */
export { AttributesClient, cognitoCredentials, loadSdk } from './client.ts';
export type {
  AttributesClientOptions,
  CognitoCredentialsOptions,
  Credentials,
  CredentialsProvider,
  RequestHandler,
  RequestOptions,
  UpdateOptions,
} from './client.ts';
export { RelayClient, RELAY_OUTCOMES_PATH, RELAY_PATH } from './relay-client.ts';
export type { RelayClientOptions, RelayRequestOptions, RelayToken, RelayTokenOptions } from './relay-client.ts';
export { AttributesError, classifyFailure, isAttributesError, toAttributesError, validationError } from './errors.ts';
export type { AttributeProblem, AttributesErrorKind, AttributesErrorOptions, FailureReport } from './errors.ts';
export * from './validate.ts';
export type * from './writer.ts';
export * from './tracker/index.ts';
export * from './outbox/index.ts';
export * from './tagging/index.ts';
export { directHistory, type DirectHistoryOptions } from './history/direct-history.ts';
export { relayHistory, type RelayHistoryOptions } from './history/relay-history.ts';
export { openContact, type OpenedContact } from './history/opened-contact.ts';
export { reviewClient, type ReviewClient } from './history/review-client.ts';
export { withinWindow } from './history/types.ts';
export type * from './history/types.ts';
export { createCcpAttributes } from './plugin.ts';
export {
  ClearError,
  type ClearErrorReason,
  type ClearOptions,
  type WrapUpActions,
  type WrapUpParticipant,
} from './wrap-up/wrap-up.ts';
export { readinessOf, type Readiness, type ReadinessItem } from './wrap-up/readiness.ts';
export type { CcpAttributesPlugin, CcpAttributesPluginOptions, RelayOptions } from './plugin.ts';

/**
 * ccp-attributes/relay (Node only): an owner-checking relay for UpdateContactAttributes. Agents' browsers send their
 * writes here with their sign-in token; the relay writes only the contacts each agent is handling.
 */
export {
  createRelay,
  relayPath,
  type AuditRecord,
  type Relay,
  type RelayDependencies,
  type RelayRequest,
  type RelayResponse,
} from './core.ts';
export {
  resolveRelayConfig,
  parseInstanceArn,
  type RelayAuth,
  type RelayConfig,
  type RelayUserMapping,
  type ResolvedRelayConfig,
} from './config.ts';
export { createRelayConnectClient } from './connect-side.ts';
export {
  createMemoryOutcomeStore,
  type MemoryOutcomeStoreOptions,
  type OutcomeStore,
  type WriteOutcome,
} from './outcomes.ts';
export { createDynamoOutcomeStore, outcomeStoreFor, type DynamoOutcomeStoreOptions } from './outcomes-dynamodb.ts';
export { outcomesFromEnvironment, type RelayOutcomes } from './outcomes-config.ts';
export { outcomesPath, toWireOutcome, type WireOutcome } from './outcomes-route.ts';
export {
  createOutcomeNotifier,
  createOutcomePush,
  notifyingOutcomeStore,
  outcomeSocketPath,
  type ConnectionPoster,
  type ConnectionRegistry,
  type OutcomeNotifier,
  type OutcomeNotifierOptions,
  type OutcomePush,
  type OutcomePushOptions,
} from './outcome-push.ts';
export {
  createLocalOutcomeSockets,
  createMemoryConnectionRegistry,
  type LocalOutcomeSockets,
} from './socket-server.ts';
export {
  connectionsBySubIndex,
  createDynamoConnectionRegistry,
  createManagementApiPoster,
  socketNotifierFromEnvironment,
} from './socket-aws.ts';
export {
  createSocketLambdaHandler,
  type SocketEvent,
  type SocketLambdaDependencies,
  type SocketLambdaHandler,
  type SocketResult,
} from './socket-lambda.ts';
export { createAuthenticator, AuthFailure, type Authenticator, type Claims, type TokenRefusal } from './auth.ts';
export {
  checkOwnership,
  type Ownership,
  type OwnershipQuestion,
  type OwnershipRefusal,
  type OwnedState,
} from './ownership.ts';
export {
  createOwnershipCache,
  type LegDecision,
  type LegQuestion,
  type OwnershipCache,
  type OwnershipCacheOptions,
  type OwnershipCacheStats,
} from './ownership-cache.ts';
export { createUserResolver, type UserLookup, type UserResolver } from './users.ts';
export { createLambdaHandler, handler, type RelayEvent, type RelayLambdaHandler, type RelayResult } from './lambda.ts';
export { startRelayServer, type RelayServer, type RelayServerOptions } from './server.ts';
export {
  createWorker,
  workerDefaults,
  type Settlement,
  type Worker,
  type WorkerDependencies,
  type WorkerMessage,
  type WorkerSettings,
} from './worker.ts';
export { startWorkerLoop, type WorkerLoop, type WorkerLoopOptions } from './worker-loop.ts';
export {
  createWorkerLambdaHandler,
  type SQSBatchResponse,
  type SQSEvent,
  type SQSRecord,
  type WorkerLambdaHandler,
} from './worker-lambda.ts';

/** The contact tracker: one model of the agent's contacts, whichever host delivers them. */
export type * from './types.ts';
export type {
  ContactSource,
  SourceAgent,
  SourceContact,
  SourceContactEvent,
  SourceEventType,
  SourceSink,
} from './source.ts';
export { ContactTracker } from './tracker.ts';
export { toChannel, type InstanceOverride } from './contact-model.ts';
export {
  StreamsContactSource,
  createStreamsTracker,
  type StreamsSourceOptions,
  type StreamsTrackerOptions,
  type StreamsGlobal,
} from './streams-source.ts';
export { CCP_IFRAME_NAME } from './streams-read.ts';
export {
  WorkspaceContactSource,
  createWorkspaceTracker,
  type WorkspaceSourceOptions,
  type WorkspaceTrackerOptions,
  type WorkspaceScope,
  type WorkspacePermission,
} from './workspace-source.ts';
export { parseConnectArn, resolveInstance, type ConnectArn, type InstanceLocation, type ArnCandidate } from './arn.ts';
export { normalizeAttributes, mergeReported } from './attributes.ts';

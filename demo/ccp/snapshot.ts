/**
 * The stand-in CCP's agent data as the CCP's shared worker sends it in `agent::update` (connect-streams.js:
 * updateAgent, AgentDataProvider): `{snapshot, configuration}`, built from the contacts and the agent's settings.
 * Pure: the same input gives the same output, and nothing outside is read or changed.
 */
import type { HeldContact } from './contacts.ts';
import { agentIdOf, agentNameOf, queueIdOf } from './contacts.ts';
import type { AgentConfigPatch, StandInConfig, StandInState } from './scenario.ts';

/** The routing profile's chat concurrency. */
export const MAX_CHATS = 3;

/** An agent state as the snapshot reports it. */
export interface AgentStateInfo {
  name: string;
  type: string;
  arn: string | null;
}

/** The agent state the agent chose (Available, Lunch, ...); `id` is the last part of its ARN. */
export interface ChosenState {
  name: string;
  type: string;
  id: string;
}

/** Who and where the agent is, and which ARNs are left out or garbled. */
export interface AgentIdentity {
  config: Pick<StandInConfig, 'agent' | 'region' | 'account' | 'instance'>;
  switches: Required<AgentConfigPatch>;
}

/** Everything one snapshot is made of. */
export interface SnapshotInput extends AgentIdentity {
  contacts: readonly HeldContact[];
  chosen: ChosenState;
  /** The agent state now (agentState()) and since when (ms). */
  state: AgentStateInfo;
  stateSince: number;
  /** ms. */
  now: number;
}

type ArnKind = 'agent' | 'routing-profile' | 'queue' | 'agent-state';

function instanceArn({ config }: AgentIdentity): string {
  return `arn:aws:connect:${config.region}:${config.account}:instance/${config.instance}`;
}

/** An ARN of the instance, or null / not an ARN as the switches say. */
export function arnOf(identity: AgentIdentity, kind: ArnKind, id: string): string | null {
  const { switches } = identity;
  if (switches.garbledArns) return `not-an-arn/${kind}/${id}`;
  if (kind === 'agent' && switches.noAgentArn) return null;
  if (kind === 'routing-profile' && switches.noRoutingProfileArn) return null;
  if (kind === 'queue' && switches.noQueueArn) return null;
  return `${instanceArn(identity)}/${kind}/${id}`;
}

function queue(
  identity: AgentIdentity,
  name: string,
): { name: string; queueARN: string | null; queueId: string | null } {
  const queueArn = arnOf(identity, 'queue', queueIdOf(name));
  return { name, queueARN: queueArn, queueId: queueArn };
}

/** The agent's configuration (getAgentConfiguration, and `configuration` of agent::update). */
export function configuration(identity: AgentIdentity): Record<string, unknown> {
  const { config, switches } = identity;
  const basic = queue(identity, 'BasicQueue');
  const routingProfileArn = arnOf(identity, 'routing-profile', 'rp-basic');
  const agentStates = [
    {
      agentStateARN: arnOf(identity, 'agent-state', 'available'),
      type: 'routable',
      name: 'Available',
      startTimestamp: null,
    },
    {
      agentStateARN: arnOf(identity, 'agent-state', 'lunch'),
      type: 'not_routable',
      name: 'Lunch',
      startTimestamp: null,
    },
    {
      agentStateARN: arnOf(identity, 'agent-state', 'offline'),
      type: 'offline',
      name: 'Offline',
      startTimestamp: null,
    },
  ];
  return {
    name: agentNameOf(config.agent),
    username: config.agent,
    agentARN: arnOf(identity, 'agent', agentIdOf(config.agent)),
    softphoneEnabled: false,
    softphoneAutoAccept: false,
    extension: '+15555550199',
    routingProfile: {
      name: 'Basic Routing Profile',
      routingProfileARN: routingProfileArn,
      routingProfileId: routingProfileArn, // the worker aliases it (updateAgent)
      defaultOutboundQueue: basic,
      queues: [basic, queue(identity, 'CallbackQueue')],
      channelConcurrencyMap: { VOICE: 1, CHAT: MAX_CHATS, TASK: 10 },
    },
    // The CCP language: `locale`, or `LANGUAGE` alone as older snapshots carry it (Streams copies it to `locale`
    // only when the configuration is written back: Agent.prototype.setConfiguration).
    agentPreferences: switches.languageOnly ? { LANGUAGE: switches.locale } : { locale: switches.locale },
    permissions: ['outboundCall'],
    agentStates,
    dialableCountries: ['us', 'ca', 'gb'],
  };
}

/** The agent's state as Connect derives it from the contacts (system states win over the chosen one). */
export function agentState(
  identity: AgentIdentity,
  contacts: readonly HeldContact[],
  chosen: ChosenState,
): AgentStateInfo {
  const states = new Set<StandInState>(contacts.map((c) => c.state));
  if (states.has('connecting') || states.has('incoming')) return { name: 'PendingBusy', type: 'system', arn: null };
  if (states.has('missed')) return { name: 'MissedCallAgent', type: 'error', arn: null };
  if (states.has('connected')) return { name: 'Busy', type: 'system', arn: null };
  if (states.has('ended')) return { name: 'AfterCallWork', type: 'not_routable', arn: null };
  return { name: chosen.name, type: chosen.type, arn: arnOf(identity, 'agent-state', chosen.id) };
}

function connectionState(state: StandInState): string {
  if (state === 'connecting' || state === 'incoming') return 'connecting';
  if (state === 'connected') return 'connected';
  return 'disconnected';
}

/** One contact of the snapshot. */
export function contactData(identity: AgentIdentity, c: HeldContact, now: number): Record<string, unknown> {
  const stateInfo = { type: c.state, timestamp: new Date(c.stateAt) };
  const agentEndpoint = {
    type: 'agent',
    name: null,
    phoneNumber: null,
    agentLogin: null,
    endpointARN: null,
    queue: null,
  };
  const customerEndpoint = {
    type: 'phone_number',
    name: c.channel === 'chat' ? 'Customer' : null,
    phoneNumber: c.channel === 'voice' ? '+15555550100' : null,
    agentLogin: null,
    endpointARN: null,
    queue: null,
  };
  const connections: Record<string, unknown>[] = [];
  if (c.monitoring) {
    connections.push({
      connectionId: c.agentConnectionId,
      type: 'monitoring',
      initial: true,
      state: { type: connectionState(c.state), timestamp: new Date(c.stateAt) },
      endpoint: null,
      address: null,
      mute: null,
      monitoringInfo: null,
      monitorStatus: 'SILENT_MONITOR',
      monitorCapabilities: ['SILENT_MONITOR', 'BARGE'],
      softphoneMediaInfo: null,
      chatMediaInfo: null,
      quickConnectName: null,
    });
  } else {
    connections.push(
      {
        connectionId: c.agentConnectionId,
        type: 'agent',
        initial: false,
        state: { type: connectionState(c.state), timestamp: new Date(c.stateAt) },
        endpoint: agentEndpoint,
        address: agentEndpoint,
        mute: false,
        monitoringInfo: null,
        softphoneMediaInfo: null,
        chatMediaInfo:
          c.channel === 'chat' ? { chatAutoAccept: false, connectionData: '{}', customerName: 'Customer' } : null,
        quickConnectName: null,
      },
      {
        connectionId: c.customerConnectionId,
        type: 'inbound',
        initial: true,
        state: { type: c.state === 'ended' ? 'disconnected' : 'connected', timestamp: new Date(c.startedAt) },
        endpoint: customerEndpoint,
        address: customerEndpoint,
        mute: false,
        monitoringInfo: null,
        softphoneMediaInfo: null,
        chatMediaInfo: null,
        quickConnectName: null,
      },
    );
  }
  const attributes: Record<string, { name: string; value: string }> = {};
  for (const [name, value] of Object.entries(c.attributes)) attributes[name] = { name, value };
  return {
    contactId: c.contactId,
    initialContactId: c.monitoring ? null : c.initialContactId,
    relatedContactId: null,
    contactAssociationId: null,
    type: c.channel,
    state: stateInfo,
    status: stateInfo, // the worker aliases it (updateAgent)
    queue: c.monitoring ? null : queue(identity, c.queueName),
    queueTimestamp: c.monitoring ? null : new Date(c.startedAt),
    attributes: c.monitoring ? null : attributes,
    contactDuration: String(Math.round((now - c.startedAt.getTime()) / 1000)),
    name: null,
    description: null,
    references: null,
    initiationMethod: c.initiationMethod,
    contactFeatures: { attachmentsEnabled: false, messagingMarkdownEnabled: false, multiPartyConferenceEnabled: false },
    channelContext: null,
    segmentAttributes: null,
    connections,
  };
}

/** The agent data of `agent::update`: the snapshot (contacts sorted on their state time, as the worker does) and the configuration. */
export function agentData(input: SnapshotInput): {
  snapshot: Record<string, unknown>;
  configuration: Record<string, unknown>;
} {
  const { state, stateSince, chosen, now } = input;
  const list = [...input.contacts].sort((a, b) => a.stateAt - b.stateAt);
  return {
    snapshot: {
      state: { agentStateARN: state.arn, type: state.type, name: state.name, startTimestamp: new Date(stateSince) },
      nextState: null,
      agentAvailabilityState: { state: chosen.name, timeStamp: new Date(stateSince) },
      contacts: list.map((c) => contactData(input, c, now)),
      snapshotTimestamp: new Date(now),
      localTimestamp: now, // the worker stores connect.now(), a number
      skew: 0,
    },
    configuration: configuration(input),
  };
}

/**
 * Building the tracker's contact model from what a ContactSource reports: the channel, whether the contact is over,
 * the instance and region it belongs to (from the agent's ARNs, the queue's, or the page's override), and the frozen
 * model the tracker hands out. Pure functions: the tracker (tracker.ts) keeps the state.
 */
import type { Attributes } from '../validate.ts';
import { resolveInstance } from './arn.ts';
import { sameAttributes } from './attributes.ts';
import type { SourceAgent, SourceContact } from './source.ts';
import type { AgentInfo, Channel, ContactModel } from './types.ts';

const CHANNELS: Readonly<Record<string, Channel>> = {
  voice: 'voice',
  chat: 'chat',
  task: 'task',
  email: 'email',
  queue_callback: 'callback',
  callback: 'callback',
};

/** Contact states after which a contact is over (Streams' inactive states). */
const OVER_STATES: ReadonlySet<string> = new Set(['ended', 'missed', 'rejected', 'error', 'acw']);

/** An instance id (and region) set by the page, for hosts whose ARNs do not give them. */
export interface InstanceOverride {
  instanceId?: string | undefined;
  region?: string | undefined;
}

/** Maps a host's channel name to the tracker's. */
export function toChannel(type: string): Channel {
  return CHANNELS[type.toLowerCase()] ?? 'unknown';
}

/** Whether two models say the same (the tracker reports a change only when they do not). */
export function sameModel(a: ContactModel, b: ContactModel): boolean {
  return (
    a.contactId === b.contactId &&
    a.initialContactId === b.initialContactId &&
    a.instanceId === b.instanceId &&
    a.region === b.region &&
    a.arnSource === b.arnSource &&
    a.instanceError?.message === b.instanceError?.message &&
    a.channel === b.channel &&
    a.state === b.state &&
    a.queue?.name === b.queue?.name &&
    a.queue?.arn === b.queue?.arn &&
    a.monitoring === b.monitoring &&
    a.ended === b.ended &&
    sameAttributes(a.attributes, b.attributes)
  );
}

/** The agent as the tracker reports it, frozen. */
export function toAgentInfo(agent: SourceAgent): AgentInfo {
  return Object.freeze({
    username: agent.username,
    name: agent.name,
    arn: agent.arn,
    routingProfile: agent.routingProfile ? Object.freeze({ ...agent.routingProfile }) : undefined,
    ...(agent.locale ? { locale: agent.locale } : {}),
  });
}

/** The model of `data` with `attributes` (already merged with this plugin's writes), before its instance is known. */
export function baseModel(
  data: SourceContact,
  attributes: Attributes,
  previous: ContactModel | undefined,
): ContactModel {
  return {
    contactId: data.contactId,
    initialContactId: data.initialContactId || data.contactId,
    instanceId: '',
    region: '',
    arnSource: undefined,
    instanceError: undefined,
    channel: toChannel(data.type),
    state: data.state,
    queue: data.queue ? { name: data.queue.name, arn: data.queue.arn } : undefined,
    attributes,
    monitoring: data.monitoring,
    ended: (previous?.ended ?? false) || OVER_STATES.has(data.state),
  };
}

/**
 * `contact` with its instance and region: the page's override, else the first ARN that gives them (the agent's
 * routing profile, the agent, the contact's queue); or with the reason none does, as `instanceError`. Frozen.
 */
export function locateContact(
  contact: ContactModel,
  agent: AgentInfo | undefined,
  configured: InstanceOverride,
  previous: ContactModel | undefined,
): ContactModel {
  const parsed = resolveInstance([
    { source: 'routing-profile', arn: agent?.routingProfile?.arn },
    { source: 'agent', arn: agent?.arn },
    { source: 'queue', arn: contact.queue?.arn },
  ]);
  const { instanceId, region } = configured;
  const location =
    instanceId === undefined
      ? parsed
      : { instanceId, region: region ?? ('kind' in parsed ? '' : parsed.region), source: 'configured' as const };
  if ('kind' in location) {
    // Keep the same error object while the cause is unchanged, so the model compares equal.
    const error = previous?.instanceError?.message === location.message ? previous.instanceError : location;
    return freezeContact({ ...contact, instanceId: '', region: '', arnSource: undefined, instanceError: error });
  }
  return freezeContact({
    ...contact,
    instanceId: location.instanceId,
    region: location.region,
    arnSource: location.source,
    instanceError: undefined,
  });
}

/** Freezes a model (and its attributes and queue) before the tracker hands it out. */
export function freezeContact(contact: ContactModel): ContactModel {
  Object.freeze(contact.attributes);
  if (contact.queue) Object.freeze(contact.queue);
  return Object.freeze(contact);
}

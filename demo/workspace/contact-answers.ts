/**
 * The stand-in workspace's answers in the contact namespace (`aws.connect.contact`: the agent/ and contact/ routes
 * of contact/lib-esm/routes.js). The clients unwrap `{ARN}`, `{name}`, `{initialContactId}`, ...
 * (contact/lib-esm/contact-client.js, agent-client.js); unknown contacts get core's `noResult`
 * (core/lib/request/no-result-error.d.ts), unknown commands `handlerNotFound`.
 */
import type { StandInChannel } from '../ccp/scenario.ts';
import type { HeldContact } from '../ccp/contacts.ts';
import type { AttributeShape } from './catalog.ts';
import { HostError, type HostRequest } from './frame-requests.ts';

/** Channel types and subtypes (contact/lib/types.d.ts ContactChannelType). */
export const SUBTYPES: Readonly<Record<StandInChannel, string>> = {
  voice: 'connect:Telephony',
  chat: 'connect:Chat',
  task: 'connect:Task',
};

/** What the answers read from the workspace. */
export interface ContactAnswerHost {
  readonly region: string;
  readonly latency: number;
  agentArn(): string;
  agentName(): string;
  instanceArn(): string;
  maxChats: number;
  contacts(): HeldContact[];
  find(contactId: string): HeldContact | undefined;
  /** The contact's attributes as stored in the API stand-in, when registered there. */
  stored(contact: HeldContact): Promise<Record<string, string> | undefined>;
  accept(contactId: string): Promise<void>;
  clear(contactId: string): Promise<void>;
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The core data of a contact (contact/lib/types.d.ts CoreContactData). */
export function coreData(contact: HeldContact): Record<string, unknown> {
  return {
    contactId: contact.contactId,
    type: contact.channel,
    subtype: SUBTYPES[contact.channel],
    initialContactId: contact.initialContactId,
  };
}

/** Answers one request of the contact namespace, or throws a HostError. */
export async function answerContact(host: ContactAnswerHost, { command, data, from }: HostRequest): Promise<unknown> {
  await wait(host.latency);
  switch (command) {
    case 'agent/getARN':
      return { ARN: host.agentArn() };
    case 'agent/getName':
      return { name: host.agentName() };
    case 'agent/getRoutingProfile':
      return routingProfile(host);
    case 'agent/getState':
      return { type: 'routable', name: 'Available' };
    case 'contact/listContacts':
      return host.contacts().map(coreData);
    case 'contact/listParticipants':
      return participants(find(host, data));
    case 'contact/getParticipantState':
      return participantState(host, data);
    case 'contact/accept':
      await host.accept(find(host, data).contactId);
      return {};
    case 'contact/clear':
      await host.clear(find(host, data).contactId);
      return {};
    default:
      break;
  }
  const contact = find(host, data);
  switch (command) {
    case 'contact/getAttributes':
      return attributes(host, contact, data['attributes'], from.attributeShape);
    case 'contact/getInitialContactId':
      return { initialContactId: contact.initialContactId };
    case 'contact/getType':
      return { type: contact.channel };
    case 'contact/getChannelType':
      return { type: contact.channel, subtype: SUBTYPES[contact.channel] };
    case 'contact/getQueue':
      return queue(host, contact.queueName);
    case 'contact/getQueueTimestamp':
      return { queueTimestamp: contact.startedAt };
    case 'contact/getStateDuration':
      return { stateDuration: Date.now() - contact.startedAt.getTime() };
    case 'contact/getContact':
      return { ...coreData(contact), queue: queue(host, contact.queueName) };
    case 'contact/getContactRegion':
      return { region: host.region };
    case 'contact/getInstanceDetails':
      return { origin: location.origin, region: host.region };
    default:
      throw new HostError('handlerNotFound', 'No handler for command');
  }
}

/** The agent's and the customer's participants (contact/lib/types.d.ts ParticipantData). */
export function participants(contact: HeldContact): [Record<string, unknown>, Record<string, unknown>] {
  return [
    {
      participantId: `${contact.contactId}-agent`,
      contactId: contact.contactId,
      type: { value: contact.monitoring ? 'monitoring' : 'agent' },
      isInitial: false,
      isSelf: true,
    },
    {
      participantId: `${contact.contactId}-customer`,
      contactId: contact.contactId,
      type: { value: 'inbound' },
      isInitial: true,
      isSelf: false,
    },
  ];
}

function participantState(host: ContactAnswerHost, data: Record<string, unknown>): { value: string } {
  const given = data['participantId'];
  const participantId = typeof given === 'string' ? given : '';
  const contact = host.contacts().find((c) => participantId.startsWith(c.contactId));
  if (!contact) throw new HostError('noResult', 'No Result Found');
  if (participantId.endsWith('-customer')) return { value: contact.state === 'ended' ? 'disconnected' : 'connected' };
  if (contact.monitoring) return { value: 'silent_monitor' };
  const states: Partial<Record<HeldContact['state'], string>> = {
    connected: 'connected',
    ended: 'disconnected',
    missed: 'rejected',
  };
  return { value: states[contact.state] ?? 'connecting' };
}

function queue(host: ContactAnswerHost, name: string): { name: string; queueARN: string; queueId: string } {
  const queueArn = `${host.instanceArn()}/queue/q-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  return { name, queueARN: queueArn, queueId: queueArn };
}

function routingProfile(host: ContactAnswerHost): Record<string, unknown> {
  const arn = `${host.instanceArn()}/routing-profile/rp-basic`;
  const basic = queue(host, 'BasicQueue');
  return {
    name: 'Basic Routing Profile',
    routingProfileARN: arn,
    routingProfileId: arn,
    defaultOutboundQueue: basic,
    queues: [basic, queue(host, 'CallbackQueue')],
    channelConcurrencyMap: { VOICE: 1, CHAT: host.maxChats, TASK: 10 },
  };
}

/** The contact's attributes: the API stand-in's copy (which the plugin writes to) when there is one. */
async function attributes(
  host: ContactAnswerHost,
  contact: HeldContact,
  filter: unknown,
  shape: AttributeShape,
): Promise<Record<string, unknown>> {
  const stored = await host.stored(contact);
  if (stored) contact.attributes = { ...stored };
  // Keys are the contact's (any string, `__proto__` included): a map without a prototype.
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(contact.attributes)) {
    if (Array.isArray(filter) && !filter.includes(key)) continue;
    out[key] = shape === 'string' ? value : { name: key, value };
  }
  return out;
}

function find(host: ContactAnswerHost, data: Record<string, unknown>): HeldContact {
  const contactId = data['contactId'];
  const contact = typeof contactId === 'string' ? host.find(contactId) : undefined;
  if (!contact) throw new HostError('noResult', 'No Result Found');
  return contact;
}

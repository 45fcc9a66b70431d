/**
 * Reading one contact and the agent through the SDK's clients. There is no contact state getter and no
 * attribute-change event (@amazon-connect/contact/lib/contact-client.d.ts): the state follows from the events (for
 * contacts present at start, from the agent's own participant), attributes are read again on every event.
 */
import type { AgentClient, BaseContactLifecycleEvent, ContactClient } from '@amazon-connect/contact';
import type { SourceAgent, SourceContact } from './source.ts';
import type { WorkspacePermission } from './workspace-failures.ts';
import { PARTICIPANT_STATES } from './workspace-topics.ts';

/**
 * One SDK request; on failure, `fallback`. The source reports a refusal for want of `permission` once per
 * permission; with no permission named (an optional request), a refusal is silent.
 */
export type Requester = <T>(
  permission: WorkspacePermission | undefined,
  route: string,
  call: () => Promise<T>,
  fallback: T,
) => Promise<T>;

/** What is known of a contact before reading it: its id, and what its event carried (a host may leave out more). */
export type ContactHint = Pick<BaseContactLifecycleEvent, 'contactId'> & Partial<BaseContactLifecycleEvent>;

/**
 * Reads one contact: attributes every time, the rest when first seen. `state` comes from the event; for a contact
 * present at start (no event) it comes from the agent's own participant, else it is taken as connected.
 */
export async function readContact(
  request: Requester,
  client: ContactClient,
  event: ContactHint,
  state: string | undefined,
  known: SourceContact | undefined,
): Promise<SourceContact> {
  const { contactId } = event;
  const attributes = request(
    'Contact.Attributes.View',
    'contact/getAttributes',
    () => client.getAttributes(contactId, '*'),
    known?.attributes ?? {},
  );
  if (known) return { ...known, state: state ?? known.state, attributes: await attributes };
  const details = 'Contact.Details.View';
  const [initialContactId, type, queue, self] = await Promise.all([
    event.initialContactId ??
      request(details, 'contact/getInitialContactId', () => client.getInitialContactId(contactId), undefined),
    event.type ??
      request(details, 'contact/getChannelType', async () => (await client.getChannelType(contactId)).type, 'unknown'),
    request(details, 'contact/getQueue', () => client.getQueue(contactId), undefined),
    selfParticipant(request, client, contactId),
  ]);
  return {
    contactId,
    initialContactId,
    type,
    state: state ?? self.state ?? 'connected',
    queue: queue ? { name: queue.name, arn: queue.queueARN || undefined } : undefined,
    attributes: await attributes,
    monitoring: self.monitoring,
  };
}

/** The agent's own participant: its state as a contact state, and whether the agent only monitors. Optional. */
async function selfParticipant(
  request: Requester,
  client: ContactClient,
  contactId: string,
): Promise<{ state: string | undefined; monitoring: boolean }> {
  const participants = await request(
    undefined,
    'contact/listParticipants',
    () => client.listParticipants(contactId),
    [],
  );
  const self = participants.find((participant) => participant.isSelf);
  if (!self) return { state: undefined, monitoring: false };
  const state = await request(
    undefined,
    'contact/getParticipantState',
    () => client.getParticipantState(self.participantId),
    undefined,
  );
  const value = state ? (state.value === 'other' ? state.actual : state.value) : undefined;
  return {
    state: value === undefined ? undefined : PARTICIPANT_STATES[value],
    monitoring: self.type.value === 'monitoring' || value === 'silent_monitor' || value === 'barge',
  };
}

/** Reads the agent: ARN and name (User.Details.View), the routing profile when granted. */
export async function readAgent(request: Requester, client: AgentClient, username: string): Promise<SourceAgent> {
  const [arn, name, routingProfile] = await Promise.all([
    request('User.Details.View', 'agent/getARN', () => client.getARN(), ''),
    request('User.Details.View', 'agent/getName', () => client.getName(), ''),
    // Needs User.Configuration.View; its ARN is only a more trusted source of the instance id.
    request(undefined, 'agent/getRoutingProfile', () => client.getRoutingProfile(), undefined),
  ]);
  return {
    username,
    name,
    arn,
    routingProfile: routingProfile ? { name: routingProfile.name, arn: routingProfile.routingProfileARN } : undefined,
  };
}

/**
 * The contacts present when the source starts (`contact/listContacts`), as hints to read each; the app's own
 * contact (`scoped`) is among them even when listing was refused or left it out.
 */
export async function listPresent(
  request: Requester,
  client: ContactClient,
  scoped: string | undefined,
): Promise<ContactHint[]> {
  const listed = await request('Contact.Details.View', 'contact/listContacts', () => client.listContacts(), []);
  // listContacts' entries name the channel as a plain string; the lifecycle events' union is what a hint carries.
  const present = listed.map(
    (entry) =>
      ({
        contactId: entry.contactId,
        initialContactId: entry.initialContactId,
        type: entry.type,
        subtype: entry.subtype,
      }) as ContactHint,
  );
  if (scoped && !present.some((entry) => entry.contactId === scoped)) present.push({ contactId: scoped });
  return present;
}

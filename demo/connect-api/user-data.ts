/**
 * GetCurrentUserData, as @aws-sdk/client-connect serializes it (dist-es/schemas/schemas_0.js `GetCurrentUserData$`:
 * `POST /metrics/userdata/{InstanceId}`, the body `{Filters, NextToken, MaxResults}`; `Filters` required).
 *
 * Constraints, from the API reference page of GetCurrentUserData and the SDK's model
 * (dist-types/models/models_2.d.ts `UserDataFilters`, dist-types/models/enums.d.ts `ContactState`): InstanceId 1..100
 * characters; Agents, Queues and RoutingProfiles 1..100 ids (or ARNs) each; UserHierarchyGroups exactly one; at most
 * one of those four filters; ContactFilter.ContactStates 1..9 states; MaxResults 1..100. A member that breaks its own
 * constraint is an InvalidParameterException; members each valid but not allowed together (two filters) an
 * InvalidRequestException, as rules.ts chooses between the two.
 *
 * What the stand-in models, and what it does not:
 * - The users it knows are the user pool's (their `connectUserId`) and every agent of a registered contact of the
 *   instance. It has no agent status, so each known user counts as logged in: filtered by Agents, every known user is
 *   answered (with no contacts if they have none); an unknown id is left out, not refused.
 * - A user's current contacts are the registered contacts of the instance whose agent they are and that the agent has
 *   not cleared: ongoing (`AgentContactState` CONNECTED, since `startedAt`) or disconnected and still in after-contact
 *   work (ENDED, since `disconnectedAt`). In Connect a contact stays on the agent's list in ENDED until the agent clears
 *   it (after-contact work ends); the stand-in clears it at the contact's `afterContactWorkEndedAt`, the moment
 *   DescribeContact gives as `AgentInfo.AfterContactWorkEndTimestamp` (directory.ts). A contact registered without
 *   one stays in ENDED until it is given one.
 * - ContactFilter keeps only the contacts in the listed states, and only the users left with one (the stand-in's
 *   reading of "a filter for the user data based on the contact information that is associated to the user").
 * - Queues, RoutingProfiles and UserHierarchyGroups select users by their routing profile or hierarchy, which the
 *   stand-in does not model: they are checked, then refused with a message saying so, never ignored. A request naming
 *   none of the four filters is refused too (the stand-in has no "every user" to answer with).
 * - Each UserData carries `User` and `Contacts`; routing profile, hierarchy, status and slots are not modelled and
 *   left out (Connect leaves out what it has no value for).
 * Timestamps go out as epoch seconds in JSON numbers, restJson1's default (directory.ts says why).
 */
import { createHash } from 'node:crypto';
import { standInAccount } from './directory.ts';
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';
import { initiationMethodOf, type ContactStore, type StoredContact } from './rules.ts';
import { lower, oneOf } from './search-criteria.ts';
import type { PoolUser } from './user-pool.ts';

const userDataPath = /^\/metrics\/userdata\/([^/]+)$/;

/** Whether a request is GetCurrentUserData. */
export function isGetCurrentUserData(method: string | undefined, path: string): boolean {
  return method === 'POST' && userDataPath.test(path);
}

/** `ContactState` (client-connect dist-types/models/enums.d.ts). */
const contactStates = [
  'INCOMING',
  'PENDING',
  'CONNECTING',
  'CONNECTED',
  'CONNECTED_ONHOLD',
  'MISSED',
  'ERROR',
  'ENDED',
  'REJECTED',
] as const;
type ContactState = (typeof contactStates)[number];

/** The filters that pick users; the request may name at most one. */
const userFilters = [
  { name: 'Queues', max: 100 },
  { name: 'RoutingProfiles', max: 100 },
  { name: 'Agents', max: 100 },
  { name: 'UserHierarchyGroups', max: 1 },
] as const;

const seconds = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso) / 1000;

/** GetCurrentUserData on a request's path and parsed body. */
export function getCurrentUserData(
  store: ContactStore,
  users: readonly PoolUser[],
  region: string,
  path: string,
  body: unknown,
): Record<string, unknown> {
  const instanceId = instanceOf(path);
  const problems: string[] = [];
  if (instanceId.length < 1 || instanceId.length > 100)
    problems.push("Value at 'instanceId' failed to satisfy constraint: Member must have length between 1 and 100");
  const request = isRecord(body) ? body : {};
  const filters = request['Filters'];
  const named: string[] = [];
  let agents: string[] = [];
  let states: ReadonlySet<ContactState> | undefined;
  if (!isRecord(filters))
    problems.push("Value null at 'filters' failed to satisfy constraint: Member must not be null");
  else {
    for (const { name, max } of userFilters) {
      const list = filters[name];
      if (list === undefined) continue;
      named.push(name);
      if (!isIdList(list, max))
        problems.push(
          `Value at 'filters.${lower(name)}' failed to satisfy constraint: Member must have length between 1 and ${max}, each a non-empty string`,
        );
      else if (name === 'Agents') agents = list;
    }
    const contactFilter = filters['ContactFilter'];
    if (contactFilter !== undefined) {
      const list = isRecord(contactFilter) ? contactFilter['ContactStates'] : undefined;
      if (
        !Array.isArray(list) ||
        list.length < 1 ||
        list.length > contactStates.length ||
        !list.every((state) => oneOf(contactStates, state))
      )
        problems.push(
          `Value at 'filters.contactFilter.contactStates' failed to satisfy constraint: Member must have length between 1 and 9, each one of [${contactStates.join(', ')}]`,
        );
      else states = new Set(list);
    }
  }
  const maxResults = request['MaxResults'] ?? 100;
  const pageSize = typeof maxResults === 'number' ? maxResults : 0;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    problems.push("Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100");
  if (problems.length > 0) {
    const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: `;
    throw new ApiError(400, 'InvalidParameterException', count + problems.join('; '));
  }
  if (named.length > 1)
    throw new ApiError(
      400,
      'InvalidRequestException',
      `A maximum of one filter can be passed from Queues, RoutingProfiles, Agents and UserHierarchyGroups; got ${named.join(', ')}.`,
    );
  if (!store.hasInstance(instanceId))
    throw new ApiError(404, 'ResourceNotFoundException', `Instance ${instanceId} not found.`);
  if (named[0] !== 'Agents')
    throw new ApiError(
      400,
      'InvalidRequestException',
      named.length === 0
        ? 'The stand-in answers GetCurrentUserData for an Agents filter only; the request names none.'
        : `The stand-in does not model routing profiles or hierarchies, so it does not implement the ${named[0]} filter; use Agents.`,
    );

  const known = knownUsers(store, users, instanceId);
  const current = currentContacts(store, instanceId);
  const arnPrefix = `arn:aws:connect:${region}:${standInAccount}:instance/${instanceId}/agent/`;
  const ids = [
    ...new Set(agents.map((agent) => (agent.startsWith(arnPrefix) ? agent.slice(arnPrefix.length) : agent))),
  ];
  const found = ids
    .filter((id) => known.has(id))
    .map((id) => ({
      id,
      contacts: (current.get(id) ?? []).filter((contact) => !states || states.has(contact.state)),
    }))
    .filter((user) => !states || user.contacts.length > 0);

  // The token names the query it continues: one from another query is refused rather than misread.
  const query = createHash('sha256')
    .update(JSON.stringify({ instanceId, ...request, NextToken: undefined }))
    .digest('hex')
    .slice(0, 16);
  let offset = 0;
  const token = request['NextToken'];
  if (token !== undefined) {
    const parsed = typeof token === 'string' ? /^([0-9a-f]{16})\.(\d+)$/.exec(token) : null;
    if (!parsed || parsed[1] !== query)
      throw new ApiError(400, 'InvalidParameterException', 'The NextToken is not valid for this request.');
    offset = Number(parsed[2]);
  }
  const page = found.slice(offset, offset + pageSize);
  const next = offset + pageSize < found.length ? `${query}.${offset + pageSize}` : undefined;
  return {
    UserDataList: page.map((user) => ({
      User: { Id: user.id, Arn: `${arnPrefix}${user.id}` },
      Contacts: user.contacts.map(({ contact, state, since }) => ({
        ContactId: contact.contactId,
        Channel: contact.channel ?? 'VOICE',
        InitiationMethod: initiationMethodOf(contact),
        AgentContactState: state,
        StateStartTimestamp: seconds(since),
        ConnectedToAgentTimestamp: seconds(contact.startedAt),
        Queue: contact.queueId
          ? {
              Id: contact.queueId,
              Arn: `arn:aws:connect:${region}:${standInAccount}:instance/${instanceId}/queue/${contact.queueId}`,
            }
          : undefined,
      })),
    })),
    ApproximateTotalCount: found.length,
    ...(next ? { NextToken: next } : {}),
  };
}

/** The InstanceId label of the path, percent-decoded. */
function instanceOf(path: string): string {
  try {
    return decodeURIComponent(userDataPath.exec(path)?.[1] ?? '');
  } catch {
    throw new ApiError(400, 'InvalidParameterException', 'The path labels are not valid percent-encoding.');
  }
}

function isIdList(value: unknown, max: number): value is string[] {
  return (
    Array.isArray(value) &&
    value.length >= 1 &&
    value.length <= max &&
    value.every((id) => typeof id === 'string' && id.length > 0)
  );
}

/** The user ids the stand-in knows in an instance: the pool's users and the agents of its contacts. */
function knownUsers(store: ContactStore, users: readonly PoolUser[], instanceId: string): Set<string> {
  const known = new Set(users.map((user) => user.connectUserId));
  for (const contact of store.list())
    if (contact.instanceId === instanceId && contact.agentId) known.add(contact.agentId);
  return known;
}

interface CurrentContact {
  contact: StoredContact;
  state: ContactState;
  /** When the contact entered its state (ISO). */
  since: string;
}

/** Each agent's contacts not cleared yet: CONNECTED while ongoing, ENDED in after-contact work. */
function currentContacts(store: ContactStore, instanceId: string): Map<string, CurrentContact[]> {
  const byAgent = new Map<string, CurrentContact[]>();
  for (const contact of store.list()) {
    if (contact.instanceId !== instanceId || !contact.agentId || contact.afterContactWorkEndedAt) continue;
    const entry: CurrentContact = contact.disconnectedAt
      ? { contact, state: 'ENDED', since: contact.disconnectedAt }
      : { contact, state: 'CONNECTED', since: contact.startedAt };
    byAgent.set(contact.agentId, [...(byAgent.get(contact.agentId) ?? []), entry]);
  }
  return byAgent;
}

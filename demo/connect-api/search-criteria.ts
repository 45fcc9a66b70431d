/**
 * The SearchCriteria of SearchContacts in the Connect API stand-in (demo/connect-api/search.ts), checked and turned
 * into a filter of stored contacts. Members as @aws-sdk/client-connect serializes them (dist-es/schemas/schemas_0.js
 * `SearchCriteria$`, `SearchableContactAttributes$`); the enums are the SDK's (dist-types/models/enums.d.ts).
 * Criteria the stand-in does not implement are refused with a message saying so, never ignored: a search that
 * silently widened would show an agent more than was asked.
 */
import { isRecord } from './json.ts';
import { initiationMethodOf, type StoredContact } from './rules.ts';

/** Options of the search: which attribute keys an administrator made searchable (undefined: every key). */
export interface SearchOptions {
  searchableKeys: ReadonlySet<string> | undefined;
}

const channels = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
const initiationMethods = [
  'INBOUND',
  'OUTBOUND',
  'TRANSFER',
  'QUEUE_TRANSFER',
  'CALLBACK',
  'API',
  'DISCONNECT',
  'MONITOR',
  'EXTERNAL_OUTBOUND',
  'WEBRTC_API',
  'AGENT_REPLY',
  'FLOW',
] as const;
const implementedCriteria = new Set([
  'AgentIds',
  'Channels',
  'InitiationMethods',
  'QueueIds',
  'SearchableContactAttributes',
]);

type Contact = StoredContact & { attributes: Record<string, string> };

/** Checks SearchCriteria and returns its filter (every criterion given must match; a list matches any of its values). */
export function criteriaOf(value: unknown, problems: string[], options: SearchOptions): (contact: Contact) => boolean {
  if (value === undefined) return () => true;
  if (!isRecord(value)) {
    problems.push("Value at 'searchCriteria' failed to satisfy constraint: Member must be an object");
    return () => false;
  }
  for (const name of Object.keys(value)) {
    if (!implementedCriteria.has(name)) problems.push(`SearchCriteria.${name} is not implemented by the stand-in.`);
  }
  const list = (name: string, allowed?: readonly string[]): string[] | undefined => {
    const items = value[name];
    if (items === undefined) return undefined;
    if (
      !Array.isArray(items) ||
      items.length > 100 ||
      !items.every((item) => typeof item === 'string' && item.length > 0)
    )
      problems.push(
        `Value at 'searchCriteria.${lower(name)}' failed to satisfy constraint: Member must be a list of at most 100 non-empty strings`,
      );
    else if (allowed && !items.every((item) => oneOf(allowed, item)))
      problems.push(
        `Value at 'searchCriteria.${lower(name)}' failed to satisfy constraint: Member must satisfy enum value set: [${allowed.join(', ')}]`,
      );
    return items as string[];
  };
  const agents = list('AgentIds');
  const chans = list('Channels', channels);
  const methods = list('InitiationMethods', initiationMethods);
  const queues = list('QueueIds');
  const attributes = attributeCriteria(value['SearchableContactAttributes'], problems, options);
  return (contact) =>
    (!agents || (contact.agentId !== undefined && agents.includes(contact.agentId))) &&
    (!chans || chans.includes(contact.channel ?? 'VOICE')) &&
    (!methods || methods.includes(initiationMethodOf(contact))) &&
    (!queues || (contact.queueId !== undefined && queues.includes(contact.queueId))) &&
    attributes(contact.attributes);
}

/** SearchableContactAttributes: {Criteria: [{Key, Values}], MatchType}; MATCH_ALL (the default) or MATCH_ANY. */
function attributeCriteria(
  value: unknown,
  problems: string[],
  options: SearchOptions,
): (attributes: Record<string, string>) => boolean {
  if (value === undefined) return () => true;
  const criteria = isRecord(value) ? value['Criteria'] : undefined;
  const matchType = isRecord(value) ? (value['MatchType'] ?? 'MATCH_ALL') : undefined;
  const valid =
    Array.isArray(criteria) &&
    criteria.length > 0 &&
    criteria.every(
      (item) =>
        isRecord(item) &&
        typeof item['Key'] === 'string' &&
        item['Key'].length > 0 &&
        Array.isArray(item['Values']) &&
        item['Values'].length > 0 &&
        item['Values'].every((v) => typeof v === 'string'),
    );
  if (!valid || (matchType !== 'MATCH_ALL' && matchType !== 'MATCH_ANY')) {
    problems.push(
      "Value at 'searchCriteria.searchableContactAttributes' failed to satisfy constraint: Criteria must be a non-empty list of {Key, Values} and MatchType MATCH_ALL or MATCH_ANY",
    );
    return () => false;
  }
  const list = criteria as Array<{ Key: string; Values: string[] }>;
  const unsearchable = list.find((item) => options.searchableKeys && !options.searchableKeys.has(item.Key));
  if (unsearchable)
    problems.push(`The contact attribute ${unsearchable.Key.slice(0, 40)} is not configured for contact search.`);
  const test = (attributes: Record<string, string>, item: { Key: string; Values: string[] }): boolean =>
    Object.hasOwn(attributes, item.Key) && item.Values.includes(attributes[item.Key] ?? '');
  return (attributes) =>
    matchType === 'MATCH_ANY'
      ? list.some((item) => test(attributes, item))
      : list.every((item) => test(attributes, item));
}

export function oneOf<T extends string>(allowed: readonly T[], value: unknown): value is T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value);
}

export function lower(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}

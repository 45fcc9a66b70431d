/**
 * SearchContacts' wire shapes in the plugin's words: a search as `SearchContactsRequest` members, and a
 * `ContactSearchSummary` (client-connect dist-types/models/models_4.d.ts) as a ContactSummary, whether the SDK
 * decoded it (timestamps as Dates) or the relay passed it on as JSON (epoch seconds, restJson1's default).
 */
import type { ContactSearch, ContactSummary } from './types.ts';

/** The `SearchCriteria` member of a search, without empty criteria. */
export function searchCriteria(search: ContactSearch): Record<string, unknown> {
  const criteria: Record<string, unknown> = {};
  if (search.agentIds?.length) criteria['AgentIds'] = search.agentIds;
  if (search.queueIds?.length) criteria['QueueIds'] = search.queueIds;
  if (search.channels?.length) criteria['Channels'] = search.channels;
  if (search.attributes?.length) {
    criteria['SearchableContactAttributes'] = {
      Criteria: search.attributes.map(({ key, values }) => ({ Key: key, Values: values })),
      MatchType: search.attributeMatch === 'any' ? 'MATCH_ANY' : 'MATCH_ALL',
    };
  }
  return criteria;
}

/** A ContactSearchSummary as a ContactSummary; undefined when it has no id. */
export function toSummary(raw: unknown): ContactSummary | undefined {
  if (!isObject(raw) || typeof raw['Id'] !== 'string') return undefined;
  const queue = isObject(raw['QueueInfo']) ? raw['QueueInfo'] : {};
  const agent = isObject(raw['AgentInfo']) ? raw['AgentInfo'] : {};
  return {
    contactId: raw['Id'],
    initialContactId: text(raw['InitialContactId']) ?? raw['Id'],
    channel: text(raw['Channel']) ?? 'VOICE',
    initiationMethod: text(raw['InitiationMethod']),
    queueId: text(queue['Id']),
    ...(text(raw['QueueName']) ? { queueName: text(raw['QueueName']) } : {}),
    agentId: text(agent['Id']),
    initiatedAt: time(raw['InitiationTimestamp']),
    disconnectedAt: time(raw['DisconnectTimestamp']),
  };
}

/** Summaries of a list, those without an id left out. */
export function toSummaries(list: unknown): ContactSummary[] {
  return Array.isArray(list) ? list.map(toSummary).filter((item) => item !== undefined) : [];
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function time(value: unknown): Date | undefined {
  if (value instanceof Date) return value;
  if (typeof value === 'number' && Number.isFinite(value)) return new Date(value * 1000);
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return new Date(value);
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

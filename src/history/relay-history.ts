/**
 * The agent's recent contacts through the relay (src/relay/history-routes.ts): the relay sets the agent filter from
 * the sign-in token and holds the window; queue names come with the summaries; a contact's attributes are read only
 * once the relay has checked it is the agent's.
 */
import { AttributesError } from '../errors.ts';
import type { RelayClient } from '../relay-client.ts';
import type { Attributes } from '../validate.ts';
import { toSummaries } from './summary.ts';
import type { ContactHistory, RecentOptions, RecentPage } from './types.ts';

/** Options of relayHistory. */
export interface RelayHistoryOptions {
  relay: RelayClient;
  /** The relay's Amazon Connect instance (the plugin reads it from the agent's ARN). */
  instanceId: string;
  /** The relay's `ownershipWindowSeconds` (default 3600), until its first answer tells it. */
  windowSeconds?: number;
}

/** A ContactHistory over the relay's read routes. */
export function relayHistory(options: RelayHistoryOptions): ContactHistory {
  const { relay } = options;
  let windowSeconds = options.windowSeconds ?? 3600;
  const ranges = new Map<string, { StartTime: number; EndTime: number }>();

  return {
    instanceId: options.instanceId,
    get windowSeconds() {
      return windowSeconds;
    },
    async recent(page: RecentOptions = {}): Promise<RecentPage> {
      const range = page.nextToken ? ranges.get(page.nextToken) : undefined;
      const answer = record(
        await relay.request(
          '/contacts/search',
          {
            ...(page.maxResults ? { MaxResults: page.maxResults } : {}),
            ...(page.nextToken ? { NextToken: page.nextToken, ...range } : {}),
          },
          page.signal,
        ),
      );
      const start = number(answer['StartTime']);
      const end = number(answer['EndTime']);
      const window = number(answer['WindowSeconds']);
      if (window !== undefined) windowSeconds = window;
      const nextToken = typeof answer['NextToken'] === 'string' ? answer['NextToken'] : undefined;
      if (nextToken && start !== undefined && end !== undefined)
        ranges.set(nextToken, { StartTime: start, EndTime: end });
      const since = new Date((start ?? Date.now() / 1000 - windowSeconds) * 1000);
      return { contacts: toSummaries(answer['Contacts']), nextToken, since };
    },
    async attributes(contact, signal): Promise<Attributes> {
      const answer = record(
        await relay.request(
          '/contact/attributes/read',
          {
            InstanceId: contact.instanceId,
            InitialContactId: contact.initialContactId,
            ContactId: contact.contactId,
          },
          signal,
        ),
      );
      const attributes = record(answer['Attributes']);
      const result: Attributes = Object.create(null) as Attributes;
      for (const [key, value] of Object.entries(attributes)) if (typeof value === 'string') result[key] = value;
      return result;
    },
    // The relay names queues in its summaries.
    queueName: () => Promise.resolve(undefined),
  };
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new AttributesError('server', 'The relay answered in an unexpected shape.');
}

function number(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * The agent's recent contacts with the agent's own AWS credentials (direct mode): SearchContacts with the agent's user
 * id, contacts disconnected within the window, newest first; queue names by DescribeQueue, each asked once. Nothing on
 * the server holds the window here: IAM's `connect:SearchContacts` and `connect:GetContactAttributes` let the agent
 * read any contact of the instance. The window is applied as a courtesy, not a control.
 */
import type { AttributesClient } from '../client.ts';
import type { ContactHistory, RecentOptions, RecentPage } from './types.ts';

/** Options of directHistory. */
export interface DirectHistoryOptions {
  client: AttributesClient;
  instanceId: string;
  /** The agent's Connect user id (the last part of the agent ARN). */
  agentId: string;
  /** How far back contacts are listed and offered for editing (seconds after their end; default 3600). */
  windowSeconds?: number;
  /** The clock (ms since the epoch), for tests. */
  now?: () => number;
}

/** A ContactHistory over the signed client. */
export function directHistory(options: DirectHistoryOptions): ContactHistory {
  const { client, instanceId, agentId } = options;
  if (!agentId) throw new TypeError('directHistory: the `agentId` option is required (the Connect user id).');
  const windowSeconds = options.windowSeconds ?? 3600;
  const now = options.now ?? Date.now;
  const names = new Map<string, Promise<string | undefined>>();
  // A next page repeats its first page's range: Connect binds a NextToken to its search.
  const ranges = new Map<string, { start: Date; end: Date }>();

  return {
    instanceId,
    windowSeconds,
    async recent(page: RecentOptions = {}): Promise<RecentPage> {
      const range = (page.nextToken ? ranges.get(page.nextToken) : undefined) ?? {
        start: new Date(now() - windowSeconds * 1000),
        end: new Date(now()),
      };
      const result = await client.searchContacts(
        instanceId,
        {
          timeRange: { type: 'DISCONNECT_TIMESTAMP', ...range },
          agentIds: [agentId],
          sort: { field: 'DISCONNECT_TIMESTAMP', order: 'DESCENDING' },
          maxResults: page.maxResults,
          nextToken: page.nextToken,
        },
        { signal: page.signal },
      );
      if (result.nextToken) ranges.set(result.nextToken, range);
      return { ...result, since: range.start };
    },
    attributes: (contact, signal) => client.get(contact.instanceId, contact.initialContactId, { signal }),
    queueName(queueId, signal) {
      let name = names.get(queueId);
      if (!name) {
        name = client.queueName(instanceId, queueId, { signal }).catch(() => {
          names.delete(queueId);
          return undefined;
        });
        names.set(queueId, name);
      }
      return name;
    },
  };
}

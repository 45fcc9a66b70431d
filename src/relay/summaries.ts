/**
 * What the relay's search routes share: SearchContacts' summaries as JSON with their queue's name, queue names asked
 * once per queue (DescribeQueue, cached for the relay's life), and the pace of SearchContacts (src/relay/search-pacer.ts).
 */
import { DescribeQueueCommand, type ConnectClient, type ContactSearchSummary } from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import { SearchPacer } from './search-pacer.ts';
import type { RelayRequest } from './respond.ts';

const maxQueueNames = 500;

/** The shared parts of the search routes. */
export interface SearchSupport {
  pacer: SearchPacer;
  /** Summaries as JSON, each with its queue's name. */
  summaries(contacts: readonly ContactSearchSummary[], deadline: AbortSignal): Promise<Record<string, unknown>[]>;
}

/** The search support of one relay. */
export function createSearchSupport(
  connect: ConnectClient,
  instanceId: string,
  searchesPerSecond: number,
  now: () => number,
): SearchSupport {
  const queueNames = new Map<string, Promise<string | undefined>>();

  /** The queue's name, asked once per queue; undefined when it cannot be read (asked again next time). */
  function queueName(queueId: string, deadline: AbortSignal): Promise<string | undefined> {
    let name = queueNames.get(queueId);
    if (!name) {
      if (queueNames.size >= maxQueueNames) queueNames.clear();
      const command = new DescribeQueueCommand({ InstanceId: instanceId, QueueId: queueId });
      name = orAbort(connect.send(command, { abortSignal: deadline }), deadline).then(
        (output) => output.Queue?.Name,
        () => {
          queueNames.delete(queueId);
          return undefined;
        },
      );
      queueNames.set(queueId, name);
    }
    return name;
  }

  return {
    pacer: new SearchPacer(searchesPerSecond, Math.max(1, Math.ceil(searchesPerSecond * 2)), now),
    summaries: (contacts, deadline) =>
      Promise.all(
        contacts.map(async (contact) =>
          summary(contact, contact.QueueInfo?.Id ? await queueName(contact.QueueInfo.Id, deadline) : undefined),
        ),
      ),
  };
}

/** A summary as JSON: what the list shows, timestamps in epoch seconds (restJson1's default). */
function summary(contact: ContactSearchSummary, queueName: string | undefined): Record<string, unknown> {
  const seconds = (date: Date | undefined): number | undefined => (date ? date.getTime() / 1000 : undefined);
  return {
    Id: contact.Id,
    InitialContactId: contact.InitialContactId ?? contact.Id,
    Channel: contact.Channel,
    InitiationMethod: contact.InitiationMethod,
    QueueInfo: contact.QueueInfo?.Id ? { Id: contact.QueueInfo.Id } : undefined,
    QueueName: queueName,
    AgentInfo: { Id: contact.AgentInfo?.Id },
    InitiationTimestamp: seconds(contact.InitiationTimestamp),
    DisconnectTimestamp: seconds(contact.DisconnectTimestamp),
  };
}

/** A request's deadline for Connect's calls: the relay's limit, or sooner when the caller went away. */
export function deadlineOf(request: RelayRequest, timeoutMs: number): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return request.signal ? AbortSignal.any([timeout, request.signal]) : timeout;
}

/**
 * SearchContacts and DescribeQueue, as @aws-sdk/client-connect serializes them (dist-es/schemas/schemas_0.js:
 * `SearchContacts$` is `POST /search-contacts` with a JSON body, `DescribeQueue$` is `GET /queues/{InstanceId}/{QueueId}`).
 *
 * Request members (schemas_0.js `SearchContactsRequest$`, `SearchContactsTimeRange$`, `SearchCriteria$`, `Sort$`):
 * `InstanceId` and `TimeRange {Type, StartTime, EndTime}` required, timestamps as epoch seconds (restJson1's default
 * for a `timestamp` without a format trait); `SearchCriteria`, `MaxResults`, `NextToken`, `Sort {FieldName, Order}`.
 * Constraints from the API reference: InstanceId 1..100 characters, MaxResults 1..100. The enums are the SDK's
 * (dist-types/models/enums.d.ts). Criteria the stand-in does not implement (Name, ContactAnalysis, hierarchy groups,
 * routing criteria, additional time ranges, segment attributes, tags, AI agents) are refused with a message saying
 * so, never ignored: a search that silently widened would show an agent more than was asked. The criteria are
 * checked and matched in search-criteria.ts (its quota is one of the server's per-action quotas); this file checks
 * the request, sorts, pages (NextToken) and serializes the summaries.
 *
 * Summaries (`ContactSearchSummary$`) carry no user-defined attributes and only the queue's id: a queue's name costs
 * a DescribeQueue (`Queue$`: Name, QueueArn, QueueId, Status, ...).
 */
import { createHash } from 'node:crypto';
import { standInAccount } from './directory.ts';
import { ApiError } from './errors.ts';
import { isRecord } from './json.ts';
import { initiationMethodOf, type ContactStore, type StoredContact } from './rules.ts';
import { criteriaOf, lower, oneOf, type SearchOptions } from './search-criteria.ts';

const timeRangeTypes = [
  'INITIATION_TIMESTAMP',
  'SCHEDULED_TIMESTAMP',
  'CONNECTED_TO_AGENT_TIMESTAMP',
  'DISCONNECT_TIMESTAMP',
  'ENQUEUE_TIMESTAMP',
] as const;
type TimeRangeType = (typeof timeRangeTypes)[number];
const sortFields = [
  'INITIATION_TIMESTAMP',
  'SCHEDULED_TIMESTAMP',
  'CONNECTED_TO_AGENT_TIMESTAMP',
  'DISCONNECT_TIMESTAMP',
  'INITIATION_METHOD',
  'CHANNEL',
  'EXPIRY_TIMESTAMP',
] as const;

/** Whether a request is SearchContacts. */
export function isSearchContacts(method: string | undefined, path: string): boolean {
  return method === 'POST' && path === '/search-contacts';
}

const queuePath = /^\/queues\/([^/]+)\/([^/]+)$/;

/** Whether a request is DescribeQueue. */
export function isDescribeQueue(method: string | undefined, path: string): boolean {
  return method === 'GET' && queuePath.test(path);
}

/** SearchContacts on a parsed body. */
export function searchContacts(
  store: ContactStore,
  region: string,
  body: unknown,
  options: SearchOptions,
): Record<string, unknown> {
  if (!isRecord(body))
    throw invalid(['Value at the request body failed to satisfy constraint: Member must be an object']);
  const problems: string[] = [];
  const instanceId = body['InstanceId'];
  if (typeof instanceId !== 'string' || instanceId.length < 1 || instanceId.length > 100)
    problems.push("Value at 'instanceId' failed to satisfy constraint: Member must have length between 1 and 100");
  const range = body['TimeRange'];
  let type: TimeRangeType = 'INITIATION_TIMESTAMP';
  let startMs = 0;
  let endMs = 0;
  if (!isRecord(range))
    problems.push("Value null at 'timeRange' failed to satisfy constraint: Member must not be null");
  else {
    if (!oneOf(timeRangeTypes, range['Type']))
      problems.push(
        `Value at 'timeRange.type' failed to satisfy constraint: Member must satisfy enum value set: [${timeRangeTypes.join(', ')}]`,
      );
    else type = range['Type'];
    for (const name of ['StartTime', 'EndTime'] as const) {
      if (typeof range[name] !== 'number' || !Number.isFinite(range[name]))
        problems.push(`Value null at 'timeRange.${lower(name)}' failed to satisfy constraint: Member must not be null`);
    }
    startMs = Number(range['StartTime']) * 1000;
    endMs = Number(range['EndTime']) * 1000;
    if (startMs > endMs)
      problems.push("Value at 'timeRange' failed to satisfy constraint: StartTime must not be after EndTime");
  }
  const maxResults = body['MaxResults'] ?? 100;
  const pageSize = typeof maxResults === 'number' ? maxResults : 0;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
    problems.push("Value at 'maxResults' failed to satisfy constraint: Member must have value between 1 and 100");
  const sort = body['Sort'];
  if (
    sort !== undefined &&
    !(
      isRecord(sort) &&
      oneOf(sortFields, sort['FieldName']) &&
      oneOf(['ASCENDING', 'DESCENDING'] as const, sort['Order'])
    )
  )
    problems.push(
      `Value at 'sort' failed to satisfy constraint: FieldName must be one of [${sortFields.join(', ')}] and Order ASCENDING or DESCENDING`,
    );
  const match = criteriaOf(body['SearchCriteria'], problems, options);
  if (problems.length > 0 || typeof instanceId !== 'string') throw invalid(problems);
  if (!store.hasInstance(instanceId))
    throw new ApiError(404, 'ResourceNotFoundException', `Instance ${instanceId} not found.`);

  const found = store
    .list()
    .filter((contact) => contact.instanceId === instanceId)
    .filter((contact) => {
      const at = timestampOf(contact, type);
      return at !== undefined && at >= startMs && at <= endMs && match(contact);
    });
  const { FieldName = 'INITIATION_TIMESTAMP', Order = 'DESCENDING' } = (sort ?? {}) as {
    FieldName?: string;
    Order?: string;
  };
  const key = (contact: StoredContact): string | number =>
    FieldName === 'CHANNEL'
      ? (contact.channel ?? 'VOICE')
      : FieldName === 'INITIATION_METHOD'
        ? initiationMethodOf(contact)
        : (timestampOf(contact, FieldName) ?? -Infinity);
  found.sort((a, b) => {
    const [x, y] = [key(a), key(b)];
    const order = x < y ? -1 : x > y ? 1 : a.contactId < b.contactId ? -1 : 1;
    return Order === 'ASCENDING' ? order : -order;
  });

  // The token names the query it continues: one from another query is refused rather than misread.
  const query = createHash('sha256')
    .update(JSON.stringify({ ...body, NextToken: undefined }))
    .digest('hex')
    .slice(0, 16);
  let offset = 0;
  const token = body['NextToken'];
  if (token !== undefined) {
    const parsed = typeof token === 'string' ? /^([0-9a-f]{16})\.(\d+)$/.exec(token) : null;
    if (!parsed || parsed[1] !== query) throw invalid(['The NextToken is not valid for this search.']);
    offset = Number(parsed[2]);
  }
  const page = found.slice(offset, offset + pageSize);
  const next = offset + pageSize < found.length ? `${query}.${offset + pageSize}` : undefined;
  return {
    Contacts: page.map((contact) => summary(contact, region)),
    TotalCount: found.length,
    ...(next ? { NextToken: next } : {}),
  };
}

/** DescribeQueue: the queues the registered contacts named. */
export function describeQueue(store: ContactStore, region: string, path: string): Record<string, unknown> {
  const match = queuePath.exec(path);
  let instanceId: string;
  let queueId: string;
  try {
    [instanceId, queueId] = [decodeURIComponent(match?.[1] ?? ''), decodeURIComponent(match?.[2] ?? '')];
  } catch {
    throw new ApiError(400, 'InvalidParameterException', 'The path labels are not valid percent-encoding.');
  }
  if (!store.hasInstance(instanceId))
    throw new ApiError(404, 'ResourceNotFoundException', `Instance ${instanceId} not found.`);
  const name = store.queueName(instanceId, queueId);
  if (name === undefined) throw new ApiError(404, 'ResourceNotFoundException', `Queue ${queueId} not found.`);
  return {
    Queue: {
      Name: name,
      QueueId: queueId,
      QueueArn: `arn:aws:connect:${region}:${standInAccount}:instance/${instanceId}/queue/${queueId}`,
      Status: 'ENABLED',
    },
  };
}

/** A contact's timestamp of a time range type, in ms; undefined when it has none (then no range includes it). */
function timestampOf(contact: StoredContact, type: string): number | undefined {
  const ms = (iso: string | undefined): number | undefined => (iso === undefined ? undefined : Date.parse(iso));
  if (type === 'INITIATION_TIMESTAMP') return ms(contact.startedAt);
  if (type === 'DISCONNECT_TIMESTAMP') return ms(contact.disconnectedAt);
  if (type === 'CONNECTED_TO_AGENT_TIMESTAMP') return contact.agentId ? ms(contact.startedAt) : undefined;
  if (type === 'ENQUEUE_TIMESTAMP') return contact.queueId ? ms(contact.startedAt) : undefined;
  return undefined;
}

function summary(contact: StoredContact, region: string): Record<string, unknown> {
  const seconds = (iso: string | undefined): number | undefined =>
    iso === undefined ? undefined : Date.parse(iso) / 1000;
  return {
    Arn: `arn:aws:connect:${region}:${standInAccount}:instance/${contact.instanceId}/contact/${contact.contactId}`,
    Id: contact.contactId,
    InitialContactId: contact.initialContactId,
    PreviousContactId: contact.previousContactId,
    InitiationMethod: initiationMethodOf(contact),
    Channel: contact.channel ?? 'VOICE',
    QueueInfo: contact.queueId ? { Id: contact.queueId, EnqueueTimestamp: seconds(contact.startedAt) } : undefined,
    AgentInfo: contact.agentId
      ? { Id: contact.agentId, ConnectedToAgentTimestamp: seconds(contact.startedAt) }
      : undefined,
    InitiationTimestamp: seconds(contact.startedAt),
    DisconnectTimestamp: seconds(contact.disconnectedAt),
  };
}

function invalid(problems: readonly string[]): ApiError {
  const count = `${problems.length} validation error${problems.length === 1 ? '' : 's'} detected: `;
  return new ApiError(400, 'InvalidParameterException', count + problems.join('; '));
}

/**
 * The stand-in's Connect actions apart from the write: which action a restJson1 request is (by method and path, as
 * @aws-sdk/client-connect dist-es/schemas/schemas_0.js routes them), the ids its log line shows, and the answers of the
 * reads (GetContactAttributes, DescribeContact, SearchUsers, SearchContacts, DescribeQueue, GetCurrentUserData).
 * UpdateContactAttributes stays in server.ts, where its injected after-store faults reach the connection.
 */
import { describeContact, describeLabels, isDescribeContact, searchUsers } from './directory.ts';
import { ApiError } from './errors.ts';
import { isRecord, parseJson } from './json.ts';
import { validateGet, type ContactStore } from './rules.ts';
import { describeQueue, isDescribeQueue, isSearchContacts, searchContacts } from './search.ts';
import type { SearchOptions } from './search-criteria.ts';
import type { LoggedRequest } from './types.ts';
import { getCurrentUserData, isGetCurrentUserData } from './user-data.ts';
import type { PoolUser } from './user-pool.ts';

const getPath = /^\/contact\/attributes\/([^/]+)\/([^/]+)$/;

/** The Connect action of a request, 'Unknown' when none matches. */
export function connectActionOf(method: string | undefined, path: string): LoggedRequest['action'] {
  if (method === 'POST' && path === '/contact/attributes') return 'UpdateContactAttributes';
  if (method === 'GET' && getPath.test(path)) return 'GetContactAttributes';
  if (isDescribeContact(method, path)) return 'DescribeContact';
  if (method === 'POST' && path === '/search-users') return 'SearchUsers';
  if (isSearchContacts(method, path)) return 'SearchContacts';
  if (isDescribeQueue(method, path)) return 'DescribeQueue';
  if (isGetCurrentUserData(method, path)) return 'GetCurrentUserData';
  return 'Unknown';
}

/** A log entry before its outcome is known. */
export type LogEntry = Omit<LoggedRequest, 'time'>;

/** Fills the ids a log line shows from the request, as far as they can be read (before it is verified). */
export function labelEntry(entry: LogEntry, path: string, body: Buffer): void {
  if (entry.action === 'UpdateContactAttributes') labelUpdate(entry, body);
  if (entry.action === 'GetContactAttributes') {
    try {
      [entry.instanceId, entry.initialContactId] = getLabels(path);
    } catch {
      // Undecodable labels: logged without them.
    }
  }
  if (entry.action === 'DescribeContact') [entry.instanceId, entry.contactId] = describeLabels(path);
}

/** What the reads answer from. */
export interface ReadContext {
  store: ContactStore;
  users: readonly PoolUser[];
  region: string;
  search: SearchOptions;
}

/** The answer of a read action (every action but UpdateContactAttributes and Unknown). */
export function answerRead(
  action: LoggedRequest['action'],
  context: ReadContext,
  path: string,
  body: Buffer,
): Record<string, unknown> {
  const { store, users, region } = context;
  switch (action) {
    case 'DescribeContact': {
      const [instanceId, contactId] = describeLabels(path);
      validateGet(instanceId, contactId);
      return describeContact(store, region, instanceId, contactId);
    }
    case 'SearchContacts':
      return searchContacts(store, region, parseJson(body), context.search);
    case 'DescribeQueue':
      return describeQueue(store, region, path);
    case 'SearchUsers': {
      const request = parseJson(body);
      const instanceId = isRecord(request) ? String(request['InstanceId']) : '';
      if (!store.hasInstance(instanceId))
        throw new ApiError(404, 'ResourceNotFoundException', `Instance ${instanceId} not found.`);
      return searchUsers(users, region, request);
    }
    case 'GetCurrentUserData':
      return getCurrentUserData(store, users, region, path, parseJson(body));
    case 'GetContactAttributes': {
      const [instanceId, initialContactId] = getLabels(path);
      validateGet(instanceId, initialContactId);
      return { Attributes: store.get(instanceId, initialContactId) };
    }
    default:
      throw new Error(`answerRead: ${action} is not a read`);
  }
}

/** The two labels of GetContactAttributes, percent-decoded. */
function getLabels(path: string): [string, string] {
  const match = getPath.exec(path);
  try {
    return [decodeURIComponent(match?.[1] ?? ''), decodeURIComponent(match?.[2] ?? '')];
  } catch {
    throw new ApiError(400, 'InvalidParameterException', 'The path labels are not valid percent-encoding.');
  }
}

/** Fills the log entry of an UpdateContactAttributes request from its body, as far as it can be read. */
function labelUpdate(entry: LogEntry, body: Buffer): void {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return;
  }
  if (!isRecord(value)) return;
  const { InstanceId, InitialContactId, Attributes } = value;
  if (typeof InstanceId === 'string') entry.instanceId = InstanceId;
  if (typeof InitialContactId === 'string') entry.initialContactId = InitialContactId;
  if (isRecord(Attributes)) {
    entry.attributes = Object.fromEntries(
      Object.entries(Attributes).filter((pair): pair is [string, string] => typeof pair[1] === 'string'),
    );
  }
}

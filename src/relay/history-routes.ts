/**
 * The relay's two read routes, for the caller's own contacts only (the recent-contacts list of the plugin):
 * - `POST /contacts/search` `{MaxResults?, NextToken?, StartTime?, EndTime?}`: SearchContacts with the caller's
 *   Connect user as the only agent criterion (the relay's, never the browser's), contacts disconnected within the
 *   ownership window, newest first, paced under SearchContacts' quota (src/relay/search-pacer.ts). Each summary gets its
 *   queue's name (DescribeQueue, cached). A next page repeats the first page's StartTime and EndTime, as Connect binds
 *   a NextToken to its search; a start earlier than the window is refused.
 * - `POST /contact/attributes/read` `{InstanceId, InitialContactId, ContactId}`: GetContactAttributes once
 *   DescribeContact shows the leg is the caller's and within the window, the same check as a write's.
 * Both authenticate first (src/relay/checks.ts), and share the request's one deadline for Connect's calls.
 */
import { GetContactAttributesCommand, SearchContactsCommand, type ConnectClient } from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import type { Authenticator } from './auth.ts';
import { authenticateCaller, parseBody } from './checks.ts';
import type { ResolvedRelayConfig } from './config.ts';
import { connectError, type ConnectSide } from './connect-side.ts';
import { notYours, RelayError, type AuditRecord, type RelayRequest } from './respond.ts';
import { createReviewRoutes } from './review-routes.ts';
import { createSearchSupport, deadlineOf } from './summaries.ts';

/** The search route. */
export const searchPath = '/contacts/search';
/** The read route. */
export const readPath = '/contact/attributes/read';

/** What a read route answers, and the reason its audit line gives. */
export interface RouteOutcome {
  reason: string;
  payload: Record<string, unknown>;
}

/** What the routes run on. */
export interface HistoryRouteOptions {
  connect: ConnectClient;
  contacts: ConnectSide;
  authenticator: Authenticator;
  config: ResolvedRelayConfig;
  now: () => number;
}

/** Slack on a next page's start: the window moved on while the agent read the first page. */
const pageSlackMs = 15 * 60_000;

/** The routes' handler: undefined when the path is not theirs. */
export function createHistoryRoutes(
  options: HistoryRouteOptions,
): (request: RelayRequest, record: AuditRecord) => Promise<RouteOutcome> | undefined {
  const { connect, contacts, authenticator, config, now } = options;
  const support = createSearchSupport(connect, config.instanceId, config.searchesPerSecond, now);
  const review = createReviewRoutes({ ...options, support });
  const windowMs = config.ownershipWindowSeconds * 1000;

  return (request, record) => {
    if (request.path !== searchPath && request.path !== readPath) return review(request, record);
    if (request.method !== 'POST')
      return Promise.reject(
        new RelayError(405, 'UnknownOperationException', `Use POST on ${request.path}.`, 'wrong-method'),
      );
    return request.path === searchPath ? search(request, record) : read(request, record);
  };

  async function search(request: RelayRequest, record: AuditRecord): Promise<RouteOutcome> {
    const claims = await authenticateCaller(request, record, authenticator);
    const body = parseBody(request.body);
    const page = readPage(body, now(), windowMs);
    record.instanceId = config.instanceId;
    const deadline = deadlineOf(request, config.connectTimeoutMs);
    const userId = await contacts.resolveUser(claims, record, deadline);
    await support.pacer.take(deadline);
    const command = new SearchContactsCommand({
      InstanceId: config.instanceId,
      TimeRange: { Type: 'DISCONNECT_TIMESTAMP', StartTime: new Date(page.start), EndTime: new Date(page.end) },
      SearchCriteria: { AgentIds: [userId] },
      Sort: { FieldName: 'DISCONNECT_TIMESTAMP', Order: 'DESCENDING' },
      MaxResults: page.maxResults,
      ...(page.nextToken ? { NextToken: page.nextToken } : {}),
    });
    let output;
    try {
      output = await orAbort(connect.send(command, { abortSignal: deadline }), deadline);
    } catch (error) {
      throw connectError('SearchContacts', error, deadline);
    }
    // The criterion is the relay's; a summary of anyone else's contact is dropped all the same.
    const own = (output.Contacts ?? []).filter((contact) => contact.AgentInfo?.Id === userId);
    const Contacts = await support.summaries(own, deadline);
    return {
      reason: 'searched',
      payload: {
        Contacts,
        ...(output.NextToken ? { NextToken: output.NextToken } : {}),
        StartTime: page.start / 1000,
        EndTime: page.end / 1000,
        WindowSeconds: config.ownershipWindowSeconds,
      },
    };
  }

  async function read(request: RelayRequest, record: AuditRecord): Promise<RouteOutcome> {
    const claims = await authenticateCaller(request, record, authenticator);
    const body = parseBody(request.body);
    const ids = ['InstanceId', 'InitialContactId', 'ContactId'].map((name) => {
      const value = body[name];
      if (typeof value !== 'string' || value === '' || value.length > 256)
        throw new RelayError(400, 'InvalidParameterException', `${name} is missing or too long.`, 'invalid:ids');
      return value;
    });
    const [instanceId = '', initialContactId = '', contactId = ''] = ids;
    Object.assign(record, { instanceId, initialContactId, contactId });
    if (instanceId !== config.instanceId)
      throw notYours('other-instance', ' (it belongs to another Amazon Connect instance)');
    const deadline = deadlineOf(request, config.connectTimeoutMs);
    const userId = await contacts.resolveUser(claims, record, deadline);
    await contacts.confirmOwner(userId, { instanceId, initialContactId, contactId, attributes: {} }, deadline);
    const command = new GetContactAttributesCommand({ InstanceId: instanceId, InitialContactId: initialContactId });
    try {
      const output = await orAbort(connect.send(command, { abortSignal: deadline }), deadline);
      return { reason: 'read', payload: { Attributes: output.Attributes ?? {} } };
    } catch (error) {
      throw connectError('GetContactAttributes', error, deadline);
    }
  }
}

/** A page's members: the window's range on a first page, the first page's range (checked) on the next. */
function readPage(
  body: Record<string, unknown>,
  nowMs: number,
  windowMs: number,
): { start: number; end: number; maxResults: number; nextToken: string | undefined } {
  const invalid = (message: string): RelayError =>
    new RelayError(400, 'InvalidParameterException', message, 'invalid:page');
  const maxResults = body['MaxResults'] ?? 25;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1 || maxResults > 100)
    throw invalid('MaxResults must be a whole number from 1 to 100.');
  const nextToken = body['NextToken'];
  if (nextToken === undefined) return { start: nowMs - windowMs, end: nowMs, maxResults, nextToken: undefined };
  if (typeof nextToken !== 'string' || nextToken === '' || nextToken.length > 2500)
    throw invalid('NextToken must be the token of the previous page.');
  const start = body['StartTime'];
  const end = body['EndTime'];
  if (typeof start !== 'number' || typeof end !== 'number' || end < start)
    throw invalid('A next page needs the StartTime and EndTime of the first one.');
  if (start * 1000 < nowMs - windowMs - pageSlackMs || end * 1000 > nowMs) throw notYours('window-passed', ' any more');
  return { start: start * 1000, end: end * 1000, maxResults, nextToken };
}

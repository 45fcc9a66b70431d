/**
 * The reviewers' routes (supervisors, QA, legal: the `reviewers` setting, src/relay/review-config.ts). A reviewer may
 * search the instance's contacts, read any one, and write only the keys of the reviewers' allow list on any contact;
 * a caller without the claim is refused before any call to Connect. Each decision is audited by the core, a write
 * with its keys (never its values).
 * - `POST /review/contacts/search` `{TimeRange: {Type, StartTime, EndTime}, SearchCriteria?: {AgentIds, QueueIds,
 *   Channels, SearchableContactAttributes}, MaxResults?, NextToken?, Sort?}` (times in epoch seconds): SearchContacts,
 *   paced with the agents' searches.
 * - `POST /review/contact` `{ContactId}`: DescribeContact (SearchContacts has no id criterion) and the chain's
 *   attributes (GetContactAttributes).
 * - `POST /review/contact/attributes`: a write, the body of `/contact/attributes`; ContactId is the contact reviewed.
 */
import {
  DescribeContactCommand,
  GetContactAttributesCommand,
  SearchContactsCommand,
  type ConnectClient,
  type Contact,
  type SearchContactsCommandInput,
} from '@aws-sdk/client-connect';
import { orAbort } from '../deadline.ts';
import type { Authenticator, Claims } from './auth.ts';
import { authenticateCaller, parseBody, readWrite } from './checks.ts';
import type { ResolvedRelayConfig } from './config.ts';
import { connectError, statusOf, type ConnectSide } from './connect-side.ts';
import { RelayError, type AuditRecord, type RelayRequest } from './respond.ts';
import { isReviewer } from './review-config.ts';
import { deadlineOf, type SearchSupport } from './summaries.ts';

/** What a route answers, and the reason its audit line gives. */
interface Outcome {
  reason: string;
  payload: Record<string, unknown>;
}

export const reviewSearchPath = '/review/contacts/search';
export const reviewContactPath = '/review/contact';
export const reviewWritePath = '/review/contact/attributes';

const timeTypes = new Set([
  'INITIATION_TIMESTAMP',
  'SCHEDULED_TIMESTAMP',
  'CONNECTED_TO_AGENT_TIMESTAMP',
  'DISCONNECT_TIMESTAMP',
  'ENQUEUE_TIMESTAMP',
]);
const criteriaMembers = ['AgentIds', 'QueueIds', 'Channels', 'SearchableContactAttributes'];

/** The routes' handler: undefined when the path is not theirs. */
export function createReviewRoutes(options: {
  connect: ConnectClient;
  contacts: ConnectSide;
  authenticator: Authenticator;
  config: ResolvedRelayConfig;
  support: SearchSupport;
}): (request: RelayRequest, record: AuditRecord) => Promise<Outcome> | undefined {
  const { connect, contacts, authenticator, config, support } = options;
  type Route = (body: Record<string, unknown>, record: AuditRecord, deadline: AbortSignal) => Promise<Outcome>;
  const routes: Record<string, Route> = {
    [reviewSearchPath]: search,
    [reviewContactPath]: describe,
    [reviewWritePath]: write,
  };

  return (request, record) => {
    const route = Object.hasOwn(routes, request.path) ? routes[request.path] : undefined;
    if (!route) return undefined;
    return (async () => {
      if (request.method !== 'POST')
        throw new RelayError(405, 'UnknownOperationException', `Use POST on ${request.path}.`, 'wrong-method');
      const claims = await authenticateCaller(request, record, authenticator);
      noteUsername(claims, record);
      if (!isReviewer(claims, config.reviewers))
        throw new RelayError(403, 'AccessDeniedException', 'Only reviewers may do this.', 'not-reviewer');
      const body = request.body === '' ? {} : parseBody(request.body);
      return route(body, record, deadlineOf(request, config.connectTimeoutMs));
    })();
  };

  /** The caller's username in the audit line, when the relay maps users by username. */
  function noteUsername(claims: Claims, record: AuditRecord): void {
    const claim = 'usernameClaim' in config.user ? config.user.usernameClaim : undefined;
    const username = claim ? claims[claim] : undefined;
    if (typeof username === 'string') record.caller = { ...record.caller, username };
  }

  async function search(body: Record<string, unknown>, record: AuditRecord, deadline: AbortSignal): Promise<Outcome> {
    record.instanceId = config.instanceId;
    const input = searchInput(body, config.instanceId);
    await support.pacer.take(deadline);
    try {
      const output = await orAbort(connect.send(new SearchContactsCommand(input), { abortSignal: deadline }), deadline);
      const Contacts = await support.summaries(output.Contacts ?? [], deadline);
      return {
        reason: 'review-searched',
        payload: { Contacts, ...(output.NextToken ? { NextToken: output.NextToken } : {}) },
      };
    } catch (error) {
      if (error instanceof RelayError) throw error;
      throw connectError('SearchContacts', error, deadline);
    }
  }

  async function describe(body: Record<string, unknown>, record: AuditRecord, deadline: AbortSignal): Promise<Outcome> {
    const contactId = body['ContactId'];
    if (typeof contactId !== 'string' || contactId === '' || contactId.length > 256)
      throw new RelayError(400, 'InvalidParameterException', 'ContactId is missing or too long.', 'invalid:ids');
    record.instanceId = config.instanceId;
    record.contactId = contactId;
    const contact = await describeContact(contactId, deadline);
    const initialContactId = contact.InitialContactId ?? contactId;
    record.initialContactId = initialContactId;
    const command = new GetContactAttributesCommand({
      InstanceId: config.instanceId,
      InitialContactId: initialContactId,
    });
    let attributes: Record<string, string>;
    try {
      attributes = (await orAbort(connect.send(command, { abortSignal: deadline }), deadline)).Attributes ?? {};
    } catch (error) {
      throw connectError('GetContactAttributes', error, deadline);
    }
    const [summary] = await support.summaries([contact], deadline);
    return { reason: 'review-read', payload: { Contact: summary, Attributes: attributes } };
  }

  async function write(body: Record<string, unknown>, record: AuditRecord, deadline: AbortSignal): Promise<Outcome> {
    const asked = readWrite(JSON.stringify(body), record);
    if (asked.instanceId !== config.instanceId)
      throw new RelayError(403, 'AccessDeniedException', 'This contact belongs to another instance.', 'other-instance');
    const allowed = config.reviewers?.allowKeyPrefixes ?? [];
    const forbidden = asked.keys.find(
      (key) =>
        !allowed.some((prefix) => key.startsWith(prefix)) ||
        config.denyKeyPrefixes.some((prefix) => key.startsWith(prefix)),
    );
    if (forbidden !== undefined)
      throw new RelayError(
        403,
        'AccessDeniedException',
        `Reviewers may not save the attribute "${forbidden.slice(0, 40)}".`,
        'review-key-not-allowed',
      );
    const contact = await describeContact(asked.contactId, deadline);
    if ((contact.InitialContactId ?? contact.Id) !== asked.initialContactId)
      throw new RelayError(
        400,
        'InvalidParameterException',
        'InitialContactId is not the first contact of this contact’s chain.',
        'invalid:chain',
      );
    await contacts.update(asked, deadline);
    return { reason: 'reviewed', payload: {} };
  }

  async function describeContact(contactId: string, deadline: AbortSignal): Promise<Contact> {
    try {
      const command = new DescribeContactCommand({ InstanceId: config.instanceId, ContactId: contactId });
      const contact = (await orAbort(connect.send(command, { abortSignal: deadline }), deadline)).Contact;
      if (contact) return contact;
    } catch (error) {
      if (statusOf(error) !== 404) throw connectError('DescribeContact', error, deadline);
    }
    throw new RelayError(404, 'ResourceNotFoundException', 'No contact has this id.', 'contact-not-found');
  }
}

/** A reviewer's search as SearchContacts' input: the relay's instance, known criteria only, times from epoch seconds. */
function searchInput(body: Record<string, unknown>, instanceId: string): SearchContactsCommandInput {
  const invalid = (message: string): RelayError =>
    new RelayError(400, 'InvalidParameterException', message, 'invalid:search');
  const range = body['TimeRange'];
  if (typeof range !== 'object' || range === null) throw invalid('TimeRange {Type, StartTime, EndTime} is required.');
  const { Type: type, StartTime: start, EndTime: end } = range as Record<string, unknown>;
  if (typeof type !== 'string' || !timeTypes.has(type)) throw invalid('TimeRange.Type is not a time range type.');
  if (typeof start !== 'number' || typeof end !== 'number' || !(end >= start))
    throw invalid('TimeRange.StartTime and EndTime must be epoch seconds, the end after the start.');
  const given = body['SearchCriteria'];
  const criteria: Record<string, unknown> = {};
  if (typeof given === 'object' && given !== null)
    for (const member of criteriaMembers) {
      const value = (given as Record<string, unknown>)[member];
      if (value !== undefined) criteria[member] = value;
    }
  const { MaxResults: maxResults, NextToken: nextToken, Sort: sort } = body;
  return {
    InstanceId: instanceId,
    TimeRange: {
      Type: type as 'DISCONNECT_TIMESTAMP',
      StartTime: new Date(start * 1000),
      EndTime: new Date(end * 1000),
    },
    SearchCriteria: criteria,
    ...(typeof maxResults === 'number' ? { MaxResults: maxResults } : {}),
    ...(typeof nextToken === 'string' && nextToken !== '' ? { NextToken: nextToken } : {}),
    ...(typeof sort === 'object' && sort !== null ? { Sort: sort as SearchContactsCommandInput['Sort'] } : {}),
  };
}

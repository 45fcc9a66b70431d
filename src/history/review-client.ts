/**
 * A reviewer's side of the relay's reviewers' routes (src/relay/review-routes.ts): search the instance's contacts,
 * find one by id with its attributes, and write the reviewers' keys on any contact. The relay decides who is a
 * reviewer (a claim of the token) and which keys they may write; this only shapes the requests.
 */
import { AttributesError, validationError } from '../errors.ts';
import type { RelayClient } from '../relay-client.ts';
import { checkUpdate, type Attributes } from '../validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions } from '../writer.ts';
import { searchCriteria, toSummaries, toSummary } from './summary.ts';
import type { ContactPage, ContactSearch, ContactSummary } from './types.ts';

/** What a reviewer does through the relay. */
export interface ReviewClient {
  readonly instanceId: string;
  /** One page of a search of the instance's contacts. */
  search(search: ContactSearch, signal?: AbortSignal): Promise<ContactPage>;
  /** One contact by id, with its attributes; undefined when no contact has that id. */
  find(
    contactId: string,
    signal?: AbortSignal,
  ): Promise<{ contact: ContactSummary; attributes: Attributes } | undefined>;
  /** Writes through the reviewers' route. */
  readonly writer: AttributeWriter;
}

/** A ReviewClient over the relay client of a reviewer's sign-in. */
export function reviewClient(relay: RelayClient, instanceId: string): ReviewClient {
  return {
    instanceId,
    async search(search, signal) {
      const { timeRange, maxResults, nextToken, sort } = search;
      const answer = record(
        await relay.request(
          '/review/contacts/search',
          {
            TimeRange: {
              Type: timeRange.type,
              StartTime: timeRange.start.getTime() / 1000,
              EndTime: timeRange.end.getTime() / 1000,
            },
            SearchCriteria: searchCriteria(search),
            MaxResults: maxResults ?? 25,
            ...(nextToken ? { NextToken: nextToken } : {}),
            ...(sort ? { Sort: { FieldName: sort.field, Order: sort.order } } : {}),
          },
          signal,
        ),
      );
      return {
        contacts: toSummaries(answer['Contacts']),
        nextToken: typeof answer['NextToken'] === 'string' ? answer['NextToken'] : undefined,
      };
    },
    async find(contactId, signal) {
      let answer: Record<string, unknown>;
      try {
        answer = record(await relay.request('/review/contact', { ContactId: contactId }, signal));
      } catch (error) {
        if (error instanceof AttributesError && error.kind === 'not-found') return undefined;
        throw error;
      }
      const contact = toSummary(answer['Contact']);
      if (!contact) return undefined;
      const attributes: Attributes = Object.create(null) as Attributes;
      for (const [key, value] of Object.entries(record(answer['Attributes'] ?? {})))
        if (typeof value === 'string') attributes[key] = value;
      return { contact, attributes };
    },
    writer: {
      async write(contact: ContactRef, attributes: Readonly<Attributes>, options: WriteOptions = {}) {
        const problems = checkUpdate({ ...contact, attributes, stored: options.stored });
        if (problems.length > 0) throw validationError(problems);
        options.onProgress?.({ state: 'sending' });
        await relay.request(
          '/review/contact/attributes',
          {
            InstanceId: contact.instanceId,
            InitialContactId: contact.initialContactId,
            ContactId: contact.contactId,
            Attributes: attributes,
          },
          options.signal,
        );
      },
    },
  };
}

function record(value: unknown): Record<string, unknown> {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new AttributesError('server', 'The relay answered in an unexpected shape.');
}

/**
 * Completed contacts: what a search finds (SearchContacts' summaries, in the plugin's words), what it asks, and the
 * seam the recent-contacts and review elements read through (direct: the signed client; relay: the relay's routes).
 */
import type { Channel } from '../tracker/types.ts';
import type { Attributes } from '../validate.ts';
import type { ContactRef } from '../writer.ts';

/** SearchContacts' time range types (client-connect dist-types/models/enums.d.ts `SearchContactsTimeRangeType`). */
export type ContactTimeType =
  | 'INITIATION_TIMESTAMP'
  | 'SCHEDULED_TIMESTAMP'
  | 'CONNECTED_TO_AGENT_TIMESTAMP'
  | 'DISCONNECT_TIMESTAMP'
  | 'ENQUEUE_TIMESTAMP';

/** Fields a search sorts by (client-connect dist-types/models/enums.d.ts `SortableFieldName`). */
export type ContactSortField =
  | 'INITIATION_TIMESTAMP'
  | 'SCHEDULED_TIMESTAMP'
  | 'CONNECTED_TO_AGENT_TIMESTAMP'
  | 'DISCONNECT_TIMESTAMP'
  | 'EXPIRY_TIMESTAMP'
  | 'CHANNEL'
  | 'INITIATION_METHOD';

/** SearchContacts' channels. */
export type ContactSearchChannel = 'VOICE' | 'CHAT' | 'TASK' | 'EMAIL';

/** One contact a search found: a summary carries no user-defined attributes and only its queue's id. */
export interface ContactSummary {
  contactId: string;
  /** The first contact of the chain, which UpdateContactAttributes and GetContactAttributes address. */
  initialContactId: string;
  channel: string;
  initiationMethod: string | undefined;
  queueId: string | undefined;
  /** The queue's name when the answer carried it (the relay names queues; direct mode asks DescribeQueue). */
  queueName?: string | undefined;
  /** The Connect user id of the agent. */
  agentId: string | undefined;
  initiatedAt: Date | undefined;
  disconnectedAt: Date | undefined;
}

/** A time range of a search. */
export interface ContactTimeRange {
  type: ContactTimeType;
  start: Date;
  end: Date;
}

/** A search of the instance's contacts (reviewers); each criterion given must match, a list matches any of its values. */
export interface ContactSearch {
  timeRange: ContactTimeRange;
  agentIds?: string[] | undefined;
  queueIds?: string[] | undefined;
  channels?: ContactSearchChannel[] | undefined;
  /** Searchable contact attributes (an administrator marks a key searchable): key and accepted values. */
  attributes?: Array<{ key: string; values: string[] }> | undefined;
  /** 'all' (the default): every attribute criterion matches; 'any': one does. */
  attributeMatch?: 'all' | 'any' | undefined;
  sort?: { field: ContactSortField; order: 'ASCENDING' | 'DESCENDING' } | undefined;
  /** 1 to 100 (default 25). */
  maxResults?: number | undefined;
  nextToken?: string | undefined;
}

/** One page of contacts, and the token of the next one when there is more. */
export interface ContactPage {
  contacts: ContactSummary[];
  nextToken: string | undefined;
}

/** A page of the agent's recent contacts: the range searched is kept for the next pages. */
export interface RecentPage extends ContactPage {
  /** The window the list covers: contacts disconnected from `since` on. */
  since: Date;
}

/** Options of a page of recent contacts. */
export interface RecentOptions {
  /** 1 to 100 (default 25). */
  maxResults?: number | undefined;
  nextToken?: string | undefined;
  signal?: AbortSignal | undefined;
}

/** What the recent-contacts element reads through. */
export interface ContactHistory {
  /** The Amazon Connect instance searched. */
  readonly instanceId: string;
  /** How far back (seconds after a contact's end) its attributes can still be written. */
  readonly windowSeconds: number;
  /** The agent's own contacts disconnected within the window, newest first. */
  recent(options?: RecentOptions): Promise<RecentPage>;
  /** A contact's stored attributes. */
  attributes(contact: ContactRef, signal?: AbortSignal): Promise<Attributes>;
  /** A queue's name (cached), or undefined when it cannot be read. */
  queueName(queueId: string, signal?: AbortSignal): Promise<string | undefined>;
}

/** Whether a contact's end is within the window at `nowMs`: the plugin offers it for editing only then. */
export function withinWindow(
  contact: Pick<ContactSummary, 'disconnectedAt'>,
  windowSeconds: number,
  nowMs: number,
): boolean {
  const end = contact.disconnectedAt?.getTime();
  return end === undefined || nowMs - end <= windowSeconds * 1000;
}

/** A search's channel (VOICE, CHAT, TASK, EMAIL) in the tracker's words. */
export function channelOf(channel: string): Channel {
  const known: Record<string, Channel> = { VOICE: 'voice', CHAT: 'chat', TASK: 'task', EMAIL: 'email' };
  return known[channel] ?? 'unknown';
}

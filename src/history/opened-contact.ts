/**
 * A completed contact opened from a search, in the shape the editor reads (`<ccp-attributes>`'s `tracker` and
 * `writer`): a tracker holding that one contact, ended, as the viewed one, and a writer that records each landed write
 * into it before its promise settles, as the plugin's outbox does for the live contacts' tracker.
 */
import type { ContactModel, ContactTrackerLike, TrackerEventMap, TrackerEventType } from '../tracker/types.ts';
import type { Attributes } from '../validate.ts';
import type { AttributeWriter } from '../writer.ts';
import { channelOf, type ContactSummary } from './types.ts';

/** What opening a contact gives the editor. */
export interface OpenedContact {
  tracker: ContactTrackerLike;
  writer: AttributeWriter;
}

/** The contact `summary` of `instanceId` with its stored `attributes`, written through `writer`. */
export function openContact(
  summary: ContactSummary,
  instanceId: string,
  attributes: Readonly<Attributes>,
  writer: AttributeWriter,
  region = '',
): OpenedContact {
  let contact: ContactModel = {
    contactId: summary.contactId,
    initialContactId: summary.initialContactId,
    instanceId,
    region,
    arnSource: 'configured',
    instanceError: undefined,
    channel: channelOf(summary.channel),
    // Not Streams' 'ended' (a contact in after-contact work): this one is over.
    state: 'completed',
    queue: summary.queueName ? { name: summary.queueName, arn: undefined } : undefined,
    attributes: { ...attributes },
    monitoring: false,
    ended: true,
  };
  const listeners = new Set<{ type: TrackerEventType; listener: (event: never) => void }>();
  const tracker: ContactTrackerLike = {
    agent: undefined,
    connection: 'connected',
    get contacts() {
      return new Map([[contact.contactId, contact]]);
    },
    get viewed() {
      return contact;
    },
    on<K extends TrackerEventType>(type: K, listener: (event: TrackerEventMap[K]) => void) {
      const entry = { type, listener: listener as (event: never) => void };
      listeners.add(entry);
      return () => listeners.delete(entry);
    },
    recordWrite(initialContactId, written) {
      if (initialContactId !== contact.initialContactId) return;
      contact = { ...contact, attributes: { ...contact.attributes, ...written } };
      for (const { type, listener } of [...listeners])
        if (type === 'change') (listener as (event: TrackerEventMap['change']) => void)(tracker);
    },
    dispose: () => listeners.clear(),
  };
  return {
    tracker,
    writer: {
      async write(ref, written, options) {
        await writer.write(ref, written, options);
        tracker.recordWrite(ref.initialContactId, written);
      },
    },
  };
}

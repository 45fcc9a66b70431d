/**
 * The outcomes of saves a relay in queued mode accepted (HTTP 202), as the editor hears them from its writer: the
 * outbox's `landed` event carries the WriteId of an accepted write that landed, its `failed` event an entry whose
 * `accepted` says a refusal, a failure, a dead letter, or no outcome in time (src/outbox/events.ts). The writer is
 * read through this shape, checked at run time: a writer without events (a custom AttributeWriter, the direct
 * client) never answers 202, so there is nothing to watch. `acceptedOutcomes` is what the editor does with them.
 */
import type { AttributesError } from '../../src/errors.ts';
import type { OutboxEntry } from '../../src/outbox/types.ts';
import type { AttributeWriter } from '../../src/writer.ts';
import { emit } from '../events.ts';
import type { ContactDraft, ContactDrafts } from './contact-drafts.ts';
import type { SaveAction } from './save-status.ts';

/** What the editor does with an accepted save's outcome. */
export interface AcceptedOutcomes {
  /** The accepted write `writeId` landed. */
  landed(writeId: string): void;
  /** The accepted write `entry.accepted.writeId` failed after it was accepted; the outbox keeps `entry`. */
  failed(entry: OutboxEntry & { accepted: NonNullable<OutboxEntry['accepted']> }, error: AttributesError): void;
}

/**
 * The events of the outbox the watch listens to, typed loosely: a writer of the host's own may emit other shapes
 * under these names, so every member is checked.
 */
interface OutcomeEvents {
  on(type: 'landed', listener: (event: { writeId?: unknown } | undefined) => void): () => void;
  on(
    type: 'failed',
    listener: (event: { entry?: OutboxEntry | undefined; error?: AttributesError | undefined } | undefined) => void,
  ): () => void;
}

/** Subscribes `outcomes` to the writer's events; returns the unsubscribe function (a no-op for a writer without). */
export function watchAccepted(writer: AttributeWriter | undefined, outcomes: AcceptedOutcomes): () => void {
  const candidate = writer as Partial<Record<'on', unknown>> | undefined;
  if (typeof candidate?.on !== 'function') return () => undefined;
  const events = writer as unknown as OutcomeEvents;
  const off = [
    events.on('landed', (event) => {
      const writeId = event?.writeId;
      if (typeof writeId === 'string') outcomes.landed(writeId);
    }),
    events.on('failed', (event) => {
      const { entry, error } = event ?? {};
      const accepted = entry?.accepted;
      if (entry && accepted && error) outcomes.failed({ ...entry, accepted }, error);
    }),
  ];
  return () => off.forEach((unsubscribe) => unsubscribe());
}

/** Where the outcomes go: the save status of every draft held, and the element's error event. */
export interface AcceptedTargets {
  /** The element: `ccp-attributes-error` is fired on it. */
  readonly host: EventTarget;
  readonly drafts: ContactDrafts;
  /** Moves `current`'s save status (and renders). */
  readonly dispatch: (current: ContactDraft, action: SaveAction) => void;
}

/**
 * The editor's handling of accepted saves' outcomes: the status line of the save still awaiting one says saved or
 * not saved, and every failure after an accept fires `ccp-attributes-error` (the outbox tells each tab: each editor
 * shown fires it once), the values being kept in the list of failures.
 */
export function acceptedOutcomes({ host, drafts, dispatch }: AcceptedTargets): AcceptedOutcomes {
  return {
    landed: (writeId) => {
      for (const current of drafts.values()) dispatch(current, { type: 'confirmed', writeId });
    },
    failed: (entry, error) => {
      const { writeId, outcome = 'failed' } = entry.accepted;
      for (const current of drafts.values()) dispatch(current, { type: 'refused-later', writeId, error, outcome });
      emit(host, 'ccp-attributes-error', { contact: entry.contact, attributes: entry.attributes, error, writeId });
    },
  };
}

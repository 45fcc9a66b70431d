/**
 * The save of one contact's draft, for AttributesController: refuses a draft with problems or over the byte budget,
 * lets `ccp-attributes-before-save` veto or amend what is written, checks it again, writes it through the plugin's
 * write path and reports the outcome: to the draft's save status (internal/save-status.ts) and as the element's
 * `ccp-attributes-saved` / `ccp-attributes-error` events. Only types are imported from the write path: the element
 * must not pull in the AWS SDK.
 */
import { AttributesError, isAttributesError, validationError } from '../../src/errors.ts';
import type { ContactModel } from '../../src/tracker/types.ts';
import { checkUpdate, MAX_TOTAL_BYTES, type Attributes } from '../../src/validate.ts';
import type { AttributeWriter, ContactRef, WriteReceipt } from '../../src/writer.ts';
import { emit } from '../events.ts';
import type { ContactDraft, ContactDrafts } from './contact-drafts.ts';
import type { SaveAction } from './save-status.ts';

/** What a save works with, lent by the controller. */
export interface SaveContext {
  /** The element: the save's events are fired on it. */
  readonly host: EventTarget;
  readonly writer: AttributeWriter;
  /** Holds the draft while its save is in flight. */
  readonly drafts: ContactDrafts;
  /** Moves `current`'s save status (and renders). */
  dispatch(current: ContactDraft, action: SaveAction): void;
  /** The write landed or was accepted: the fields were rebuilt from what was written. */
  written(): void;
  /** The write settled, landed or not: drafts of contacts gone may go now. */
  settled(): void;
}

/** Saves `current`, the draft of `contact`, when it has changes; never rejects. */
export async function saveDraft(context: SaveContext, contact: ContactModel, current: ContactDraft): Promise<void> {
  const { host, writer, drafts } = context;
  const draft = current.draft;
  if (draft.changeCount === 0) return;
  if (draft.problemCount > 0) {
    context.dispatch(current, { type: 'blocked', note: { kind: 'problems', count: draft.problemCount } });
    return;
  }
  if (draft.budgetLevel === 'over') {
    context.dispatch(current, {
      type: 'blocked',
      note: { kind: 'over-budget', bytesOver: draft.bytesUsed - MAX_TOTAL_BYTES },
    });
    return;
  }

  const stored = { ...contact.attributes };
  const ref = contactRef(contact);
  const detail = { contact: ref, attributes: draft.changes(), stored };
  if (!emit(host, 'ccp-attributes-before-save', detail)) {
    context.dispatch(current, { type: 'blocked', note: { kind: 'vetoed' } });
    return;
  }
  const toWrite: Attributes = { ...detail.attributes };
  const problems = checkUpdate({ ...ref, attributes: toWrite, stored });
  if (problems.length > 0) {
    fail(context, current, ref, toWrite, validationError(problems));
    return;
  }

  context.dispatch(current, { type: 'started' });
  drafts.hold(current);
  let receipt: WriteReceipt;
  try {
    receipt = (await writer.write(ref, toWrite, {
      origin: 'agent',
      stored,
      onProgress: (progress) => context.dispatch(current, { type: 'progress', progress }),
    })) || { state: 'landed' };
  } catch (error) {
    drafts.release(current);
    fail(context, current, ref, toWrite, toError(error));
    context.settled();
    return;
  }
  drafts.release(current);
  // The tracker recorded the write before this runs, and its `change` rebuilt the viewed contact's draft from the
  // stored attributes (fields hold what was written; the keys added became fields); a draft not viewed is
  // rebuilt when the agent comes back to it. A queued relay's accept is recorded the same way; its outcome follows
  // (internal/accepted-watch.ts).
  context.dispatch(
    current,
    receipt.state === 'accepted' ? { type: 'accepted', writeId: receipt.writeId } : { type: 'saved' },
  );
  context.written();
  emit(host, 'ccp-attributes-saved', { contact: ref, attributes: toWrite, receipt });
  context.settled();
}

function contactRef(contact: ContactModel): ContactRef {
  const { contactId, initialContactId, instanceId, region } = contact;
  return { contactId, initialContactId, instanceId, region };
}

function fail(
  context: SaveContext,
  current: ContactDraft,
  contact: ContactRef,
  attributes: Attributes,
  error: AttributesError,
): void {
  context.dispatch(current, { type: 'failed', error });
  emit(context.host, 'ccp-attributes-error', { contact, attributes, error });
}

function toError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  if (error instanceof DOMException && error.name === 'AbortError') {
    return new AttributesError('network', 'The save was cancelled.', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AttributesError('network', message || 'The save failed.', { cause: error });
}

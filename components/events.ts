/**
 * The events `<ccp-attributes>` fires for the host page: all prefixed, bubbling and composed, typed
 * through HTMLElementEventMap (`el.addEventListener('ccp-attributes-saved', (e) => e.detail.attributes)`).
 */
import type { AttributesError } from '../src/errors.ts';
import type { Attributes } from '../src/validate.ts';
import type { ContactRef, WriteReceipt } from '../src/writer.ts';

/** Detail of `ccp-attributes-before-save`: amend `attributes` in place, or call `preventDefault()` to veto the save. */
export interface BeforeSaveDetail {
  /** The contact being written. */
  readonly contact: ContactRef;
  /** What will be written (a fresh object the listener may change; it is validated again afterwards). */
  attributes: Attributes;
  /** What is known to be stored for the contact. */
  readonly stored: Readonly<Attributes>;
}

/** Detail of `ccp-attributes-saved`. */
export interface SavedDetail {
  readonly contact: ContactRef;
  /** What was written. */
  readonly attributes: Readonly<Attributes>;
  /**
   * `landed`: Amazon Connect stored it. `accepted`: a relay in queued mode accepted it (durable there, stored by its
   * worker shortly); should it fail then, `ccp-attributes-error` fires with the same `writeId`.
   */
  readonly receipt: WriteReceipt;
}

/** Detail of `ccp-attributes-error`. */
export interface ErrorDetail {
  readonly contact: ContactRef;
  /** What the save tried to write; the agent's edits are kept. */
  readonly attributes: Readonly<Attributes>;
  readonly error: AttributesError;
  /**
   * Set when a relay in queued mode had accepted the write (the receipt's `writeId`) and it failed afterwards: the
   * values are kept in the editor's list of failures (Retry, Discard), and `error` says why (see the README).
   */
  readonly writeId?: string | undefined;
}

export type CcpAttributesBeforeSaveEvent = CustomEvent<BeforeSaveDetail>;
export type CcpAttributesSavedEvent = CustomEvent<SavedDetail>;
export type CcpAttributesErrorEvent = CustomEvent<ErrorDetail>;

/** Every event of `<ccp-attributes>` with its detail. */
export interface CcpAttributesEventDetails {
  'ccp-attributes-before-save': BeforeSaveDetail;
  'ccp-attributes-saved': SavedDetail;
  'ccp-attributes-error': ErrorDetail;
}

/** Dispatches one of the events from `target`; returns false when a listener cancelled it. */
export function emit<K extends keyof CcpAttributesEventDetails>(
  target: EventTarget,
  type: K,
  detail: CcpAttributesEventDetails[K],
): boolean {
  return target.dispatchEvent(
    new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: type === 'ccp-attributes-before-save' }),
  );
}

interface CcpAttributesEventMap {
  'ccp-attributes-before-save': CcpAttributesBeforeSaveEvent;
  'ccp-attributes-saved': CcpAttributesSavedEvent;
  'ccp-attributes-error': CcpAttributesErrorEvent;
}

declare global {
  // Declaration merging adds the events to the DOM's own maps: an interface is the only way to extend them.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface HTMLElementEventMap extends CcpAttributesEventMap {}
  // The events are composed and bubble: pages may listen on the document too.
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  interface DocumentEventMap extends CcpAttributesEventMap {}
}

/**
 * What stands between a contact and a clean wrap-up, derived in one place from plain inputs (pure, tested in Node):
 * required keys without a value, edits an editor has not saved, writes the outbox still holds (pending, or kept as
 * failed). `plugin.readiness(contactId)` gathers the inputs; `plugin.clear(contactId)` acts on the result.
 */
import type { AttributesError } from '../errors.ts';
import type { ContactStatusState } from '../outbox/status.ts';
import type { Attributes } from '../validate.ts';

/** One thing that stands between a contact and a clean wrap-up. */
export type ReadinessItem =
  /** A required key holds no value (stored, or about to be: an unsaved edit of it counts). */
  | { kind: 'missing'; key: string }
  /** An editor holds an edit of `key` that is not saved yet (`clear` saves it). */
  | { kind: 'unsaved'; key: string }
  /** Writes of the contact are queued, on the wire or waiting for a retry (`clear` waits for them). */
  | { kind: 'pending'; state: Exclude<ContactStatusState, 'idle' | 'failed'>; keys: number; error?: AttributesError }
  /** A write Amazon Connect refused, kept by the outbox (`outbox.retry(id)` or `outbox.discard(id)`). */
  | { kind: 'failed'; id: string; keys: readonly string[]; error: AttributesError | undefined };

/** Where a contact's wrap-up stands. */
export interface Readiness {
  contactId: string;
  /** True when nothing stands in the way: `items` is empty. */
  ready: boolean;
  /** Every item, missing keys first, in the order of the required keys, then unsaved, pending and failed. */
  items: readonly ReadinessItem[];
}

/** What readiness is derived from. */
export interface ReadinessInput {
  contactId: string;
  /** Keys that must hold a value (the plugin's `requiredKeys` and its editors' required fields), in order. */
  required: readonly string[];
  /** What is stored for the contact (the tracker's attributes). */
  stored: Readonly<Attributes>;
  /** Unsaved edits: key -> the value it would get. */
  unsaved: ReadonlyMap<string, string>;
  /** The outbox's live status of the contact, when it holds one. */
  pending: { state: ContactStatusState; keys: number; error: AttributesError | undefined } | undefined;
  /** The contact's kept failures. */
  failed: readonly { id: string; keys: readonly string[]; error: AttributesError | undefined }[];
}

/** An empty value does not fill a required key (the editor's rule too: internal/draft.ts). */
function filled(value: string | undefined): boolean {
  return value !== undefined && value !== '';
}

/** The readiness of one contact from its inputs. */
export function readinessOf(input: ReadinessInput): Readiness {
  const items: ReadinessItem[] = [];
  const seen = new Set<string>();
  for (const key of input.required) {
    if (seen.has(key)) continue;
    seen.add(key);
    const value = input.unsaved.has(key) ? input.unsaved.get(key) : input.stored[key];
    if (!filled(value)) items.push({ kind: 'missing', key });
  }
  for (const key of input.unsaved.keys()) items.push({ kind: 'unsaved', key });
  const pending = input.pending;
  if (pending && (pending.state === 'queued' || pending.state === 'sending' || pending.state === 'waiting')) {
    items.push({
      kind: 'pending',
      state: pending.state,
      keys: pending.keys,
      ...(pending.error ? { error: pending.error } : {}),
    });
  }
  for (const failure of input.failed) items.push({ kind: 'failed', ...failure });
  return { contactId: input.contactId, ready: items.length === 0, items };
}

/** Items `clear` cannot settle itself: a missing value, or a failed write. */
export function blockingItems(readiness: Readiness): ReadinessItem[] {
  return readiness.items.filter((item) => item.kind === 'missing' || item.kind === 'failed');
}

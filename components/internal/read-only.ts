/**
 * Why the editor cannot save: shared by the public element (before its implementation loaded) and
 * AttributesController, so both answer alike. Kept tiny: it loads with the element, before the editor paints.
 */
import type { ContactModel } from '../../src/tracker/types.ts';
import type { AttributeWriter } from '../../src/writer.ts';

/** Why the editor cannot save right now. */
export type ReadOnlyReason = 'setup-error' | 'no-contact' | 'monitoring' | 'read-only' | 'no-instance' | 'no-writer';

/** What the reason depends on besides the contact: the element's properties. */
export interface ReadOnlyInputs {
  readonly setupError: string | undefined;
  readonly readOnly: boolean;
  readonly writer: AttributeWriter | undefined;
}

/** Why nothing can be saved for `contact` now, or undefined when the agent can edit. */
export function readOnlyReason(host: ReadOnlyInputs, contact: ContactModel | undefined): ReadOnlyReason | undefined {
  if (host.setupError) return 'setup-error';
  if (!contact) return 'no-contact';
  if (contact.monitoring) return 'monitoring';
  if (host.readOnly) return 'read-only';
  if (!contact.instanceId || contact.instanceError) return 'no-instance';
  if (!host.writer) return 'no-writer';
  return undefined;
}

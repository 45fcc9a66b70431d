/**
 * Every word the editor shows below its frame (notices, fields, the meter, the footer, the save status, problems and
 * errors), in the language @lit/localize has active; numbers, lists and times through `Intl` in that language.
 * It loads with the editor's implementation, not before the editor paints (the frame's words are in ./frame.ts).
 */
import { msg, str } from '@lit/localize';
import {
  kindMessages,
  type AttributeProblem,
  type AttributesError,
  type AttributesErrorKind,
} from '../../src/errors.ts';
import { MAX_KEY_LENGTH, MAX_TOTAL_BYTES, MAX_VALUE_LENGTH } from '../../src/validate.ts';
import type { ContactModel, HostConnection } from '../../src/tracker/types.ts';
import type { ReadOnlyReason } from '../internal/read-only.ts';
import type { AcceptedOutcome } from '../internal/save-status.ts';
import { activeLocale } from './localization.ts';

// ---- Intl, one formatter per language --------------------------------------------------------------------------

const numberFormats = new Map<string, Intl.NumberFormat>();

/** 32768 -> "32,768" (en), "32.768" (de), "32 768" (fr): one cached formatter per language. */
export function formatNumber(count: number): string {
  const locale = activeLocale();
  let format = numberFormats.get(locale);
  if (!format) numberFormats.set(locale, (format = new Intl.NumberFormat(locale)));
  return format.format(count);
}

/** A time of day, e.g. "17:32:10" or "5:32:10 PM", as the language writes it. */
export function formatTime(at: number): string {
  return new Intl.DateTimeFormat(activeLocale(), { timeStyle: 'medium' }).format(at);
}

/** "A, B and C" as the language writes a list. */
export function formatList(items: readonly string[]): string {
  return new Intl.ListFormat(activeLocale(), { style: 'long', type: 'conjunction' }).format(items);
}

function isOne(count: number): boolean {
  return new Intl.PluralRules(activeLocale()).select(count) === 'one';
}

// ---- the contact line -------------------------------------------------------------------------------------------

/** The contact's channel, as the CCP names it. */
export function channelText(channel: ContactModel['channel']): string {
  switch (channel) {
    case 'voice':
      return msg('Voice call', { id: 'channel.voice' });
    case 'chat':
      return msg('Chat', { id: 'channel.chat' });
    case 'task':
      return msg('Task', { id: 'channel.task' });
    case 'email':
      return msg('Email', { id: 'channel.email' });
    case 'callback':
      return msg('Callback', { id: 'channel.callback' });
    default:
      return msg('Contact', { id: 'channel.unknown' });
  }
}

/** Where the contact stands: after contact work once it ended (unless missed), else its state (Streams' state types). */
export function stateText(contact: Pick<ContactModel, 'state' | 'ended'>): string {
  // A completed contact opened from a search (src/history/opened-contact.ts): over, after-contact work done.
  if (contact.state === 'completed') return msg('Ended', { id: 'state.ended' });
  if (contact.ended && contact.state !== 'missed') return msg('After contact work', { id: 'state.acw' });
  switch (contact.state) {
    case 'init':
    case 'incoming':
      return msg('Incoming', { id: 'state.incoming' });
    case 'pending':
      return msg('Pending', { id: 'state.pending' });
    case 'connecting':
      return msg('Connecting', { id: 'state.connecting' });
    case 'connected':
      return msg('Connected', { id: 'state.connected' });
    case 'paused':
      return msg('Paused', { id: 'state.paused' });
    case 'missed':
      return msg('Missed', { id: 'state.missed' });
    case 'rejected':
      return msg('Rejected', { id: 'state.rejected' });
    case 'error':
      return msg('Error', { id: 'state.error' });
    case 'ended':
      return msg('Ended', { id: 'state.ended' });
    default:
      // A state this version does not know: the host's own word for it.
      return contact.state || msg('Unknown', { id: 'state.unknown' });
  }
}

// ---- notices ------------------------------------------------------------------------------------------------------

/** Why the agent cannot save (the reasons with a notice of their own). */
export function readOnlyText(reason: Exclude<ReadOnlyReason, 'no-contact' | 'setup-error'>): string {
  switch (reason) {
    case 'monitoring':
      return msg('You are monitoring this contact: its attributes cannot be read or changed while monitoring.', {
        id: 'read-only.monitoring',
      });
    case 'read-only':
      return msg('Attributes are read-only here.', { id: 'read-only.read-only' });
    case 'no-instance':
      return msg('Saving is unavailable: the Amazon Connect instance of this contact is unknown.', {
        id: 'read-only.no-instance',
      });
    case 'no-writer':
      return msg('Saving is not set up: no Amazon Connect credentials are configured for this page.', {
        id: 'read-only.no-writer',
      });
  }
}

export const noContactText = (): string =>
  msg('No contact is open. Attributes appear here when you take a contact.', { id: 'notice.no-contact' });
/** What the editor says instead of "no contact" while the host of contacts does not answer (see HostConnection). */
export function connectionText(connection: Exclude<HostConnection, 'connected'>): string {
  switch (connection) {
    case 'connecting':
      return msg('Connecting to Amazon Connect…', { id: 'connection.connecting' });
    case 'signed-out':
      return msg('You are signed out of the CCP. Sign in to Amazon Connect to see contact attributes.', {
        id: 'connection.signed-out',
      });
    case 'unreachable':
      return msg('Amazon Connect cannot be reached. Check the network connection, then reload the page.', {
        id: 'connection.unreachable',
      });
  }
}
export const schemaIgnoredText = (): string => msg('The schema was ignored.', { id: 'notice.schema-ignored' });
export const setupErrorText = (): string =>
  msg('Contact attributes are not set up correctly.', { id: 'notice.setup-error' });
export const requiredForAcwText = (labels: readonly string[]): string =>
  msg(str`Required for after contact work: ${formatList(labels)}.`, { id: 'notice.required-for-acw' });

// ---- the list and the keys being added ----------------------------------------------------------------------------

export const attributesLabel = (): string => msg('Attributes', { id: 'list.label' });
export const noAttributesText = (): string => msg('This contact has no attributes yet.', { id: 'list.empty' });
export const newKeyLabel = (): string => msg('New attribute name', { id: 'new.key-label' });
export const valueLabel = (): string => msg('Value', { id: 'new.value-label' });
/** The value input's accessible name once its key is typed. */
export const valueOfLabel = (key: string): string => msg(str`Value of ${key}`, { id: 'new.value-of' });
export const removeText = (): string => msg('Remove', { id: 'new.remove' });
export const removeNewLabel = (key: string): string =>
  msg(str`Remove new attribute ${key}`, { id: 'new.remove-label' });
export const addText = (): string => msg('Add attribute', { id: 'new.add' });
export const clearingHelpText = (): string =>
  msg('Clearing a value saves it as empty text: Amazon Connect cannot delete an attribute once it exists.', {
    id: 'new.clearing-help',
  });
export const keyExistsText = (key: string): string =>
  msg(str`"${key}" already exists: edit its field above instead.`, { id: 'new.key-exists' });
export const keyRepeatedText = (key: string): string =>
  msg(str`"${key}" is entered more than once.`, { id: 'new.key-repeated' });

// ---- one field ----------------------------------------------------------------------------------------------------

export const requiredTag = (): string => msg('required', { id: 'field.required' });
export const readOnlyTag = (): string => msg('read-only', { id: 'field.read-only' });
export const editedTag = (): string => msg('edited', { id: 'field.edited' });
export const showText = (): string => msg('Show', { id: 'field.show' });
export const showLabel = (label: string): string => msg(str`Show ${label}`, { id: 'field.show-label' });
export const clearText = (): string => msg('Clear', { id: 'field.clear' });
export const clearLabel = (label: string): string => msg(str`Clear ${label}`, { id: 'field.clear-label' });
export const requiredMissingText = (label: string): string =>
  msg(str`${label} is required: fill it in before finishing after contact work.`, { id: 'field.required-missing' });
export const clearedText = (): string =>
  msg('Will be saved as an empty value. The attribute itself stays: Amazon Connect cannot delete attributes.', {
    id: 'field.cleared',
  });
/** Another writer changed the field while the agent was editing it; `value` is left out for masked fields. */
export const conflictText = (value: string | undefined): string =>
  value === undefined
    ? msg('Changed elsewhere while you were editing; saving keeps your value.', { id: 'field.conflict' })
    : msg(str`Changed elsewhere to “${value}” while you were editing; saving keeps your value.`, {
        id: 'field.conflict-value',
      });
export const notListedText = (value: string): string =>
  msg(str`${value} (not a listed choice)`, { id: 'field.not-listed' });
export const numberProblemText = (label: string): string =>
  msg(str`${label} must be a number, like 42 or 3.5.`, { id: 'field.not-number' });
export const dateProblemText = (label: string): string =>
  msg(str`${label} must be a date written YYYY-MM-DD.`, { id: 'field.not-date' });
export const booleanProblemText = (label: string): string =>
  msg(str`${label} must be true or false.`, { id: 'field.not-boolean' });

// ---- the meter ----------------------------------------------------------------------------------------------------

export const meterLabel = (): string => msg('Attribute space', { id: 'meter.label' });
export const meterText = (used: number): string =>
  msg(str`${formatNumber(used)} of ${formatNumber(MAX_TOTAL_BYTES)} bytes`, { id: 'meter.text' });
export const overBudgetText = (bytesOver: number): string =>
  msg(str`Over the limit by ${formatNumber(bytesOver)} bytes: shorten or clear values to save.`, { id: 'meter.over' });
export const nearlyFullText = (bytesLeft: number): string =>
  msg(str`Nearly full: ${formatNumber(bytesLeft)} bytes left.`, { id: 'meter.warn' });

// ---- the footer ---------------------------------------------------------------------------------------------------

export const retryText = (): string => msg('Retry', { id: 'footer.retry' });
export const revertText = (): string => msg('Revert', { id: 'footer.revert' });
export const saveText = (): string => msg('Save', { id: 'footer.save' });
export const savingButtonText = (): string => msg('Saving…', { id: 'footer.saving' });
export const waitingButtonText = (): string => msg('Waiting…', { id: 'footer.waiting' });
export const saveHintText = (): string => msg('Ctrl+Enter (⌘+Enter on a Mac) saves.', { id: 'footer.hint' });

export function changesText(count: number): string {
  if (count === 0) return msg('No unsaved changes', { id: 'footer.no-changes' });
  const n = formatNumber(count);
  return isOne(count)
    ? msg(str`${n} unsaved change`, { id: 'footer.changes-one' })
    : msg(str`${n} unsaved changes`, { id: 'footer.changes-other' });
}

// ---- the save status ----------------------------------------------------------------------------------------------

export const revertedText = (): string => msg('Changes reverted.', { id: 'status.reverted' });
export function problemsText(count: number): string {
  const n = formatNumber(count);
  return isOne(count)
    ? msg(str`Fix ${n} problem before saving.`, { id: 'status.problems-one' })
    : msg(str`Fix ${n} problems before saving.`, { id: 'status.problems-other' });
}
export const overLimitText = (bytesOver: number): string =>
  msg(
    str`Over the ${formatNumber(MAX_TOTAL_BYTES)}-byte limit by ${formatNumber(bytesOver)} bytes: shorten or clear values to save.`,
    {
      id: 'status.over-budget',
    },
  );
export const vetoedText = (): string =>
  msg('The page stopped this save. Your changes are kept.', { id: 'status.vetoed' });
export const savingText = (): string => msg('Saving…', { id: 'status.saving' });
export const queuedText = (): string => msg('Queued to save…', { id: 'status.queued' });
export const waitingText = (retryAt: number | undefined): string =>
  retryAt === undefined
    ? msg('Amazon Connect is busy; waiting to retry. Your changes are kept.', { id: 'status.waiting' })
    : msg(str`Amazon Connect is busy; waiting to retry at ${formatTime(retryAt)}. Your changes are kept.`, {
        id: 'status.waiting-until',
      });
export const savedText = (): string => msg('All changes saved.', { id: 'status.saved' });
export const acceptedText = (): string =>
  msg('Accepted; waiting for Amazon Connect to confirm it stored the changes.', { id: 'status.accepted' });
/** A save that failed; `outcome` when a queued relay had accepted it first. */
export const notSavedText = (error: AttributesError, outcome?: AcceptedOutcome): string =>
  msg(str`Not saved: ${acceptedErrorText(error, outcome)} Your changes are kept.`, { id: 'status.failed' });

// ---- problems and errors ------------------------------------------------------------------------------------------

/** One broken rule of the API (src/validate.ts) in the agent's language, by its field and code. */
export function problemText(problem: AttributeProblem): string {
  const key = problem.key === undefined ? '' : problem.key.length > 40 ? `${problem.key.slice(0, 39)}…` : problem.key;
  switch (`${problem.field}/${problem.code}`) {
    case 'key/empty':
      return msg('An attribute name cannot be empty.', { id: 'problem.key-empty' });
    case 'key/too-long':
      return msg(str`An attribute name can have at most ${formatNumber(MAX_KEY_LENGTH)} characters.`, {
        id: 'problem.key-too-long',
      });
    case 'key/charset':
      return msg(str`"${key}" can use only letters A-Z and a-z, digits, dash (-) and underscore (_).`, {
        id: 'problem.key-charset',
      });
    case 'value/too-long':
      return msg(str`The value of "${key}" can have at most ${formatNumber(MAX_VALUE_LENGTH)} characters.`, {
        id: 'problem.value-too-long',
      });
    case 'attributes/over-budget':
      return msg(str`A contact can hold at most ${formatNumber(MAX_TOTAL_BYTES)} bytes of attributes.`, {
        id: 'problem.over-budget',
      });
    case 'instanceId/missing':
    case 'instanceId/too-long':
      return msg('The Amazon Connect instance of this contact is unknown.', { id: 'problem.instance' });
    case 'initialContactId/missing':
    case 'initialContactId/too-long':
      return msg('The id of this contact is missing or too long.', { id: 'problem.contact-id' });
    default:
      return problem.message;
  }
}

/** The sentence of an error kind (the same facts as src/errors.ts says them in English). */
function kindText(kind: AttributesErrorKind): string {
  switch (kind) {
    case 'validation':
      return msg('Amazon Connect refused these attributes.', { id: 'error.validation' });
    case 'auth':
      return msg(
        'Not allowed to save contact attributes: the sign-in may have expired, or access to UpdateContactAttributes is missing.',
        {
          id: 'error.auth',
        },
      );
    case 'not-found':
      return msg('Amazon Connect does not know this contact or instance.', { id: 'error.not-found' });
    case 'throttled':
      return msg('Amazon Connect is receiving too many requests right now.', { id: 'error.throttled' });
    case 'server':
      return msg('Amazon Connect had an internal error.', { id: 'error.server' });
    case 'network':
      return msg('Could not reach Amazon Connect (a network error, or access refused without CORS headers).', {
        id: 'error.network',
      });
  }
}

/**
 * Why a write a queued relay had accepted was not stored: what the relay reported (`outcome`, see
 * src/outbox/types.ts AcceptedWrite) in the agent's language where the relay's own words say no more, else the
 * error as `errorText` words it.
 */
export function acceptedErrorText(error: AttributesError, outcome: AcceptedOutcome | undefined): string {
  switch (outcome) {
    case 'unconfirmed':
      return msg(
        'These values were accepted, but Amazon Connect never confirmed storing them. They may be saved already; retrying is harmless.',
        { id: 'error.unconfirmed' },
      );
    case 'dead-letter':
      return msg('These values were accepted, but Amazon Connect did not store them after several attempts.', {
        id: 'error.dead-letter',
      });
    default:
      return errorText(error);
  }
}

/**
 * An AttributesError as the editor shows it: broken rules by their codes, other failures by their kind's sentence.
 * A message in a service's or the relay's own words (e.g. the relay's "This contact is not yours: ...") cannot be
 * translated and is shown as it is, after "Amazon Connect refused these attributes:" for a refusal.
 */
export function errorText(error: AttributesError): string {
  const [first] = error.problems;
  if (first) {
    const others = error.problems.length - 1;
    const text = problemText(first);
    if (others === 0) return text;
    const n = formatNumber(others);
    return isOne(others)
      ? msg(str`${text} (and ${n} more problem)`, { id: 'error.more-one' })
      : msg(str`${text} (and ${n} more problems)`, { id: 'error.more-other' });
  }
  const sentence = kindMessages[error.kind];
  if (error.message === `${sentence}.`) return kindText(error.kind);
  if (error.kind === 'validation' && error.message.startsWith(`${sentence}: `)) {
    const detail = error.message.slice(sentence.length + 2);
    return msg(str`Amazon Connect refused these attributes: ${detail}`, { id: 'error.validation-detail' });
  }
  return error.message;
}

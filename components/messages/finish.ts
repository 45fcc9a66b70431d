/**
 * The words of the editor's Finish action (after contact work, where the page turns it on): the button, what it
 * does, and why it did not close the contact. Field labels come in as a list already written the language's way
 * (`formatList`).
 */
import { msg, str } from '@lit/localize';

export const finishText = (): string => msg('Finish', { id: 'finish.button' });
export const finishingText = (): string => msg('Finishing…', { id: 'finish.busy' });
export const finishHelpText = (): string => msg('Saves your edits and closes the contact.', { id: 'finish.help' });
export const finishMissingText = (labels: string): string =>
  msg(str`Fill in ${labels} before finishing.`, { id: 'finish.missing' });
export const finishUnsavedText = (): string =>
  msg('Some edits could not be saved: fix them, then finish.', { id: 'finish.unsaved' });
export const finishFailedWritesText = (): string =>
  msg('A save was refused: retry or discard it above, then finish.', { id: 'finish.failed-writes' });
export const finishPendingText = (): string =>
  msg('Saves are still on their way: try again in a moment.', { id: 'finish.pending' });
export const finishErrorText = (reason: string): string =>
  msg(str`The contact could not be closed: ${reason}`, { id: 'finish.error' });

/**
 * The words of the list of kept failures (writes Amazon Connect refused, kept by the outbox until the agent retries
 * or discards them) and of the outcome of a retry or a discard. Attribute names come in as a list already written
 * the language's way (`formatList`).
 */
import { msg, str } from '@lit/localize';

export const failuresHeading = (): string => msg('Not saved', { id: 'failures.heading' });
export const failuresHelpText = (): string =>
  msg('Amazon Connect did not accept these values. They are kept until you retry or discard them.', {
    id: 'failures.help',
  });
/** An empty value (a cleared attribute). */
export const emptyValueText = (): string => msg('(empty)', { id: 'failures.empty-value' });
/** What a screen reader says for the value of a masked field, which is never shown. */
export const hiddenValueText = (): string => msg('hidden value', { id: 'failures.hidden-value' });
export const retryFailureLabel = (names: string): string =>
  msg(str`Retry saving ${names}`, { id: 'failures.retry-label' });
export const discardText = (): string => msg('Discard', { id: 'failures.discard' });
export const discardFailureLabel = (names: string): string =>
  msg(str`Discard unsaved ${names}`, { id: 'failures.discard-label' });
export const retryingText = (names: string): string => msg(str`Saving ${names} again…`, { id: 'failures.retrying' });
export const retriedText = (names: string): string => msg(str`${names} saved.`, { id: 'failures.retried' });
export const retryAcceptedText = (names: string): string =>
  msg(str`${names} accepted; waiting for Amazon Connect to confirm.`, { id: 'failures.retry-accepted' });
export const retryFailedText = (names: string, reason: string): string =>
  msg(str`${names} still not saved: ${reason}`, { id: 'failures.retry-failed' });
export const discardedText = (names: string): string =>
  msg(str`Discarded unsaved ${names}.`, { id: 'failures.discarded' });
export const discardFailedText = (detail: string): string =>
  msg(str`Could not discard: ${detail}`, { id: 'failures.discard-failed' });

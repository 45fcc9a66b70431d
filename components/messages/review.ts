/** The words of `<ccp-review-contacts>` (the columns and the Open button are `<ccp-recent-contacts>`' words). */
import { msg, str } from '@lit/localize';

export const reviewTitleText = (): string => msg('Review contacts', { id: 'review.title' });
export const reviewFromText = (): string => msg('Ended from', { id: 'review.from' });
export const reviewToText = (): string => msg('Ended until', { id: 'review.to' });
export const reviewAgentText = (): string => msg('Agent id', { id: 'review.agent' });
export const reviewQueueText = (): string => msg('Queue id', { id: 'review.queue' });
export const reviewAnyChannelText = (): string => msg('Any channel', { id: 'review.any-channel' });
export const reviewAttributeText = (): string => msg('Searchable attribute', { id: 'review.attribute' });
export const reviewValueText = (): string => msg('Attribute value', { id: 'review.value' });
export const reviewSearchText = (): string => msg('Search', { id: 'review.search' });
export const reviewContactIdText = (): string => msg('Contact id', { id: 'review.contact-id' });
export const reviewFindText = (): string => msg('Find', { id: 'review.find' });
export const reviewNotFoundText = (): string => msg('No contact has this id.', { id: 'review.not-found' });
export const reviewSearchingText = (): string => msg('Searching…', { id: 'review.searching' });
export const reviewNoneText = (): string => msg('No contacts match.', { id: 'review.none' });
export const reviewFailedText = (detail: string): string =>
  msg(str`The search failed: ${detail}`, { id: 'review.failed' });
export const reviewAgentColumnText = (): string => msg('Agent', { id: 'review.agent-column' });

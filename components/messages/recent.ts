/** The words of `<ccp-recent-contacts>`. */
import { msg, str } from '@lit/localize';

export const recentTitleText = (): string => msg('Recent contacts', { id: 'recent.title' });
export const recentLoadingText = (): string => msg('Loading your recent contacts…', { id: 'recent.loading' });
export const recentSinceText = (time: string): string =>
  msg(str`Your contacts that ended since ${time}`, { id: 'recent.since' });
export const recentEmptyText = (): string =>
  msg('None of your contacts ended within the time you can still edit them.', { id: 'recent.empty' });
export const recentFailedText = (detail: string): string =>
  msg(str`Your recent contacts could not be loaded: ${detail}`, { id: 'recent.failed' });
export const recentRefreshText = (): string => msg('Refresh', { id: 'recent.refresh' });
export const recentMoreText = (): string => msg('Show more', { id: 'recent.more' });
export const recentChannelText = (): string => msg('Channel', { id: 'recent.channel' });
export const recentQueueText = (): string => msg('Queue', { id: 'recent.queue' });
export const recentStartedText = (): string => msg('Started', { id: 'recent.started' });
export const recentEndedText = (): string => msg('Ended', { id: 'recent.ended' });
export const recentActionText = (): string => msg('Edit', { id: 'recent.action' });
export const recentOpenText = (): string => msg('Open', { id: 'recent.open' });
export const recentOpenLabel = (channel: string, time: string): string =>
  msg(str`Open the ${channel} that ended at ${time}`, { id: 'recent.open-label' });
export const recentPastWindowText = (): string => msg('Too old to edit', { id: 'recent.past-window' });
export const recentOpenFailedText = (detail: string): string =>
  msg(str`The contact could not be opened: ${detail}`, { id: 'recent.open-failed' });

/**
 * The words of the element's frame, which paints before the editor loads: the heading, the contact line, the
 * loading line and the load failure. Kept apart from ./editor.ts so that only these load before the editor paints.
 */
import { msg, str } from '@lit/localize';
import type { ContactModel } from '../../src/tracker/types.ts';

export const titleText = (): string => msg('Contact attributes', { id: 'frame.title' });
export const loadingText = (): string => msg('Loading attributes…', { id: 'frame.loading' });
export const loadFailedText = (detail: string): string => msg(str`The attributes editor could not load: ${detail}`, { id: 'frame.load-failed' });
export const tryAgainText = (): string => msg('Try again', { id: 'frame.try-again' });

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

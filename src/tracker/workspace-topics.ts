/**
 * What the workspace's contact lifecycle topics mean to the tracker: the event each one reports and the contact's
 * state afterwards (topic keys: @amazon-connect/contact/lib-esm/topic-keys.js; participant states:
 * contact/lib/states.d.ts).
 */
import type { BaseContactLifecycleEvent, ContactClient } from '@amazon-connect/contact';
import type { SourceEventType } from './source.ts';

/** A handler of one lifecycle topic. */
export type TopicHandler = (event: BaseContactLifecycleEvent) => Promise<void>;

/** What a lifecycle topic means for the source: the event to report and the contact's state afterwards. */
export interface TopicMeaning {
  subscribe: (client: ContactClient, handler: TopicHandler) => void;
  unsubscribe: (client: ContactClient, handler: TopicHandler) => void;
  event: SourceEventType;
  state: string;
}

/** The lifecycle topics followed, in the order a contact meets them. */
export const TOPICS: readonly TopicMeaning[] = [
  {
    subscribe: (c, h) => c.onIncoming(h),
    unsubscribe: (c, h) => c.offIncoming(h),
    event: 'connecting',
    state: 'incoming',
  },
  {
    subscribe: (c, h) => c.onPending(h),
    unsubscribe: (c, h) => c.offPending(h),
    event: 'connecting',
    state: 'pending',
  },
  {
    subscribe: (c, h) => c.onConnecting(h),
    unsubscribe: (c, h) => c.offConnecting(h),
    event: 'connecting',
    state: 'connecting',
  },
  {
    subscribe: (c, h) => c.onConnected(h),
    unsubscribe: (c, h) => c.offConnected(h),
    event: 'connected',
    state: 'connected',
  },
  { subscribe: (c, h) => c.onMissed(h), unsubscribe: (c, h) => c.offMissed(h), event: 'missed', state: 'missed' },
  // Streams calls after-contact work the `ended` state; the tracker and the editor know it by that name.
  { subscribe: (c, h) => c.onStartingAcw(h), unsubscribe: (c, h) => c.offStartingAcw(h), event: 'acw', state: 'ended' },
  { subscribe: (c, h) => c.onError(h), unsubscribe: (c, h) => c.offError(h), event: 'refresh', state: 'error' },
  { subscribe: (c, h) => c.onCleared(h), unsubscribe: (c, h) => c.offCleared(h), event: 'destroyed', state: 'cleared' },
];

/** What the agent's own participant state says about the contact (contact/lib/states.d.ts ParticipantStateType). */
export const PARTICIPANT_STATES: Readonly<Record<string, string>> = {
  connecting: 'connecting',
  connected: 'connected',
  hold: 'connected',
  silent_monitor: 'connected',
  barge: 'connected',
  disconnected: 'ended',
  rejected: 'rejected',
};

/** What Streams would have fired for a contact first seen in `state` (as the Streams source reports them). */
export function eventsFromInit(state: string): SourceEventType[] {
  if (state === 'connecting') return ['connecting'];
  if (state === 'connected') return ['connected'];
  if (state === 'ended') return ['acw'];
  return [];
}

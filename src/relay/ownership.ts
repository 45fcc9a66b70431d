/**
 * Whether a contact leg, as DescribeContact describes it, is the caller's to write: the caller is the leg's agent
 * (`AgentInfo.Id`), the leg belongs to the chain the write addresses (its own id or its `InitialContactId` is the
 * request's InitialContactId), and the leg is ongoing, in after-contact work, or ended less than a window ago.
 * A pure function, so every case is tested without a server.
 */
import type { Contact } from '@aws-sdk/client-connect';

/** Why a leg is not the caller's. */
export type OwnershipRefusal = 'not-the-agent' | 'other-chain' | 'window-passed';

/** The leg's state when the write is allowed. */
export type OwnedState = 'ongoing' | 'after-contact-work' | 'recently-ended';

/**
 * The decision on one leg. An owned leg stays owned at least until `holdsUntilMs`: an ended one until its window
 * closes, an ongoing one (or one in after-contact work) a window from now, since it cannot end earlier than now.
 */
export type Ownership =
  { owned: true; state: OwnedState; holdsUntilMs: number } | { owned: false; reason: OwnershipRefusal };

/** The request's side of the check. */
export interface OwnershipQuestion {
  userId: string;
  initialContactId: string;
  nowMs: number;
  windowMs: number;
}

/** Decides whether `contact` may be written by `question.userId` under `question.initialContactId`. */
export function checkOwnership(contact: Contact, question: OwnershipQuestion): Ownership {
  if (!contact.AgentInfo?.Id || contact.AgentInfo.Id !== question.userId)
    return { owned: false, reason: 'not-the-agent' };
  const chain = contact.InitialContactId ?? contact.Id;
  if (contact.Id !== question.initialContactId && chain !== question.initialContactId)
    return { owned: false, reason: 'other-chain' };
  const disconnected = contact.DisconnectTimestamp;
  const live = question.nowMs + question.windowMs;
  if (!disconnected) return { owned: true, state: 'ongoing', holdsUntilMs: live };
  const acwStart = contact.AgentInfo.AfterContactWorkStartTimestamp;
  const acwEnd = contact.AgentInfo.AfterContactWorkEndTimestamp;
  if (acwStart && !acwEnd) return { owned: true, state: 'after-contact-work', holdsUntilMs: live };
  const endedMs = Math.max(disconnected.getTime(), acwEnd?.getTime() ?? 0);
  return question.nowMs - endedMs <= question.windowMs
    ? { owned: true, state: 'recently-ended', holdsUntilMs: endedMs + question.windowMs }
    : { owned: false, reason: 'window-passed' };
}

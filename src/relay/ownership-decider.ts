/**
 * TEMPORARY until src/relay/ownership-cache.ts arrives: the shapes of its `decide`, without a cache.
 */
import type { Contact } from '@aws-sdk/client-connect';
import { checkOwnership, type Ownership } from './ownership.ts';

export interface LegQuestion {
  userId: string;
  instanceId: string;
  contactId: string;
  initialContactId: string;
}

export type LegDecision = Ownership | { owned: false; reason: 'contact-not-found' };

export function createOwnershipCache(options: { windowMs: number; now?: () => number }) {
  const now = options.now ?? Date.now;
  return {
    async decide(
      question: LegQuestion,
      describe: (signal: AbortSignal) => Promise<Contact | undefined>,
      signal: AbortSignal = new AbortController().signal,
    ): Promise<LegDecision> {
      const contact = await describe(signal);
      return contact
        ? checkOwnership(contact, { ...question, nowMs: now(), windowMs: options.windowMs })
        : { owned: false, reason: 'contact-not-found' };
    },
  };
}

/**
 * Expiry: a queued value that could not be sent within `maxAgeMs` of being queued (offline for a day, a region
 * never known) is dropped and reported (an `expired` event, its write() rejected with a TimeoutError), so the store
 * cannot grow without end. Each value is judged by its own queue time inside the transaction that drops it, so a
 * value merged in meanwhile is never dropped with older ones. Every agent's values expire alike (another agent's
 * wait for their agent, but not for ever). Kept failures are not judged by `maxAgeMs`: kept.ts drops them after
 * `failureTtlMs` or beyond the cap; accepted requests wait for their outcome (outcomes.ts gives up on them).
 */
import { expireKeys, queuedAtOf, type Revisions } from './entry.ts';
import type { Change } from './flight.ts';
import type { OutboxEntry, OutboxStore } from './types.ts';

/**
 * Drops the values queued before `before` from every live entry of the store, except those a request in flight
 * carries (`inFlight(id)`: the revisions it sent), and reports each entry's dropped values as soon as its transaction
 * committed (a later failure, such as the store closing, loses no report). Once `stopped()` (the outbox closed) it
 * drops nothing more: what is still queued stays for the next outbox.
 */
export async function expireBefore(
  store: OutboxStore,
  before: number,
  inFlight: (id: string) => Readonly<Revisions> | undefined,
  report: (change: Change, expired: OutboxEntry) => void,
  stopped: () => boolean,
): Promise<void> {
  for (const listed of await store.list()) {
    if (stopped()) return;
    if (
      listed.failed ||
      listed.accepted ||
      !Object.keys(listed.attributes).some((key) => queuedAtOf(listed, key) < before)
    )
      continue;
    let expired: OutboxEntry | undefined;
    const result = await store.update(listed.id, (current, revision) => {
      if (!current || current.failed || current.accepted || stopped()) return undefined;
      const outcome = expireKeys(current, before, revision, inFlight(listed.id));
      expired = outcome.expired;
      return expired ? outcome.rest : undefined;
    });
    if (expired)
      report(
        { id: listed.id, contactKey: listed.contactKey, entry: result.entry ?? null, revision: result.revision },
        expired,
      );
  }
}

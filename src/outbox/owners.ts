/**
 * Who owns an entry: the agent who wrote it (see `OutboxEntry.agent`). Entries nobody owns (queued before the host
 * named the agent, or stored by a version without owners) are adopted by the agent named in a tab.
 */
import { adoptInto, liveId, own, pick, revisionOf } from './entry.ts';
import type { Change } from './flight.ts';
import type { OutboxEntry, OutboxStore } from './types.ts';

/** What adoption needs of the Outbox. */
export interface AdoptionHost {
  /** False once the outbox closed or another agent was named: adoption stops. */
  still(): boolean;
  changed(change: Change): void;
}

/**
 * Makes `agent` the owner of `unowned`: a live entry is merged into the agent's live entry of the contact (the newer
 * value winning per key, and a value older than one that landed for the contact, as the store records it, dropped),
 * then its unowned copy is deleted unless it changed meanwhile (a crash in between leaves a copy of the same values
 * at the same revisions: adopted again, never lost, and what landed of them since is not sent twice); a kept failure
 * is marked as the agent's. Each step is one transaction that checks the entry still has no owner.
 */
export async function adopt(
  store: OutboxStore,
  unowned: readonly OutboxEntry[],
  agent: string,
  host: AdoptionHost,
): Promise<void> {
  for (const entry of unowned) {
    if (!host.still()) return;
    const { contactKey } = entry;
    if (entry.failed) {
      let marked = false as boolean; // set inside the transaction
      const result = await store.update(entry.id, (current, revision) => {
        marked = current?.failed === true && current.agent === undefined;
        return marked && current ? { ...current, agent, revision } : undefined;
      });
      if (marked && result.entry)
        host.changed({ id: entry.id, contactKey, entry: result.entry, revision: result.revision });
      continue;
    }
    const target = liveId(contactKey, agent);
    // A value of the same key that landed at a higher revision is newer (an unowned copy can outlive a crash, or
    // wait in a tab whose agent is named late): adopting the older one would send it over the newer.
    const landed = (await store.landed(contactKey))?.revisions;
    const fresh = Object.keys(entry.attributes).filter((key) => revisionOf(entry, key) > (own(landed, key) ?? 0));
    let merged = false as boolean; // set inside the transaction
    const result =
      fresh.length === 0
        ? undefined
        : await store.update(target, (current, revision) => {
            merged = true;
            return adoptInto(current, { ...entry, ...pick(entry, fresh) }, agent, revision);
          });
    if (merged && result?.entry)
      host.changed({ id: target, contactKey, entry: result.entry, revision: result.revision });
    let gone = false as boolean; // set inside the transaction
    const removed = await store.update(entry.id, (current) => {
      gone = current?.revision === entry.revision && current.agent === undefined;
      return gone ? null : undefined;
    });
    if (gone) host.changed({ id: entry.id, contactKey, entry: null, revision: removed.revision });
  }
}

/**
 * Who owns an entry: the agent who wrote it (see `OutboxEntry.agent`). Entries nobody owns (queued before the host
 * named the agent, or stored by a version without owners) are adopted by the agent named in a tab.
 */
import { adoptInto, liveId } from './entry.ts';
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
 * value winning per key), then its unowned copy is deleted unless it changed meanwhile (a crash in between leaves
 * a copy of the same values at the same revisions: sent twice at worst, never lost); a kept failure is marked as
 * the agent's. Each step is one transaction that checks the entry still has no owner.
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
    let merged = false as boolean; // set inside the transaction
    const result = await store.update(target, (current, revision) => {
      merged = true;
      return adoptInto(current, entry, agent, revision);
    });
    if (merged && result.entry)
      host.changed({ id: target, contactKey, entry: result.entry, revision: result.revision });
    let gone = false as boolean; // set inside the transaction
    const removed = await store.update(entry.id, (current) => {
      gone = current?.revision === entry.revision && current.agent === undefined;
      return gone ? null : undefined;
    });
    if (gone) host.changed({ id: entry.id, contactKey, entry: null, revision: removed.revision });
  }
}

/**
 * Who owns an entry: the agent who wrote it (see `OutboxEntry.agent`). Entries nobody owns (queued before the host
 * named the agent, or stored by a version without owners) are adopted by the agent named in a tab. Also what naming
 * another agent does to this tab's view and write() promises.
 */
import { adoptInto, liveId, own, pick, revisionOf } from './entry.ts';
import type { Change } from './flight.ts';
import type { Mirror } from './mirror.ts';
import { abortError } from './queue.ts';
import type { OutboxEntry, OutboxStore } from './types.ts';
import type { Waiters } from './waiters.ts';

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
    if (entry.failed || entry.accepted) {
      // A kept failure, or a request a queued relay accepted: the agent's from now on, where it is.
      let marked = false as boolean; // set inside the transaction
      const result = await store.update(entry.id, (current, revision) => {
        marked = (current?.failed === true || current?.accepted !== undefined) && current.agent === undefined;
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

/** What naming the agent needs of the Outbox. */
export interface AgentHost {
  store: OutboxStore;
  mirror: Mirror;
  waiters: Waiters;
  closed(): boolean;
  changed(change: Change): void;
  /** Emits the status of these contacts and the state. */
  emitChange(keys: Iterable<string>): void;
  /** Lets the flusher look for due entries. */
  schedule(): void;
  /** Competes for the flusher lock once the entries are loaded (an agent was named). */
  compete(): void;
  fail(error: unknown): void;
}

/** Names the agent who writes in this tab (see `Outbox.setAgent`); `next` is already checked. */
export function nameAgent(next: string | undefined, host: AgentHost): void {
  const { mirror } = host;
  const previous = mirror.agent;
  if (next === previous) {
    if (mirror.scoped) return;
    mirror.setAgent(next); // an agent is expected from now on
    host.schedule();
    return;
  }
  const before = mirror.contactKeys();
  if (previous !== undefined) {
    const error = abortError('Another agent signed in; the write stays queued for the agent who made it.');
    for (const entry of mirror.pending()) host.waiters.reject(entry, error);
  }
  mirror.setAgent(next);
  host.emitChange(new Set([...before, ...mirror.contactKeys()]));
  host.schedule();
  if (next === undefined) return;
  void adoptUnowned(next, host);
  host.compete();
}

/** Makes the named agent the owner of the entries nobody owns in this tab's mirror (see `adopt`). */
export async function adoptUnowned(agent: string, host: AgentHost): Promise<void> {
  const unowned = [...host.mirror.values()].filter((entry) => entry.agent === undefined);
  if (unowned.length === 0) return;
  try {
    await adopt(host.store, unowned, agent, {
      still: () => !host.closed() && host.mirror.agent === agent,
      changed: (change) => host.changed(change),
    });
  } catch (error) {
    host.fail(error);
  }
}

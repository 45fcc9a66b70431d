/**
 * This tab's copy of the store's entries. Copies arrive out of order (this tab's own updates, other tabs' messages,
 * a reload's list): each carries the store revision of its change, and an older copy never replaces a newer one
 * nor brings back a deleted entry.
 *
 * It holds every agent's entries (the store is one per browser profile) but answers for one: the agent named in this
 * tab (`setAgent`). Another agent's entries are neither sent, shown nor counted. The agent's entries are indexed by
 * contact, so what a write costs does not grow with the number of kept failures.
 */
import { liveId, ownedBy } from './entry.ts';
import type { OutboxEntry } from './types.ts';

/** Deletions remembered to refuse late copies; the oldest beyond this are forgotten. */
const MAX_TOMBSTONES = 1000;

/** Oldest first (by when the failure was kept, then by id for a stable order). */
function byAge(a: OutboxEntry, b: OutboxEntry): number {
  return a.createdAt - b.createdAt || a.revision - b.revision;
}

export class Mirror {
  readonly #entries = new Map<string, OutboxEntry>();
  /** Revision of the last deletion per id. */
  readonly #deleted = new Map<string, number>();
  #agent: string | undefined;
  /** True once an agent is expected (see `OutboxOptions.agent`): nothing is sendable while none is named. */
  #scoped = false;
  /** The agent's live entries, by contact. */
  readonly #live = new Map<string, OutboxEntry>();
  /** The agent's kept failures, by contact, then id. */
  readonly #failures = new Map<string, Map<string, OutboxEntry>>();
  #failureCount = 0;
  /** The agent's accepted requests awaiting their outcome, by contact, then id. */
  readonly #accepted = new Map<string, Map<string, OutboxEntry>>();
  #acceptedCount = 0;

  /** The agent this tab answers for (undefined: the host has not named one). */
  get agent(): string | undefined {
    return this.#agent;
  }

  /** True once an agent is expected. */
  get scoped(): boolean {
    return this.#scoped;
  }

  /** Answers for `agent` from now on; `scoped`: an agent is expected (sticks once set). */
  setAgent(agent: string | undefined, scoped = true): void {
    this.#agent = agent;
    this.#scoped ||= scoped;
    this.#live.clear();
    this.#failures.clear();
    this.#failureCount = 0;
    this.#accepted.clear();
    this.#acceptedCount = 0;
    for (const entry of this.#entries.values()) this.#index(entry);
  }

  /** True when the agent answered for owns `entry`. */
  owns(entry: Pick<OutboxEntry, 'agent'>): boolean {
    return ownedBy(entry, this.#agent);
  }

  /** Applies a copy of entry `id` at `revision` (null: deleted); false when a newer copy was already applied. */
  apply(id: string, entry: OutboxEntry | null, revision: number): boolean {
    if ((this.#entries.get(id)?.revision ?? 0) > revision || (this.#deleted.get(id) ?? 0) > revision) return false;
    const previous = this.#entries.get(id);
    if (previous) this.#unindex(previous);
    if (entry !== null) {
      this.#entries.set(id, entry);
      this.#index(entry);
      return true;
    }
    this.#entries.delete(id);
    this.#deleted.delete(id);
    this.#deleted.set(id, revision);
    const oldest = this.#deleted.keys().next();
    if (this.#deleted.size > MAX_TOMBSTONES && !oldest.done) this.#deleted.delete(oldest.value);
    return true;
  }

  /** An entry by id, whoever owns it. */
  get(id: string): OutboxEntry | undefined {
    return this.#entries.get(id);
  }

  /** The agent's live entry of a contact. */
  live(contactKey: string): OutboxEntry | undefined {
    return this.#live.get(contactKey);
  }

  /** Every entry held, whoever owns it. */
  values(): IterableIterator<OutboxEntry> {
    return this.#entries.values();
  }

  /** The agent's live entries with something to send. */
  pending(): OutboxEntry[] {
    return [...this.#live.values()].filter((entry) => Object.keys(entry.attributes).length > 0);
  }

  /** What may be sent: the agent's pending entries, and nothing while an expected agent is not named. */
  sendable(): OutboxEntry[] {
    return this.#scoped && this.#agent === undefined ? [] : this.pending();
  }

  /** The agent's kept failures, oldest first; of one contact when `contactKey` is given. */
  failures(contactKey?: string): OutboxEntry[] {
    if (contactKey !== undefined) return [...(this.#failures.get(contactKey)?.values() ?? [])].sort(byAge);
    return [...this.#failures.values()].flatMap((kept) => [...kept.values()]).sort(byAge);
  }

  /** How many kept failures the agent has. */
  get failureCount(): number {
    return this.#failureCount;
  }

  /** The agent's accepted requests awaiting their outcome, oldest first; of one contact when `contactKey` is given. */
  accepted(contactKey?: string): OutboxEntry[] {
    if (contactKey !== undefined) return [...(this.#accepted.get(contactKey)?.values() ?? [])].sort(byAge);
    return [...this.#accepted.values()].flatMap((held) => [...held.values()]).sort(byAge);
  }

  /** How many accepted requests of the agent await their outcome. */
  get acceptedCount(): number {
    return this.#acceptedCount;
  }

  /** True when the agent has any entry (live, accepted or kept failure) of the contact. */
  holds(contactKey: string): boolean {
    return this.#live.has(contactKey) || this.#failures.has(contactKey) || this.#accepted.has(contactKey);
  }

  /** The contacts of which the agent has any entry. */
  contactKeys(): Set<string> {
    return new Set([...this.#live.keys(), ...this.#failures.keys(), ...this.#accepted.keys()]);
  }

  #index(entry: OutboxEntry): void {
    if (!this.owns(entry)) return;
    if (entry.failed) {
      if (add(this.#failures, entry)) this.#failureCount++;
    } else if (entry.accepted) {
      if (add(this.#accepted, entry)) this.#acceptedCount++;
    } else if (entry.id === liveId(entry.contactKey, this.#agent)) {
      // Only the id this agent writes to is its live entry (an unowned copy waits for adoption under its own id).
      this.#live.set(entry.contactKey, entry);
    }
  }

  #unindex(entry: OutboxEntry): void {
    if (!this.owns(entry)) return;
    if (entry.failed) {
      if (remove(this.#failures, entry)) this.#failureCount--;
    } else if (entry.accepted) {
      if (remove(this.#accepted, entry)) this.#acceptedCount--;
    } else if (this.#live.get(entry.contactKey) === entry) {
      this.#live.delete(entry.contactKey);
    }
  }
}

/** Adds `entry` to its contact's map; true when it was not there. */
function add(index: Map<string, Map<string, OutboxEntry>>, entry: OutboxEntry): boolean {
  let held = index.get(entry.contactKey);
  if (!held) index.set(entry.contactKey, (held = new Map<string, OutboxEntry>()));
  const fresh = !held.has(entry.id);
  held.set(entry.id, entry);
  return fresh;
}

/** Removes `entry` from its contact's map; true when it was there. */
function remove(index: Map<string, Map<string, OutboxEntry>>, entry: OutboxEntry): boolean {
  const held = index.get(entry.contactKey);
  if (!held?.delete(entry.id)) return false;
  if (held.size === 0) index.delete(entry.contactKey);
  return true;
}

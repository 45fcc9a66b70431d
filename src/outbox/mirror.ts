/**
 * This tab's copy of the store's entries. Copies arrive out of order (this tab's own updates, other tabs' messages,
 * a reload's list): each carries the store revision of its change, and an older copy never replaces a newer one
 * nor brings back a deleted entry.
 */
import type { OutboxEntry } from './types.ts';

/** Deletions remembered to refuse late copies; the oldest beyond this are forgotten. */
const MAX_TOMBSTONES = 1000;

export class Mirror {
  readonly #entries = new Map<string, OutboxEntry>();
  /** Revision of the last deletion per id. */
  readonly #deleted = new Map<string, number>();

  /** Applies a copy of entry `id` at `revision` (null: deleted); false when a newer copy was already applied. */
  apply(id: string, entry: OutboxEntry | null, revision: number): boolean {
    if ((this.#entries.get(id)?.revision ?? 0) > revision || (this.#deleted.get(id) ?? 0) > revision) return false;
    if (entry !== null) {
      this.#entries.set(id, entry);
      return true;
    }
    this.#entries.delete(id);
    this.#deleted.delete(id);
    this.#deleted.set(id, revision);
    const oldest = this.#deleted.keys().next();
    if (this.#deleted.size > MAX_TOMBSTONES && !oldest.done) this.#deleted.delete(oldest.value);
    return true;
  }

  get(id: string): OutboxEntry | undefined {
    return this.#entries.get(id);
  }

  values(): IterableIterator<OutboxEntry> {
    return this.#entries.values();
  }

  /** The live entries with something to send. */
  pending(): OutboxEntry[] {
    return [...this.#entries.values()].filter((entry) => !entry.failed && Object.keys(entry.attributes).length > 0);
  }

  /** Kept failures, oldest first; of one contact when `contactKey` is given. */
  failures(contactKey?: string): OutboxEntry[] {
    return [...this.#entries.values()]
      .filter((entry) => entry.failed && (contactKey === undefined || entry.contactKey === contactKey))
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  /** True when any entry (live or kept failure) of the contact is held. */
  holds(contactKey: string): boolean {
    for (const entry of this.#entries.values()) if (entry.contactKey === contactKey) return true;
    return false;
  }

  /** The contacts with any entry. */
  contactKeys(): Set<string> {
    return new Set([...this.#entries.values()].map((entry) => entry.contactKey));
  }
}

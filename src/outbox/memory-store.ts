/** An in-memory OutboxStore: for Node, tests and the fleet benchmark (nothing survives a reload). */
import {
  markersOf,
  mergeLanded,
  type LandedRecord,
  type EntryUpdate,
  type MarkerContext,
  type OutboxEntry,
  type OutboxStore,
  type StoreUpdateOptions,
  type StoreUpdateResult,
} from './types.ts';

let stores = 0;

/* eslint-disable @typescript-eslint/require-await -- the in-memory form of an asynchronous interface: `async` keeps a
   throwing change() a rejected promise, as IndexedDB's transactions make it. */

/** A store private to this page, kept in memory; `structuredClone` keeps callers from sharing objects with it. */
export class MemoryOutboxStore implements OutboxStore {
  readonly name: string;
  readonly shared = false;
  readonly #entries = new Map<string, OutboxEntry>();
  readonly #markers = new Map<string, number>();
  readonly #landed = new Map<string, LandedRecord>();
  #revision = 0;

  constructor(name = `memory-${++stores}`) {
    this.name = name;
  }

  async update(
    id: string,
    change: (current: OutboxEntry | undefined, revision: number, markers: MarkerContext) => EntryUpdate,
    options: StoreUpdateOptions = {},
  ): Promise<StoreUpdateResult> {
    const current = this.#entries.get(id);
    const markers = markersOf(options);
    const fired = new Set(markers.filter((marker) => this.#markers.has(marker.id)).map((marker) => marker.id));
    if (markers.length > 0 && fired.size === markers.length)
      return { entry: clone(current), applied: false, revision: 0 };
    const set = new Set(markers.filter((marker) => !fired.has(marker.id)).map((marker) => marker.id));
    const revision = ++this.#revision;
    const next = change(clone(current), revision, { fired, set });
    if (next === null) this.#entries.delete(id);
    else if (next !== undefined) this.#entries.set(id, structuredClone(next));
    for (const marker of markers)
      if (set.has(marker.id) && !fired.has(marker.id)) this.#markers.set(marker.id, marker.at);
    const { landed } = options;
    if (landed) this.#landed.set(landed.contactKey, mergeLanded(this.#landed.get(landed.contactKey), landed));
    return { entry: clone(next === undefined ? current : (next ?? undefined)), applied: true, revision };
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    return clone(this.#entries.get(id));
  }

  async list(): Promise<OutboxEntry[]> {
    return [...this.#entries.values()].map((entry) => structuredClone(entry));
  }

  async landed(contactKey: string): Promise<LandedRecord | undefined> {
    const record = this.#landed.get(contactKey);
    return record && structuredClone(record);
  }

  async listLanded(): Promise<LandedRecord[]> {
    return [...this.#landed.values()].map((record) => structuredClone(record));
  }

  async deleteLanded(contactKey: string, at: number): Promise<void> {
    if (this.#landed.get(contactKey)?.at === at) this.#landed.delete(contactKey);
  }

  async hasMarker(marker: string): Promise<boolean> {
    return this.#markers.has(marker);
  }

  async pruneMarkers(before: number): Promise<number> {
    let pruned = 0;
    for (const [id, at] of this.#markers) {
      if (at < before) {
        this.#markers.delete(id);
        pruned++;
      }
    }
    return pruned;
  }

  close(): void {}
}

function clone(entry: OutboxEntry | undefined): OutboxEntry | undefined {
  return entry === undefined ? undefined : structuredClone(entry);
}

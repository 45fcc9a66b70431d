/**
 * The IndexedDB OutboxStore (through `idb`): pending writes and fired markers survive a reload and
 * are shared by the tabs of one origin. Entries never hold credentials.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
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

interface OutboxSchema extends DBSchema {
  entries: { key: string; value: OutboxEntry };
  markers: { key: string; value: { id: string; at: number } };
  meta: { key: string; value: number };
  landed: { key: string; value: LandedRecord };
}

/** The database name used when none is given. */
export const DEFAULT_OUTBOX_DB = 'ccp-attributes-outbox';

/**
 * The schema's version. 1: entries, markers and the revision counter. 2: what landed per contact (`landed`); the
 * entries of version 1 stay as they are (queued writes survive the upgrade): they have no owner, and the first agent
 * named adopts them.
 */
export const OUTBOX_DB_VERSION = 2;

/** Opens (creating or upgrading when needed) the outbox database `name`. */
export async function openIdbOutboxStore(name: string = DEFAULT_OUTBOX_DB): Promise<IdbOutboxStore> {
  if (typeof indexedDB === 'undefined')
    throw new TypeError('openIdbOutboxStore: IndexedDB is not available here; use MemoryOutboxStore.');
  const db = await openDB<OutboxSchema>(name, OUTBOX_DB_VERSION, {
    upgrade(database, oldVersion) {
      if (oldVersion < 1) {
        database.createObjectStore('entries', { keyPath: 'id' });
        database.createObjectStore('markers', { keyPath: 'id' });
        database.createObjectStore('meta');
      }
      if (oldVersion < 2) database.createObjectStore('landed', { keyPath: 'contactKey' });
    },
    // Another tab still runs the previous version: it lets go so this one can upgrade (its outbox stops then).
    blocking() {
      db.close();
    },
  });
  return new IdbOutboxStore(name, db);
}

/** An OutboxStore over one IndexedDB database; create it with `openIdbOutboxStore`. */
export class IdbOutboxStore implements OutboxStore {
  readonly name: string;
  readonly shared = true;
  readonly #db: IDBPDatabase<OutboxSchema>;

  constructor(name: string, db: IDBPDatabase<OutboxSchema>) {
    this.name = name;
    this.#db = db;
  }

  async update(
    id: string,
    change: (current: OutboxEntry | undefined, revision: number, markers: MarkerContext) => EntryUpdate,
    options: StoreUpdateOptions = {},
  ): Promise<StoreUpdateResult> {
    // One readwrite transaction over entries, markers, the revision counter and what landed: tabs cannot interleave it.
    const tx = this.#db.transaction(['entries', 'markers', 'meta', 'landed'], 'readwrite');
    const entries = tx.objectStore('entries');
    const markerStore = tx.objectStore('markers');
    const markers = markersOf(options);
    const [current, revision, ...marked] = await Promise.all([
      entries.get(id),
      tx.objectStore('meta').get('revision'),
      ...markers.map((marker) => markerStore.getKey(marker.id)),
    ]);
    const fired = new Set(markers.filter((_, index) => marked[index] !== undefined).map((marker) => marker.id));
    if (markers.length > 0 && fired.size === markers.length) {
      await tx.done;
      return { entry: current, applied: false, revision: 0 };
    }
    const next = (revision ?? 0) + 1;
    const set = new Set(markers.filter((marker) => !fired.has(marker.id)).map((marker) => marker.id));
    let result: EntryUpdate;
    try {
      result = change(current, next, { fired, set });
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    const writes: Promise<unknown>[] = [tx.objectStore('meta').put(next, 'revision')];
    if (result === null) writes.push(entries.delete(id));
    else if (result !== undefined) writes.push(entries.put(result));
    for (const marker of markers) if (set.has(marker.id) && !fired.has(marker.id)) writes.push(markerStore.put(marker));
    const { landed } = options;
    if (landed) {
      const landedStore = tx.objectStore('landed');
      writes.push(landedStore.get(landed.contactKey).then((known) => landedStore.put(mergeLanded(known, landed))));
    }
    await Promise.all([...writes, tx.done]);
    return { entry: result === undefined ? current : (result ?? undefined), applied: true, revision: next };
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    return this.#db.get('entries', id);
  }

  async list(): Promise<OutboxEntry[]> {
    return this.#db.getAll('entries');
  }

  async landed(contactKey: string): Promise<LandedRecord | undefined> {
    return this.#db.get('landed', contactKey);
  }

  async listLanded(): Promise<LandedRecord[]> {
    return this.#db.getAll('landed');
  }

  async deleteLanded(contactKey: string, at: number): Promise<void> {
    const tx = this.#db.transaction('landed', 'readwrite');
    if ((await tx.store.get(contactKey))?.at === at) await tx.store.delete(contactKey);
    await tx.done;
  }

  async hasMarker(marker: string): Promise<boolean> {
    return (await this.#db.getKey('markers', marker)) !== undefined;
  }

  async pruneMarkers(before: number): Promise<number> {
    const tx = this.#db.transaction('markers', 'readwrite');
    let pruned = 0;
    for await (const cursor of tx.store) {
      if (cursor.value.at < before) {
        await cursor.delete();
        pruned++;
      }
    }
    await tx.done;
    return pruned;
  }

  close(): void {
    this.#db.close();
  }
}

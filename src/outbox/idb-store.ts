/**
 * The IndexedDB OutboxStore (through `idb`): pending writes and fired markers survive a reload and
 * are shared by the tabs of one origin. Entries never hold credentials.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { EntryUpdate, OutboxEntry, OutboxStore, StoreUpdateOptions, StoreUpdateResult } from './types.ts';

interface OutboxSchema extends DBSchema {
  entries: { key: string; value: OutboxEntry };
  markers: { key: string; value: { id: string; at: number } };
  meta: { key: string; value: number };
}

/** The database name used when none is given. */
export const DEFAULT_OUTBOX_DB = 'ccp-attributes-outbox';

/** Opens (creating when needed) the outbox database `name`. */
export async function openIdbOutboxStore(name: string = DEFAULT_OUTBOX_DB): Promise<IdbOutboxStore> {
  if (typeof indexedDB === 'undefined') throw new TypeError('openIdbOutboxStore: IndexedDB is not available here; use MemoryOutboxStore.');
  const db = await openDB<OutboxSchema>(name, 1, {
    upgrade(database) {
      database.createObjectStore('entries', { keyPath: 'id' });
      database.createObjectStore('markers', { keyPath: 'id' });
      database.createObjectStore('meta');
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
    change: (current: OutboxEntry | undefined, revision: number) => EntryUpdate,
    options: StoreUpdateOptions = {},
  ): Promise<StoreUpdateResult> {
    // One readwrite transaction over entries, markers and the revision counter: tabs cannot interleave it.
    const tx = this.#db.transaction(['entries', 'markers', 'meta'], 'readwrite');
    const entries = tx.objectStore('entries');
    const [current, marked, revision] = await Promise.all([
      entries.get(id),
      options.marker ? tx.objectStore('markers').get(options.marker.id) : Promise.resolve(undefined),
      tx.objectStore('meta').get('revision'),
    ]);
    if (marked) {
      await tx.done;
      return { entry: current, applied: false, revision: 0 };
    }
    const next = (revision ?? 0) + 1;
    let result: EntryUpdate;
    try {
      result = change(current, next);
    } catch (error) {
      tx.abort();
      await tx.done.catch(() => undefined);
      throw error;
    }
    const writes: Promise<unknown>[] = [tx.objectStore('meta').put(next, 'revision')];
    if (result === null) writes.push(entries.delete(id));
    else if (result !== undefined) writes.push(entries.put(result));
    if (options.marker) writes.push(tx.objectStore('markers').put(options.marker));
    await Promise.all([...writes, tx.done]);
    return { entry: result === undefined ? current : (result ?? undefined), applied: true, revision: next };
  }

  async get(id: string): Promise<OutboxEntry | undefined> {
    return this.#db.get('entries', id);
  }

  async list(): Promise<OutboxEntry[]> {
    return this.#db.getAll('entries');
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

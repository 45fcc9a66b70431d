/**
 * The outbox's persisted model and its storage boundary. Entries hold what a write needs to be
 * replayed after a reload (the contact, the attributes, who asked, attempts, the last error) and
 * never credentials.
 */
import type { AttributeProblem, AttributesErrorKind } from '../errors.ts';
import type { Attributes } from '../validate.ts';
import type { ContactRef, WriteOrigin } from '../writer.ts';

/** An AttributesError as it is stored: plain data that survives IndexedDB's structured clone. */
export interface StoredError {
  kind: AttributesErrorKind;
  message: string;
  status?: number | undefined;
  awsType?: string | undefined;
  problems?: AttributeProblem[] | undefined;
}

/** One persisted write: the merged pending attributes of one contact, or a failed request kept for review. */
export interface OutboxEntry {
  /**
   * `<instanceId>/<initialContactId>#agent:<agent ARN>` for an agent's live entry of a contact (without `#agent:...`
   * while no agent is named); `<instanceId>/<initialContactId>#failed:<revision>` for a kept failure;
   * `<instanceId>/<initialContactId>#accepted:<revision>` for a request a queued relay accepted (see `accepted`).
   */
  id: string;
  /** `<instanceId>/<initialContactId>`: the contact, whoever wrote the entry. */
  contactKey: string;
  contact: ContactRef;
  /** Attributes to write; later writes won per key. */
  attributes: Attributes;
  /** Per key, the store revision of the write that set its current value (later revisions are newer). */
  revisions: Record<string, number>;
  /** Per key, when its current value was queued (ms since the epoch): expiry judges each value by it. */
  queuedAt?: Record<string, number> | undefined;
  /**
   * The agent who wrote it: the Connect agent ARN the host gave (`setAgent`). Only that agent's outbox sends, shows
   * or counts it. Undefined for a write queued before the host named the agent (and for entries stored by versions
   * without owners): the next agent named in a tab adopts it.
   */
  agent?: string | undefined;
  /** 'agent' as soon as one merged write came from the agent. */
  origin: WriteOrigin;
  /** The store revision of the last change of this entry (orders copies of it seen by several tabs). */
  revision: number;
  /** Failed attempts since the last success. */
  attempts: number;
  /** Auth refusals among them: `authRetries` bounds these, not the other failures (absent: none). */
  authRefusals?: number | undefined;
  /**
   * Per key, the revision of a value a request carried that failed ambiguously (a 500, a dropped connection): it may
   * be stored already, so an abort no longer takes it back. Cleared when a request lands.
   */
  maybeStored?: Record<string, number> | undefined;
  /** The error of the last failed attempt. */
  lastError?: StoredError | undefined;
  /** When the first pending write of this entry was queued (ms since the epoch): bounds the rule debounce. */
  createdAt: number;
  /** When the entry last changed. */
  updatedAt: number;
  /** Earliest time to send (the rule debounce). */
  dueAt: number;
  /** No attempt before this time (the retry backoff). */
  notBefore: number;
  /** True when a non-retryable error stopped this entry: kept and surfaced, never sent again unless retried. */
  failed: boolean;
  /**
   * A random nonce made with the live entry (see write-id.ts): with the entry's id and the revisions a request
   * carries, it makes the request's WriteId. Absent in entries stored by earlier versions.
   */
  writeNonce?: string | undefined;
  /**
   * Set on a request a queued relay accepted (202) and whose outcome is not known yet: its values are durable at the
   * relay, not yet stored by Amazon Connect. The outbox asks the relay for the outcome (`OutboxOptions.outcomes`):
   * landed, the entry goes; refused or failed, it becomes a kept failure. Kept failures made so keep it too.
   */
  accepted?: AcceptedWrite | undefined;
}

/** What a queued relay said when it accepted a request. */
export interface AcceptedWrite {
  /** The request's WriteId (the one sent, or the one the relay made). */
  writeId: string;
  /** The relay's request id, when it gave one. */
  requestId?: string | undefined;
  /** When the relay accepted it (ms since the epoch, the browser's clock). */
  at: number;
  /**
   * Set on the kept failure it became: what the relay reported (`refused`, `failed`, `dead-letter`), or
   * `unconfirmed` when no outcome came within `outcomePolling.giveUpMs` (the values may be stored, or not).
   */
  outcome?: 'refused' | 'failed' | 'dead-letter' | 'unconfirmed' | undefined;
}

/** What an atomic update of one entry decides: a new entry, `null` to delete it, `undefined` to leave it. */
export type EntryUpdate = OutboxEntry | null | undefined;

/** A fired marker: its id and when it was set (ms since the epoch, for pruning). */
export interface FiredMarker {
  id: string;
  at: number;
}

/**
 * What landed for one contact, whoever wrote it: per attribute key the highest store revision a landed request
 * carried. A kept failure's value with a lower revision is obsolete: a retry never sends it again.
 */
export interface LandedRecord {
  contactKey: string;
  revisions: Record<string, number>;
  /** When a request of the contact last landed (ms since the epoch, for pruning). */
  at: number;
}

/** Options of `OutboxStore.update`. */
export interface StoreUpdateOptions {
  /** A landing recorded in the same transaction (merged into the contact's LandedRecord, higher revisions winning). */
  landed?: LandedRecord | undefined;
  /** A fired marker checked and set in the same transaction: when it is already set nothing changes. */
  marker?: FiredMarker | undefined;
  /**
   * Several fired markers checked and set in the same transaction (the parts of one batched write, e.g. the
   * rules one event matched). When every one is already set nothing changes (`applied` false, `change` is not
   * called); otherwise `change` learns which are set (`MarkerContext.fired`) and the transaction sets the others,
   * except those `change` takes out of `MarkerContext.set`. `marker` alone is `markers: [marker]`.
   */
  markers?: readonly FiredMarker[] | undefined;
}

/** What `change` learns, and decides, about the markers of `StoreUpdateOptions.markers` (or `marker`). */
export interface MarkerContext {
  /** The update's markers that are already set (by this or another tab, before or after a reload). */
  readonly fired: ReadonlySet<string>;
  /** The markers this transaction sets: at first every one not fired; `change` deletes those of parts it refused. */
  readonly set: Set<string>;
}

/** The result of `OutboxStore.update`. */
export interface StoreUpdateResult {
  /** The entry after the update (undefined when there is none). */
  entry: OutboxEntry | undefined;
  /** False when the marker (every one of `markers`) was already set, so nothing was done. */
  applied: boolean;
  /** The store revision of this update (0 when nothing was applied). */
  revision: number;
}

/**
 * Where the outbox keeps its entries and the tagging engine its fired markers. Every method is
 * atomic on its own; `update` is a read-modify-write that other tabs cannot interleave.
 */
export interface OutboxStore {
  /** Identifies the storage (the database name): outboxes over one store share one flusher. */
  readonly name: string;
  /** True when other tabs see the same data (IndexedDB), false for a store private to this page. */
  readonly shared: boolean;
  /** Reads, transforms and writes one entry atomically; `revision` is a new store-wide increasing number. */
  update(
    id: string,
    change: (current: OutboxEntry | undefined, revision: number, markers: MarkerContext) => EntryUpdate,
    options?: StoreUpdateOptions,
  ): Promise<StoreUpdateResult>;
  /** One entry, or undefined. */
  get(id: string): Promise<OutboxEntry | undefined>;
  /** Every entry. */
  list(): Promise<OutboxEntry[]>;
  /** What landed for the contact, if anything is recorded. */
  landed(contactKey: string): Promise<LandedRecord | undefined>;
  /** Every landed record. */
  listLanded(): Promise<LandedRecord[]>;
  /** Deletes the contact's landed record unless a landing changed it since `at` (its `at` then differs). */
  deleteLanded(contactKey: string, at: number): Promise<void>;
  /** True when the fired marker is set. */
  hasMarker(marker: string): Promise<boolean>;
  /** Deletes markers set before `time`; returns how many. */
  pruneMarkers(before: number): Promise<number>;
  /** Releases the storage. */
  close(): void;
}

/** `landed` with `revisions` merged in, the higher revision winning per key (a record of `contactKey` at `at`). */
export function mergeLanded(landed: LandedRecord | undefined, add: LandedRecord): LandedRecord {
  const revisions = { ...landed?.revisions };
  const higher = Object.entries(add.revisions).filter(
    ([key, revision]) => revision > (Object.hasOwn(revisions, key) ? (revisions[key] ?? 0) : 0),
  );
  return {
    contactKey: add.contactKey,
    revisions: { ...revisions, ...Object.fromEntries(higher) },
    at: Math.max(landed?.at ?? 0, add.at),
  };
}

/** The markers of an update: `markers`, or `marker` alone. */
export function markersOf(options: StoreUpdateOptions): readonly FiredMarker[] {
  return options.markers ?? (options.marker ? [options.marker] : []);
}

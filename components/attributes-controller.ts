/**
 * The logic of `<ccp-attributes>`, as a Lit ReactiveController: follows the tracker's viewed contact,
 * keeps one draft per contact while the tracker has it (so switching chats never loses edits), validates with the shared
 * validator while the agent types, keeps a running byte total (O(1) work per keystroke), and saves
 * through the plugin's write path (an AttributeWriter: the outbox, or a client).
 *
 * What is stored is the tracker's: a draft is built from the contact's attributes and rebuilt when they change.
 * The write path records a landed write into the tracker (the plugin wires the outbox's `landed` event to
 * `tracker.recordWrite`, which fires before the write's promise settles), so after a save the fields already hold
 * what was written; this controller never records writes itself nor keeps its own copy of what is stored.
 *
 * Only types are imported from the write path: the element must not pull in the AWS SDK.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { AttributesError, isAttributesError, validationError } from '../src/errors.ts';
import type { ContactModel, ContactTrackerLike } from '../src/tracker/types.ts';
import { attributesBytes, attributesFrom, checkKey, checkUpdate, checkValue, utf8Length, MAX_TOTAL_BYTES, type Attributes } from '../src/validate.ts';
import type { AttributeWriter, ContactRef, WriteProgress } from '../src/writer.ts';
import { emit } from './events.ts';
import { readOnlyReason, type ReadOnlyReason } from './internal/read-only.ts';
import { checkFieldValue, parseSchema, SchemaError, type AttributesSchema, type FieldSpec, type SchemaInput } from './schema.ts';

export type { ReadOnlyReason } from './internal/read-only.ts';

/** Where the current contact's save stands. */
export type SaveStatus = 'idle' | 'queued' | 'saving' | 'waiting' | 'saved' | 'failed' | 'blocked';

/** Whether the byte budget is fine, nearly used up (warn) or exceeded (blocks saving). */
export type BudgetLevel = 'ok' | 'warn' | 'over';

/** The budget level from which the meter warns (90 % of 32,768 bytes). */
export const WARN_BYTES = Math.floor(MAX_TOTAL_BYTES * 0.9);

/** What the controller reads from its element. */
export interface AttributesControllerHost extends ReactiveControllerHost, EventTarget {
  tracker: ContactTrackerLike | undefined;
  writer: AttributeWriter | undefined;
  schema: SchemaInput | undefined;
  unknownKeys: 'show' | 'hide';
  readOnly: boolean;
  setupError: string | undefined;
}

/** One existing (stored or schema-defined) attribute of the viewed contact. */
export interface FieldState {
  /** Unique per page load, for element ids. */
  readonly id: number;
  readonly key: string;
  readonly spec: FieldSpec | undefined;
  /** What is stored; undefined when the key does not exist yet (a schema field). */
  readonly stored: string | undefined;
  /** What the agent sees and edits. */
  readonly value: string;
  /** Why the value cannot be saved, if it cannot. */
  readonly problem: string | undefined;
  /** The value another writer stored while the agent was editing this field. */
  readonly conflict: string | undefined;
}

/** A key the agent is adding. */
export interface NewFieldState {
  readonly id: number;
  readonly key: string;
  readonly value: string;
  readonly keyProblem: string | undefined;
  readonly valueProblem: string | undefined;
}

interface MutableField {
  id: number;
  key: string;
  spec: FieldSpec | undefined;
  stored: string | undefined;
  storedBytes: number;
  value: string;
  /** Bytes this field adds to the stored total when saved. */
  bytes: number;
  problem: string | undefined;
  conflict: string | undefined;
}

interface MutableNewField {
  id: number;
  key: string;
  value: string;
  bytes: number;
  keyProblem: string | undefined;
  valueProblem: string | undefined;
}

interface Draft {
  contactId: string;
  /** The contact.attributes object the fields were built from. */
  source: Readonly<Attributes>;
  fields: Map<string, MutableField>;
  /** Keys shown, in order. */
  order: string[];
  newFields: MutableNewField[];
  storedBytes: number;
  editBytes: number;
  dirtyCount: number;
  /** Ids of fields (and new fields) with a problem. */
  invalid: Set<number>;
  status: SaveStatus;
  message: string | undefined;
  error: AttributesError | undefined;
  retryAt: number | undefined;
}

let nextId = 1;

/** 32768 -> "32,768" (cheaper than toLocaleString, which builds a formatter per call). */
export function formatCount(count: number): string {
  return String(count).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function isDirty(field: MutableField): boolean {
  return field.value !== (field.stored ?? '');
}

function fieldBytes(field: MutableField): number {
  if (!isDirty(field)) return 0;
  const valueBytes = utf8Length(field.value);
  return field.stored === undefined ? utf8Length(field.key) + valueBytes : valueBytes - field.storedBytes;
}

function fieldProblem(field: MutableField): string | undefined {
  if (!isDirty(field)) return undefined;
  return checkValue(field.key, field.value)?.message ?? checkFieldValue(field.spec, field.value);
}

function contactRef(contact: ContactModel): ContactRef {
  const { contactId, initialContactId, instanceId, region } = contact;
  return { contactId, initialContactId, instanceId, region };
}

export class AttributesController implements ReactiveController {
  readonly host: AttributesControllerHost;

  /** The contact shown: the tracker's viewed one. */
  contact: ContactModel | undefined;
  /** The checked schema, when one is set and valid. */
  schema: AttributesSchema | undefined;
  /** Why the schema given is unusable. */
  schemaError: SchemaError | undefined;
  /** The problem found by the latest edit (announced to screen readers), if any. */
  lastProblem: string | undefined;
  /** Bumped whenever the list of fields changes shape (not on keystrokes): the element re-renders rows on it. */
  structureVersion = 0;

  #drafts = new Map<string, Draft>();
  /** Drafts whose save is in flight: kept until it settles, even when their contact is gone. */
  #saving = new Set<Draft>();
  #tracker: ContactTrackerLike | undefined;
  #unsubscribe: (() => void) | undefined;
  #schemaInput: SchemaInput | undefined;
  #unknownKeys: 'show' | 'hide' = 'show';
  #connected = false;

  constructor(host: AttributesControllerHost) {
    this.host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#syncConfig(true);
    // The viewed contact may have changed while detached (no subscription then): render what is followed now.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#tracker = undefined;
  }

  hostUpdate(): void {
    this.#syncConfig(false);
  }

  // ---- what the element renders -------------------------------------------------------------

  get #draft(): Draft | undefined {
    return this.contact ? this.#drafts.get(this.contact.contactId) : undefined;
  }

  /** Drafts held: one per contact the tracker has, plus any whose save is still in flight. */
  get draftCount(): number {
    return this.#drafts.size;
  }

  /** Why nothing can be saved now, or undefined when the agent can edit. */
  get readOnlyReason(): ReadOnlyReason | undefined {
    return readOnlyReason(this.host, this.contact);
  }

  /** Keys shown, in display order. */
  get keys(): readonly string[] {
    return this.#draft?.order ?? [];
  }

  /** One shown field. */
  field(key: string): FieldState | undefined {
    return this.#draft?.fields.get(key);
  }

  /** Keys being added. */
  get newFields(): readonly NewFieldState[] {
    return this.#draft?.newFields ?? [];
  }

  /** Bytes the contact would hold after saving: stored plus edits. */
  get bytesUsed(): number {
    const draft = this.#draft;
    return draft ? draft.storedBytes + draft.editBytes : 0;
  }

  get budgetLevel(): BudgetLevel {
    const used = this.bytesUsed;
    return used > MAX_TOTAL_BYTES ? 'over' : used >= WARN_BYTES ? 'warn' : 'ok';
  }

  /** Number of unsaved changes. */
  get changeCount(): number {
    const draft = this.#draft;
    if (!draft) return 0;
    let count = draft.dirtyCount;
    for (const field of draft.newFields) if (field.key !== '' || field.value !== '') count++;
    return count;
  }

  get dirty(): boolean {
    return this.changeCount > 0;
  }

  /** Number of fields whose value or key cannot be saved. */
  get problemCount(): number {
    return this.#draft?.invalid.size ?? 0;
  }

  /** Required schema fields left empty; only reported once the contact is in ACW or ended. */
  get missingRequired(): readonly FieldSpec[] {
    const draft = this.#draft;
    if (!draft || !this.contact?.ended || !this.schema) return [];
    return this.schema.fields.filter((spec) => spec.required && !spec.hidden && (draft.fields.get(spec.key)?.value ?? '') === '');
  }

  get status(): SaveStatus {
    return this.#draft?.status ?? 'idle';
  }

  /** The sentence describing the save status, if any. */
  get statusMessage(): string | undefined {
    return this.#draft?.message;
  }

  /** The error of the last failed save. */
  get error(): AttributesError | undefined {
    return this.#draft?.error;
  }

  /** When the next attempt is due, while waiting. */
  get retryAt(): number | undefined {
    return this.#draft?.retryAt;
  }

  /** True while a save of the current contact is in flight. */
  get busy(): boolean {
    const status = this.status;
    return status === 'saving' || status === 'queued' || status === 'waiting';
  }

  /** Id of the first field with a problem (for focus). */
  get firstInvalidId(): number | undefined {
    const draft = this.#draft;
    if (!draft) return undefined;
    for (const key of draft.order) {
      const field = draft.fields.get(key);
      if (field && draft.invalid.has(field.id)) return field.id;
    }
    return draft.newFields.find((field) => draft.invalid.has(field.id))?.id;
  }

  // ---- edits -------------------------------------------------------------------------------

  /** Sets the value of a shown field; O(length of the value). */
  setValue(key: string, value: string): void {
    const draft = this.#draft;
    const field = draft?.fields.get(key);
    if (!draft || !field || field.value === value) return;
    const wasDirty = isDirty(field);
    field.value = value;
    field.conflict = undefined;
    const bytes = fieldBytes(field);
    draft.editBytes += bytes - field.bytes;
    field.bytes = bytes;
    const dirty = isDirty(field);
    if (dirty !== wasDirty) draft.dirtyCount += dirty ? 1 : -1;
    field.problem = fieldProblem(field);
    if (field.problem) draft.invalid.add(field.id);
    else draft.invalid.delete(field.id);
    this.lastProblem = field.problem;
    this.#edited(draft);
  }

  /** Adds an empty new key; returns its id. */
  addField(): number | undefined {
    const draft = this.#draft;
    if (!draft) return undefined;
    const field: MutableNewField = { id: nextId++, key: '', value: '', bytes: 0, keyProblem: undefined, valueProblem: undefined };
    draft.newFields = [...draft.newFields, field];
    this.#edited(draft);
    return field.id;
  }

  setNewKey(id: number, key: string): void {
    this.#updateNew(id, (field) => (field.key = key));
  }

  setNewValue(id: number, value: string): void {
    this.#updateNew(id, (field) => (field.value = value));
  }

  /** Drops a key being added (it was never stored, so nothing is deleted). */
  removeNewField(id: number): void {
    const draft = this.#draft;
    const removed = draft?.newFields.find((field) => field.id === id);
    if (!draft || !removed) return;
    // Its bytes and its problem go with it (#checkNewFields only sees the fields that remain).
    draft.editBytes -= removed.bytes;
    draft.invalid.delete(removed.id);
    draft.newFields = draft.newFields.filter((field) => field !== removed);
    this.#checkNewFields(draft);
    this.#edited(draft);
  }

  /** Throws away every unsaved edit of the current contact. */
  revert(): void {
    const draft = this.#draft;
    if (!draft || this.busy) return;
    for (const field of draft.fields.values()) {
      field.value = field.stored ?? '';
      field.bytes = 0;
      field.problem = undefined;
      field.conflict = undefined;
    }
    draft.newFields = [];
    draft.editBytes = 0;
    draft.dirtyCount = 0;
    draft.invalid.clear();
    draft.status = 'idle';
    draft.message = 'Changes reverted.';
    draft.error = undefined;
    this.lastProblem = undefined;
    this.structureVersion++;
    this.host.requestUpdate();
  }

  /**
   * Saves the current contact's edits. Resolves when the save settled (never rejects): the outcome
   * is in `status`, `error` and the element's events.
   */
  async save(): Promise<void> {
    const contact = this.contact;
    const draft = this.#draft;
    const writer = this.host.writer;
    if (!contact || !draft || this.busy) return;
    if (this.readOnlyReason || !writer) return;
    if (!this.dirty) return;
    if (draft.invalid.size > 0) {
      const count = draft.invalid.size;
      return this.#block(draft, `Fix ${count} problem${count === 1 ? '' : 's'} before saving.`);
    }
    if (this.budgetLevel === 'over') {
      return this.#block(draft, `Over the ${formatCount(MAX_TOTAL_BYTES)}-byte limit by ${formatCount(this.bytesUsed - MAX_TOTAL_BYTES)} bytes: shorten or clear values to save.`);
    }

    const stored = { ...contact.attributes };
    const attributes = attributesFrom([
      ...[...draft.fields.values()].filter(isDirty).map((field): [string, string] => [field.key, field.value]),
      ...draft.newFields.filter((field) => field.key !== '' || field.value !== '').map((field): [string, string] => [field.key, field.value]),
    ]);
    const ref = contactRef(contact);

    const detail = { contact: ref, attributes, stored };
    if (!emit(this.host, 'ccp-attributes-before-save', detail)) {
      return this.#block(draft, 'The page stopped this save. Your changes are kept.');
    }
    const toWrite: Attributes = { ...detail.attributes };
    const problems = checkUpdate({ ...ref, attributes: toWrite, stored });
    if (problems.length > 0) {
      return this.#fail(draft, ref, toWrite, validationError(problems));
    }

    draft.status = 'saving';
    draft.message = 'Saving…';
    draft.error = undefined;
    draft.retryAt = undefined;
    this.host.requestUpdate();
    this.#saving.add(draft);
    try {
      await writer.write(ref, toWrite, {
        origin: 'agent',
        stored,
        onProgress: (progress) => this.#progress(draft, progress),
      });
    } catch (error) {
      this.#saving.delete(draft);
      this.#fail(draft, ref, toWrite, toError(error));
      this.#prune();
      return;
    }
    this.#saving.delete(draft);
    this.#saved(draft);
    emit(this.host, 'ccp-attributes-saved', { contact: ref, attributes: toWrite });
    this.#prune();
  }

  // ---- internals ---------------------------------------------------------------------------

  #syncConfig(force: boolean): void {
    if (!this.#connected) return;
    const host = this.host;
    let rebuild = force;
    if (host.schema !== this.#schemaInput) {
      this.#schemaInput = host.schema;
      this.schema = undefined;
      this.schemaError = undefined;
      if (host.schema !== undefined && host.schema !== '') {
        try {
          this.schema = parseSchema(host.schema);
        } catch (error) {
          this.schemaError = error instanceof SchemaError ? error : new SchemaError([String(error)]);
          console.error(`<ccp-attributes>: ${this.schemaError.message}`);
        }
      }
      rebuild = true;
    }
    if (host.unknownKeys !== this.#unknownKeys) {
      this.#unknownKeys = host.unknownKeys;
      rebuild = true;
    }
    if (host.tracker !== this.#tracker) {
      this.#unsubscribe?.();
      this.#tracker = host.tracker;
      this.#unsubscribe = this.#tracker?.on('change', () => {
        this.#follow(false);
        this.host.requestUpdate();
      });
      rebuild = true;
    }
    if (rebuild) this.#follow(true);
  }

  /** Shows the tracker's viewed contact; rebuilds its draft when its attributes or the config changed. */
  #follow(configChanged: boolean): void {
    const tracker = this.#tracker;
    const contact = tracker?.viewed;
    const previous = this.contact;
    this.contact = contact;
    if (previous?.contactId !== contact?.contactId) this.lastProblem = undefined;
    this.#prune();
    if (!contact) {
      if (previous) this.structureVersion++;
      return;
    }
    let draft = this.#drafts.get(contact.contactId);
    if (!draft) {
      draft = this.#build(contact, undefined);
      this.#drafts.set(contact.contactId, draft);
      this.structureVersion++;
    } else if (configChanged || draft.source !== contact.attributes) {
      if (configChanged || !sameAttributes(draft.source, contact.attributes)) {
        // In place: a save in flight keeps a reference to this draft.
        Object.assign(draft, this.#build(contact, draft));
        this.structureVersion++;
      } else {
        draft.source = contact.attributes;
      }
    }
    if (previous?.contactId !== contact.contactId || previous.monitoring !== contact.monitoring || previous.ended !== contact.ended) {
      this.structureVersion++;
    }
  }

  /**
   * Drops the drafts of contacts the tracker no longer has, so a long shift of chats does not grow the editor's
   * memory. A contact leaves the tracker when it is destroyed (in Streams: the agent closed it after contact work);
   * the editor can then neither show nor save its draft, so its unsaved edits go too, reported on the console. While
   * the contact exists its edits are kept, viewed or not. A draft whose save is in flight stays until the save
   * settled. Runs on every change of the tracker, when the element is attached again, and after each save.
   */
  #prune(): void {
    const tracker = this.#tracker;
    if (!tracker || this.#drafts.size === 0) return;
    const contacts = tracker.contacts;
    for (const [id, draft] of this.#drafts) {
      if (contacts.has(id) || id === this.contact?.contactId || this.#saving.has(draft)) continue;
      this.#drafts.delete(id);
      let unsaved = draft.dirtyCount;
      for (const field of draft.newFields) if (field.key !== '' || field.value !== '') unsaved++;
      if (unsaved > 0) {
        console.warn(`<ccp-attributes>: contact ${id} is gone; its ${unsaved} unsaved change${unsaved === 1 ? ' was' : 's were'} discarded.`);
      }
    }
  }

  /** A draft for the contact's attributes, keeping the edits of `old` (the agent's work is never clobbered). */
  #build(contact: ContactModel, old: Draft | undefined): Draft {
    const stored = contact.attributes;
    // Keys being added that are now stored with the value typed (their save landed) become ordinary fields.
    const landed = new Map<string, MutableNewField>();
    for (const field of old?.newFields ?? []) {
      if (field.key !== '' && Object.hasOwn(stored, field.key) && stored[field.key] === field.value) landed.set(field.key, field);
    }
    const fields = new Map<string, MutableField>();
    const order: string[] = [];
    const add = (key: string, spec: FieldSpec | undefined, show: boolean): void => {
      const storedValue = Object.hasOwn(stored, key) ? stored[key] : undefined;
      const previous = old?.fields.get(key);
      const field: MutableField = {
        id: previous?.id ?? landed.get(key)?.id ?? nextId++,
        key,
        spec,
        stored: storedValue,
        storedBytes: storedValue === undefined ? 0 : utf8Length(storedValue),
        value: storedValue ?? '',
        bytes: 0,
        problem: undefined,
        conflict: undefined,
      };
      if (previous && isDirty(previous) && !(spec?.readOnly ?? false)) {
        field.value = previous.value;
        if (isDirty(field)) {
          field.conflict = previous.stored !== storedValue ? (storedValue ?? '') : previous.conflict;
        }
      }
      fields.set(key, field);
      if (show) order.push(key);
    };
    const schema = this.schema;
    if (schema) for (const spec of schema.fields) add(spec.key, spec, !spec.hidden);
    const showUnknown = !schema || this.#unknownKeys === 'show';
    if (showUnknown) for (const key of Object.keys(stored)) if (!fields.has(key)) add(key, undefined, true);

    const storedBytes = attributesBytes(stored);
    const draft: Draft = {
      contactId: contact.contactId,
      source: stored,
      fields,
      order,
      newFields: (old?.newFields ?? []).filter((field) => landed.get(field.key) !== field),
      storedBytes,
      editBytes: 0,
      dirtyCount: 0,
      invalid: new Set(),
      status: old?.status ?? 'idle',
      message: old?.message,
      error: old?.error,
      retryAt: old?.retryAt,
    };
    for (const field of fields.values()) {
      field.bytes = fieldBytes(field);
      draft.editBytes += field.bytes;
      if (isDirty(field)) draft.dirtyCount++;
      field.problem = fieldProblem(field);
      if (field.problem) draft.invalid.add(field.id);
    }
    // The kept keys being added still carry their bytes from the old draft, which #checkNewFields takes off first.
    for (const field of draft.newFields) draft.editBytes += field.bytes;
    this.#checkNewFields(draft);
    return draft;
  }

  #updateNew(id: number, change: (field: MutableNewField) => void): void {
    const draft = this.#draft;
    const field = draft?.newFields.find((candidate) => candidate.id === id);
    if (!draft || !field) return;
    change(field);
    this.#checkNewFields(draft);
    this.lastProblem = field.keyProblem ?? field.valueProblem;
    this.#edited(draft);
  }

  /** Re-checks every key being added (few of them): charset, length, and duplicates. */
  #checkNewFields(draft: Draft): void {
    const counts = new Map<string, number>();
    for (const field of draft.newFields) counts.set(field.key, (counts.get(field.key) ?? 0) + 1);
    const stored = draft.source;
    for (const field of draft.newFields) {
      draft.editBytes -= field.bytes;
      const blank = field.key === '' && field.value === '';
      field.bytes = blank ? 0 : utf8Length(field.key) + utf8Length(field.value);
      draft.editBytes += field.bytes;
      const key = field.key;
      if (blank) field.keyProblem = undefined;
      else if (Object.hasOwn(stored, key) || draft.fields.has(key) || this.schema?.byKey.has(key)) {
        field.keyProblem = `"${key}" already exists: edit its field above instead.`;
      } else if ((counts.get(key) ?? 0) > 1 && key !== '') {
        field.keyProblem = `"${key}" is entered more than once.`;
      } else {
        field.keyProblem = checkKey(key)?.message;
      }
      field.valueProblem = blank ? undefined : checkValue(key, field.value)?.message;
      if (field.keyProblem || field.valueProblem) draft.invalid.add(field.id);
      else draft.invalid.delete(field.id);
    }
  }

  #edited(draft: Draft): void {
    if (draft.status === 'saved' || draft.status === 'blocked' || draft.status === 'idle') {
      draft.status = 'idle';
      draft.message = undefined;
    }
    this.host.requestUpdate();
  }

  #block(draft: Draft, message: string): void {
    draft.status = 'blocked';
    draft.message = message;
    this.host.requestUpdate();
  }

  #progress(draft: Draft, progress: WriteProgress): void {
    draft.status = progress.state === 'sending' ? 'saving' : progress.state;
    draft.retryAt = progress.retryAt;
    draft.error = progress.error;
    draft.message =
      progress.state === 'waiting'
        ? `Amazon Connect is busy; waiting to retry${progress.retryAt ? ` at ${new Date(progress.retryAt).toLocaleTimeString()}` : ''}. Your changes are kept.`
        : progress.state === 'queued'
          ? 'Queued to save…'
          : 'Saving…';
    this.host.requestUpdate();
  }

  #fail(draft: Draft, contact: ContactRef, attributes: Attributes, error: AttributesError): void {
    draft.status = 'failed';
    draft.error = error;
    draft.retryAt = undefined;
    draft.message = `Not saved: ${error.message} Your changes are kept.`;
    this.host.requestUpdate();
    emit(this.host, 'ccp-attributes-error', { contact, attributes, error });
  }

  /**
   * The write landed. The tracker recorded it before this runs, and its `change` rebuilt the viewed contact's draft
   * from the stored attributes (fields hold what was written; the keys added became fields); a draft not viewed
   * is rebuilt when the agent comes back to it.
   */
  #saved(draft: Draft): void {
    draft.status = 'saved';
    draft.error = undefined;
    draft.retryAt = undefined;
    draft.message = 'All changes saved.';
    this.structureVersion++;
    this.host.requestUpdate();
  }
}

function sameAttributes(a: Readonly<Attributes>, b: Readonly<Attributes>): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && a[key] === b[key]);
}

function toError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  if (error instanceof DOMException && error.name === 'AbortError') {
    return new AttributesError('network', 'The save was cancelled.', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AttributesError('network', message || 'The save failed.', { cause: error });
}

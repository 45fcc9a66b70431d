/**
 * The logic of `<ccp-attributes>`, as a Lit ReactiveController: follows the tracker's viewed contact, keeps one
 * draft per contact while the tracker has it (so switching chats never loses edits) and saves through the plugin's
 * write path (an AttributeWriter: the outbox, or a client), firing the element's save events. The draft itself
 * (fields, keys being added, bytes, changes, problems) is the Lit-free `Draft` of internal/draft.ts; where a save
 * stands is the `saveReducer` of internal/save-status.ts, worded by internal/status-text.ts. A save a relay in
 * queued mode accepted is followed to its outcome through the writer's events (internal/accepted-watch.ts).
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
import { sameAttributes } from '../src/tracker/attributes.ts';
import type { ContactModel, ContactTrackerLike } from '../src/tracker/types.ts';
import { checkUpdate, MAX_TOTAL_BYTES, type Attributes } from '../src/validate.ts';
import type { AttributeWriter, ContactRef, WriteReceipt } from '../src/writer.ts';
import { emit } from './events.ts';
import { activeLocale } from './messages/localization.ts';
import { watchAccepted } from './internal/accepted-watch.ts';
import { Draft, type BudgetLevel, type FieldState, type NewFieldState } from './internal/draft.ts';
import { readOnlyReason, type ReadOnlyReason } from './internal/read-only.ts';
import { statusText } from './internal/status-text.ts';
import {
  initialSaveState,
  isBusy,
  saveReducer,
  type SaveAction,
  type SaveState,
  type SaveStatus,
} from './internal/save-status.ts';
import { parseSchema, SchemaError, type AttributesSchema, type FieldSpec, type SchemaInput } from './schema.ts';

export type { ReadOnlyReason } from './internal/read-only.ts';
export type { SaveStatus } from './internal/save-status.ts';
export { WARN_BYTES, type BudgetLevel, type FieldState, type NewFieldState } from './internal/draft.ts';

/** What the controller reads from its element. */
export interface AttributesControllerHost extends ReactiveControllerHost, EventTarget {
  readonly tracker: ContactTrackerLike | undefined;
  readonly writer: AttributeWriter | undefined;
  readonly schema: SchemaInput | undefined;
  /** 'hide' hides keys outside the schema; anything else (undefined too, as @lit/react or Vue may set) shows them. */
  readonly unknownKeys: 'show' | 'hide' | undefined;
  readonly readOnly: boolean;
  readonly setupError: string | undefined;
}

/** One contact's draft and where its save stands; a save in flight holds on to it while the draft is rebuilt. */
interface ContactDraft {
  draft: Draft;
  save: SaveState;
  /** The language the draft's problems are worded in: rebuilt (edits kept) when another is shown. */
  wordedIn: string;
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

  #drafts = new Map<string, ContactDraft>();
  /** Drafts whose save is in flight: kept until it settles, even when their contact is gone. */
  #saving = new Set<ContactDraft>();
  #tracker: ContactTrackerLike | undefined;
  #unsubscribe: (() => void) | undefined;
  /** The writer whose accepted saves' outcomes are watched, and how to stop. */
  #writer: AttributeWriter | undefined;
  #unwatch: (() => void) | undefined;
  #schemaInput: SchemaInput | undefined;
  #unknownKeys: 'show' | 'hide' = 'show';
  #locale: string = activeLocale();
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
    this.#unwatch?.();
    this.#unwatch = undefined;
    this.#writer = undefined;
  }

  hostUpdate(): void {
    this.#syncConfig(false);
  }

  // ---- what the element renders -------------------------------------------------------------

  get #current(): ContactDraft | undefined {
    return this.contact ? this.#drafts.get(this.contact.contactId) : undefined;
  }

  get #draft(): Draft | undefined {
    return this.#current?.draft;
  }

  get #save(): SaveState {
    return this.#current?.save ?? initialSaveState;
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
    return this.#draft?.keys ?? [];
  }

  /** One shown field. */
  field(key: string): FieldState | undefined {
    return this.#draft?.field(key);
  }

  /** Keys being added. */
  get newFields(): readonly NewFieldState[] {
    return this.#draft?.newFields ?? [];
  }

  /** Bytes the contact would hold after saving: stored plus edits. */
  get bytesUsed(): number {
    return this.#draft?.bytesUsed ?? 0;
  }

  get budgetLevel(): BudgetLevel {
    return this.#draft?.budgetLevel ?? 'ok';
  }

  /** Number of unsaved changes. */
  get changeCount(): number {
    return this.#draft?.changeCount ?? 0;
  }

  get dirty(): boolean {
    return this.changeCount > 0;
  }

  /** Number of fields whose value or key cannot be saved. */
  get problemCount(): number {
    return this.#draft?.problemCount ?? 0;
  }

  /** Required schema fields left empty; only reported once the contact is in ACW or ended. */
  get missingRequired(): readonly FieldSpec[] {
    return this.contact?.ended ? (this.#draft?.missingRequired ?? []) : [];
  }

  get status(): SaveStatus {
    return this.#save.status;
  }

  /** The sentence describing the save status, if any, in the editor's language. */
  get statusMessage(): string | undefined {
    return statusText(this.#save);
  }

  /**
   * True when the failed save had been accepted by a queued relay first: its values are in the list of failures,
   * with Retry and Discard there (the fields already hold them, so saving the draft again would send nothing).
   */
  get failedAfterAccept(): boolean {
    return this.status === 'failed' && this.#save.outcome !== undefined;
  }

  /** The error of the last failed save. */
  get error(): AttributesError | undefined {
    return this.#save.error;
  }

  /** When the next attempt is due, while waiting. */
  get retryAt(): number | undefined {
    return this.#save.retryAt;
  }

  /** True while a save of the current contact is in flight. */
  get busy(): boolean {
    return isBusy(this.status);
  }

  /** Id of the first field with a problem (for focus). */
  get firstInvalidId(): number | undefined {
    return this.#draft?.firstInvalidId;
  }

  // ---- edits -------------------------------------------------------------------------------

  /** Sets the value of a shown field; O(length of the value). */
  setValue(key: string, value: string): void {
    const draft = this.#draft;
    if (!draft?.setValue(key, value)) return;
    this.lastProblem = draft.field(key)?.problem;
    this.#edited();
  }

  /** Adds an empty new key; returns its id. */
  addField(): number | undefined {
    const id = this.#draft?.addField();
    if (id !== undefined) this.#edited();
    return id;
  }

  setNewKey(id: number, key: string): void {
    if (this.#draft?.setNewKey(id, key)) this.#editedNew(id);
  }

  setNewValue(id: number, value: string): void {
    if (this.#draft?.setNewValue(id, value)) this.#editedNew(id);
  }

  /** Drops a key being added (it was never stored, so nothing is deleted). */
  removeNewField(id: number): void {
    if (this.#draft?.removeNewField(id)) this.#edited();
  }

  /** Throws away every unsaved edit of the current contact. */
  revert(): void {
    const current = this.#current;
    if (!current || this.busy) return;
    current.draft.revert();
    this.#dispatch(current, { type: 'reverted' });
    this.lastProblem = undefined;
    this.structureVersion++;
  }

  /**
   * Saves the current contact's edits. Resolves when the save settled (never rejects): the outcome
   * is in `status`, `error` and the element's events.
   */
  save(): Promise<void> {
    return this.contact ? this.saveContact(this.contact.contactId) : Promise.resolve();
  }

  // ---- wrap-up: what `plugin.readiness` and `plugin.clear` ask of an editor ---------------------------

  /** The keys the schema requires (shown ones: a hidden field cannot be filled in here). */
  requiredKeys(): string[] {
    return (this.schema?.fields ?? []).filter((spec) => spec.required && !spec.hidden).map((spec) => spec.key);
  }

  /** A contact's unsaved edits, viewed or not: key -> the value a save would write. */
  unsavedOf(contactId: string): Map<string, string> {
    const draft = this.#drafts.get(contactId)?.draft;
    return new Map(draft && draft.changeCount > 0 ? Object.entries(draft.changes()) : []);
  }

  /** Saves a contact's edits, viewed or not, as `save()` saves the viewed one's; never rejects. */
  async saveContact(contactId: string): Promise<void> {
    const contact = this.contact?.contactId === contactId ? this.contact : this.#tracker?.contacts.get(contactId);
    const current = this.#drafts.get(contactId);
    const writer = this.host.writer;
    if (!contact || !current || isBusy(current.save.status)) return;
    if (readOnlyReason(this.host, contact) || !writer) return;
    const draft = current.draft;
    if (draft.changeCount === 0) return;
    if (draft.problemCount > 0) {
      this.#dispatch(current, { type: 'blocked', note: { kind: 'problems', count: draft.problemCount } });
      return;
    }
    if (draft.budgetLevel === 'over') {
      this.#dispatch(current, {
        type: 'blocked',
        note: { kind: 'over-budget', bytesOver: draft.bytesUsed - MAX_TOTAL_BYTES },
      });
      return;
    }

    const stored = { ...contact.attributes };
    const ref = contactRef(contact);
    const detail = { contact: ref, attributes: draft.changes(), stored };
    if (!emit(this.host, 'ccp-attributes-before-save', detail)) {
      this.#dispatch(current, { type: 'blocked', note: { kind: 'vetoed' } });
      return;
    }
    const toWrite: Attributes = { ...detail.attributes };
    const problems = checkUpdate({ ...ref, attributes: toWrite, stored });
    if (problems.length > 0) {
      this.#fail(current, ref, toWrite, validationError(problems));
      return;
    }

    this.#dispatch(current, { type: 'started' });
    this.#saving.add(current);
    let receipt: WriteReceipt;
    try {
      receipt = (await writer.write(ref, toWrite, {
        origin: 'agent',
        stored,
        onProgress: (progress) => this.#dispatch(current, { type: 'progress', progress }),
      })) || { state: 'landed' };
    } catch (error) {
      this.#saving.delete(current);
      this.#fail(current, ref, toWrite, toError(error));
      this.#prune();
      return;
    }
    this.#saving.delete(current);
    // The tracker recorded the write before this runs, and its `change` rebuilt the viewed contact's draft from the
    // stored attributes (fields hold what was written; the keys added became fields); a draft not viewed is
    // rebuilt when the agent comes back to it. A queued relay's accept is recorded the same way; its outcome follows
    // (#watch).
    this.#dispatch(
      current,
      receipt.state === 'accepted' ? { type: 'accepted', writeId: receipt.writeId } : { type: 'saved' },
    );
    this.structureVersion++;
    emit(this.host, 'ccp-attributes-saved', { contact: ref, attributes: toWrite, receipt });
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
    const locale = activeLocale();
    if (locale !== this.#locale) {
      // The problems shown are worded anew in the language now shown.
      this.#locale = locale;
      this.lastProblem = undefined;
      rebuild = true;
    }
    const unknownKeys = host.unknownKeys === 'hide' ? 'hide' : 'show';
    if (unknownKeys !== this.#unknownKeys) {
      this.#unknownKeys = unknownKeys;
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
    if (host.writer !== this.#writer) this.#watch(host.writer);
  }

  /**
   * Follows the outcomes of saves a queued relay accepted: the status line of the save still awaiting one says
   * saved or not saved, and every failure after an accept fires `ccp-attributes-error` (the outbox tells each tab:
   * each editor shown fires it once), the values being kept in the list of failures.
   */
  #watch(writer: AttributeWriter | undefined): void {
    this.#unwatch?.();
    this.#writer = writer;
    this.#unwatch = watchAccepted(writer, {
      landed: (writeId) => {
        for (const current of this.#drafts.values()) this.#dispatch(current, { type: 'confirmed', writeId });
      },
      failed: (entry, error) => {
        const { writeId, outcome = 'failed' } = entry.accepted;
        for (const current of this.#drafts.values())
          this.#dispatch(current, { type: 'refused-later', writeId, error, outcome });
        emit(this.host, 'ccp-attributes-error', {
          contact: entry.contact,
          attributes: entry.attributes,
          error,
          writeId,
        });
      },
    });
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
    const current = this.#drafts.get(contact.contactId);
    if (!current) {
      this.#drafts.set(contact.contactId, {
        draft: this.#build(contact, undefined),
        save: initialSaveState,
        wordedIn: this.#locale,
      });
      this.structureVersion++;
    } else if (
      configChanged ||
      current.wordedIn !== this.#locale ||
      (current.draft.stored !== contact.attributes && !sameAttributes(current.draft.stored, contact.attributes))
    ) {
      // In place: a save in flight holds on to this record.
      current.draft = this.#build(contact, current.draft);
      current.wordedIn = this.#locale;
      this.structureVersion++;
    }
    if (
      previous?.contactId !== contact.contactId ||
      previous.monitoring !== contact.monitoring ||
      previous.ended !== contact.ended
    ) {
      this.structureVersion++;
    }
  }

  #build(contact: ContactModel, previous: Draft | undefined): Draft {
    return Draft.from(contact, this.schema, { unknownKeys: this.#unknownKeys, previous });
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
    for (const [id, current] of this.#drafts) {
      if (contacts.has(id) || id === this.contact?.contactId || this.#saving.has(current)) continue;
      this.#drafts.delete(id);
      const unsaved = current.draft.changeCount;
      if (unsaved > 0) {
        console.warn(
          `<ccp-attributes>: contact ${id} is gone; its ${unsaved} unsaved change${unsaved === 1 ? ' was' : 's were'} discarded.`,
        );
      }
    }
  }

  #editedNew(id: number): void {
    const row = this.#draft?.newFields.find((candidate) => candidate.id === id);
    this.lastProblem = row?.keyProblem ?? row?.valueProblem;
    this.#edited();
  }

  #edited(): void {
    const current = this.#current;
    if (current) this.#dispatch(current, { type: 'edited' });
  }

  #dispatch(current: ContactDraft, action: SaveAction): void {
    current.save = saveReducer(current.save, action);
    this.host.requestUpdate();
  }

  #fail(current: ContactDraft, contact: ContactRef, attributes: Attributes, error: AttributesError): void {
    this.#dispatch(current, { type: 'failed', error });
    emit(this.host, 'ccp-attributes-error', { contact, attributes, error });
  }
}

function toError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  if (error instanceof DOMException && error.name === 'AbortError') {
    return new AttributesError('network', 'The save was cancelled.', { cause: error });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AttributesError('network', message || 'The save failed.', { cause: error });
}

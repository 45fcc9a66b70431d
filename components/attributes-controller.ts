/**
 * The logic of `<ccp-attributes>`, as a Lit ReactiveController: follows the tracker's viewed contact, keeps one
 * draft per contact while the tracker has it (so switching chats never loses edits) and saves through the plugin's
 * write path (an AttributeWriter: the outbox, or a client), firing the element's save events. It ties together the
 * jobs of components/internal/: the drafts held (contact-drafts.ts; each a Lit-free `Draft` of draft.ts) and what
 * they are built with (editor-config.ts), the save of one draft (save-draft.ts), where a save stands (the
 * `saveReducer` of save-status.ts, worded by status-text.ts), and the outcome of a save a relay in queued mode
 * accepted, heard through the writer's events (accepted-watch.ts).
 *
 * What is stored is the tracker's: a draft is built from the contact's attributes and rebuilt when they change.
 * The write path records a landed write into the tracker (the plugin wires the outbox's `landed` event to
 * `tracker.recordWrite`, which fires before the write's promise settles), so after a save the fields already hold
 * what was written; this controller never records writes itself nor keeps its own copy of what is stored.
 *
 * Only types are imported from the write path: the element must not pull in the AWS SDK.
 */ import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { AttributesError } from '../src/errors.ts';
import type { ContactModel, ContactTrackerLike } from '../src/tracker/types.ts';
import type { AttributeWriter } from '../src/writer.ts';
import { acceptedOutcomes, watchAccepted } from './internal/accepted-watch.ts';
import { ContactDrafts, type ContactDraft } from './internal/contact-drafts.ts';
import type { Draft, BudgetLevel, FieldState, NewFieldState } from './internal/draft.ts';
import { EditorConfig } from './internal/editor-config.ts';
import { readOnlyReason, type ReadOnlyReason } from './internal/read-only.ts';
import { saveDraft } from './internal/save-draft.ts';
import { statusText } from './internal/status-text.ts';
import {
  initialSaveState,
  isBusy,
  saveReducer,
  type SaveAction,
  type SaveState,
  type SaveStatus,
} from './internal/save-status.ts';
import type { AttributesSchema, FieldSpec, SchemaError, SchemaInput } from './schema.ts';

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

export class AttributesController implements ReactiveController {
  readonly host: AttributesControllerHost;

  /** The contact shown: the tracker's viewed one. */
  contact: ContactModel | undefined;
  /** The problem found by the latest edit (announced to screen readers), if any. */
  lastProblem: string | undefined;
  /** Bumped whenever the list of fields changes shape (not on keystrokes): the element re-renders rows on it. */
  structureVersion = 0;

  #drafts = new ContactDrafts();
  #config = new EditorConfig();
  #tracker: ContactTrackerLike | undefined;
  #unsubscribe: (() => void) | undefined;
  /** The writer whose accepted saves' outcomes are watched, and how to stop. */
  #writer: AttributeWriter | undefined;
  #unwatch: (() => void) | undefined;
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

  /** The checked schema, when one is set and valid. */
  get schema(): AttributesSchema | undefined {
    return this.#config.schema;
  }

  /** Why the schema given is unusable. */
  get schemaError(): SchemaError | undefined {
    return this.#config.schemaError;
  }

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
    return this.#drafts.unsavedOf(contactId);
  }

  /** Saves a contact's edits, viewed or not, as `save()` saves the viewed one's; never rejects. */
  async saveContact(contactId: string): Promise<void> {
    const contact = this.contact?.contactId === contactId ? this.contact : this.#tracker?.contacts.get(contactId);
    const current = this.#drafts.get(contactId);
    const writer = this.host.writer;
    if (!contact || !current || isBusy(current.save.status)) return;
    if (readOnlyReason(this.host, contact) || !writer) return;
    await saveDraft(
      {
        host: this.host,
        writer,
        drafts: this.#drafts,
        dispatch: (draft, action) => this.#dispatch(draft, action),
        written: () => this.structureVersion++,
        settled: () => this.#prune(),
      },
      contact,
      current,
    );
  }

  // ---- internals ---------------------------------------------------------------------------

  #syncConfig(force: boolean): void {
    if (!this.#connected) return;
    const host = this.host;
    const { changed, localeChanged } = this.#config.sync(host);
    // The problems shown are worded anew in the language now shown.
    if (localeChanged) this.lastProblem = undefined;
    let rebuild = force || changed;
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

  /** Follows the outcomes of saves a queued relay accepted (internal/accepted-watch.ts). */
  #watch(writer: AttributeWriter | undefined): void {
    this.#unwatch?.();
    this.#writer = writer;
    this.#unwatch = watchAccepted(
      writer,
      acceptedOutcomes({
        host: this.host,
        drafts: this.#drafts,
        dispatch: (draft, action) => this.#dispatch(draft, action),
      }),
    );
  }

  /** Shows the tracker's viewed contact; rebuilds its draft when its attributes or the config changed. */
  #follow(configChanged: boolean): void {
    const contact = this.#tracker?.viewed;
    const previous = this.contact;
    this.contact = contact;
    if (previous?.contactId !== contact?.contactId) this.lastProblem = undefined;
    this.#prune();
    if (!contact) {
      if (previous) this.structureVersion++;
      return;
    }
    if (this.#drafts.sync(contact, this.#config, configChanged)) this.structureVersion++;
    if (
      previous?.contactId !== contact.contactId ||
      previous.monitoring !== contact.monitoring ||
      previous.ended !== contact.ended
    ) {
      this.structureVersion++;
    }
  }

  /** Drops the drafts of contacts gone (ContactDrafts.prune): runs on every change of the tracker and after saves. */
  #prune(): void {
    const tracker = this.#tracker;
    if (!tracker || this.#drafts.size === 0) return;
    this.#drafts.prune(tracker.contacts, this.contact?.contactId);
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
}

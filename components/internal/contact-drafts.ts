/**
 * The editor's drafts, one per contact: built from the tracker's contact, rebuilt in place (edits kept) when its
 * stored attributes, the schema, the keys hidden or the language shown change, and dropped once the tracker no longer
 * has the contact, unless a save of it is still in flight. Lit-free: AttributesController decides when to render.
 */
import { sameAttributes } from '../../src/tracker/attributes.ts';
import type { ContactModel } from '../../src/tracker/types.ts';
import type { AttributesSchema } from '../schema.ts';
import { Draft } from './draft.ts';
import { initialSaveState, type SaveState } from './save-status.ts';

/** One contact's draft and where its save stands; a save in flight holds on to it while the draft is rebuilt. */
export interface ContactDraft {
  draft: Draft;
  save: SaveState;
  /** The language the draft's problems are worded in: rebuilt (edits kept) when another is shown. */
  wordedIn: string;
}

/** What a draft is built with (internal/editor-config.ts). */
export interface DraftConfig {
  readonly schema: AttributesSchema | undefined;
  readonly unknownKeys: 'show' | 'hide';
  readonly locale: string;
}

export class ContactDrafts {
  #drafts = new Map<string, ContactDraft>();
  /** Drafts whose save is in flight: kept until it settles, even when their contact is gone. */
  #saving = new Set<ContactDraft>();

  /** Drafts held: one per contact the tracker has, plus any whose save is still in flight. */
  get size(): number {
    return this.#drafts.size;
  }

  get(contactId: string): ContactDraft | undefined {
    return this.#drafts.get(contactId);
  }

  values(): IterableIterator<ContactDraft> {
    return this.#drafts.values();
  }

  /** A contact's unsaved edits: key -> the value a save would write. */
  unsavedOf(contactId: string): Map<string, string> {
    const draft = this.#drafts.get(contactId)?.draft;
    return new Map(draft && draft.changeCount > 0 ? Object.entries(draft.changes()) : []);
  }

  /** Keeps `current` while its save is in flight. */
  hold(current: ContactDraft): void {
    this.#saving.add(current);
  }

  /** Its save settled: `current` may be pruned again. */
  release(current: ContactDraft): void {
    this.#saving.delete(current);
  }

  /**
   * Builds `contact`'s draft, or rebuilds it when its stored attributes or `config` changed (`configChanged` forces
   * it). Returns true when the list of fields may have changed shape.
   */
  sync(contact: ContactModel, config: DraftConfig, configChanged: boolean): boolean {
    const current = this.#drafts.get(contact.contactId);
    if (!current) {
      this.#drafts.set(contact.contactId, {
        draft: build(contact, config, undefined),
        save: initialSaveState,
        wordedIn: config.locale,
      });
      return true;
    }
    if (
      configChanged ||
      current.wordedIn !== config.locale ||
      (current.draft.stored !== contact.attributes && !sameAttributes(current.draft.stored, contact.attributes))
    ) {
      // In place: a save in flight holds on to this record.
      current.draft = build(contact, config, current.draft);
      current.wordedIn = config.locale;
      return true;
    }
    return false;
  }

  /**
   * Drops the drafts of contacts the tracker no longer has, so a long shift of chats does not grow the editor's
   * memory. A contact leaves the tracker when it is destroyed (in Streams: the agent closed it after contact work);
   * the editor can then neither show nor save its draft, so its unsaved edits go too, reported on the console. While
   * the contact exists its edits are kept, viewed or not. A draft whose save is in flight stays until the save
   * settled. Runs on every change of the tracker, when the element is attached again, and after each save.
   */
  prune(contacts: ReadonlyMap<string, unknown>, viewedId: string | undefined): void {
    for (const [id, current] of this.#drafts) {
      if (contacts.has(id) || id === viewedId || this.#saving.has(current)) continue;
      this.#drafts.delete(id);
      const unsaved = current.draft.changeCount;
      if (unsaved > 0) {
        console.warn(
          `<ccp-attributes>: contact ${id} is gone; its ${unsaved} unsaved change${unsaved === 1 ? ' was' : 's were'} discarded.`,
        );
      }
    }
  }
}

function build(contact: ContactModel, config: DraftConfig, previous: Draft | undefined): Draft {
  return Draft.from(contact, config.schema, { unknownKeys: config.unknownKeys, previous });
}

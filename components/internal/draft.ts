/**
 * The agent's unsaved work on one contact's attributes, with no Lit in it: the fields shown (stored keys and the
 * schema's), the keys being added, and what follows from them (the bytes the contact would hold, the unsaved
 * changes, the problems that block a save, the changes to write).
 *
 * Every total is derived in one place, `#settle` (what one row adds) and `#count` (the totals move by the
 * difference), so they always equal the sum over the rows; a keystroke costs the length of the value typed, not a
 * pass over the other 499 rows. Byte counts come from the validator (`attributesBytes`, `utf8Length`), as the API
 * counts them.
 *
 * A draft is built from a contact's stored attributes and rebuilt (`Draft.from` with `previous`) when they change:
 * the agent's edits and keys being added carry over, an edited value changed elsewhere meanwhile is noted as a
 * conflict, and a key being added that is now stored with the value typed (its save landed) becomes a field.
 */
import type { AttributeProblem } from '../../src/errors.ts';
import {
  attributesBytes,
  attributesFrom,
  checkKey,
  checkValue,
  utf8Length,
  MAX_TOTAL_BYTES,
  type Attributes,
} from '../../src/validate.ts';
import { keyExistsText, keyRepeatedText, problemText } from '../messages/editor.ts';
import { checkFieldValue, type AttributesSchema, type FieldSpec } from '../schema.ts';

/** A broken rule of the API in the editor's language (problems are worded when found, in the language shown then). */
function worded(problem: AttributeProblem | undefined): string | undefined {
  return problem && problemText(problem);
}

/** Whether the byte budget is fine, nearly used up (warn) or exceeded (blocks saving). */
export type BudgetLevel = 'ok' | 'warn' | 'over';

/** The budget level from which the meter warns (90 % of 32,768 bytes). */
export const WARN_BYTES = Math.floor(MAX_TOTAL_BYTES * 0.9);

/** The budget level of a contact holding `bytes` bytes of attributes. */
export function budgetLevel(bytes: number): BudgetLevel {
  return bytes > MAX_TOTAL_BYTES ? 'over' : bytes >= WARN_BYTES ? 'warn' : 'ok';
}

/** One existing (stored or schema-defined) attribute of the contact. */
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

/** The contact a draft is built from. */
export interface DraftContact {
  readonly contactId: string;
  readonly attributes: Readonly<Attributes>;
}

export interface DraftOptions {
  /**
   * With a schema, 'hide' shows only the schema's keys; anything else shows every stored key too ('show' is the
   * default, and `undefined`, which @lit/react or Vue assign to a dropped property, means the default).
   */
  readonly unknownKeys?: 'show' | 'hide' | undefined;
  /** The draft this one replaces: its edits and keys being added are kept. */
  readonly previous?: Draft | undefined;
}

/** What one row adds to the draft's totals. */
interface Tally {
  /** Bytes over what is stored. */
  readonly bytes: number;
  /** 1 when the row holds an unsaved change. */
  readonly changes: number;
  /** 1 when the row cannot be saved as it is. */
  readonly problems: number;
}

const NOTHING: Tally = { bytes: 0, changes: 0, problems: 0 };

interface Field {
  readonly kind: 'field';
  readonly id: number;
  readonly key: string;
  readonly spec: FieldSpec | undefined;
  readonly stored: string | undefined;
  readonly storedBytes: number;
  value: string;
  problem: string | undefined;
  conflict: string | undefined;
  tally: Tally;
}

interface NewField {
  readonly kind: 'new';
  readonly id: number;
  key: string;
  value: string;
  keyProblem: string | undefined;
  valueProblem: string | undefined;
  tally: Tally;
}

let nextId = 1;

function valueOf(attributes: Readonly<Attributes>, key: string): string | undefined {
  return Object.hasOwn(attributes, key) ? attributes[key] : undefined;
}

/** True when the row would be written by a save: an edited field, or a key being added that is not blank. */
function isChanged(row: Field | NewField): boolean {
  return row.kind === 'field' ? row.value !== (row.stored ?? '') : row.key !== '' || row.value !== '';
}

export class Draft {
  readonly contactId: string;
  /** The stored attributes the draft was built from (the contact's `attributes` object). */
  readonly stored: Readonly<Attributes>;
  /** Bytes stored, every key counted (hidden and unshown ones too), as the API counts them. */
  readonly storedBytes: number;
  readonly #schema: AttributesSchema | undefined;
  readonly #fields = new Map<string, Field>();
  /** Keys shown, in order. */
  readonly #order: string[] = [];
  #newFields: readonly NewField[] = [];
  /** Keys being added, with how often each is entered (duplicates are a problem). */
  #newKeyCounts = new Map<string, number>();
  #totals: Tally = NOTHING;

  private constructor(contact: DraftContact, schema: AttributesSchema | undefined, storedBytes: number) {
    this.contactId = contact.contactId;
    this.stored = contact.attributes;
    this.storedBytes = storedBytes;
    this.#schema = schema;
  }

  /**
   * A draft of the contact's stored attributes: the schema's fields first (hidden ones kept but not shown), then
   * the other stored keys unless `unknownKeys` is 'hide'. With `previous`, the agent's work carries over.
   */
  static from(contact: DraftContact, schema: AttributesSchema | undefined, options: DraftOptions = {}): Draft {
    const stored = contact.attributes;
    const draft = new Draft(contact, schema, attributesBytes(stored));
    const previous = options.previous;
    const previousFields = previous ? previous.#fields : undefined;
    const previousNew = previous ? previous.#newFields : [];
    // Keys being added that are now stored with the value typed (their save landed) become ordinary fields.
    const landed = new Map<string, NewField>();
    for (const row of previousNew) {
      if (row.key !== '' && valueOf(stored, row.key) === row.value) landed.set(row.key, row);
    }
    const add = (key: string, spec: FieldSpec | undefined, show: boolean): void => {
      const storedValue = valueOf(stored, key);
      const before = previousFields?.get(key);
      const field: Field = {
        kind: 'field',
        id: before?.id ?? landed.get(key)?.id ?? nextId++,
        key,
        spec,
        stored: storedValue,
        storedBytes: storedValue === undefined ? 0 : utf8Length(storedValue),
        value: storedValue ?? '',
        problem: undefined,
        conflict: undefined,
        tally: NOTHING,
      };
      // The agent's edit wins over what is stored now (never clobbered), except on a field the schema locks.
      if (before && isChanged(before) && !(spec?.readOnly ?? false)) {
        field.value = before.value;
        if (isChanged(field)) field.conflict = before.stored !== storedValue ? (storedValue ?? '') : before.conflict;
      }
      draft.#fields.set(key, field);
      if (show) draft.#order.push(key);
    };
    if (schema) for (const spec of schema.fields) add(spec.key, spec, !spec.hidden);
    if (!schema || options.unknownKeys !== 'hide') {
      for (const key of Object.keys(stored)) if (!draft.#fields.has(key)) add(key, undefined, true);
    }
    draft.#newFields = previousNew
      .filter((row) => landed.get(row.key) !== row)
      .map((row) => ({ ...row, tally: NOTHING }));
    for (const field of draft.#fields.values()) draft.#settle(field);
    draft.#settleNewFields();
    return draft;
  }

  // ---- what it holds ------------------------------------------------------------------------

  /** Keys shown, in display order. */
  get keys(): readonly string[] {
    return this.#order;
  }

  /** One field (shown or hidden by the schema). */
  field(key: string): FieldState | undefined {
    return this.#fields.get(key);
  }

  /** Keys being added. */
  get newFields(): readonly NewFieldState[] {
    return this.#newFields;
  }

  /** Bytes the contact would hold after saving: stored plus edits. */
  get bytesUsed(): number {
    return this.storedBytes + this.#totals.bytes;
  }

  get budgetLevel(): BudgetLevel {
    return budgetLevel(this.bytesUsed);
  }

  /** Number of unsaved changes: edited fields and keys being added that are not blank. */
  get changeCount(): number {
    return this.#totals.changes;
  }

  /** Number of fields and keys being added whose value or key cannot be saved. */
  get problemCount(): number {
    return this.#totals.problems;
  }

  /** Id of the first shown row with a problem, in display order (for focus). */
  get firstInvalidId(): number | undefined {
    for (const key of this.#order) {
      const field = this.#fields.get(key);
      if (field && field.tally.problems > 0) return field.id;
    }
    return this.#newFields.find((row) => row.tally.problems > 0)?.id;
  }

  /** Required schema fields left empty (shown ones). */
  get missingRequired(): readonly FieldSpec[] {
    const schema = this.#schema;
    if (!schema) return [];
    return schema.fields.filter(
      (spec) => spec.required && !spec.hidden && (this.#fields.get(spec.key)?.value ?? '') === '',
    );
  }

  /** What a save writes: the edited fields and the keys being added, as own keys (`__proto__` included). */
  changes(): Attributes {
    const pairs: [string, string][] = [];
    for (const field of this.#fields.values()) if (isChanged(field)) pairs.push([field.key, field.value]);
    for (const row of this.#newFields) if (isChanged(row)) pairs.push([row.key, row.value]);
    return attributesFrom(pairs);
  }

  // ---- edits: each returns whether anything changed -------------------------------------------

  /** Sets the value of a field; O(length of the value). A field the agent edits has no conflict to show any more. */
  setValue(key: string, value: string): boolean {
    const field = this.#fields.get(key);
    if (!field || field.value === value) return false;
    field.value = value;
    field.conflict = undefined;
    this.#settle(field);
    return true;
  }

  /** Adds an empty key being added; returns its id. */
  addField(): number {
    const row: NewField = {
      kind: 'new',
      id: nextId++,
      key: '',
      value: '',
      keyProblem: undefined,
      valueProblem: undefined,
      tally: NOTHING,
    };
    this.#newFields = [...this.#newFields, row];
    return row.id;
  }

  setNewKey(id: number, key: string): boolean {
    const row = this.#newFields.find((candidate) => candidate.id === id);
    if (!row) return false;
    row.key = key;
    // Another row's duplicate may have come or gone: the keys being added are few, so all are checked again.
    this.#settleNewFields();
    return true;
  }

  setNewValue(id: number, value: string): boolean {
    const row = this.#newFields.find((candidate) => candidate.id === id);
    if (!row) return false;
    row.value = value;
    this.#settle(row);
    return true;
  }

  /** Drops a key being added (it was never stored, so nothing is deleted). */
  removeNewField(id: number): boolean {
    const removed = this.#newFields.find((row) => row.id === id);
    if (!removed) return false;
    this.#count(removed, NOTHING);
    this.#newFields = this.#newFields.filter((row) => row !== removed);
    this.#settleNewFields();
    return true;
  }

  /** Throws away every unsaved edit. */
  revert(): void {
    for (const field of this.#fields.values()) {
      field.value = field.stored ?? '';
      field.conflict = undefined;
      this.#settle(field);
    }
    for (const row of this.#newFields) this.#count(row, NOTHING);
    this.#newFields = [];
    this.#newKeyCounts = new Map();
  }

  // ---- the one place totals are derived ---------------------------------------------------------

  /** Derives a row's problems and what it adds to the totals, and moves the totals by the difference. */
  #settle(row: Field | NewField): void {
    const changed = isChanged(row);
    let invalid: boolean;
    if (row.kind === 'field') {
      row.problem = changed
        ? (worded(checkValue(row.key, row.value)) ?? checkFieldValue(row.spec, row.value))
        : undefined;
      invalid = row.problem !== undefined;
    } else {
      row.keyProblem = changed ? this.#newKeyProblem(row.key) : undefined;
      row.valueProblem = changed ? worded(checkValue(row.key, row.value)) : undefined;
      invalid = row.keyProblem !== undefined || row.valueProblem !== undefined;
    }
    // A stored key's bytes are counted already; a key not stored yet adds its own.
    const bytes = !changed
      ? 0
      : row.kind === 'field' && row.stored !== undefined
        ? utf8Length(row.value) - row.storedBytes
        : utf8Length(row.key) + utf8Length(row.value);
    this.#count(row, { bytes, changes: changed ? 1 : 0, problems: invalid ? 1 : 0 });
  }

  /** The only writer of the totals: replaces a row's part in them. */
  #count(row: Field | NewField, tally: Tally): void {
    const totals = this.#totals;
    const before = row.tally;
    this.#totals = {
      bytes: totals.bytes + tally.bytes - before.bytes,
      changes: totals.changes + tally.changes - before.changes,
      problems: totals.problems + tally.problems - before.problems,
    };
    row.tally = tally;
  }

  /** Checks every key being added again (few of them): charset, length, and duplicates. */
  #settleNewFields(): void {
    const counts = new Map<string, number>();
    for (const row of this.#newFields) counts.set(row.key, (counts.get(row.key) ?? 0) + 1);
    this.#newKeyCounts = counts;
    for (const row of this.#newFields) this.#settle(row);
  }

  #newKeyProblem(key: string): string | undefined {
    if (Object.hasOwn(this.stored, key) || this.#fields.has(key) || this.#schema?.byKey.has(key))
      return keyExistsText(key);
    if ((this.#newKeyCounts.get(key) ?? 0) > 1 && key !== '') return keyRepeatedText(key);
    return worded(checkKey(key));
  }
}

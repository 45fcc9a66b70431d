/**
 * The optional field schema of `<ccp-attributes>`: per attribute key a label, a type, and flags.
 * Given as a JS value (the `schema` property) or as JSON (the `schema` attribute); either way it is
 * checked here, and every mistake is reported with the field and property it is about.
 */
import { checkKey } from '../src/validate.ts';

/** How a field is edited. Values are always stored as strings, as the API requires. */
export type FieldType = 'text' | 'multiline' | 'enum' | 'boolean' | 'number' | 'date';

export const FIELD_TYPES: readonly FieldType[] = ['text', 'multiline', 'enum', 'boolean', 'number', 'date'];

/** One choice of an `enum` field. */
export interface FieldOption {
  value: string;
  label: string;
}

/** One field as a page writes it (everything but `key` optional). */
export interface FieldSchemaInput {
  /** The attribute key. */
  key: string;
  /** What the agent reads instead of the key. */
  label?: string;
  /** How the value is edited (default `text`). */
  type?: FieldType;
  /** The choices of an `enum` field: strings, or `{value, label}`. */
  options?: readonly (string | { value: string; label?: string })[];
  /** Shown but not editable. */
  readOnly?: boolean;
  /** Not shown (still counted in the byte budget). */
  hidden?: boolean;
  /** Flagged when empty during after-contact work. */
  required?: boolean;
  /** Shown as dots until the agent reveals it. */
  masked?: boolean;
  /** A short help text under the field. */
  description?: string;
}

/** The `schema` property: a list of fields, an object keyed by attribute key, or that as a JSON string. */
export type SchemaInput = string | readonly FieldSchemaInput[] | Readonly<Record<string, Omit<FieldSchemaInput, 'key'>>>;

/** One field after checking: every flag resolved. */
export interface FieldSpec {
  readonly key: string;
  readonly label: string;
  readonly type: FieldType;
  readonly options: readonly FieldOption[];
  readonly readOnly: boolean;
  readonly hidden: boolean;
  readonly required: boolean;
  readonly masked: boolean;
  readonly description: string | undefined;
}

/** A checked schema: fields in display order, and by key. */
export interface AttributesSchema {
  readonly fields: readonly FieldSpec[];
  readonly byKey: ReadonlyMap<string, FieldSpec>;
}

/** A schema that cannot be used; `problems` lists every mistake found. */
export class SchemaError extends Error {
  override readonly name = 'SchemaError';
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`The attributes schema is not valid: ${problems.join(' ')}`);
    this.problems = problems;
  }
}

const knownProperties = new Set(['key', 'label', 'type', 'options', 'readOnly', 'hidden', 'required', 'masked', 'description']);
const flags = ['readOnly', 'hidden', 'required', 'masked'] as const;

/** Checks a schema given as a value or JSON text; throws a SchemaError naming every mistake. */
export function parseSchema(input: SchemaInput | unknown): AttributesSchema {
  let value: unknown = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new SchemaError([`It is not JSON (${error instanceof Error ? error.message : String(error)}).`]);
    }
  }
  let entries: [string, unknown][];
  if (Array.isArray(value)) {
    entries = value.map((item, index) => [`schema[${index}]`, item]);
  } else if (value !== null && typeof value === 'object') {
    entries = Object.entries(value).map(([key, item]) => [
      `schema.${key}`,
      item !== null && typeof item === 'object' && !Array.isArray(item) ? { key, ...item } : item,
    ]);
  } else {
    throw new SchemaError(['It must be a list of fields or an object keyed by attribute name.']);
  }

  const problems: string[] = [];
  const fields: FieldSpec[] = [];
  const byKey = new Map<string, FieldSpec>();
  for (const [where, item] of entries) {
    const field = parseField(where, item, problems);
    if (!field) continue;
    if (byKey.has(field.key)) {
      problems.push(`${where}: the key "${field.key}" appears twice.`);
      continue;
    }
    byKey.set(field.key, field);
    fields.push(field);
  }
  if (problems.length > 0) throw new SchemaError(problems);
  return { fields, byKey };
}

function parseField(where: string, item: unknown, problems: string[]): FieldSpec | undefined {
  if (item === null || typeof item !== 'object' || Array.isArray(item)) {
    problems.push(`${where} must be an object like {"key": "reason", "label": "Reason"}.`);
    return undefined;
  }
  const record = item as Record<string, unknown>;
  const before = problems.length;
  for (const name of Object.keys(record)) {
    if (!knownProperties.has(name)) {
      problems.push(`${where}: unknown property "${name}" (known: ${[...knownProperties].join(', ')}).`);
    }
  }
  const key = record['key'];
  if (typeof key !== 'string') {
    problems.push(`${where}.key must be a string.`);
  } else {
    const problem = checkKey(key);
    if (problem) problems.push(`${where}.key: ${problem.message}`);
  }
  const label = record['label'];
  if (label !== undefined && typeof label !== 'string') problems.push(`${where}.label must be a string.`);
  const description = record['description'];
  if (description !== undefined && typeof description !== 'string') problems.push(`${where}.description must be a string.`);
  const type = record['type'] ?? 'text';
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    problems.push(`${where}.type: ${JSON.stringify(type)} is not one of ${FIELD_TYPES.join(', ')}.`);
  }
  for (const flag of flags) {
    const flagValue = record[flag];
    if (flagValue !== undefined && typeof flagValue !== 'boolean') problems.push(`${where}.${flag} must be true or false.`);
  }
  const options = parseOptions(where, type, record['options'], problems);
  if (problems.length > before) return undefined;
  const fieldKey = key as string;
  return {
    key: fieldKey,
    label: (label as string | undefined) || fieldKey,
    type: type as FieldType,
    options,
    readOnly: record['readOnly'] === true,
    hidden: record['hidden'] === true,
    required: record['required'] === true,
    masked: record['masked'] === true,
    description: description as string | undefined,
  };
}

function parseOptions(where: string, type: unknown, raw: unknown, problems: string[]): FieldOption[] {
  if (type !== 'enum') {
    if (raw !== undefined) problems.push(`${where}.options is only for fields of type "enum".`);
    return [];
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    problems.push(`${where}.options must list the choices of an "enum" field, e.g. ["open", "closed"].`);
    return [];
  }
  const options: FieldOption[] = [];
  const seen = new Set<string>();
  raw.forEach((option: unknown, index) => {
    let parsed: FieldOption | undefined;
    if (typeof option === 'string') parsed = { value: option, label: option };
    else if (option !== null && typeof option === 'object' && typeof (option as { value?: unknown }).value === 'string') {
      const { value, label } = option as { value: string; label?: unknown };
      if (label !== undefined && typeof label !== 'string') {
        problems.push(`${where}.options[${index}].label must be a string.`);
        return;
      }
      parsed = { value, label: label || value };
    }
    if (!parsed) {
      problems.push(`${where}.options[${index}] must be a string or {"value": "...", "label": "..."}.`);
      return;
    }
    if (seen.has(parsed.value)) {
      problems.push(`${where}.options[${index}]: the choice "${parsed.value}" appears twice.`);
      return;
    }
    seen.add(parsed.value);
    options.push(parsed);
  });
  return options;
}

/** Why a value does not fit its field's type, or undefined. Empty values always fit (see `required`). */
export function checkFieldValue(spec: FieldSpec | undefined, value: string): string | undefined {
  if (!spec || value === '') return undefined;
  switch (spec.type) {
    case 'number':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) && Number.isFinite(Number(value))
        ? undefined
        : `${spec.label} must be a number, like 42 or 3.5.`;
    case 'date': {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
      return date && date.toISOString().startsWith(value) ? undefined : `${spec.label} must be a date written YYYY-MM-DD.`;
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : `${spec.label} must be true or false.`;
    default:
      return undefined;
  }
}

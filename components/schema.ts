/**
 * The optional field schema of `<ccp-attributes>`: per attribute key a label, a type, and flags.
 * Given as a JS value (the `schema` property) or as JSON (the `schema` attribute); either way it is
 * checked here, and every mistake is reported with the field and property it is about (in English:
 * they are for the page's developer). Labels and descriptions may be given per language.
 */
import { checkKey } from '../src/validate.ts';
import { booleanProblemText, dateProblemText, numberProblemText } from './messages/editor.ts';
import { activeLocale } from './messages/localization.ts';

/** How a field is edited. Values are always stored as strings, as the API requires. */
export type FieldType = 'text' | 'multiline' | 'enum' | 'boolean' | 'number' | 'date';

export const FIELD_TYPES: readonly FieldType[] = ['text', 'multiline', 'enum', 'boolean', 'number', 'date'];

/** Text for the agent: one for every language, or one per language tag (`{"en": "Reason", "de": "Grund"}`). */
export type LocalizedText = string | Readonly<Record<string, string>>;

/** One choice of an `enum` field. */
export interface FieldOption {
  value: string;
  /** The label in English, or the one given. */
  label: string;
  /** The labels per language tag, when given per language. */
  labels?: ReadonlyMap<string, string>;
}

/** One field as a page writes it (everything but `key` optional). */
export interface FieldSchemaInput {
  /** The attribute key. */
  key: string;
  /** What the agent reads instead of the key, in one language or per language tag. */
  label?: LocalizedText;
  /** How the value is edited (default `text`). */
  type?: FieldType;
  /** The choices of an `enum` field: strings, or `{value, label}` (a label may be given per language). */
  options?: readonly (string | { value: string; label?: LocalizedText })[];
  /** Shown but not editable. */
  readOnly?: boolean;
  /** Not shown (still counted in the byte budget). */
  hidden?: boolean;
  /** Flagged when empty during after-contact work. */
  required?: boolean;
  /** Shown as dots until the agent reveals it. */
  masked?: boolean;
  /** A short help text under the field, in one language or per language tag. */
  description?: LocalizedText;
}

/** The `schema` property: a list of fields, an object keyed by attribute key, or that as a JSON string. */
export type SchemaInput =
  string | readonly FieldSchemaInput[] | Readonly<Record<string, Omit<FieldSchemaInput, 'key'>>>;

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
  /** Labels and descriptions per language tag, when given per language (`label` and `description` are the English or first ones). */
  readonly labels?: ReadonlyMap<string, string>;
  readonly descriptions?: ReadonlyMap<string, string>;
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

const knownProperties = new Set([
  'key',
  'label',
  'type',
  'options',
  'readOnly',
  'hidden',
  'required',
  'masked',
  'description',
]);
const flags = ['readOnly', 'hidden', 'required', 'masked'] as const;

/** Checks a schema given as a value or JSON text (a `SchemaInput`, or anything); throws a SchemaError naming every mistake. */
export function parseSchema(input: unknown): AttributesSchema {
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
  const label = parseText(`${where}.label`, record['label'], problems);
  const description = parseText(`${where}.description`, record['description'], problems);
  const type = record['type'] ?? 'text';
  if (typeof type !== 'string' || !(FIELD_TYPES as readonly string[]).includes(type)) {
    problems.push(`${where}.type: ${JSON.stringify(type)} is not one of ${FIELD_TYPES.join(', ')}.`);
  }
  for (const flag of flags) {
    const flagValue = record[flag];
    if (flagValue !== undefined && typeof flagValue !== 'boolean')
      problems.push(`${where}.${flag} must be true or false.`);
  }
  const options = parseOptions(where, type, record['options'], problems);
  if (problems.length > before) return undefined;
  const fieldKey = key as string;
  return {
    key: fieldKey,
    label: label?.text || fieldKey,
    type: type as FieldType,
    options,
    readOnly: record['readOnly'] === true,
    hidden: record['hidden'] === true,
    required: record['required'] === true,
    masked: record['masked'] === true,
    description: description?.text,
    ...(label?.perLanguage ? { labels: label.perLanguage } : {}),
    ...(description?.perLanguage ? { descriptions: description.perLanguage } : {}),
  };
}

/**
 * Reads text given for every language or per language tag: the English (else the first) text, and the texts by
 * tag. Undefined when not given; a problem is recorded when it is neither a string nor an object of strings keyed by
 * language tags.
 */
function parseText(
  where: string,
  raw: unknown,
  problems: string[],
): { text: string; perLanguage?: ReadonlyMap<string, string> } | undefined {
  if (raw === undefined || typeof raw === 'string') return raw === undefined ? undefined : { text: raw };
  const entries = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? Object.entries(raw) : [];
  const perLanguage = new Map<string, string>();
  for (const [tag, text] of entries) {
    let canonical: string | undefined;
    try {
      canonical = Intl.getCanonicalLocales(tag.replace(/_/g, '-'))[0];
    } catch {
      canonical = undefined;
    }
    if (!canonical || typeof text !== 'string') {
      problems.push(`${where}: ${JSON.stringify(tag)} must be a language tag (like "en" or "pt-BR") with a string.`);
      return undefined;
    }
    perLanguage.set(canonical, text);
  }
  const first = perLanguage.values().next();
  if (first.done) {
    problems.push(
      `${where} must be a string, or an object of strings by language tag like {"en": "Reason", "de": "Grund"}.`,
    );
    return undefined;
  }
  return { text: perLanguage.get('en') ?? first.value, perLanguage };
}

/**
 * The text for `locale` among texts given per language tag: the tag itself, else its language alone (`pt` for
 * `pt-BR`), else the same language with another region (`de-AT` for `de`; never another script of Chinese), else
 * undefined.
 */
function pick(texts: ReadonlyMap<string, string> | undefined, locale: string): string | undefined {
  if (!texts) return undefined;
  const wanted = locale.toLowerCase();
  const language = wanted.split('-')[0] ?? wanted;
  let sameLanguage: string | undefined;
  for (const [tag, text] of texts) {
    const lower = tag.toLowerCase();
    if (lower === wanted) return text;
    if (lower === language) sameLanguage = text;
  }
  if (sameLanguage !== undefined || language === 'zh') return sameLanguage;
  for (const [tag, text] of texts) if (tag.toLowerCase().startsWith(`${language}-`)) return text;
  return undefined;
}

/** A field's label in `locale` (the editor's language by default). */
export function labelOf(spec: FieldSpec, locale: string = activeLocale()): string {
  return pick(spec.labels, locale) ?? spec.label;
}

/** A field's description in `locale` (the editor's language by default). */
export function descriptionOf(spec: FieldSpec, locale: string = activeLocale()): string | undefined {
  return pick(spec.descriptions, locale) ?? spec.description;
}

/** A choice's label in `locale` (the editor's language by default). */
export function optionLabelOf(option: FieldOption, locale: string = activeLocale()): string {
  return pick(option.labels, locale) ?? option.label;
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
    else if (
      option !== null &&
      typeof option === 'object' &&
      typeof (option as { value?: unknown }).value === 'string'
    ) {
      const { value, label: rawLabel } = option as { value: string; label?: unknown };
      const before = problems.length;
      const label = parseText(`${where}.options[${index}].label`, rawLabel, problems);
      if (problems.length > before) return;
      parsed = { value, label: label?.text || value, ...(label?.perLanguage ? { labels: label.perLanguage } : {}) };
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

/** Why a value does not fit its field's type, in the editor's language, or undefined. Empty values always fit (see `required`). */
export function checkFieldValue(spec: FieldSpec | undefined, value: string): string | undefined {
  if (!spec || value === '') return undefined;
  switch (spec.type) {
    case 'number':
      return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(value) && Number.isFinite(Number(value))
        ? undefined
        : numberProblemText(labelOf(spec));
    case 'date': {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
      return date && date.toISOString().startsWith(value) ? undefined : dateProblemText(labelOf(spec));
    }
    case 'boolean':
      return value === 'true' || value === 'false' ? undefined : booleanProblemText(labelOf(spec));
    default:
      return undefined;
  }
}

/**
 * The rules of UpdateContactAttributes, checked before any request leaves the browser.
 * Source: the UpdateContactAttributes API reference and botocore's connect model (service-2.json):
 * keys match [a-zA-Z0-9_-], 1..32,767 characters; values are strings of 0..32,767 characters;
 * InstanceId 1..100 characters; InitialContactId 1..256 characters; at most 32,768 UTF-8 bytes of keys and values per contact,
 * counted on what is stored after the merge.
 * The editor widget, the tagging rules, the outbox and the client all use this one module.
 */
import { validationError, type AttributeProblem } from './errors.ts';

/** Attribute key/value pairs as the API takes them. */
export type Attributes = Record<string, string>;

export const MAX_TOTAL_BYTES = 32_768;
export const MAX_KEY_LENGTH = 32_767;
export const MAX_VALUE_LENGTH = 32_767;
export const MAX_INSTANCE_ID_LENGTH = 100;
export const MAX_INITIAL_CONTACT_ID_LENGTH = 256;
const KEY_PATTERN = /^[A-Za-z0-9_-]+$/;

/** UTF-8 length of a string, without allocating (lone surrogates count as U+FFFD, 3 bytes, as TextEncoder does). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** Bytes the API counts for a set of attributes: every key and every value, in UTF-8. */
export function attributesBytes(attributes: Readonly<Attributes>): number {
  let bytes = 0;
  for (const [key, value] of Object.entries(attributes)) bytes += utf8Length(key) + utf8Length(value);
  return bytes;
}

/**
 * Attributes from key/value pairs, for every key the API accepts: `Object.fromEntries` defines own properties,
 * where `attributes[key] = value` calls the `__proto__` setter inherited from Object.prototype and drops that
 * key in silence. The result is a plain object (JSON, structuredClone and IndexedDB keep an own `__proto__`).
 * A later pair wins over an earlier one with the same key.
 */
export function attributesFrom(pairs: Iterable<readonly [string, string]>): Attributes {
  return Object.fromEntries(pairs);
}

/** The stored result of an update: later values win per key; nothing is ever deleted (the API cannot delete). */
export function mergeAttributes(stored: Readonly<Attributes>, update: Readonly<Attributes>): Attributes {
  // Spread defines own properties, so an own `__proto__` key is copied like any other.
  return { ...stored, ...update };
}

/** The problem with one key, or undefined when the API accepts it. */
export function checkKey(key: string): AttributeProblem | undefined {
  if (key.length === 0) return { field: 'key', key, code: 'empty', message: 'An attribute name cannot be empty.' };
  if (key.length > MAX_KEY_LENGTH) {
    return {
      field: 'key',
      key,
      code: 'too-long',
      message: `An attribute name can have at most ${MAX_KEY_LENGTH} characters.`,
    };
  }
  if (!KEY_PATTERN.test(key)) {
    return {
      field: 'key',
      key,
      code: 'charset',
      message: `"${shorten(key)}" can use only letters A-Z and a-z, digits, dash (-) and underscore (_).`,
    };
  }
  return undefined;
}

/** The problem with one value, or undefined when the API accepts it. */
export function checkValue(key: string, value: unknown): AttributeProblem | undefined {
  if (typeof value !== 'string') {
    return {
      field: 'value',
      key,
      code: 'not-string',
      message: `The value of "${shorten(key)}" must be text, not ${describe(value)}.`,
    };
  }
  if (value.length > MAX_VALUE_LENGTH) {
    return {
      field: 'value',
      key,
      code: 'too-long',
      message: `The value of "${shorten(key)}" can have at most ${MAX_VALUE_LENGTH} characters.`,
    };
  }
  return undefined;
}

/** The problem with the byte budget of a contact's attributes, or undefined when they fit. */
export function checkBudget(total: Readonly<Attributes>): AttributeProblem | undefined {
  const bytes = attributesBytes(total);
  if (bytes <= MAX_TOTAL_BYTES) return undefined;
  return {
    field: 'attributes',
    code: 'over-budget',
    message: `A contact can hold at most ${MAX_TOTAL_BYTES} bytes of attributes; this would make ${bytes} bytes.`,
  };
}

/** Inputs of one UpdateContactAttributes call. */
export interface UpdateInput {
  instanceId: string;
  initialContactId: string;
  attributes: Readonly<Attributes>;
  /** What is known to be stored already: the budget is then counted on the merged result. */
  stored?: Readonly<Attributes> | undefined;
}

/** Every rule the update breaks; empty when the API would accept it. */
export function checkUpdate(input: UpdateInput): AttributeProblem[] {
  const problems: AttributeProblem[] = [];
  if (typeof input.instanceId !== 'string' || input.instanceId.length === 0) {
    problems.push({ field: 'instanceId', code: 'missing', message: 'The Amazon Connect instance id is missing.' });
  } else if (input.instanceId.length > MAX_INSTANCE_ID_LENGTH) {
    problems.push({
      field: 'instanceId',
      code: 'too-long',
      message: `An Amazon Connect instance id can have at most ${MAX_INSTANCE_ID_LENGTH} characters.`,
    });
  }
  if (typeof input.initialContactId !== 'string' || input.initialContactId.length === 0) {
    problems.push({ field: 'initialContactId', code: 'missing', message: 'The contact id is missing.' });
  } else if (input.initialContactId.length > MAX_INITIAL_CONTACT_ID_LENGTH) {
    problems.push({
      field: 'initialContactId',
      code: 'too-long',
      message: `A contact id can have at most ${MAX_INITIAL_CONTACT_ID_LENGTH} characters.`,
    });
  }
  const attributes: unknown = input.attributes;
  if (attributes === null || typeof attributes !== 'object' || Array.isArray(attributes)) {
    problems.push({ field: 'attributes', code: 'missing', message: 'The attributes to write are missing.' });
    return problems;
  }
  for (const [key, value] of Object.entries(attributes)) {
    const problem = checkKey(key) ?? checkValue(key, value);
    if (problem) problems.push(problem);
  }
  if (problems.length === 0) {
    const budget = checkBudget(input.stored ? mergeAttributes(input.stored, input.attributes) : input.attributes);
    if (budget) problems.push(budget);
  }
  return problems;
}

/** Throws a `validation` AttributesError listing every broken rule, unless the update is valid. */
export function assertValidUpdate(input: UpdateInput): void {
  const problems = checkUpdate(input);
  if (problems.length > 0) throw validationError(problems);
}

function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

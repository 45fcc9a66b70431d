/**
 * Tagging rules: plain JSON for the script tag and config files (JS callers may also pass functions
 * as values), validated with errors that name the rule (index and id/name) and the field.
 */
import type { Channel } from '../tracker/types.ts';
import { checkKey, checkValue } from '../validate.ts';
import {
  parseTemplate,
  TAG_EVENTS,
  TemplateError,
  type TagEvent,
  type Template,
  type TemplateContext,
} from './template.ts';

/** A value a rule sets: a template string, or (from JavaScript) a function; `undefined` from a function skips the key. */
export type TagValue = string | ((context: TemplateContext) => string | undefined);

/** A condition on one attribute of the contact. */
export type AttributeCondition = { present: true } | { absent: true } | { equals: string | readonly string[] };

/** When a rule applies, beyond its events; every given part must hold. */
export interface TagCondition {
  /** The contact's channel is one of these. */
  channel?: Channel | readonly Channel[];
  /** The contact's queue name is one of these. */
  queue?: string | readonly string[];
  /** Conditions on the contact's attributes, by attribute name. */
  attributes?: Readonly<Record<string, AttributeCondition>>;
}

/** A rule as written (JSON or JavaScript). */
export interface TagRuleInput {
  /** Stable id: the fired markers use it, so keep it when editing a rule (default: name, else `rule-<index>`). */
  id?: string;
  name?: string;
  /** The event(s) that fire the rule. */
  on: TagEvent | readonly TagEvent[];
  when?: TagCondition;
  /** Attributes to set. */
  set: Readonly<Record<string, TagValue>>;
}

/**
 * What a list of tagging rules may be given as: rules as written (`TagRuleInput[]`), rules `parseRules` already
 * returned (`TagRule[]`), or the list as JSON text.
 */
export type TagRulesInput = readonly TagRuleInput[] | readonly TagRule[] | string;

/** A validated rule. */
export interface TagRule {
  id: string;
  name: string | undefined;
  on: readonly TagEvent[];
  when: TagCondition | undefined;
  set: Readonly<Record<string, TagValue>>;
  /** The parsed templates of the string values. */
  templates: ReadonlyMap<string, Template>;
}

/** One problem of a rule list. */
export interface TagRuleProblem {
  /** Position of the rule in the list (-1 for the list itself). */
  index: number;
  /** The rule's id or name when it has one. */
  rule: string | undefined;
  /** The field concerned, e.g. `set.HandledBy` or `when.channel`. */
  field: string;
  message: string;
}

/** Thrown by `parseRules`: lists every problem found, each naming the rule and the field. */
export class TagRuleError extends Error {
  override readonly name = 'TagRuleError';
  readonly problems: readonly TagRuleProblem[];

  constructor(problems: readonly TagRuleProblem[]) {
    const lines = problems.map(
      (p) =>
        `  ${p.index < 0 ? 'rules' : `rules[${p.index}]${p.rule === undefined ? '' : ` "${p.rule}"`}`}${p.field ? ` ${p.field}` : ''}: ${p.message}`,
    );
    super(
      `Invalid tagging rules (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${lines.join('\n')}`,
    );
    this.problems = problems;
  }
}

const CHANNELS: readonly Channel[] = ['voice', 'chat', 'task', 'email', 'callback', 'unknown'];
const RULE_FIELDS = new Set(['id', 'name', 'on', 'when', 'set']);
const WHEN_FIELDS = new Set(['channel', 'queue', 'attributes']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? JSON.stringify(value) : `a ${typeof value}`;
}

/**
 * Validates a rule list (parsed JSON, or a JSON string) and returns the rules. Throws a
 * TagRuleError listing every problem, each naming the rule by index and id/name, and the field.
 */
export function parseRules(json: unknown): TagRule[] {
  let input = json;
  if (typeof input === 'string') {
    try {
      input = JSON.parse(input) as unknown;
    } catch (error) {
      throw new TagRuleError([
        { index: -1, rule: undefined, field: '', message: `not valid JSON (${(error as Error).message})` },
      ]);
    }
  }
  if (isRecord(input) && Array.isArray(input['rules'])) input = input['rules'];
  if (!Array.isArray(input)) {
    throw new TagRuleError([
      { index: -1, rule: undefined, field: '', message: `expected a list of rules, got ${describe(input)}` },
    ]);
  }
  const problems: TagRuleProblem[] = [];
  const rules: TagRule[] = [];
  const ids = new Map<string, number>();
  input.forEach((raw: unknown, index) => {
    const label = isRecord(raw) ? labelOf(raw) : undefined;
    const problem = (field: string, message: string): void =>
      void problems.push({ index, rule: label, field, message });
    if (!isRecord(raw)) {
      problem('', `expected a rule object, got ${describe(raw)}`);
      return;
    }
    for (const field of Object.keys(raw))
      if (!RULE_FIELDS.has(field)) problem(field, `unknown field (known: ${[...RULE_FIELDS].join(', ')})`);
    for (const field of ['id', 'name'] as const) {
      if (raw[field] !== undefined && (typeof raw[field] !== 'string' || raw[field] === ''))
        problem(field, `expected a non-empty string, got ${describe(raw[field])}`);
    }
    const id = label ?? `rule-${index}`;
    const seen = ids.get(id);
    if (seen !== undefined)
      problem('id', `the same id as rules[${seen}]; ids must be unique (they name the fired markers)`);
    else ids.set(id, index);

    const on = toList(raw['on']);
    if (on === undefined || on.length === 0)
      problem('on', `expected an event or a list of events (${TAG_EVENTS.join(', ')}), got ${describe(raw['on'])}`);
    else
      for (const event of on)
        if (!(TAG_EVENTS as readonly unknown[]).includes(event))
          problem('on', `${describe(event)} is not an event; use ${TAG_EVENTS.join(', ')}`);

    const when = raw['when'];
    if (when !== undefined) checkWhen(when, problem);

    const templates = new Map<string, Template>();
    const set = raw['set'];
    if (!isRecord(set) || Object.keys(set).length === 0)
      problem('set', `expected an object of attributes to set, got ${describe(set)}`);
    else {
      for (const [key, value] of Object.entries(set)) {
        const keyProblem = checkKey(key);
        if (keyProblem) problem(`set.${key}`, keyProblem.message);
        if (typeof value === 'function') continue;
        if (typeof value !== 'string') {
          problem(`set.${key}`, `expected a string (literal or template) or a function, got ${describe(value)}`);
          continue;
        }
        const valueProblem = checkValue(key, value);
        if (valueProblem) problem(`set.${key}`, valueProblem.message);
        try {
          templates.set(key, parseTemplate(value));
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          problem(`set.${key}`, error.message);
        }
      }
    }
    rules.push({
      id,
      name: typeof raw['name'] === 'string' ? raw['name'] : undefined,
      on: (on ?? []) as TagEvent[],
      when: isRecord(when) ? when : undefined,
      set: (isRecord(set) ? set : {}) as Record<string, TagValue>,
      templates,
    });
  });
  if (problems.length > 0) throw new TagRuleError(problems);
  return rules;
}

function labelOf(raw: Record<string, unknown>): string | undefined {
  const id = raw['id'];
  const name = raw['name'];
  if (typeof id === 'string' && id !== '') return id;
  if (typeof name === 'string' && name !== '') return name;
  return undefined;
}

function toList(value: unknown): unknown[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value as unknown[];
  return undefined;
}

function checkWhen(when: unknown, problem: (field: string, message: string) => void): void {
  if (!isRecord(when)) {
    problem('when', `expected an object with channel, queue and/or attributes, got ${describe(when)}`);
    return;
  }
  for (const field of Object.keys(when))
    if (!WHEN_FIELDS.has(field)) problem(`when.${field}`, `unknown condition (known: ${[...WHEN_FIELDS].join(', ')})`);
  if (when['channel'] !== undefined) {
    const channels = toList(when['channel']);
    if (!channels || channels.length === 0)
      problem('when.channel', `expected a channel or a list of channels, got ${describe(when['channel'])}`);
    else
      for (const channel of channels)
        if (!(CHANNELS as readonly unknown[]).includes(channel))
          problem('when.channel', `${describe(channel)} is not a channel; use ${CHANNELS.join(', ')}`);
  }
  if (when['queue'] !== undefined) {
    const queues = toList(when['queue']);
    if (!queues || queues.length === 0 || queues.some((q) => typeof q !== 'string'))
      problem('when.queue', `expected a queue name or a list of names, got ${describe(when['queue'])}`);
  }
  const attributes = when['attributes'];
  if (attributes === undefined) return;
  if (!isRecord(attributes)) {
    problem('when.attributes', `expected an object of attribute conditions, got ${describe(attributes)}`);
    return;
  }
  for (const [key, condition] of Object.entries(attributes)) {
    const field = `when.attributes.${key}`;
    const keyProblem = checkKey(key);
    if (keyProblem) problem(field, keyProblem.message);
    const valid =
      isRecord(condition) &&
      Object.keys(condition).length === 1 &&
      (condition['present'] === true ||
        condition['absent'] === true ||
        typeof condition['equals'] === 'string' ||
        (Array.isArray(condition['equals']) && condition['equals'].every((v) => typeof v === 'string')));
    if (valid) continue;
    // JSON.stringify returns undefined for undefined, a function or a symbol (its lib type says string).
    const shown = (JSON.stringify(condition) as string | undefined) ?? describe(condition);
    const expected = '{"present": true}, {"absent": true} or {"equals": "value" | ["value", ...]}';
    problem(field, `expected ${expected}, got ${shown}`);
  }
}

/** True when the rule's condition holds for the contact. */
export function matches(condition: TagCondition | undefined, context: TemplateContext): boolean {
  if (!condition) return true;
  const { contact } = context;
  if (condition.channel !== undefined && !asList(condition.channel).includes(contact.channel)) return false;
  if (condition.queue !== undefined && !asList(condition.queue).includes(contact.queue?.name ?? '\u0000none'))
    return false;
  for (const [key, test] of Object.entries(condition.attributes ?? {})) {
    const has = Object.hasOwn(contact.attributes, key);
    const value = has ? contact.attributes[key] : undefined;
    if ('present' in test && !has) return false;
    if ('absent' in test && has) return false;
    if ('equals' in test && (value === undefined || !asList(test.equals).includes(value))) return false;
  }
  return true;
}

function asList<T>(value: T | readonly T[]): readonly T[] {
  return Array.isArray(value) ? (value as readonly T[]) : [value as T];
}

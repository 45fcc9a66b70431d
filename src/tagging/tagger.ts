/**
 * The tagging engine: on each lifecycle event the tracker reports, every matching rule renders its
 * attributes, and the rules of the event go to the outbox together (one store transaction: one
 * request, and one IndexedDB write instead of one per rule) with origin 'rule' and a fired marker
 * per rule, so each (contact, event, rule) fires at most once, also across tabs and reloads (the
 * markers are checked and set in the same store transaction as the write; a rule whose marker is
 * set is left out, so a rule added later still fires once).
 */
import { attributesFrom, type Attributes } from '../validate.ts';
import type { ContactEvent, ContactTrackerLike } from '../tracker/types.ts';
import type { ContactRef, WriteOptions } from '../writer.ts';
import { matches, parseRules, type TagRule, type TagRulesInput } from './rules.ts';
import { renderTemplate, TAG_EVENTS, type TagEvent, type TemplateContext } from './template.ts';

/** The outbox surface the tagger writes through (`Outbox` fits). */
export interface TaggingOutbox {
  write(
    contact: ContactRef,
    attributes: Readonly<Attributes>,
    options: WriteOptions & { once?: string },
  ): Promise<unknown>;
  /**
   * When present, the rules one event matched are written with one call: one store transaction that checks and
   * sets every rule's marker (`Outbox.writeBatch`); one promise per part. Without it, one `write` per rule.
   */
  writeBatch?(
    contact: ContactRef,
    parts: readonly { attributes: Readonly<Attributes>; once: string }[],
    options: WriteOptions,
  ): Promise<unknown>[];
}

/** The tracker surface the tagger listens to (`ContactTracker` fits). */
export type TaggingTracker = Pick<ContactTrackerLike, 'on'>;

/** Why a rule did not write. */
export interface TaggingErrorDetail {
  error: unknown;
  rule: TagRule;
  event: ContactEvent;
}

export interface TaggerOptions {
  tracker: TaggingTracker;
  outbox: TaggingOutbox;
  /**
   * Rules as plain objects (`TagRuleInput[]`), as JSON text, or already parsed (`TagRule[]`); validated by `parseRules`
   * (which throws on problems, for JavaScript callers and JSON alike).
   */
  rules: TagRulesInput;
  /** Called when a rule cannot write (a function value threw, no instance id, the outbox refused). Default: console.error. */
  onError?: (detail: TaggingErrorDetail) => void;
  /** Called after a rule's attributes were queued (not yet landed). */
  onTag?: (detail: { rule: TagRule; event: ContactEvent; attributes: Attributes }) => void;
}

/** A running tagger. */
export interface Tagger {
  readonly rules: readonly TagRule[];
  /**
   * Stops running the rules (another page runs them: an agent workspace app while the service runs) or runs them
   * again, from the next event on.
   */
  setActive(active: boolean): void;
  /** Stops listening to the tracker. */
  dispose(): void;
}

function isParsed(rules: unknown): rules is readonly TagRule[] {
  return (
    Array.isArray(rules) &&
    rules.every(
      (rule: unknown) =>
        typeof rule === 'object' && rule !== null && 'templates' in rule && (rule as TagRule).templates instanceof Map,
    )
  );
}

/** What an outbox call threw, as the Error its promise rejects with (a thrown non-Error is the cause of one). */
function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error('The outbox threw a non-Error value.', { cause: error });
}

/** The fired marker of one (contact, event, rule). */
export function firedMarker(contactId: string, event: TagEvent, ruleId: string): string {
  return `tag:${contactId}:${event}:${ruleId}`;
}

/** A function value's result as an attribute value: a string as is, a number or a boolean as text, objects as JSON. */
function resultText(result: unknown): string {
  if (typeof result === 'string') return result;
  if (typeof result === 'number' || typeof result === 'boolean' || typeof result === 'bigint') return String(result);
  // JSON.stringify returns undefined for a function or a symbol (its lib type says string): they show as their type.
  const json = JSON.stringify(result) as string | undefined;
  return json ?? `[${typeof result}]`;
}

/** Renders a rule's attributes for one event; a function value returning undefined leaves its key out. */
export function renderRule(rule: TagRule, context: TemplateContext): Attributes {
  const pairs: [string, string][] = [];
  for (const [key, value] of Object.entries(rule.set)) {
    if (typeof value === 'function') {
      // JavaScript callers can pass anything: a function written in JavaScript may return a number or an object.
      const result: unknown = value(context);
      if (result === undefined) continue;
      pairs.push([key, resultText(result)]);
    } else {
      const template = rule.templates.get(key);
      pairs.push([key, template ? renderTemplate(template, context) : value]);
    }
  }
  return attributesFrom(pairs);
}

/** Starts tagging: subscribes to the tracker's lifecycle events; `dispose()` stops it. */
export function createTagger(options: TaggerOptions): Tagger {
  const { tracker, outbox } = options;
  // JavaScript callers can pass anything: the required options are checked through a type that admits their absence.
  const given: Partial<TaggerOptions> = options;
  if (typeof given.tracker?.on !== 'function') throw new TypeError('createTagger: the `tracker` option is required.');
  if (typeof given.outbox?.write !== 'function') throw new TypeError('createTagger: the `outbox` option is required.');
  const rules = isParsed(options.rules) ? options.rules : parseRules(options.rules);
  const onError =
    options.onError ??
    ((detail: TaggingErrorDetail) =>
      console.error(`ccp-attributes: tagging rule "${detail.rule.id}" on ${detail.event.type}:`, detail.error));
  /** When this tab saw each event of each contact, for `{{time.*}}` and `{{duration.*}}`. */
  const times = new Map<string, Partial<Record<TagEvent, Date>>>();
  let disposed = false;
  let active = true;

  const handle = (type: TagEvent, event: ContactEvent): void => {
    if (disposed) return;
    const { contact } = event;
    const seen = times.get(contact.contactId) ?? {};
    seen[type] ??= event.at;
    times.set(contact.contactId, seen);
    // Inactive, the times are still kept: `{{duration.*}}` stays right once the rules run here again.
    if (!active) {
      if (type === 'destroyed') times.delete(contact.contactId);
      return;
    }
    const context: TemplateContext = { agent: event.agent, contact, event: { type, at: event.at }, times: { ...seen } };
    const matched: { rule: TagRule; attributes: Attributes; once: string }[] = [];
    for (const rule of rules) {
      if (!rule.on.includes(type) || !matches(rule.when, context)) continue;
      try {
        if (!contact.instanceId)
          throw contact.instanceError ?? new Error('The contact has no Amazon Connect instance id.');
        const attributes = renderRule(rule, context);
        if (Object.keys(attributes).length === 0) continue;
        matched.push({ rule, attributes, once: firedMarker(contact.contactId, type, rule.id) });
      } catch (error) {
        onError({ error, rule, event });
      }
    }
    if (matched.length > 0) {
      const { contactId, initialContactId, instanceId, region } = contact;
      const ref: ContactRef = { contactId, initialContactId, instanceId, region };
      const writeOptions: WriteOptions = { origin: 'rule', stored: contact.attributes };
      // Every rule of this event in one outbox write (one store transaction, every marker checked and set in it).
      let writes: Promise<unknown>[];
      if (typeof outbox.writeBatch === 'function') {
        try {
          writes = outbox.writeBatch(
            ref,
            matched.map(({ attributes, once }) => ({ attributes, once })),
            writeOptions,
          );
        } catch (error) {
          writes = matched.map(() => Promise.reject(asError(error)));
        }
      } else {
        writes = matched.map(({ attributes, once }) => {
          try {
            return outbox.write(ref, attributes, { ...writeOptions, once });
          } catch (error) {
            return Promise.reject(asError(error));
          }
        });
      }
      matched.forEach(({ rule, attributes }, index) => {
        const write = writes[index] ?? Promise.reject(new Error('The outbox returned no promise for this rule.'));
        write.catch((error: unknown) => {
          if (!disposed || !(error instanceof DOMException && error.name === 'AbortError'))
            onError({ error, rule, event });
        });
        try {
          options.onTag?.({ rule, event, attributes });
        } catch (error) {
          onError({ error, rule, event });
        }
      });
    }
    if (type === 'destroyed') times.delete(contact.contactId);
  };

  const unsubscribe = TAG_EVENTS.map((type) => tracker.on(type, (event: ContactEvent) => handle(type, event)));
  return {
    rules,
    setActive(value) {
      active = value;
    },
    dispose() {
      disposed = true;
      for (const off of unsubscribe) off();
    },
  };
}

/** The outbox's `failed` event as recordLandedWrites reads it. */
type FailedShape = { entry?: { contact: ContactRef; attributes: Attributes; accepted?: unknown } } | undefined;

/**
 * Records every landed write in the tracker's model, so tags show in the widget's view of the contact; and every
 * write a queued relay accepted (durable there; stored by Amazon Connect shortly), so the editor shows what the
 * agent saved and the byte budget counts it. An accepted write that fails afterwards (the outbox's `failed` event
 * with `entry.accepted`) is taken back with `tracker.forgetWrite` when the tracker has it: its values are in the
 * kept failures, not stored. Returns the unsubscribe function.
 */
export function recordLandedWrites(
  outbox: {
    on(
      type: 'landed' | 'accepted',
      listener: (event: { contact: ContactRef; attributes: Attributes }) => void,
    ): () => void;
  },
  tracker: Pick<ContactTrackerLike, 'recordWrite' | 'forgetWrite'>,
): () => void {
  const record = ({ contact, attributes }: { contact: ContactRef; attributes: Attributes }): void =>
    tracker.recordWrite(contact.initialContactId, attributes);
  // The outbox's `failed` event, read defensively: another writer may have none, or another shape under that name.
  const failures = outbox as unknown as { on(type: 'failed', listener: (event: FailedShape) => void): () => void };
  const off = [
    outbox.on('landed', record),
    outbox.on('accepted', record),
    failures.on('failed', (event) => {
      const entry = event?.entry;
      if (entry?.accepted) tracker.forgetWrite?.(entry.contact.initialContactId, entry.attributes);
    }),
  ];
  return () => off.forEach((unsubscribe) => unsubscribe());
}

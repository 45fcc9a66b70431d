/**
 * The rules panel: each tagging rule and where it stands for the contact on screen, as the tagger and the outbox
 * report it: queued (the tagger's onTag), stored (the outbox's `landed` with the rule's keys), failed (onTagError),
 * not applied (the rule's event came and the tagger queued nothing for it), or still waiting for its event.
 */
import { html, nothing, render } from 'lit';
import type { Outbox } from '../../src/outbox/index.ts';
import type { TaggerOptions } from '../../src/tagging/index.ts';
import { parseRules, type TagRule, type TagRuleInput } from '../../src/tagging/rules.ts';
import { TAG_EVENTS } from '../../src/tagging/template.ts';
import type { ContactModel, ContactTrackerLike } from '../../src/tracker/types.ts';
import { message } from './dom.ts';

/** Where one rule stands for one contact. */
type Progress =
  | { state: 'queued'; initialContactId: string; keys: readonly string[] }
  | { state: 'landed' }
  | { state: 'not-applied' }
  | { state: 'failed'; error: string };

function ruleValue(value: unknown): string {
  return typeof value === 'string' ? value : '(function)';
}

function conditionText(rule: TagRuleInput): string | undefined {
  const when = rule.when;
  if (!when) return undefined;
  const parts: string[] = [];
  if (when.channel !== undefined) parts.push(`channel is ${[when.channel].flat().join(' or ')}`);
  if (when.queue !== undefined) parts.push(`queue is ${[when.queue].flat().join(' or ')}`);
  for (const [key, test] of Object.entries(when.attributes ?? {})) {
    if ('present' in test) parts.push(`${key} is set`);
    else if ('absent' in test) parts.push(`${key} is not set`);
    else parts.push(`${key} = ${[test.equals].flat().join(' or ')}`);
  }
  return parts.join(' and ');
}

function badge(
  rule: TagRule,
  contact: ContactModel | undefined,
  progress: Progress | undefined,
): { label: string; tone: string; title?: string } {
  if (!contact) return { label: 'no contact', tone: 'idle' };
  switch (progress?.state) {
    case 'landed':
      return { label: 'stored ✓', tone: 'ok' };
    case 'queued':
      return { label: 'in outbox', tone: 'busy' };
    case 'not-applied':
      return { label: 'condition not met', tone: 'idle' };
    case 'failed':
      return { label: 'failed', tone: 'error', title: progress.error };
    default:
      return { label: `waits for ${rule.on.join(' / ')}`, tone: 'idle' };
  }
}

export class RulesPanel {
  readonly #host: HTMLElement;
  /** The rules as written (shown, and as JSON) and as the tagger parses them (their ids and events). */
  readonly #rules: readonly TagRuleInput[];
  readonly #parsed: readonly TagRule[];
  readonly #changed: () => void;
  /** Per contactId, per rule id. */
  readonly #progress = new Map<string, Map<string, Progress>>();

  constructor(host: HTMLElement, rules: readonly TagRuleInput[], changed: () => void) {
    this.#host = host;
    this.#rules = rules;
    this.#parsed = parseRules(rules);
    this.#changed = changed;
  }

  /** The tagger's callbacks (createCcpAttributes' onTag and onTagError); `onError` also reports the failure elsewhere. */
  callbacks(onError: (text: string) => void): Required<Pick<TaggerOptions, 'onTag' | 'onError'>> {
    return {
      onTag: ({ rule, event, attributes }) => {
        this.#set(event.contact.contactId, rule.id, {
          state: 'queued',
          initialContactId: event.contact.initialContactId,
          keys: Object.keys(attributes),
        });
      },
      onError: ({ rule, event, error }) => {
        const text = message(error);
        this.#set(event.contact.contactId, rule.id, { state: 'failed', error: text });
        onError(`rule ${rule.id}: ${text}`);
      },
    };
  }

  /**
   * Follows the tracker's events and the outbox's landings. Call it after the plugin is assembled: the tagger's
   * listeners then run before these for the same event, so a rule the tagger did not queue at its event was not applied.
   */
  watch(tracker: Pick<ContactTrackerLike, 'on'>, outbox: Outbox | undefined): void {
    for (const type of TAG_EVENTS) {
      tracker.on(type, ({ contact }) => {
        for (const rule of this.#parsed) {
          if (!rule.on.includes(type)) continue;
          if (this.#progress.get(contact.contactId)?.has(rule.id)) continue;
          this.#set(contact.contactId, rule.id, { state: 'not-applied' });
        }
      });
    }
    outbox?.on('landed', ({ contact, attributes }) => {
      for (const [contactId, rules] of this.#progress) {
        for (const [ruleId, progress] of rules) {
          if (progress.state !== 'queued' || progress.initialContactId !== contact.initialContactId) continue;
          if (progress.keys.every((key) => key in attributes)) this.#set(contactId, ruleId, { state: 'landed' });
        }
      }
    });
  }

  #set(contactId: string, ruleId: string, progress: Progress): void {
    const rules = this.#progress.get(contactId) ?? new Map<string, Progress>();
    rules.set(ruleId, progress);
    this.#progress.set(contactId, rules);
    this.#changed();
  }

  render(contact: ContactModel | undefined): void {
    const progress = contact ? this.#progress.get(contact.contactId) : undefined;
    render(
      html`<ol class="rules">
          ${this.#rules.map((rule, index) => {
            const parsed = this.#parsed[index];
            const condition = conditionText(rule);
            const state = parsed ? badge(parsed, contact, progress?.get(parsed.id)) : { label: '', tone: 'idle' };
            return html`<li class="rule">
              <div class="rule-head">
                <span class="rule-name">${rule.name ?? rule.id}</span>
                <span class="badge" data-tone=${state.tone} title=${state.title ?? nothing}>${state.label}</span>
              </div>
              <div class="rule-when">
                on <code>${[rule.on].flat().join(', ')}</code>${condition ? html` if <code>${condition}</code>` : nothing}
              </div>
              <dl class="rule-set">
                ${Object.entries(rule.set).map(([key, value]) => html`<div><dt>${key}</dt><dd><code>${ruleValue(value)}</code></dd></div>`)}
              </dl>
            </li>`;
          })}
        </ol>
        <details class="json">
          <summary>As JSON</summary>
          <pre>${JSON.stringify(this.#rules, null, 2)}</pre>
        </details>`,
      this.#host,
    );
  }
}

/**
 * The templates and words of the kept failures list (see failures-view.ts): loaded only once the viewed contact has
 * a kept failure, so an agent whose writes all land never downloads them. Per failure the keys and values refused
 * (as text; a masked field's value hidden; long values cut), why, in the editor's words, and Retry and Discard with
 * labels naming the keys; then the outcome line (a live region) of the last action.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { AttributesError, kindMessages } from '../../src/errors.ts';
import type { OutboxEntry, StoredError } from '../../src/outbox/types.ts';
import { acceptedErrorText, errorText, formatList, retryText } from '../messages/editor.ts';
import * as t from '../messages/failures.ts';
import { activeLocale } from '../messages/localization.ts';
import { labelOf, type AttributesSchema } from '../schema.ts';

/** What the last action did, for the live region (worded when rendered, in the language shown then). */
export interface Outcome {
  readonly kind: 'retrying' | 'retried' | 'retry-accepted' | 'retry-failed' | 'discarded' | 'discard-failed';
  /** The contact it concerns: shown only while that contact is viewed. */
  readonly contactKey: string;
  readonly keys: readonly string[];
  readonly error?: AttributesError | undefined;
}

/** What the list shows and what its buttons do. */
export interface FailuresListInput {
  readonly failures: readonly OutboxEntry[];
  readonly outcome: Outcome | undefined;
  readonly schema: AttributesSchema | undefined;
  /** Failures with an action under way: their buttons are disabled. */
  readonly busy: ReadonlySet<string>;
  retry(entry: OutboxEntry, index: number): void;
  discard(entry: OutboxEntry, index: number): void;
}

/** Longest value shown in full (in UTF-16 units); a longer one is cut with an ellipsis. */
const MAX_SHOWN = 200;

/** A stored error as the editor words errors (the outbox keeps plain data: src/outbox/types.ts StoredError). */
function errorOf(stored: StoredError | undefined): AttributesError {
  if (!stored) return new AttributesError('validation', `${kindMessages.validation}.`);
  return new AttributesError(stored.kind, stored.message, {
    ...(stored.status === undefined ? {} : { status: stored.status }),
    ...(stored.awsType === undefined ? {} : { awsType: stored.awsType }),
    ...(stored.problems === undefined ? {} : { problems: stored.problems }),
  });
}

function shown(value: string): string {
  if (value.length <= MAX_SHOWN) return value;
  const cut = value.slice(0, MAX_SHOWN - 1);
  // Never end on the first half of a surrogate pair.
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

function labelFor(key: string, schema: AttributesSchema | undefined): string {
  const spec = schema?.byKey.get(key);
  return spec ? labelOf(spec, activeLocale()) : key;
}

/** The list (when there are failures) and the outcome line. */
export function renderFailures(input: FailuresListInput): TemplateResult {
  const { failures, outcome, schema } = input;
  const names = (keys: readonly string[]): string => formatList(keys.map((key) => labelFor(key, schema)));
  return html`${
    failures.length > 0
      ? html`<section part="failures" class="notice warn-notice failures" aria-labelledby="failures-heading">
          <h3 id="failures-heading" class="failures-heading">${t.failuresHeading()}</h3>
          <p class="help">${t.failuresHelpText()}</p>
          <ul class="failure-list">
            ${repeat(
              failures,
              (entry) => entry.id,
              (entry, index) => item(input, entry, index, names),
            )}
          </ul>
        </section>`
      : nothing
  }
    <p part="failures-outcome" class="failures-outcome ${outcome?.error ? 'failed' : ''}" role="status" tabindex="-1">${
      outcome ? outcomeText(outcome, names) : ''
    }</p>`;
}

function item(
  input: FailuresListInput,
  entry: OutboxEntry,
  index: number,
  names: (keys: readonly string[]) => string,
): TemplateResult {
  const keys = Object.keys(entry.attributes);
  const busy = input.busy.has(entry.id);
  const listed = names(keys);
  return html`<li class="failure">
    <dl class="failure-values">
      ${keys.map((key) => {
        const value = Object.hasOwn(entry.attributes, key) ? (entry.attributes[key] ?? '') : '';
        return html`<div class="failure-value"><dt>${labelFor(key, input.schema)}</dt><dd>${
          input.schema?.byKey.get(key)?.masked
            ? html`<span aria-hidden="true">••••••</span><span class="sr-only">${t.hiddenValueText()}</span>`
            : value === ''
              ? html`<em>${t.emptyValueText()}</em>`
              : shown(value)
        }</dd></div>`;
      })}
    </dl>
    <p part="error" class="error">${acceptedErrorText(errorOf(entry.lastError), entry.accepted?.outcome)}</p>
    <div class="failure-actions">
      <button type="button" class="small" ?disabled=${busy} @click=${() => input.retry(entry, index)}>
        <span aria-hidden="true">${retryText()}</span><span class="sr-only">${t.retryFailureLabel(listed)}</span>
      </button>
      <button type="button" class="small" ?disabled=${busy} @click=${() => input.discard(entry, index)}>
        <span aria-hidden="true">${t.discardText()}</span><span class="sr-only">${t.discardFailureLabel(listed)}</span>
      </button>
    </div>
  </li>`;
}

function outcomeText(outcome: Outcome, names: (keys: readonly string[]) => string): string {
  const listed = names(outcome.keys);
  switch (outcome.kind) {
    case 'retrying':
      return t.retryingText(listed);
    case 'retried':
      return t.retriedText(listed);
    case 'retry-accepted':
      return t.retryAcceptedText(listed);
    case 'retry-failed':
      return t.retryFailedText(listed, outcome.error ? errorText(outcome.error) : '');
    case 'discarded':
      return t.discardedText(listed);
    case 'discard-failed':
      return t.discardFailedText(outcome.error?.message ?? '');
  }
}

/**
 * The kept failures of the viewed contact: writes Amazon Connect refused with an error that sending again cannot
 * fix by itself, which the outbox keeps until the agent or the page decides (`failures()`, `retry(id)`,
 * `discard(id)` and its `change` event in src/outbox/outbox.ts). Shown above the fields: per failure the keys and
 * values refused (text, masked fields hidden) and why, with Retry and Discard; the outcome of each action is said
 * in a live region, and focus stays in the list when an item goes.
 *
 * A ReactiveController of the element. The writer is only read through the `FailureKeeper` shape, checked at run
 * time: a writer without it (a custom AttributeWriter) has no kept failures to show, and the list is not rendered.
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { AttributesError, isAttributesError, kindMessages } from '../../src/errors.ts';
import type { OutboxEntry, StoredError } from '../../src/outbox/types.ts';
import type { ContactModel } from '../../src/tracker/types.ts';
import type { AttributeWriter } from '../../src/writer.ts';
import { errorText, formatList, retryText } from '../messages/editor.ts';
import * as t from '../messages/failures.ts';
import { activeLocale } from '../messages/localization.ts';
import { labelOf, type AttributesSchema } from '../schema.ts';

/** What the list needs of a writer that keeps refused writes: the outbox's methods of the same names. */
export interface FailureKeeper {
  /** Kept failures, oldest first (every contact's). */
  failures(): readonly OutboxEntry[];
  /** Sends a kept failure's values again; resolves once they landed, rejects with the error when refused again. */
  retry(id: string): Promise<void>;
  /** Deletes a kept failure for good. */
  discard(id: string): Promise<void>;
  /** Subscribes to every change of what the writer holds; returns the unsubscribe function. */
  on(type: 'change', listener: () => void): () => void;
}

/** The writer as a FailureKeeper, or undefined when it lacks one of the methods. */
export function keeperOf(writer: AttributeWriter | undefined): FailureKeeper | undefined {
  const candidate = writer as Partial<Record<keyof FailureKeeper, unknown>> | undefined;
  return candidate &&
    typeof candidate.failures === 'function' &&
    typeof candidate.retry === 'function' &&
    typeof candidate.discard === 'function' &&
    typeof candidate.on === 'function'
    ? (writer as unknown as FailureKeeper)
    : undefined;
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

/** What the last action did, for the live region (worded when rendered, in the language shown then). */
interface Outcome {
  readonly kind: 'retrying' | 'retried' | 'retry-failed' | 'discarded' | 'discard-failed';
  /** The contact it concerns: shown only while that contact is viewed. */
  readonly contactKey: string;
  readonly keys: readonly string[];
  readonly error?: AttributesError | undefined;
}

function contactKeyOf(contact: Pick<ContactModel, 'instanceId' | 'initialContactId'>): string {
  return `${contact.instanceId}/${contact.initialContactId}`;
}

/** What the view needs from its element. */
export interface FailuresHost extends ReactiveControllerHost {
  readonly writer: AttributeWriter | undefined;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class FailuresView implements ReactiveController {
  readonly #host: FailuresHost;
  #keeper: FailureKeeper | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;
  /** The kept failures as last read; read again on the render after a change. */
  #all: readonly OutboxEntry[] = [];
  #stale = true;
  /** Failures with an action under way: their buttons are disabled. */
  readonly #busy = new Set<string>();
  #outcome: Outcome | undefined;
  /** Where the item acted on was, while focus must follow it when it goes. */
  #focusIndex: number | undefined;

  constructor(host: FailuresHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#follow();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#keeper = undefined;
  }

  hostUpdate(): void {
    this.#follow();
  }

  /** The viewed contact's kept failures, oldest first. */
  failuresOf(contact: ContactModel): OutboxEntry[] {
    const keeper = this.#keeper;
    if (!keeper) return [];
    if (this.#stale) {
      this.#stale = false;
      try {
        this.#all = keeper.failures();
      } catch (error) {
        console.error('<ccp-attributes>: the writer could not list its kept failures', error);
        this.#all = [];
      }
    }
    const { instanceId, initialContactId } = contact;
    return this.#all.filter(
      (entry) => entry.contact.instanceId === instanceId && entry.contact.initialContactId === initialContactId,
    );
  }

  /** The list and the outcome line, for the viewed contact (nothing for a writer that keeps no failures). */
  render(contact: ContactModel, schema: AttributesSchema | undefined): TemplateResult | typeof nothing {
    if (!this.#keeper) return nothing;
    const failures = this.failuresOf(contact);
    const outcome = this.#outcome?.contactKey === contactKeyOf(contact) ? this.#outcome : undefined;
    const names = (keys: readonly string[]): string => formatList(keys.map((key) => this.#label(key, schema)));
    return html`${
      failures.length > 0
        ? html`<section part="failures" class="notice warn-notice failures" aria-labelledby="failures-heading">
          <h3 id="failures-heading" class="failures-heading">${t.failuresHeading()}</h3>
          <p class="help">${t.failuresHelpText()}</p>
          <ul class="failure-list">
            ${repeat(
              failures,
              (entry) => entry.id,
              (entry, index) => this.#item(entry, index, schema, names),
            )}
          </ul>
        </section>`
        : nothing
    }
      <p part="failures-outcome" class="failures-outcome ${outcome?.error ? 'failed' : ''}" role="status" tabindex="-1">${
        outcome ? this.#outcomeText(outcome, names) : ''
      }</p>`;
  }

  /** Moves focus off an item that went (retried or discarded): to the item now in its place, else the outcome. */
  hostUpdated(): void {
    const index = this.#focusIndex;
    if (index === undefined) return;
    const root = this.#host.renderRoot;
    const document = root.ownerDocument;
    // Focus stays where the agent put it, unless the button that had it went away (focus then falls to the body).
    if (document.activeElement !== document.body && document.activeElement !== null) return;
    const items = [...root.querySelectorAll<HTMLElement>('.failure')];
    const target =
      items[Math.min(index, items.length - 1)]?.querySelector<HTMLButtonElement>('button:not([disabled])') ??
      root.querySelector<HTMLElement>('[part~="failures-outcome"]');
    target?.focus();
  }

  #item(
    entry: OutboxEntry,
    index: number,
    schema: AttributesSchema | undefined,
    names: (keys: readonly string[]) => string,
  ): TemplateResult {
    const keys = Object.keys(entry.attributes);
    const busy = this.#busy.has(entry.id);
    const listed = names(keys);
    return html`<li class="failure">
      <dl class="failure-values">
        ${keys.map((key) => {
          const value = Object.hasOwn(entry.attributes, key) ? (entry.attributes[key] ?? '') : '';
          const spec = schema?.byKey.get(key);
          return html`<div class="failure-value"><dt>${this.#label(key, schema)}</dt><dd>${
            spec?.masked
              ? html`<span aria-hidden="true">••••••</span><span class="sr-only">${t.hiddenValueText()}</span>`
              : value === ''
                ? html`<em>${t.emptyValueText()}</em>`
                : shown(value)
          }</dd></div>`;
        })}
      </dl>
      <p part="error" class="error">${errorText(errorOf(entry.lastError))}</p>
      <div class="failure-actions">
        <button type="button" class="small" ?disabled=${busy} @click=${() => void this.#retry(entry, index)}>
          <span aria-hidden="true">${retryText()}</span><span class="sr-only">${t.retryFailureLabel(listed)}</span>
        </button>
        <button type="button" class="small" ?disabled=${busy} @click=${() => void this.#discard(entry, index)}>
          <span aria-hidden="true">${t.discardText()}</span><span class="sr-only">${t.discardFailureLabel(listed)}</span>
        </button>
      </div>
    </li>`;
  }

  #label(key: string, schema: AttributesSchema | undefined): string {
    const spec = schema?.byKey.get(key);
    return spec ? labelOf(spec, activeLocale()) : key;
  }

  #outcomeText(outcome: Outcome, names: (keys: readonly string[]) => string): string {
    const listed = names(outcome.keys);
    switch (outcome.kind) {
      case 'retrying':
        return t.retryingText(listed);
      case 'retried':
        return t.retriedText(listed);
      case 'retry-failed':
        return t.retryFailedText(listed, outcome.error ? errorText(outcome.error) : '');
      case 'discarded':
        return t.discardedText(listed);
      case 'discard-failed':
        return t.discardFailedText(outcome.error?.message ?? '');
    }
  }

  async #retry(entry: OutboxEntry, index: number): Promise<void> {
    await this.#act(entry, index, 'retrying', (keeper) => keeper.retry(entry.id), 'retried', 'retry-failed');
  }

  async #discard(entry: OutboxEntry, index: number): Promise<void> {
    await this.#act(entry, index, undefined, (keeper) => keeper.discard(entry.id), 'discarded', 'discard-failed');
  }

  async #act(
    entry: OutboxEntry,
    index: number,
    during: Outcome['kind'] | undefined,
    action: (keeper: FailureKeeper) => Promise<void>,
    done: Outcome['kind'],
    failed: Outcome['kind'],
  ): Promise<void> {
    const keeper = this.#keeper;
    if (!keeper || this.#busy.has(entry.id)) return;
    const base = { contactKey: contactKeyOf(entry.contact), keys: Object.keys(entry.attributes) };
    this.#busy.add(entry.id);
    this.#focusIndex = index;
    if (during) this.#outcome = { ...base, kind: during };
    this.#host.requestUpdate();
    try {
      await action(keeper);
      this.#outcome = { ...base, kind: done };
    } catch (error) {
      this.#outcome = { ...base, kind: failed, error: toError(error) };
    } finally {
      this.#busy.delete(entry.id);
      this.#stale = true;
      this.#host.requestUpdate();
      await this.#host.updateComplete;
      this.#focusIndex = undefined;
    }
  }

  /** Subscribes to the writer's changes when the element is given another writer. */
  #follow(): void {
    if (!this.#connected) return;
    const writer = this.#host.writer;
    const keeper = keeperOf(writer);
    if (keeper === this.#keeper && (keeper === undefined || this.#unsubscribe)) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#keeper = keeper;
    this.#stale = true;
    this.#all = [];
    if (!keeper) return;
    try {
      this.#unsubscribe = keeper.on('change', () => {
        this.#stale = true;
        this.#host.requestUpdate();
      });
    } catch (error) {
      console.error('<ccp-attributes>: the writer refused a change listener; its kept failures are not shown', error);
      this.#keeper = undefined;
    }
  }
}

function toError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AttributesError('network', message);
}

/**
 * `<ccp-attributes>`: the viewed contact's attributes beside the CCP, editable and saved through
 * the plugin's write path. The element renders; AttributesController holds the logic.
 */
import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { guard } from 'lit/directives/guard.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ContactModel, ContactTrackerLike } from '../src/tracker/types.ts';
import { MAX_TOTAL_BYTES } from '../src/validate.ts';
import type { AttributeWriter } from '../src/writer.ts';
import { AttributesController, formatCount, type ReadOnlyReason, type SaveStatus } from './attributes-controller.ts';
import { styles } from './ccp-attributes.styles.ts';
import type { SchemaInput } from './schema.ts';
import './ccp-attribute-field.ts';

export type { ReadOnlyReason, SaveStatus } from './attributes-controller.ts';

const channelLabels: Record<string, string> = {
  voice: 'Voice call',
  chat: 'Chat',
  task: 'Task',
  email: 'Email',
  callback: 'Callback',
  unknown: 'Contact',
};

const readOnlyMessages: Record<Exclude<ReadOnlyReason, 'no-contact' | 'setup-error'>, string> = {
  monitoring: 'You are monitoring this contact: its attributes cannot be read or changed while monitoring.',
  'read-only': 'Attributes are read-only here.',
  'no-instance': 'Saving is unavailable: the Amazon Connect instance of this contact is unknown.',
  'no-writer': 'Saving is not set up: no Amazon Connect credentials are configured for this page.',
};

const format = formatCount;

/** Rows rendered in the first update: more than a 320 px column shows. The rest follow in chunks, one per frame. */
const FIRST_ROWS = 40;
const ROWS_PER_FRAME = 120;

/**
 * @summary Shows and edits the Amazon Connect contact attributes of the contact the agent is viewing.
 *
 * @fires ccp-attributes-before-save - Before a write; cancelable. Amend `detail.attributes` or call `preventDefault()` to veto.
 * @fires ccp-attributes-saved - After Amazon Connect stored the attributes (`detail.contact`, `detail.attributes`).
 * @fires ccp-attributes-error - When a save failed (`detail.error` is an AttributesError); the agent's edits are kept.
 *
 * @slot title - The heading (default "Contact attributes").
 * @slot empty - What is shown when no contact is open.
 *
 * @csspart base - The whole editor.
 * @csspart header - The heading and the contact line.
 * @csspart contact - The viewed contact's channel, state and queue.
 * @csspart notice - Why the editor is read-only, or why the schema was rejected.
 * @csspart list - The attribute fields.
 * @csspart field - One attribute field.
 * @csspart label - A field's label.
 * @csspart input - A field's input, textarea or select.
 * @csspart error - A field's error message.
 * @csspart new-fields - The keys being added.
 * @csspart add-button - The "Add attribute" button.
 * @csspart meter - The byte-budget meter and its text.
 * @csspart footer - The status, Revert and Save.
 * @csspart status - The save status.
 * @csspart revert-button - The Revert button.
 * @csspart save-button - The Save button.
 *
 * @cssproperty --ccp-font-family - Font family (default: the system UI font).
 * @cssproperty --ccp-font-size - Base font size (default 14px).
 * @cssproperty --ccp-color-background - Background.
 * @cssproperty --ccp-color-surface - Background of inputs.
 * @cssproperty --ccp-color-text - Text colour.
 * @cssproperty --ccp-color-muted - Secondary text colour.
 * @cssproperty --ccp-color-border - Borders.
 * @cssproperty --ccp-color-accent - Primary button and focus ring.
 * @cssproperty --ccp-color-accent-text - Text on the accent colour.
 * @cssproperty --ccp-color-danger - Errors and the exceeded meter.
 * @cssproperty --ccp-color-warning - Warnings and the nearly full meter.
 * @cssproperty --ccp-color-success - The saved status.
 * @cssproperty --ccp-radius - Corner radius.
 * @cssproperty --ccp-spacing - Base spacing unit (default 8px).
 * @cssproperty --ccp-max-height - Height limit of the editor; the field list scrolls within it (default none).
 */
export class CcpAttributes extends LitElement {
  static override styles = styles;

  /** The contact tracker whose viewed contact is shown (a JS property). */
  @property({ attribute: false }) tracker: ContactTrackerLike | undefined;

  /** The write path saves go through: an AttributesClient or the outbox (a JS property). Without it the editor is read-only. */
  @property({ attribute: false }) writer: AttributeWriter | undefined;

  /** The field schema: a list of fields, an object keyed by attribute key, or that as JSON (the `schema` attribute). */
  @property() schema: SchemaInput | undefined;

  /** Whether attributes outside the schema are shown ('show', the default) or hidden. */
  @property({ attribute: 'unknown-keys' }) unknownKeys: 'show' | 'hide' = 'show';

  /** Shows the attributes without letting the agent change them. */
  @property({ attribute: 'read-only', type: Boolean, reflect: true }) readOnly = false;

  /** Colour scheme: 'auto' (follows prefers-color-scheme, the default), 'light' or 'dark'. */
  @property({ reflect: true }) theme: 'auto' | 'light' | 'dark' = 'auto';

  /** A configuration problem found by the page or the drop-in script: shown instead of saving, and makes the editor read-only. */
  @property({ attribute: false }) setupError: string | undefined;

  readonly #controller = new AttributesController(this);
  /** How many rows are rendered so far (progressive rendering of long lists). */
  #rowLimit = FIRST_ROWS;
  #rowsFor: string | undefined;
  #moreRowsScheduled = false;
  #focusNewId: number | undefined;
  #focusFirstInvalid = false;

  /** Why the agent cannot save now (no contact, monitoring, read-only, unknown instance, no writer), or undefined. */
  get readOnlyReason(): ReadOnlyReason | undefined {
    return this.#controller.readOnlyReason;
  }

  /** Where the viewed contact's save stands. */
  get status(): SaveStatus {
    return this.#controller.status;
  }

  /** True when the viewed contact has unsaved edits. */
  get dirty(): boolean {
    return this.#controller.dirty;
  }

  /** The contact shown. */
  get contact(): ContactModel | undefined {
    return this.#controller.contact;
  }

  /** Saves the viewed contact's edits (as the Save button does); resolves when the save settled. */
  save(): Promise<void> {
    const result = this.#controller.save();
    if (this.#controller.status === 'blocked' && this.#controller.problemCount > 0) this.#focusFirstInvalid = true;
    return result;
  }

  /** Throws away the viewed contact's unsaved edits. */
  revert(): void {
    this.#controller.revert();
  }

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey) {
      event.preventDefault();
      void this.save();
    }
  };

  #add = (): void => {
    this.#focusNewId = this.#controller.addField();
  };

  #remove(id: number): void {
    this.#controller.removeNewField(id);
    this.renderRoot.querySelector<HTMLElement>('[part~="add-button"]')?.focus();
  }

  /** Resolves once every row of the current contact is rendered (long lists render in chunks after the first paint). */
  async allRowsRendered(): Promise<void> {
    await this.updateComplete;
    while (this.#rowLimit < this.#controller.keys.length) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await this.updateComplete;
    }
    const rows = this.renderRoot.querySelectorAll('ccp-attribute-field');
    await Promise.all([...rows].map((row) => row.updateComplete));
  }

  #scheduleMoreRows(): void {
    if (this.#moreRowsScheduled || this.#rowLimit >= this.#controller.keys.length) return;
    this.#moreRowsScheduled = true;
    let done = false;
    const more = (): void => {
      if (done) return;
      done = true;
      this.#moreRowsScheduled = false;
      this.#rowLimit += ROWS_PER_FRAME;
      this.requestUpdate();
    };
    requestAnimationFrame(more);
    setTimeout(more, 100); // rAF does not run in a hidden tab
  }

  protected override updated(changed: PropertyValues<this>): void {
    super.updated(changed);
    this.#scheduleMoreRows();
    if (this.#focusNewId !== undefined) {
      this.renderRoot.querySelector<HTMLElement>(`#n${this.#focusNewId}-key`)?.focus();
      this.#focusNewId = undefined;
    }
    if (this.#focusFirstInvalid) {
      this.#focusFirstInvalid = false;
      const id = this.#controller.firstInvalidId;
      if (id !== undefined) {
        const target = this.renderRoot.querySelector<HTMLElement>(`#f${id}, #n${id}-key[aria-invalid="true"], #n${id}-value`);
        target?.focus();
      }
    }
  }

  protected override render(): TemplateResult {
    const c = this.#controller;
    const contact = c.contact;
    if (contact?.contactId !== this.#rowsFor) {
      // Another contact: paint its first rows at once, the rest in the next frames.
      this.#rowsFor = contact?.contactId;
      this.#rowLimit = FIRST_ROWS;
    }
    const reason = c.readOnlyReason;
    const editable = reason === undefined;
    return html`<div part="base" class="base" @keydown=${this.#onKeydown}>
      <div part="header" class="header">
        <h2 class="title"><slot name="title">Contact attributes</slot></h2>
        ${contact ? this.#contactLine(contact) : nothing}
      </div>
      ${c.schemaError
        ? html`<div part="notice" class="notice error-notice" role="alert">
            <strong>The schema was ignored.</strong>
            <ul>${c.schemaError.problems.map((problem) => html`<li>${problem}</li>`)}</ul>
          </div>`
        : nothing}
      ${this.setupError
        ? html`<div part="notice" class="notice error-notice" role="alert">
            <strong>Contact attributes are not set up correctly.</strong><br />${this.setupError}
          </div>`
        : nothing}
      ${reason === 'setup-error'
        ? nothing
        : reason === 'no-contact'
        ? html`<div part="notice" class="notice"><slot name="empty">No contact is open. Attributes appear here when you take a contact.</slot></div>`
        : reason
          ? html`<div part="notice" class="notice">
              ${readOnlyMessages[reason]}
              ${reason === 'no-instance' && contact?.instanceError ? html`<br />${contact.instanceError.message}` : nothing}
            </div>`
          : nothing}
      ${contact && !contact.monitoring ? this.#editor(editable) : nothing}
    </div>`;
  }

  #contactLine(contact: ContactModel): TemplateResult {
    const state = contact.ended && contact.state !== 'missed' ? 'After contact work' : capitalize(contact.state);
    return html`<p part="contact" class="contact">
      <span class="channel">${channelLabels[contact.channel] ?? contact.channel}</span>
      <span aria-hidden="true">·</span>
      <span class="state">${state}</span>
      ${contact.queue ? html`<span aria-hidden="true">·</span> <span class="queue">${contact.queue.name}</span>` : nothing}
    </p>`;
  }

  #editor(editable: boolean): TemplateResult {
    const c = this.#controller;
    const locked = !editable || c.busy;
    const flagRequired = c.contact?.ended ?? false;
    const keys = c.keys;
    const missing = c.missingRequired;
    return html`
      <div part="list" class="list" role="group" aria-label="Attributes">
        ${guard([c.structureVersion, locked, flagRequired, keys, Math.min(this.#rowLimit, keys.length)], () =>
          keys.length === 0
            ? html`<p class="empty">This contact has no attributes yet.</p>`
            : repeat(
                keys.length > this.#rowLimit ? keys.slice(0, this.#rowLimit) : keys,
                (key) => key,
                (key) => html`<ccp-attribute-field
                  .controller=${c}
                  .fieldKey=${key}
                  .version=${c.structureVersion}
                  .locked=${locked}
                  .flagRequired=${flagRequired}
                ></ccp-attribute-field>`,
              ),
        )}
      </div>
      ${editable ? this.#newFields(locked) : nothing}
      ${missing.length > 0
        ? html`<p class="notice warn-notice">
            Required for after-contact work: ${missing.map((spec) => spec.label).join(', ')}.
          </p>`
        : nothing}
      ${this.#meter()} ${editable ? this.#footer() : nothing}
      <div class="sr-only" aria-live="polite">${c.lastProblem ?? ''}</div>
    `;
  }

  #newFields(locked: boolean): TemplateResult {
    const c = this.#controller;
    return html`<div part="new-fields" class="new-fields">
        ${c.newFields.map((field) => {
          const id = `n${field.id}`;
          const keyDescribed = field.keyProblem ? `${id}-key-error` : undefined;
          const valueDescribed = field.valueProblem ? `${id}-value-error` : undefined;
          return html`<div part="field" class="field new${field.keyProblem || field.valueProblem ? ' invalid' : ''}">
            <div class="pair">
              <label part="label" for="${id}-key">New attribute name</label>
              <input id="${id}-key" part="input" class="input" autocomplete="off" spellcheck="false" .value=${live(field.key)}
                ?readonly=${locked} aria-invalid=${field.keyProblem ? 'true' : 'false'} aria-describedby=${ifDefined(keyDescribed)}
                @input=${(event: Event) => c.setNewKey(field.id, (event.target as HTMLInputElement).value)} />
              ${field.keyProblem ? html`<div part="error" class="error" id="${id}-key-error">${field.keyProblem}</div>` : nothing}
            </div>
            <div class="pair">
              <label part="label" for="${id}-value">Value${field.key ? html`<span class="sr-only"> of ${field.key}</span>` : nothing}</label>
              <input id="${id}-value" part="input" class="input" autocomplete="off" .value=${live(field.value)} ?readonly=${locked}
                aria-invalid=${field.valueProblem ? 'true' : 'false'} aria-describedby=${ifDefined(valueDescribed)}
                @input=${(event: Event) => c.setNewValue(field.id, (event.target as HTMLInputElement).value)} />
              ${field.valueProblem ? html`<div part="error" class="error" id="${id}-value-error">${field.valueProblem}</div>` : nothing}
            </div>
            <button type="button" class="small" ?disabled=${locked} @click=${() => this.#remove(field.id)}>
              Remove<span class="sr-only"> new attribute ${field.key}</span>
            </button>
          </div>`;
        })}
      </div>
      <div class="add-row">
        <button type="button" part="add-button" class="secondary" ?disabled=${locked} @click=${this.#add}>Add attribute</button>
      </div>
      <p class="help">Clearing a value saves it as empty text: Amazon Connect cannot delete an attribute once it exists.</p>`;
  }

  #meter(): TemplateResult {
    const c = this.#controller;
    const used = c.bytesUsed;
    const level = c.budgetLevel;
    const percent = Math.min(100, (used / MAX_TOTAL_BYTES) * 100);
    const text = `${format(used)} of ${format(MAX_TOTAL_BYTES)} bytes`;
    return html`<div part="meter" class="meter ${level}">
      <div class="meter-head">
        <span id="meter-label">Attribute space</span>
        <span class="meter-text">${text}</span>
      </div>
      <div class="bar" role="meter" aria-labelledby="meter-label" aria-valuemin="0" aria-valuemax=${MAX_TOTAL_BYTES}
        aria-valuenow=${Math.min(used, MAX_TOTAL_BYTES)} aria-valuetext=${text}>
        <div class="fill" style="width: ${percent.toFixed(2)}%"></div>
      </div>
      <div class="budget-message" role="status">
        ${level === 'over'
          ? `Over the limit by ${format(used - MAX_TOTAL_BYTES)} bytes: shorten or clear values to save.`
          : level === 'warn'
            ? `Nearly full: ${format(MAX_TOTAL_BYTES - used)} bytes left.`
            : ''}
      </div>
    </div>`;
  }

  #footer(): TemplateResult {
    const c = this.#controller;
    const status = c.status;
    const count = c.changeCount;
    const busy = c.busy;
    const failed = status === 'failed';
    return html`<div part="footer" class="footer">
      <div part="status" class="status ${status}" role="status">${failed ? '' : (c.statusMessage ?? '')}</div>
      <div class="alert" role="alert">
        ${failed
          ? html`<span>${c.statusMessage}</span>
              <button type="button" class="small" @click=${() => this.save()}>Retry</button>`
          : nothing}
      </div>
      <div class="actions">
        <span class="changes">${count === 0 ? 'No unsaved changes' : `${count} unsaved change${count === 1 ? '' : 's'}`}</span>
        <button type="button" part="revert-button" class="secondary" ?disabled=${count === 0 || busy} @click=${() => this.revert()}>
          Revert
        </button>
        <button type="button" part="save-button" class="primary" ?disabled=${count === 0 || busy} aria-keyshortcuts="Control+Enter Meta+Enter"
          aria-describedby="save-hint" @click=${() => this.save()}>
          ${status === 'waiting' ? 'Waiting…' : busy ? 'Saving…' : 'Save'}
        </button>
      </div>
      <div class="help" id="save-hint">Ctrl+Enter (⌘+Enter on a Mac) saves.</div>
    </div>`;
  }
}

function capitalize(text: string): string {
  return text ? text.charAt(0).toUpperCase() + text.slice(1) : 'Unknown';
}

if (!customElements.get('ccp-attributes')) customElements.define('ccp-attributes', CcpAttributes);

declare global {
  interface HTMLElementTagNameMap {
    'ccp-attributes': CcpAttributes;
  }
}

/**
 * One attribute row of `<ccp-attributes>` (internal). It renders into the editor's shadow root (no
 * shadow root of its own, so the editor's styles, ids and `::part`s apply) and re-renders itself on
 * a keystroke, so typing in one of 500 fields does not re-render the other 499.
 */
import { updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import type { AttributesController, FieldState } from './attributes-controller.ts';
import * as t from './messages/editor.ts';
import { descriptionOf, labelOf, optionLabelOf } from './schema.ts';

/**
 * @summary One editable attribute of `<ccp-attributes>`; not meant to be used on its own.
 * @csspart field - The row.
 * @csspart label - The field's label.
 * @csspart input - The input, textarea or select.
 * @csspart error - The error under a field.
 */
export class CcpAttributeField extends LitElement {
  /** The editor's controller, which holds the field's state. */
  @property({ attribute: false }) controller: AttributesController | undefined;

  /** The attribute key this row shows. */
  @property({ attribute: false }) fieldKey = '';

  /** Changes when the editor's fields change shape; makes the row read its state again. */
  @property({ attribute: false }) version = 0;

  /** True while nothing can be edited (read-only, or a save in flight). */
  @property({ attribute: false }) locked = false;

  /** True when required-but-empty must be flagged (after-contact work). */
  @property({ attribute: false }) flagRequired = false;

  @state() private revealed = false;

  /** True while focus is in the row: the Clear button shows then (and for edited rows), not on all 500 rows. */
  @state() private active = false;

  constructor() {
    super();
    // Rows are guarded from the editor's renders: each follows a change of language itself.
    updateWhenLocaleChanges(this);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('focusin', this.#onFocusIn);
    this.addEventListener('focusout', this.#onFocusOut);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('focusin', this.#onFocusIn);
    this.removeEventListener('focusout', this.#onFocusOut);
  }

  #onFocusIn = (): void => {
    this.active = true;
  };

  #onFocusOut = (event: FocusEvent): void => {
    if (!(event.relatedTarget instanceof Node && this.contains(event.relatedTarget))) this.active = false;
  };

  /** The field the row showed last: another one (the row reused for another contact) is masked again. */
  #shownId: number | undefined;

  protected override willUpdate(): void {
    const id = this.controller?.field(this.fieldKey)?.id;
    if (id !== this.#shownId) {
      this.#shownId = id;
      this.revealed = false;
    }
  }

  protected override createRenderRoot(): HTMLElement {
    return this;
  }

  #set(value: string): void {
    this.controller?.setValue(this.fieldKey, value);
    this.requestUpdate();
  }

  #onInput = (event: Event): void => {
    const target = event.target as HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
    this.#set(target instanceof HTMLInputElement && target.type === 'checkbox' ? String(target.checked) : target.value);
  };

  #clear = (): void => {
    this.#set('');
    this.querySelector<HTMLElement>('.input')?.focus();
  };

  #toggleReveal = (): void => {
    this.revealed = !this.revealed;
  };

  protected override render(): TemplateResult | typeof nothing {
    const field = this.controller?.field(this.fieldKey);
    if (!field) return nothing;
    const id = `f${field.id}`;
    const spec = field.spec;
    const label = spec ? labelOf(spec) : field.key;
    const editable = !this.locked && !(spec?.readOnly ?? false);
    const dirty = field.value !== (field.stored ?? '');
    const missing = this.flagRequired && (spec?.required ?? false) && field.value === '';
    const cleared = dirty && field.value === '' && field.stored !== undefined;
    const error = field.problem ?? (missing ? t.requiredMissingText(label) : undefined);
    const help = spec ? descriptionOf(spec) : undefined;
    const conflict = field.conflict;
    const describedBy =
      error || help || cleared || conflict !== undefined
        ? [
            error ? `${id}-error` : '',
            help ? `${id}-help` : '',
            cleared ? `${id}-cleared` : '',
            conflict !== undefined ? `${id}-conflict` : '',
          ]
            .filter(Boolean)
            .join(' ')
        : '';
    const masked = (spec?.masked ?? false) && !this.revealed;
    // The common row (a stored text value, untouched) is kept to a few nodes: 500 of them render at once.
    const head =
      spec || dirty
        ? html`${spec && label !== field.key ? html`<span class="key">${field.key}</span>` : nothing}${
            spec?.required ? html`<span class="tag${missing ? ' missing' : ''}">${t.requiredTag()}</span>` : nothing
          }${spec?.readOnly ? html`<span class="tag">${t.readOnlyTag()}</span>` : nothing}${
            dirty ? html`<span class="tag edited">${t.editedTag()}</span>` : nothing
          }`
        : nothing;
    const showClear =
      editable && field.value !== '' && spec?.type !== 'boolean' && spec?.type !== 'enum' && (this.active || dirty);
    const buttons =
      spec?.masked || showClear
        ? html`${
            spec?.masked
              ? html`<button type="button" class="small" aria-pressed=${this.revealed ? 'true' : 'false'} @click=${this.#toggleReveal}>
                <span aria-hidden="true">${t.showText()}</span><span class="sr-only">${t.showLabel(label)}</span>
              </button>`
              : nothing
          }${
            showClear
              ? html`<button type="button" class="small" @click=${this.#clear}>
                <span aria-hidden="true">${t.clearText()}</span><span class="sr-only">${t.clearLabel(label)}</span>
              </button>`
              : nothing
          }`
        : nothing;
    const notes =
      describedBy !== ''
        ? html`${error ? html`<div part="error" class="error" id="${id}-error">${error}</div>` : nothing}${
            help ? html`<div class="help" id="${id}-help">${help}</div>` : nothing
          }${cleared ? html`<div class="help" id="${id}-cleared">${t.clearedText()}</div>` : nothing}${
            conflict !== undefined
              ? html`<div class="help warn" id="${id}-conflict">${t.conflictText(masked ? undefined : conflict)}</div>`
              : nothing
          }`
        : nothing;
    return html`<div part="field" class=${dirty ? (error ? 'field dirty invalid' : 'field dirty') : error ? 'field invalid' : 'field'}>
      <div class="field-head"><label part="label" for=${id}>${label}</label>${head}</div>
      <div class="control">${this.#control(field, id, editable, masked, error !== undefined, describedBy)}${buttons}</div>
      ${notes}
    </div>`;
  }

  #control(
    field: FieldState,
    id: string,
    editable: boolean,
    masked: boolean,
    invalid: boolean,
    describedBy: string,
  ): TemplateResult {
    const type = field.spec?.type ?? 'text';
    const described = ifDefined(describedBy || undefined);
    const invalidAttr = invalid ? 'true' : 'false';
    if (masked) {
      return html`<input id=${id} part="input" class="input" type="password" autocomplete="off" .value=${live(field.value)}
        ?readonly=${!editable} aria-invalid=${invalidAttr} aria-describedby=${described} @input=${this.#onInput} />`;
    }
    switch (type) {
      case 'multiline':
        return html`<textarea id=${id} part="input" class="input" rows="3" .value=${live(field.value)} ?readonly=${!editable}
          aria-invalid=${invalidAttr} aria-describedby=${described} @input=${this.#onInput}></textarea>`;
      case 'boolean':
        return html`<input id=${id} part="input" class="check" type="checkbox" .checked=${live(field.value === 'true')}
          ?disabled=${!editable} aria-invalid=${invalidAttr} aria-describedby=${described} @change=${this.#onInput} />`;
      case 'enum': {
        const options = field.spec?.options ?? [];
        const known = options.some((option) => option.value === field.value);
        return html`<select id=${id} part="input" class="input" ?disabled=${!editable} aria-invalid=${invalidAttr}
          aria-describedby=${described} @change=${this.#onInput}>
          ${field.value === '' || !field.spec?.required ? html`<option value="" .selected=${live(field.value === '')}>—</option>` : nothing}
          ${!known && field.value !== '' ? html`<option .value=${field.value} .selected=${live(true)}>${t.notListedText(field.value)}</option>` : nothing}
          ${options.map((option) => html`<option .value=${option.value} .selected=${live(option.value === field.value)}>${optionLabelOf(option)}</option>`)}
        </select>`;
      }
      default:
        return html`<input id=${id} part="input" class="input" type=${type === 'date' ? 'date' : 'text'}
          inputmode=${ifDefined(type === 'number' ? 'decimal' : undefined)} autocomplete="off" spellcheck="false"
          .value=${live(field.value)} ?readonly=${!editable} aria-invalid=${invalidAttr} aria-describedby=${described}
          @input=${this.#onInput} />`;
    }
  }
}

if (!customElements.get('ccp-attribute-field')) customElements.define('ccp-attribute-field', CcpAttributeField);

declare global {
  interface HTMLElementTagNameMap {
    'ccp-attribute-field': CcpAttributeField;
  }
}

/**
 * The implementation of `<ccp-attributes>` (internal): the controller, the rows, the templates (the
 * notices in editor-notices.ts, the meter and footer in editor-footer.ts) and most styles. The public element (../ccp-attributes.ts) paints its frame at once and imports this
 * module dynamically, so it stays off the drop-in script's critical path; the element then renders
 * the editor through `render()` below, and delegates its methods and getters here. What this module
 * needs from the element is the `EditorHost` interface, so it never imports the element's module.
 */
import { updateWhenLocaleChanges } from '@lit/localize';
import { html, nothing, type ReactiveController, type TemplateResult } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { ifDefined } from 'lit/directives/if-defined.js';
import { live } from 'lit/directives/live.js';
import { repeat } from 'lit/directives/repeat.js';
import { AttributesController, type AttributesControllerHost } from '../attributes-controller.ts';
import '../ccp-attribute-field.ts';
import * as t from '../messages/editor.ts';
import { activeLocale } from '../messages/localization.ts';
import { labelOf } from '../schema.ts';
import { editorStyles } from './editor.styles.ts';
import { footer, meter, type FooterActions } from './editor-footer.ts';
import { contactLine, notices } from './editor-notices.ts';
import { FailuresView } from './failures-view.ts';
import { WrapUpView, type WrapUpHost } from './wrap-up-view.ts';

/** Rows rendered in the first update: more than a 320 px column shows. The rest follow in chunks, one per frame. */
const FIRST_ROWS = 40;
const ROWS_PER_FRAME = 120;

/** Adds the editor's styles after the element's own (a `<style>` where constructable stylesheets are missing). */
function addEditorStyles(root: ShadowRoot): void {
  const sheet = editorStyles.styleSheet;
  if (sheet) {
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  } else {
    const style = document.createElement('style');
    style.textContent = editorStyles.cssText;
    root.append(style);
  }
}

/** What the implementation needs from its element. */
export interface EditorHost extends AttributesControllerHost, WrapUpHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
  readonly isConnected: boolean;
  /** The element's save (the Save and Retry buttons and Ctrl+Enter go through it, as a page's call does). */
  save(): Promise<void>;
  /** The element's revert. */
  revert(): void;
}

/**
 * One per `<ccp-attributes>`, a controller of the element: holds the AttributesController, renders everything under
 * the header, renders long lists in chunks (paused while detached) and moves focus after an update.
 */
export class EditorImpl implements ReactiveController {
  readonly controller: AttributesController;
  /** The viewed contact's kept failures, with Retry and Discard. */
  readonly failures: FailuresView;
  /** The editor's part in the wrap-up: wired into the plugin's readiness and clear, and the Finish action. */
  readonly wrapUp: WrapUpView;
  readonly #host: EditorHost;
  #styled = false;
  /** How many rows are rendered so far (progressive rendering of long lists). */
  #rowLimit = FIRST_ROWS;
  #rowsFor: string | undefined;
  /** The pending frame and timer of the next chunk of rows (cancelled on disconnect). */
  #moreRowsFrame: number | undefined;
  #moreRowsTimer: ReturnType<typeof setTimeout> | undefined;
  #focusNewId: number | undefined;
  #focusFirstInvalid = false;
  /** A footer button the agent used may become disabled or go away: keep focus in the editor, on the status. */
  #keepFooterFocus = false;

  constructor(host: EditorHost) {
    this.#host = host;
    this.controller = new AttributesController(host);
    this.failures = new FailuresView(host);
    this.wrapUp = new WrapUpView(host, this.controller);
    host.addController(this);
    // The element renders again when another language is ready (subscribed from here, off the critical path; until
    // this module arrives the frame shows its few words in the language active when it renders).
    updateWhenLocaleChanges(host);
  }

  /** Reattached: the chunks of rows resume. */
  hostConnected(): void {
    if (this.#rowLimit < this.controller.keys.length) this.#host.requestUpdate();
  }

  /** Detached: no more chunks of rows are rendered. */
  hostDisconnected(): void {
    this.#cancelMoreRows();
  }

  save(): Promise<void> {
    const c = this.controller;
    const result = c.save();
    if (c.status === 'blocked' && c.problemCount > 0) this.#focusFirstInvalid = true;
    return result;
  }

  #add = (): void => {
    this.#focusNewId = this.controller.addField();
  };

  #remove(id: number): void {
    this.controller.removeNewField(id);
    this.#host.renderRoot.querySelector<HTMLElement>('[part~="add-button"]')?.focus();
  }

  /**
   * Resolves once every row of the current contact is rendered, and its kept failures (their module loads when the
   * first one shows): the host's updateComplete awaited in between.
   */
  async allRowsRendered(): Promise<void> {
    const host = this.#host;
    await host.updateComplete;
    await this.failures.listLoaded();
    await host.updateComplete;
    while (this.#rowLimit < this.controller.keys.length) {
      await new Promise((resolve) => requestAnimationFrame(resolve));
      await host.updateComplete;
    }
    const rows = host.renderRoot.querySelectorAll('ccp-attribute-field');
    await Promise.all([...rows].map((row) => row.updateComplete));
  }

  #scheduleMoreRows(): void {
    if (this.#moreRowsFrame !== undefined || !this.#host.isConnected || this.#rowLimit >= this.controller.keys.length)
      return;
    const more = (): void => {
      this.#cancelMoreRows();
      this.#rowLimit += ROWS_PER_FRAME;
      this.#host.requestUpdate();
    };
    this.#moreRowsFrame = requestAnimationFrame(more);
    this.#moreRowsTimer = setTimeout(more, 100); // rAF does not run in a hidden tab
  }

  #cancelMoreRows(): void {
    if (this.#moreRowsFrame !== undefined) cancelAnimationFrame(this.#moreRowsFrame);
    clearTimeout(this.#moreRowsTimer);
    this.#moreRowsFrame = undefined;
    this.#moreRowsTimer = undefined;
  }

  /** After each update of the element: more rows, and focus moves. */
  hostUpdated(): void {
    const root = this.#host.renderRoot;
    this.#scheduleMoreRows();
    if (this.#focusNewId !== undefined) {
      root.querySelector<HTMLElement>(`#n${this.#focusNewId}-key`)?.focus();
      this.#focusNewId = undefined;
    }
    if (this.#keepFooterFocus) {
      this.#keepFooterFocus = false;
      const active = root instanceof ShadowRoot ? root.activeElement : document.activeElement;
      if (!active?.isConnected || (active instanceof HTMLButtonElement && active.disabled)) {
        root.querySelector<HTMLElement>('[part~="status"]')?.focus();
      }
    }
    if (this.#focusFirstInvalid) {
      this.#focusFirstInvalid = false;
      const id = this.controller.firstInvalidId;
      if (id !== undefined) {
        const target = root.querySelector<HTMLElement>(`#f${id}, #n${id}-key[aria-invalid="true"], #n${id}-value`);
        target?.focus();
      }
    }
  }

  /** The line under the heading: the viewed contact's channel, state (after contact work once it ended) and queue. */
  contactLine(): TemplateResult | typeof nothing {
    return contactLine(this.controller.contact);
  }

  /** Everything under the header: notices, the fields, the meter and the footer. */
  render(): TemplateResult {
    const host = this.#host;
    if (!this.#styled) {
      this.#styled = true;
      if (host.renderRoot instanceof ShadowRoot) addEditorStyles(host.renderRoot);
    }
    const c = this.controller;
    const contact = c.contact;
    if (contact?.contactId !== this.#rowsFor) {
      // Another contact: paint its first rows at once, the rest in the next frames.
      this.#rowsFor = contact?.contactId;
      this.#rowLimit = FIRST_ROWS;
    }
    const editable = c.readOnlyReason === undefined;
    return html`${notices(c, host)}
      ${contact && !contact.monitoring ? this.#editor(editable) : nothing}`;
  }

  #editor(editable: boolean): TemplateResult {
    const c = this.controller;
    const locked = !editable || c.busy;
    const flagRequired = c.contact?.ended ?? false;
    const keys = c.keys;
    const missing = c.missingRequired;
    return html`
      ${editable && c.contact ? this.failures.render(c.contact, c.schema) : nothing}
      <div part="list" class="list" role="group" aria-label=${t.attributesLabel()}>
        ${guard(
          [c.structureVersion, locked, flagRequired, keys, Math.min(this.#rowLimit, keys.length), activeLocale()],
          () =>
            keys.length === 0
              ? html`<p class="empty">${t.noAttributesText()}</p>`
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
      ${
        missing.length > 0
          ? html`<p class="notice warn-notice">${t.requiredForAcwText(missing.map((spec) => labelOf(spec, activeLocale())))}</p>`
          : nothing
      }
      ${meter(c)} ${editable ? footer(c, this.#footerActions) : nothing} ${this.wrapUp.render(c.contact, editable)}
      <div class="sr-only" aria-live="polite">${c.lastProblem ?? ''}</div>
    `;
  }

  #newFields(locked: boolean): TemplateResult {
    const c = this.controller;
    return html`<div part="new-fields" class="new-fields">
        ${c.newFields.map((field) => {
          const id = `n${field.id}`;
          const keyDescribed = field.keyProblem ? `${id}-key-error` : undefined;
          const valueDescribed = field.valueProblem ? `${id}-value-error` : undefined;
          return html`<div part="field" class="field new${field.keyProblem || field.valueProblem ? ' invalid' : ''}">
            <div class="pair">
              <label part="label" for="${id}-key">${t.newKeyLabel()}</label>
              <input id="${id}-key" part="input" class="input" autocomplete="off" spellcheck="false" .value=${live(field.key)}
                ?readonly=${locked} aria-invalid=${field.keyProblem ? 'true' : 'false'} aria-describedby=${ifDefined(keyDescribed)}
                @input=${(event: Event) => c.setNewKey(field.id, (event.target as HTMLInputElement).value)} />
              ${field.keyProblem ? html`<div part="error" class="error" id="${id}-key-error">${field.keyProblem}</div>` : nothing}
            </div>
            <div class="pair">
              <label part="label" for="${id}-value">${
                field.key
                  ? html`<span aria-hidden="true">${t.valueLabel()}</span><span class="sr-only">${t.valueOfLabel(field.key)}</span>`
                  : t.valueLabel()
              }</label>
              <input id="${id}-value" part="input" class="input" autocomplete="off" .value=${live(field.value)} ?readonly=${locked}
                aria-invalid=${field.valueProblem ? 'true' : 'false'} aria-describedby=${ifDefined(valueDescribed)}
                @input=${(event: Event) => c.setNewValue(field.id, (event.target as HTMLInputElement).value)} />
              ${field.valueProblem ? html`<div part="error" class="error" id="${id}-value-error">${field.valueProblem}</div>` : nothing}
            </div>
            <button type="button" class="small" ?disabled=${locked} @click=${() => this.#remove(field.id)}>
              <span aria-hidden="true">${t.removeText()}</span><span class="sr-only">${t.removeNewLabel(field.key)}</span>
            </button>
          </div>`;
        })}
      </div>
      <div class="add-row">
        <button type="button" part="add-button" class="secondary" ?disabled=${locked} @click=${this.#add}>${t.addText()}</button>
      </div>
      <p class="help">${t.clearingHelpText()}</p>`;
  }

  #footerAction(action: () => unknown): void {
    this.#keepFooterFocus = true;
    void action();
  }

  readonly #footerActions: FooterActions = {
    save: () => this.#footerAction(() => this.#host.save()),
    revert: () => this.#footerAction(() => this.#host.revert()),
  };
}

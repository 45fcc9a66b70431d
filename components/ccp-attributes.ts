/**
 * `<ccp-attributes>`: the viewed contact's attributes beside the CCP, editable and saved through
 * the plugin's write path. This module is what loads before the editor paints (the drop-in script's
 * critical path): the element's properties, its frame (heading, a loading line) and the frame's
 * styles, in the agent's language. The editor itself (internal/editor-impl.ts: AttributesController,
 * the contact line, the rows, the templates and their styles) is imported dynamically on connect, then
 * rendered in the frame.
 */
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import type { ContactModel, ContactTrackerLike } from '../src/tracker/types.ts';
import type { WrapUpActions } from '../src/wrap-up/wrap-up.ts';
import type { AttributeWriter } from '../src/writer.ts';
import { styles } from './ccp-attributes.styles.ts';
import type { EditorImpl } from './internal/editor-impl.ts';
import { editorLoader } from './internal/editor-loader.ts';
import { readOnlyReason, type ReadOnlyReason } from './internal/read-only.ts';
import type { SaveStatus } from './internal/save-status.ts';
import { loadFailedText, loadingText, titleText, tryAgainText } from './messages/frame.ts';
import { activeLocale, requestLocale } from './messages/localization.ts';
import type { SchemaInput } from './schema.ts';

export type { ReadOnlyReason } from './internal/read-only.ts';
export type { SaveStatus } from './internal/save-status.ts';

/** The implementation, once loaded (one import for every element on the page). */
let Impl: typeof EditorImpl | undefined;
let loading: Promise<typeof EditorImpl> | undefined;

/** Imports the implementation once; a failed import (e.g. a network blip while fetching the chunk) is tried again on the next call. */
function loadImpl(): Promise<typeof EditorImpl> {
  return (loading ??= editorLoader.load().then(
    (Loaded) => (Impl = Loaded),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  ));
}

/**
 * @summary Shows and edits the Amazon Connect contact attributes of the contact the agent is viewing.
 *
 * @fires ccp-attributes-before-save - Before a write; cancelable. Amend `detail.attributes` or call `preventDefault()` to veto.
 * @fires ccp-attributes-saved - After Amazon Connect stored the attributes (`detail.contact`, `detail.attributes`).
 * @fires ccp-attributes-error - When a save failed (`detail.error` is an AttributesError); the agent's edits are kept.
 *
 * @slot title - The heading (default "Contact attributes").
 * @slot empty - What is shown when the CCP answers and no contact is open (while it connects, or the agent is signed out, or it cannot be reached, the editor says so instead).
 *
 * @csspart base - The whole editor.
 * @csspart header - The heading and the contact line.
 * @csspart contact - The viewed contact's channel, state and queue.
 * @csspart notice - Why the editor is read-only, why the schema was rejected, or why no contact is shown.
 * @csspart failures - The viewed contact's writes Amazon Connect refused (kept by the outbox), with Retry and Discard.
 * @csspart failures-outcome - What the last Retry or Discard did.
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
 * @csspart finish - The Finish action (after contact work, with `finish`): its button, help and outcome.
 * @csspart finish-button - The Finish button.
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

  /**
   * The reactive properties, declared statically rather than with `@property` decorators: this module is on the
   * drop-in's critical path (at most 8 KB gzip), and the decorators' helpers cost about 0.3 KB gzip there.
   */
  static override properties = {
    tracker: { attribute: false },
    writer: { attribute: false },
    schema: {},
    unknownKeys: { attribute: 'unknown-keys' },
    readOnly: { attribute: 'read-only', type: Boolean, reflect: true },
    theme: { reflect: true },
    setupError: { attribute: false },
    locale: {},
    wrapUp: { attribute: false },
    finish: { type: Boolean, reflect: true },
  };

  /** The contact tracker whose viewed contact is shown (a JS property). */
  tracker: ContactTrackerLike | undefined;

  /** The write path saves go through, which records each landed write into the tracker: the plugin's outbox (a JS property). Without it the editor is read-only. */
  writer: AttributeWriter | undefined;

  /** The field schema: a list of fields, an object keyed by attribute key, or that as JSON (the `schema` attribute). */
  schema: SchemaInput | undefined;

  /** Whether attributes outside the schema are shown ('show', the default) or hidden. */
  unknownKeys: 'show' | 'hide' = 'show';

  /** Shows the attributes without letting the agent change them. */
  readOnly = false;

  /** Colour scheme: 'auto' (follows prefers-color-scheme, the default), 'light' or 'dark'. */
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /** A configuration problem found by the page or the drop-in script: shown instead of saving, and makes the editor read-only. */
  setupError: string | undefined;

  /**
   * The language of the editor's words (`de`, `pt-BR`, `de_DE`, ...), overriding the agent's CCP language; English
   * when neither is one of its languages. One language per page: the last editor to ask for one sets it.
   */
  locale: string | undefined;

  /**
   * The plugin (a JS property): the editor's required fields and unsaved edits count in its `readiness` and
   * `clear`, which saves them; the Finish action clears through it.
   */
  wrapUp: WrapUpActions | undefined;

  /** Offers a Finish action in after-contact work: saves, then closes the contact through the plugin (`wrapUp`). */
  finish = false;

  #impl: EditorImpl | undefined;
  #ready: Promise<unknown> | undefined;
  #loadError: string | undefined;

  /** Why the agent cannot save now (no contact, monitoring, read-only, unknown instance, no writer), or undefined. */
  get readOnlyReason(): ReadOnlyReason | undefined {
    return this.#impl ? this.#impl.controller.readOnlyReason : readOnlyReason(this, this.contact);
  }

  /** Where the viewed contact's save stands. */
  get status(): SaveStatus {
    return this.#impl?.controller.status ?? 'idle';
  }

  /** True when the viewed contact has unsaved edits. */
  get dirty(): boolean {
    return this.#impl?.controller.dirty ?? false;
  }

  /** The contact shown. */
  get contact(): ContactModel | undefined {
    return this.#impl ? this.#impl.controller.contact : this.tracker?.viewed;
  }

  /** Saves the viewed contact's edits (as the Save button does); resolves when the save settled. */
  save(): Promise<void> {
    return this.#impl ? this.#impl.save() : this.#load().then(() => this.#impl?.save());
  }

  /** Throws away the viewed contact's unsaved edits. */
  revert(): void {
    this.#impl?.controller.revert();
  }

  /** Resolves once every row of the current contact is rendered (long lists render in chunks after the first paint). */
  async allRowsRendered(): Promise<void> {
    await this.updateComplete;
    await this.#impl?.allRowsRendered();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#load();
  }

  /**
   * Creates the implementation: at once when it is loaded already, else when its module arrives. After a failed
   * load the next connect, `save()` or the notice's "Try again" loads again.
   */
  #load(): Promise<unknown> {
    if (!this.#impl && Impl) this.#impl = new Impl(this);
    return (this.#ready ??= this.#impl
      ? Promise.resolve()
      : loadImpl().then(
          (Loaded) => {
            this.#impl ??= new Loaded(this);
            this.#loadError = undefined;
            this.requestUpdate();
          },
          (error: unknown) => {
            this.#ready = undefined;
            this.#loadError = error instanceof Error ? error.message : String(error);
            console.error(`<ccp-attributes>: the editor could not load: ${this.#loadError}`);
            this.requestUpdate();
          },
        ));
  }

  #retryLoad = (): void => {
    this.#loadError = undefined;
    this.requestUpdate();
    void this.#load();
  };

  /** Also waits for the implementation (when loading) and the editor's render. */
  protected override async getUpdateComplete(): Promise<boolean> {
    if (this.#ready) await this.#ready;
    return super.getUpdateComplete();
  }

  #onKeydown = (event: KeyboardEvent): void => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey) && !event.altKey) {
      event.preventDefault();
      void this.save();
    }
  };

  protected override willUpdate(): void {
    // The agent's language arrives with the tracker's agent (a change of the tracker makes the editor update).
    requestLocale(this.locale, this.tracker?.agent?.locale);
  }

  protected override render(): TemplateResult {
    const impl = this.#impl;
    return html`<div part="base" class="base" lang=${activeLocale()} aria-busy=${impl || this.#loadError ? nothing : 'true'} @keydown=${this.#onKeydown}>
      <div part="header" class="header">
        <h2 class="title"><slot name="title">${titleText()}</slot></h2>
        ${impl ? impl.contactLine() : nothing}
      </div>
      ${
        impl
          ? impl.render()
          : this.#loadError
            ? html`<div part="notice" class="notice" role="alert">
              <p>${loadFailedText(this.#loadError)}</p>
              <button type="button" @click=${this.#retryLoad}>${tryAgainText()}</button>
            </div>`
            : html`<p class="loading" role="status">${loadingText()}</p>`
      }
    </div>`;
  }
}

if (!customElements.get('ccp-attributes')) customElements.define('ccp-attributes', CcpAttributes);

declare global {
  interface HTMLElementTagNameMap {
    'ccp-attributes': CcpAttributes;
  }
}

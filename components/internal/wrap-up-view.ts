/**
 * The editor's part in a clean wrap-up (internal): wires the editor into the plugin's `readiness` and `clear` (its
 * schema's required fields, its unsaved edits, saving them on request), and, where the page turns it on (`finish`),
 * renders the Finish action in after-contact work: `plugin.clear(contactId)` (src/wrap-up/wrap-up.ts), and when it
 * refuses, what stands in the way in the agent's language (an alert the button is described by).
 *
 * A ReactiveController of the element. Only types come from the plugin: a ClearError is recognised by its shape
 * (it may come from another realm, or another copy of the module).
 */
import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { ContactModel } from '../../src/tracker/types.ts';
import type { Readiness } from '../../src/wrap-up/readiness.ts';
import type { WrapUpActions } from '../../src/wrap-up/wrap-up.ts';
import type { AttributesController } from '../attributes-controller.ts';
import { formatList } from '../messages/editor.ts';
import * as t from '../messages/finish.ts';
import { activeLocale } from '../messages/localization.ts';
import { labelOf } from '../schema.ts';

/** What the view reads from its element. */
export interface WrapUpHost extends ReactiveControllerHost {
  /** The plugin, whose `clear` the Finish action calls and into whose readiness the editor is wired. */
  readonly wrapUp: WrapUpActions | undefined;
  /** Whether the Finish action is offered (in after-contact work). */
  readonly finish: boolean;
}

/** A ClearError's shape (src/wrap-up/wrap-up.ts). */
interface ClearFailure {
  name: 'ClearError';
  reason: string;
  message: string;
  readiness?: Readiness | undefined;
  cause?: unknown;
}

function isClearFailure(error: unknown): error is ClearFailure {
  return (
    error instanceof Error && error.name === 'ClearError' && typeof (error as { reason?: unknown }).reason === 'string'
  );
}

/** The host's own words when it refused (the ClearError's cause), else the ClearError's. */
function hostReason(error: ClearFailure): string {
  return error.reason === 'host' && error.cause instanceof Error ? error.cause.message : error.message;
}

export class WrapUpView implements ReactiveController {
  readonly #host: WrapUpHost;
  readonly #controller: AttributesController;
  #wired: WrapUpActions | undefined;
  #unwire: (() => void) | undefined;
  /** The contact a Finish is under way for. */
  #finishing: string | undefined;
  /** Why the last Finish did not close which contact (put in words as it renders: the language may change). */
  #refusal: { contactId: string; error: unknown } | undefined;

  constructor(host: WrapUpHost, controller: AttributesController) {
    this.#host = host;
    this.#controller = controller;
    host.addController(this);
  }

  hostConnected(): void {
    this.#wire();
  }

  hostUpdate(): void {
    this.#wire();
  }

  hostDisconnected(): void {
    this.#unwire?.();
    this.#unwire = undefined;
    this.#wired = undefined;
  }

  /** Wires the editor into the plugin the element was given (again when it changes). */
  #wire(): void {
    const wrapUp = this.#host.wrapUp;
    if (wrapUp === this.#wired) return;
    this.#unwire?.();
    this.#wired = wrapUp;
    const c = this.#controller;
    this.#unwire = wrapUp?.participate({
      requiredKeys: () => c.requiredKeys(),
      unsaved: (contactId) => c.unsavedOf(contactId),
      save: (contactId) => c.saveContact(contactId),
    });
  }

  /** The Finish action, for a contact in after-contact work when the page turned it on and the agent can save. */
  render(contact: ContactModel | undefined, editable: boolean): TemplateResult | typeof nothing {
    if (!this.#host.finish || !this.#host.wrapUp || !contact?.ended || !editable) return nothing;
    if (contact.state === 'missed' || contact.state === 'rejected') return nothing;
    const busy = this.#finishing === contact.contactId;
    const unavailable = busy || this.#controller.busy;
    const refusal = this.#refusal?.contactId === contact.contactId ? this.#explain(this.#refusal.error) : '';
    // aria-disabled, not disabled: the button keeps the focus while the Finish runs, for the agent to press again.
    return html`<div part="finish" class="finish">
      <button type="button" part="finish-button" class="primary" aria-describedby="finish-help finish-outcome"
        aria-disabled=${unavailable ? 'true' : 'false'}
        @click=${() => (unavailable ? undefined : void this.finish(contact.contactId))}>
        ${busy ? t.finishingText() : t.finishText()}
      </button>
      <span class="help" id="finish-help">${t.finishHelpText()}</span>
      <div class="finish-outcome" id="finish-outcome" role="alert">${refusal}</div>
    </div>`;
  }

  /** Finishes the contact as the button does: saves, waits, clears; says why not when it cannot. Never rejects. */
  async finish(contactId: string): Promise<void> {
    const wrapUp = this.#host.wrapUp;
    if (!wrapUp || this.#finishing !== undefined) return;
    this.#finishing = contactId;
    this.#refusal = undefined;
    this.#host.requestUpdate();
    try {
      await wrapUp.clear(contactId);
    } catch (error) {
      this.#refusal = { contactId, error };
    } finally {
      this.#finishing = undefined;
      this.#host.requestUpdate();
    }
  }

  /** Why the contact was not closed, in the agent's language. */
  #explain(error: unknown): string {
    if (!isClearFailure(error)) return t.finishErrorText(error instanceof Error ? error.message : String(error));
    if (error.reason === 'timeout') return t.finishPendingText();
    if (error.reason !== 'not-ready' || !error.readiness) return t.finishErrorText(hostReason(error));
    const items = error.readiness.items;
    const schema = this.#controller.schema;
    const missing = items.flatMap((item) => (item.kind === 'missing' ? [item.key] : []));
    if (missing.length > 0) {
      const labels = missing.map((key) => {
        const spec = schema?.byKey.get(key);
        return spec ? labelOf(spec, activeLocale()) : key;
      });
      return t.finishMissingText(formatList(labels));
    }
    if (items.some((item) => item.kind === 'failed')) return t.finishFailedWritesText();
    if (items.some((item) => item.kind === 'unsaved')) return t.finishUnsavedText();
    return t.finishPendingText();
  }
}

/**
 * `<ccp-review-contacts>`: a reviewer's search of the instance's contacts (supervisors, QA, legal) through the relay's
 * reviewers' routes (src/history/review-client.ts): by the time they ended, agent, queue, channel and a searchable
 * attribute, or one contact by id. Opening one shows it in a `<ccp-attributes>`, saving through the reviewers' route,
 * where the relay writes only the reviewers' keys.
 */
import { updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { isAttributesError } from '../src/errors.ts';
import { openContact } from '../src/history/opened-contact.ts';
import type { ReviewClient } from '../src/history/review-client.ts';
import { channelOf, type ContactSearchChannel, type ContactSummary } from '../src/history/types.ts';
import type { Attributes } from '../src/validate.ts';
import type { CcpAttributes } from './ccp-attributes.ts';
import { styles } from './ccp-review-contacts.styles.ts';
import { channelText, errorText } from './messages/editor.ts';
import { activeLocale, requestLocale } from './messages/localization.ts';
import * as r from './messages/recent.ts';
import * as t from './messages/review.ts';

const channels: readonly ContactSearchChannel[] = ['VOICE', 'CHAT', 'TASK', 'EMAIL'];
const day = 86_400_000;

/** A `datetime-local` value of a date, in local time. */
function localInput(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/**
 * @summary Searches the instance's contacts for a reviewer and opens one in the attributes editor.
 *
 * @csspart base - The whole element.
 * @csspart form - The search form.
 * @csspart table - The results' table.
 * @csspart open-button - A result's Open button.
 */
export class CcpReviewContacts extends LitElement {
  static override styles = styles;

  static override properties = {
    client: { attribute: false },
    editor: { attribute: false },
    theme: { reflect: true },
    locale: {},
    _contacts: { state: true },
    _status: { state: true },
    _message: { state: true },
    _nextToken: { state: true },
  };

  /** The reviewer's client: `reviewClient(relayClient, instanceId)` (a JS property). */
  client: ReviewClient | undefined;

  /** The `<ccp-attributes>` an opened contact is shown in (a JS property). */
  editor: CcpAttributes | undefined;

  /** Colour scheme: 'auto' (the default), 'light' or 'dark'. */
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /** The language of the element's words. */
  locale: string | undefined;

  private _contacts: ContactSummary[] = [];
  private _status: 'idle' | 'searching' | 'done' | 'failed' = 'idle';
  private _message: string | undefined;
  private _nextToken: string | undefined;
  #criteria: Parameters<ReviewClient['search']>[0] | undefined;
  #abort: AbortController | undefined;

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** The contacts found. */
  get contacts(): readonly ContactSummary[] {
    return this._contacts;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#abort?.abort();
  }

  /** Searches with the form's criteria (or the next page of the last search). */
  async search(next = false): Promise<void> {
    const client = this.client;
    if (!client) return;
    if (!next) this.#criteria = this.#readForm();
    const criteria = this.#criteria;
    if (!criteria) return;
    this.#abort?.abort();
    const abort = (this.#abort = new AbortController());
    this._status = 'searching';
    this._message = undefined;
    try {
      const page = await client.search({ ...criteria, nextToken: next ? this._nextToken : undefined }, abort.signal);
      if (abort.signal.aborted) return;
      this._contacts = next ? [...this._contacts, ...page.contacts] : page.contacts;
      this._nextToken = page.nextToken;
      this._status = 'done';
    } catch (error) {
      if (abort.signal.aborted) return;
      this._status = 'failed';
      this._message = t.reviewFailedText(reason(error));
    }
  }

  /** Finds one contact by id and opens it; the results then list that contact alone. */
  find(contactId: string): Promise<boolean> {
    return this.#find(contactId, true);
  }

  async #find(contactId: string, alone: boolean): Promise<boolean> {
    const client = this.client;
    if (!client || contactId.trim() === '') return false;
    this._message = undefined;
    try {
      const found = await client.find(contactId.trim());
      if (!found) {
        this._message = t.reviewNotFoundText();
        return false;
      }
      if (alone) {
        this._contacts = [found.contact];
        this._nextToken = undefined;
        this._status = 'done';
      }
      this.#show(found.contact, found.attributes);
      return true;
    } catch (error) {
      this._message = t.reviewFailedText(reason(error));
      return false;
    }
  }

  /** Opens a contact of the results: reads it again (with its attributes) and shows it in the editor. */
  open(contact: ContactSummary): Promise<boolean> {
    return this.#find(contact.contactId, false);
  }

  #show(contact: ContactSummary, attributes: Readonly<Attributes>): void {
    if (!this.client || !this.editor) return;
    const opened = openContact(contact, this.client.instanceId, attributes, this.client.writer);
    this.editor.tracker = opened.tracker;
    this.editor.writer = opened.writer;
  }

  #readForm(): Parameters<ReviewClient['search']>[0] | undefined {
    const form = this.renderRoot.querySelector('form');
    if (!form) return undefined;
    const data = new FormData(form);
    const text = (name: string): string => {
      const value = data.get(name);
      return typeof value === 'string' ? value.trim() : '';
    };
    const start = new Date(text('from') || Date.now() - 7 * day);
    const end = new Date(text('to') || Date.now());
    const channel = text('channel');
    const key = text('attribute');
    return {
      timeRange: { type: 'DISCONNECT_TIMESTAMP', start, end },
      agentIds: text('agent') ? [text('agent')] : undefined,
      queueIds: text('queue') ? [text('queue')] : undefined,
      channels: channels.includes(channel as ContactSearchChannel) ? [channel as ContactSearchChannel] : undefined,
      attributes: key ? [{ key, values: [text('value')] }] : undefined,
      sort: { field: 'DISCONNECT_TIMESTAMP', order: 'DESCENDING' },
    };
  }

  #submit = (event: SubmitEvent): void => {
    event.preventDefault();
    void this.search();
  };

  #findSubmit = (event: SubmitEvent): void => {
    event.preventDefault();
    const input = (event.target as HTMLFormElement).querySelector('input');
    void this.find(input?.value ?? '');
  };

  protected override willUpdate(): void {
    if (this.locale) requestLocale(this.locale);
  }

  protected override render(): TemplateResult {
    const now = new Date();
    return html`<section part="base" class="base" lang=${activeLocale()} aria-labelledby="title">
      <h2 class="title" id="title">${t.reviewTitleText()}</h2>
      <form part="form" @submit=${this.#submit}>
        <label>${t.reviewFromText()}<input type="datetime-local" name="from" .value=${localInput(new Date(now.getTime() - 7 * day))} /></label>
        <label>${t.reviewToText()}<input type="datetime-local" name="to" .value=${localInput(now)} /></label>
        <label>${t.reviewAgentText()}<input name="agent" autocomplete="off" /></label>
        <label>${t.reviewQueueText()}<input name="queue" autocomplete="off" /></label>
        <label>${r.recentChannelText()}<select name="channel">
          <option value="">${t.reviewAnyChannelText()}</option>
          ${channels.map((channel) => html`<option value=${channel}>${channelText(channelOf(channel))}</option>`)}
        </select></label>
        <label>${t.reviewAttributeText()}<input name="attribute" autocomplete="off" /></label>
        <label>${t.reviewValueText()}<input name="value" autocomplete="off" /></label>
        <button type="submit" class="open" ?disabled=${!this.client}>${t.reviewSearchText()}</button>
      </form>
      <form @submit=${this.#findSubmit}>
        <label>${t.reviewContactIdText()}<input name="contact-id" autocomplete="off" /></label>
        <button type="submit" ?disabled=${!this.client}>${t.reviewFindText()}</button>
      </form>
      ${this._contacts.length > 0 ? this.#table() : nothing}
      ${this._status === 'searching' ? html`<p class="message" role="status">${t.reviewSearchingText()}</p>` : nothing}
      ${this._status === 'done' && this._contacts.length === 0 ? html`<p class="message">${t.reviewNoneText()}</p>` : nothing}
      ${this._message ? html`<p class="error" role="alert">${this._message}</p>` : nothing}
      ${
        this._nextToken
          ? html`<div class="actions"><button type="button" @click=${() => void this.search(true)}>${r.recentMoreText()}</button></div>`
          : nothing
      }
    </section>`;
  }

  #table(): TemplateResult {
    const format = new Intl.DateTimeFormat(activeLocale(), { dateStyle: 'short', timeStyle: 'short' });
    const when = (date: Date | undefined): string => (date ? format.format(date) : '');
    return html`<table part="table">
      <thead>
        <tr>
          <th scope="col">${r.recentChannelText()}</th>
          <th scope="col">${r.recentQueueText()}</th>
          <th scope="col">${t.reviewAgentColumnText()}</th>
          <th scope="col">${r.recentStartedText()}</th>
          <th scope="col">${r.recentEndedText()}</th>
          <th scope="col">${r.recentActionText()}</th>
        </tr>
      </thead>
      <tbody>
        ${this._contacts.map((contact) => {
          const channel = channelText(channelOf(contact.channel));
          return html`<tr data-contact-id=${contact.contactId}>
            <td>${channel}</td>
            <td>${contact.queueName ?? contact.queueId ?? ''}</td>
            <td>${contact.agentId ?? ''}</td>
            <td>${when(contact.initiatedAt)}</td>
            <td>${when(contact.disconnectedAt)}</td>
            <td><button type="button" class="open" part="open-button"
              aria-label=${r.recentOpenLabel(channel, when(contact.disconnectedAt))}
              @click=${() => void this.open(contact)}>${r.recentOpenText()}</button></td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

function reason(error: unknown): string {
  if (isAttributesError(error)) return errorText(error);
  return error instanceof Error ? error.message : String(error);
}

if (!customElements.get('ccp-review-contacts')) customElements.define('ccp-review-contacts', CcpReviewContacts);

declare global {
  interface HTMLElementTagNameMap {
    'ccp-review-contacts': CcpReviewContacts;
  }
}

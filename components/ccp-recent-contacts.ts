/**
 * `<ccp-recent-contacts>`: the agent's own contacts that ended within the write window, newest first, with channel,
 * queue and times, read through a ContactHistory (src/history/: the signed client or the relay). Opening one reads its
 * stored attributes and hands it to an editor (`<ccp-attributes>`); contacts past the window are listed, not offered.
 */
import { updateWhenLocaleChanges } from '@lit/localize';
import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { openContact } from '../src/history/opened-contact.ts';
import { channelOf, type ContactHistory, type ContactSummary } from '../src/history/types.ts';
import type { Attributes } from '../src/validate.ts';
import type { AttributeWriter, ContactRef } from '../src/writer.ts';
import type { CcpAttributes } from './ccp-attributes.ts';
import { styles } from './ccp-recent-contacts.styles.ts';
import { RecentController } from './internal/recent-controller.ts';
import { channelText } from './messages/editor.ts';
import { activeLocale, requestLocale } from './messages/localization.ts';
import * as t from './messages/recent.ts';

/** Detail of `ccp-recent-contacts-open`: cancel it to open the contact yourself. */
export interface RecentOpenDetail {
  /** The contact as the search found it. */
  readonly contact: ContactSummary;
  /** The ids a write to it needs. */
  readonly ref: ContactRef;
  /** Its stored attributes. */
  readonly attributes: Readonly<Attributes>;
}

export type CcpRecentContactsOpenEvent = CustomEvent<RecentOpenDetail>;

/**
 * @summary Lists the agent's contacts that ended within the write window and opens one in the attributes editor.
 *
 * @fires ccp-recent-contacts-open - A contact was opened (`detail.contact`, `detail.ref`, `detail.attributes`); cancelable: the element then leaves the editor alone.
 *
 * @csspart base - The whole list.
 * @csspart table - The contacts' table.
 * @csspart open-button - A contact's Open button.
 * @csspart more-button - The "Show more" button.
 *
 * @cssproperty --ccp-color-accent - Buttons and focus ring.
 * @cssproperty --ccp-color-muted - Secondary text.
 * @cssproperty --ccp-color-border - Row borders.
 */
export class CcpRecentContacts extends LitElement {
  static override styles = styles;

  static override properties = {
    history: { attribute: false },
    writer: { attribute: false },
    editor: { attribute: false },
    pageSize: { attribute: 'page-size', type: Number },
    theme: { reflect: true },
    locale: {},
  };

  /** Where the contacts are read: `directHistory(...)` or `relayHistory(...)` (a JS property). */
  history: ContactHistory | undefined;

  /** The write path an opened contact is saved through: the plugin's outbox or relay client (a JS property). */
  writer: AttributeWriter | undefined;

  /** The `<ccp-attributes>` an opened contact is shown in (a JS property); without it, only the event is fired. */
  editor: CcpAttributes | undefined;

  /** Contacts per page (1 to 100, default 10). */
  pageSize = 10;

  /** Colour scheme: 'auto' (the default), 'light' or 'dark'. */
  theme: 'auto' | 'light' | 'dark' = 'auto';

  /** The language of the list's words, overriding the page's; English when it is not one of the plugin's. */
  locale: string | undefined;

  readonly #controller = new RecentController(this);

  constructor() {
    super();
    updateWhenLocaleChanges(this);
  }

  /** The contacts listed. */
  get contacts(): readonly ContactSummary[] {
    return this.#controller.contacts;
  }

  /** Loads the first page again. */
  refresh(): Promise<void> {
    return this.#controller.refresh();
  }

  /** Opens a listed contact: reads its attributes, fires the event and shows it in the editor; false when it cannot. */
  async open(contact: ContactSummary): Promise<boolean> {
    const history = this.history;
    const attributes = await this.#controller.open(contact);
    if (!history || !attributes) return false;
    const ref = {
      instanceId: history.instanceId,
      initialContactId: contact.initialContactId,
      contactId: contact.contactId,
    };
    const event = new CustomEvent<RecentOpenDetail>('ccp-recent-contacts-open', {
      detail: { contact, ref, attributes },
      bubbles: true,
      composed: true,
      cancelable: true,
    });
    if (!this.dispatchEvent(event)) return true;
    if (this.editor && this.writer) {
      const opened = openContact(contact, history.instanceId, attributes, this.writer);
      this.editor.tracker = opened.tracker;
      this.editor.writer = opened.writer;
      this.editor.focus();
    }
    return true;
  }

  protected override willUpdate(): void {
    if (this.locale) requestLocale(this.locale);
  }

  protected override render(): TemplateResult {
    const c = this.#controller;
    const time = new Intl.DateTimeFormat(activeLocale(), { dateStyle: 'short', timeStyle: 'short' });
    const when = (date: Date | undefined): string => (date ? time.format(date) : '');
    return html`<section part="base" class="base" lang=${activeLocale()} aria-labelledby="title" aria-busy=${c.status === 'loading' ? 'true' : 'false'}>
      <h2 class="title" id="title">${t.recentTitleText()}</h2>
      ${c.contacts.length > 0 ? this.#table(c.contacts, when) : nothing}
      ${c.status === 'loading' ? html`<p class="message" role="status">${t.recentLoadingText()}</p>` : nothing}
      ${c.status === 'ready' && c.contacts.length === 0 ? html`<p class="message">${t.recentEmptyText()}</p>` : nothing}
      ${
        c.error
          ? html`<p class="error" role="alert">
            ${c.status === 'failed' ? t.recentFailedText(c.error) : t.recentOpenFailedText(c.error)}
          </p>`
          : nothing
      }
      <div class="actions">
        <button type="button" ?disabled=${!this.history || c.status === 'loading'} @click=${() => void c.refresh()}>
          ${t.recentRefreshText()}
        </button>
        ${
          c.nextToken
            ? html`<button type="button" part="more-button" ?disabled=${c.status === 'loading'} @click=${() => void c.more()}>
              ${t.recentMoreText()}
            </button>`
            : nothing
        }
      </div>
    </section>`;
  }

  #table(contacts: readonly ContactSummary[], when: (date: Date | undefined) => string): TemplateResult {
    const c = this.#controller;
    const now = Date.now();
    return html`<table part="table">
      ${c.since ? html`<caption>${t.recentSinceText(when(c.since))}</caption>` : nothing}
      <thead>
        <tr>
          <th scope="col">${t.recentChannelText()}</th>
          <th scope="col">${t.recentQueueText()}</th>
          <th scope="col">${t.recentStartedText()}</th>
          <th scope="col">${t.recentEndedText()}</th>
          <th scope="col">${t.recentActionText()}</th>
        </tr>
      </thead>
      <tbody>
        ${contacts.map((contact) => {
          const channel = channelText(channelOf(contact.channel));
          const editable = c.editable(contact, now);
          return html`<tr class=${editable ? '' : 'past'} data-contact-id=${contact.contactId}>
            <td>${channel}</td>
            <td>${(contact.queueId && c.queueNames.get(contact.queueId)) ?? contact.queueName ?? ''}</td>
            <td>${when(contact.initiatedAt)}</td>
            <td>${when(contact.disconnectedAt)}</td>
            <td>
              ${
                editable
                  ? html`<button type="button" class="open" part="open-button" ?disabled=${c.opening !== undefined}
                      aria-label=${t.recentOpenLabel(channel, when(contact.disconnectedAt))}
                      @click=${() => void this.open(contact)}>${t.recentOpenText()}</button>`
                  : html`<span>${t.recentPastWindowText()}</span>`
              }
            </td>
          </tr>`;
        })}
      </tbody>
    </table>`;
  }
}

if (!customElements.get('ccp-recent-contacts')) customElements.define('ccp-recent-contacts', CcpRecentContacts);

declare global {
  interface HTMLElementTagNameMap {
    'ccp-recent-contacts': CcpRecentContacts;
  }
  interface HTMLElementEventMap {
    'ccp-recent-contacts-open': CcpRecentContactsOpenEvent;
  }
}

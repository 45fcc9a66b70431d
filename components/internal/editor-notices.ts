/**
 * The editor's notices (internal): the contact line under the heading, the schema and setup errors, why the editor
 * is read-only, and why no contact is shown (the connection to the host).
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ContactModel } from '../../src/tracker/types.ts';
import type { AttributesController, AttributesControllerHost } from '../attributes-controller.ts';
import * as t from '../messages/editor.ts';

/** What the notices read of the element. */
export type NoticesHost = Pick<AttributesControllerHost, 'setupError' | 'tracker'>;

/** The line under the heading: the viewed contact's channel, state (after contact work once it ended) and queue. */
export function contactLine(contact: ContactModel | undefined): TemplateResult | typeof nothing {
  if (!contact) return nothing;
  return html`<p part="contact" class="contact">
    <span class="channel">${t.channelText(contact.channel)}</span>
    <span aria-hidden="true">·</span>
    <span class="state">${t.stateText(contact)}</span>
    ${contact.queue ? html`<span aria-hidden="true">·</span> <span class="queue">${contact.queue.name}</span>` : nothing}
  </p>`;
}

/** The notices above the fields: the schema and setup errors, and why the editor is read-only. */
export function notices(c: AttributesController, host: NoticesHost): TemplateResult {
  const reason = c.readOnlyReason;
  const contact = c.contact;
  return html`${
    c.schemaError
      ? html`<div part="notice" class="notice error-notice" role="alert">
            <strong>${t.schemaIgnoredText()}</strong>
            <ul>${c.schemaError.problems.map((problem) => html`<li>${problem}</li>`)}</ul>
          </div>`
      : nothing
  }
      ${
        host.setupError
          ? html`<div part="notice" class="notice error-notice" role="alert">
            <strong>${t.setupErrorText()}</strong><br />${host.setupError}
          </div>`
          : nothing
      }
      ${
        reason === 'setup-error'
          ? nothing
          : reason === 'no-contact'
            ? noContact(host)
            : reason
              ? html`<div part="notice" class="notice">
              ${t.readOnlyText(reason)}
              ${reason === 'no-instance' && contact?.instanceError ? html`<br />${contact.instanceError.message}` : nothing}
            </div>`
              : nothing
      }`;
}

/** Why no contact is shown: the host does not answer yet (or any more), or no contact is open. */
function noContact(host: NoticesHost): TemplateResult {
  const connection = host.tracker?.connection;
  return html`<div part="notice" class="notice" role="status">${
    connection === undefined || connection === 'connected'
      ? html`<slot name="empty">${t.noContactText()}</slot>`
      : t.connectionText(connection)
  }</div>`;
}

/** The "Stored in Connect" panel: what the API stand-in stores for the contact on screen and the newest others, and its last requests. */
import { html, nothing, render } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import { clock, short } from './dom.ts';
import type { StandInState } from './stand-in.ts';

export function renderStored(host: HTMLElement, standIn: StandInState, viewed: string | undefined): void {
  // The contact on screen first, then the newest others.
  const contacts = [...standIn.stored]
    .reverse()
    .sort((a, b) => Number(b.initialContactId === viewed) - Number(a.initialContactId === viewed));
  const now = Date.now();
  const requests = standIn.requests
    .filter((request) => request.action !== 'Preflight')
    .slice(-5)
    .reverse();
  render(
    html`${
      contacts.length === 0
        ? html`<p class="muted">Nothing stored yet. Contacts appear here when the stand-in CCP registers them; their attributes as each write lands.</p>`
        : repeat(
            contacts.slice(0, 3),
            (contact) => contact.initialContactId,
            (contact) => {
              const entries = Object.entries(contact.attributes).sort(([a], [b]) => a.localeCompare(b));
              return html`<article class="stored-contact${contact.initialContactId === viewed ? ' viewed' : ''}" data-contact=${contact.initialContactId}>
                <header>
                  <code title=${contact.initialContactId}>${short(contact.initialContactId)}</code>
                  ${contact.initialContactId === viewed ? html`<span class="badge" data-tone="busy">on screen</span>` : nothing}
                  <span class="muted">started ${clock(contact.startedAt)}</span>
                </header>
                ${
                  entries.length === 0
                    ? html`<p class="muted">no attributes</p>`
                    : html`<table class="kv">
                      <tbody>
                        ${repeat(
                          entries,
                          ([key]) => key,
                          ([key, value]) => {
                            const fresh =
                              (standIn.changedAt.get(`${contact.initialContactId}/${key}`) ?? 0) > now - 3000;
                            return html`<tr class=${fresh ? 'fresh' : ''}><th scope="row">${key}</th><td>${value}</td></tr>`;
                          },
                        )}
                      </tbody>
                    </table>`
                }
              </article>`;
            },
          )
    }
      <h3>Last API requests</h3>
      <ol class="requests">
        ${
          requests.length === 0
            ? html`<li class="muted">none yet</li>`
            : requests.map(
                (request) => html`<li data-tone=${request.status === 200 ? 'ok' : 'error'}>
                <time>${clock(request.time)}</time>
                <span>${request.action.replace('ContactAttributes', 'Attributes')}</span>
                <strong>${request.status === 0 ? 'dropped' : request.status}</strong>
                ${request.errorType && request.status !== 0 ? html`<span class="muted">${request.errorType}</span>` : nothing}
              </li>`,
              )
        }
      </ol>`,
    host,
  );
}

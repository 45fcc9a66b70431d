/**
 * The outbox panel: pending, failed and landed counts, the write per contact with its status, and an activity log,
 * all from the outbox's own events and state (`landed`, `status`, `failed`, `expired`, `change`).
 */
import { html, render } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AttributesError } from '../../src/errors.ts';
import type { ContactStatus, Outbox, OutboxState } from '../../src/outbox/index.ts';
import { clock, short } from './dom.ts';

interface ActivityLine {
  at: number;
  tone: 'ok' | 'busy' | 'error';
  text: string;
}

const statusLabels: Record<ContactStatus['state'], string> = {
  idle: 'idle',
  queued: 'queued',
  sending: 'sending…',
  waiting: 'will retry',
  failed: 'failed',
  accepted: 'accepted (queued at the relay)',
};

export function errorText(error: AttributesError | undefined): string {
  if (!error) return '';
  const code = [error.status, error.awsType].filter((part) => part !== undefined).join(' ');
  return code ? `${error.message} (${code})` : error.message;
}

/** The outbox panel's own record of what happened: the activity lines and what landed per contact chain. */
export class OutboxPanel {
  readonly #host: HTMLElement;
  readonly #outbox: Outbox | undefined;
  readonly #activity: ActivityLine[] = [];
  /** Per `<instanceId>/<initialContactId>`: the leg written, when its last write landed, how many keys landed. */
  readonly #landed = new Map<string, { contactId: string; at: number; keys: number }>();
  #landedCount = 0;

  /** Watches `outbox` (none: the page cannot write) and calls `changed` when the panel should render again. */
  constructor(host: HTMLElement, outbox: Outbox | undefined, changed: () => void) {
    this.#host = host;
    this.#outbox = outbox;
    if (!outbox) return;
    outbox.on('landed', ({ contact, attributes }) => {
      const keys = Object.keys(attributes);
      const key = `${contact.instanceId}/${contact.initialContactId}`;
      const previous = this.#landed.get(key);
      this.#landed.set(key, {
        contactId: contact.contactId,
        at: Date.now(),
        keys: (previous?.keys ?? 0) + keys.length,
      });
      this.#landedCount++;
      this.log('ok', `landed ${keys.join(', ')} on ${short(contact.contactId)}`);
      changed();
    });
    outbox.on('status', (status) => {
      if (status.state === 'waiting' && status.error)
        this.log('busy', `${short(status.contact.contactId)}: ${status.error.kind}, retry ${status.attempts}`);
      changed();
    });
    outbox.on('failed', ({ entry, error }) => {
      this.log(
        'error',
        `kept ${Object.keys(entry.attributes).join(', ')} of ${short(entry.contact.contactId)}: ${error.message}`,
      );
      changed();
    });
    outbox.on('expired', ({ entry }) => {
      this.log('error', `expired ${Object.keys(entry.attributes).join(', ')} of ${short(entry.contact.contactId)}`);
      changed();
    });
    outbox.on('change', changed);
    // Retry countdowns tick.
    setInterval(() => {
      if ([...outbox.state.contacts.values()].some((status) => status.retryAt !== undefined)) changed();
    }, 500);
  }

  /** Adds a line to the activity log (newest first, at most 30). */
  log(tone: ActivityLine['tone'], text: string): void {
    this.#activity.unshift({ at: Date.now(), tone, text });
    this.#activity.length = Math.min(this.#activity.length, 30);
  }

  render(): void {
    const outbox = this.#outbox;
    if (!outbox) {
      render(html`<p class="muted">No outbox: the plugin has no credentials.</p>`, this.#host);
      return;
    }
    const state: OutboxState = outbox.state;
    const rows = new Map<
      string,
      { contact: string; status: ContactStatus | undefined; landed: { at: number; keys: number } | undefined }
    >();
    for (const [key, landed] of this.#landed) rows.set(key, { contact: landed.contactId, status: undefined, landed });
    for (const [key, status] of state.contacts) {
      rows.set(key, { contact: status.contact.contactId, status, landed: this.#landed.get(key) });
    }
    const now = Date.now();
    render(
      html`<div class="stats">
          <div class="stat"><span class="stat-value" data-testid="outbox-pending">${state.pending}</span><span class="stat-label">pending</span></div>
          <div class="stat"><span class="stat-value" data-tone=${state.failed > 0 ? 'error' : 'idle'}>${state.failed}</span><span class="stat-label">failed</span></div>
          <div class="stat"><span class="stat-value">${this.#landedCount}</span><span class="stat-label">landed</span></div>
          <div class="stat"><span class="stat-value small">${state.flusher ? 'this tab' : 'other tab'}</span><span class="stat-label">flusher</span></div>
        </div>
        ${
          state.lastError
            ? html`<p class="last-error"><strong>Last error:</strong> ${errorText(state.lastError)}${state.lastError.retryable ? ' · retried' : ' · kept, not retried'}</p>`
            : html`<p class="last-error muted">No errors so far.</p>`
        }
        ${
          rows.size === 0
            ? html`<p class="muted">No writes yet. Ring a call and accept it: the rules tag it.</p>`
            : html`<table class="compact">
              <thead><tr><th>contact</th><th>status</th><th>keys</th><th>tries</th></tr></thead>
              <tbody>
                ${[...rows.values()]
                  .reverse()
                  .slice(0, 6)
                  .map(({ contact, status, landed }) => {
                    const tone = status
                      ? status.state === 'failed'
                        ? 'error'
                        : status.state === 'idle'
                          ? 'ok'
                          : 'busy'
                      : 'ok';
                    const label = status
                      ? `${statusLabels[status.state]}${status.retryAt ? ` in ${Math.max(0, Math.ceil((status.retryAt - now) / 1000))} s` : ''}`
                      : `landed ${landed ? clock(landed.at) : ''}`;
                    return html`<tr title=${status?.error ? errorText(status.error) : ''}>
                    <td><code>${short(contact)}</code></td>
                    <td><span class="badge" data-tone=${tone}>${label}</span></td>
                    <td>${status ? status.pendingKeys : (landed?.keys ?? 0)}</td>
                    <td>${status?.attempts ?? 0}</td>
                  </tr>`;
                  })}
              </tbody>
            </table>`
        }
        <ol class="activity" aria-label="Outbox activity">
          ${repeat(
            this.#activity.slice(0, 8),
            (line) => line,
            (line) => html`<li data-tone=${line.tone}><time>${clock(line.at)}</time> ${line.text}</li>`,
          )}
        </ol>`,
      this.#host,
    );
  }
}

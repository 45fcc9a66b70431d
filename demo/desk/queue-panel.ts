/**
 * The "Queue" panel of queued mode (`?writes=queued`): the write queue's depth on fauxqs (waiting, in flight, dead
 * letters), the worker's progress (writes settled by outcome, the newest ones) and the outcome sockets subscribed
 * (this page's outbox hears outcomes pushed over one, not polled), read from the demo server's `/__queued` every
 * second.
 */
import { html, render } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { QueueStatus } from '../queued.ts';
import { clock, json, message, short } from './dom.ts';

/** Where the queued relay and its outcome socket listen and how its queue stands (demo/queued.ts's queuedLocation). */
export interface QueuedAnswer {
  url: string;
  socketUrl: string;
  status: QueueStatus;
}

const tone = { landed: 'ok', refused: 'error', failed: 'error', 'dead-letter': 'error' } as const;

/** Renders the panel into `host` (shown) and refreshes it every second. */
export function watchQueue(host: HTMLElement, panel: HTMLElement): void {
  panel.hidden = false;
  const refresh = async (): Promise<void> => {
    try {
      show(host, (await json<QueuedAnswer>('/__queued')).status);
    } catch (error) {
      render(html`<p class="muted">The queue could not be read: ${message(error)}</p>`, host);
    }
  };
  void refresh();
  setInterval(() => void refresh(), 1000);
}

function show(host: HTMLElement, status: QueueStatus): void {
  const count = (label: string, value: number, name: string) =>
    html`<div data-count=${name}><dt>${label}</dt><dd>${value}</dd></div>`;
  render(
    html`<dl class="queue-counts" aria-label="The write queue">
        ${count('Waiting', status.waiting, 'waiting')} ${count('In flight', status.inFlight, 'in-flight')}
        ${count('Dead letters', status.deadLetters, 'dead-letters')}
      </dl>
      <h3>Worker <span class="hint">paced under Connect's quotas</span></h3>
      <dl class="queue-counts" aria-label="Writes the worker settled">
        ${count('Landed', status.settled.landed, 'landed')} ${count('Refused', status.settled.refused, 'refused')}
        ${count('Failed', status.settled.failed, 'failed')}
        ${count('Dead-lettered', status.settled['dead-letter'], 'dead-lettered')}
      </dl>
      <h3>Outcomes <span class="hint">pushed to the page over the relay's WebSocket, not polled</span></h3>
      <dl class="queue-counts" aria-label="Outcome sockets">
        ${count('Sockets subscribed', status.subscribed, 'subscribed')}
      </dl>
      <ol class="requests" aria-label="The newest writes the worker settled">
        ${
          status.recent.length === 0
            ? html`<li class="muted">none yet</li>`
            : repeat(
                status.recent,
                (write) => `${write.initialContactId}/${write.at}/${write.keys.join(',')}`,
                (write) => html`<li data-tone=${tone[write.state]}>
                  <time>${clock(write.at)}</time>
                  <code title=${write.initialContactId}>${short(write.initialContactId)}</code>
                  <strong>${write.state}</strong>
                  <span class="muted">${write.keys.join(', ')}</span>
                </li>`,
              )
        }
      </ol>`,
    host,
  );
}

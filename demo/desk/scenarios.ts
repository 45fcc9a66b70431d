/** This desk's extra scenario: a call that went through the IVR, with attributes the flow set. */
import { html, render } from 'lit';
import type { StandInCcp } from '../ccp/scenario.ts';
import { IVR_ATTRIBUTES } from './config.ts';
import { message } from './dom.ts';

export function renderExtraScenarios(host: HTMLElement, ccp: StandInCcp): void {
  const status = document.createElement('span');
  status.className = 'muted';
  render(
    html`<button
        type="button"
        class="primary"
        title="An inbound call whose contact flow set CustomerTier=gold, Intent and AccountId"
        @click=${() => {
          ccp
            .ringCall({ attributes: IVR_ATTRIBUTES, queueName: 'Billing' })
            .catch((error: unknown) => (status.textContent = message(error)));
        }}
      >
        Ring a gold-customer call (IVR attributes)
      </button>
      ${status}`,
    host,
  );
}

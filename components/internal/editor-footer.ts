/** The bottom of the editor (internal): the byte meter and the footer with the save status, Retry, Revert and Save. */
import { html, nothing, type TemplateResult } from 'lit';
import { MAX_TOTAL_BYTES } from '../../src/validate.ts';
import type { AttributesController } from '../attributes-controller.ts';
import * as t from '../messages/editor.ts';
import { styleProperties } from './style-properties.ts';

/** The byte meter: what the contact would hold after saving, against the API's total budget. */
export function meter(c: AttributesController): TemplateResult {
  const used = c.bytesUsed;
  const level = c.budgetLevel;
  const percent = Math.min(100, (used / MAX_TOTAL_BYTES) * 100);
  const text = t.meterText(used);
  return html`<div part="meter" class="meter ${level}">
    <div class="meter-head">
      <span id="meter-label">${t.meterLabel()}</span>
      <span class="meter-text">${text}</span>
    </div>
    <div class="bar" role="meter" aria-labelledby="meter-label" aria-valuemin="0" aria-valuemax=${MAX_TOTAL_BYTES}
      aria-valuenow=${Math.min(used, MAX_TOTAL_BYTES)} aria-valuetext=${text}>
      <div class="fill" ${styleProperties({ width: `${percent.toFixed(2)}%` })}></div>
    </div>
    <div class="budget-message" role="status">
      ${level === 'over' ? t.overBudgetText(used - MAX_TOTAL_BYTES) : level === 'warn' ? t.nearlyFullText(MAX_TOTAL_BYTES - used) : ''}
    </div>
  </div>`;
}

/** What the footer's buttons do (Retry and Save both save). */
export interface FooterActions {
  readonly save: () => void;
  readonly revert: () => void;
}

/** The footer: the save status (a failure with Retry, as an alert), the count of changes, Revert and Save. */
export function footer(c: AttributesController, act: FooterActions): TemplateResult {
  const status = c.status;
  const count = c.changeCount;
  const busy = c.busy;
  const failed = status === 'failed';
  return html`<div part="footer" class="footer">
    <div part="status" class="status ${status}" role="status" tabindex="-1">${failed ? '' : (c.statusMessage ?? '')}</div>
    <div class="alert" role="alert">
      ${
        failed
          ? html`<span>${c.statusMessage}</span>
            ${
              c.failedAfterAccept
                ? nothing
                : html`<button type="button" class="small" @click=${act.save}>${t.retryText()}</button>`
            }`
          : nothing
      }
    </div>
    <div class="actions">
      <span class="changes">${t.changesText(count)}</span>
      <button type="button" part="revert-button" class="secondary" ?disabled=${count === 0 || busy} @click=${act.revert}>
        ${t.revertText()}
      </button>
      <button type="button" part="save-button" class="primary" ?disabled=${count === 0 || busy} aria-keyshortcuts="Control+Enter Meta+Enter"
        aria-describedby="save-hint" @click=${act.save}>
        ${status === 'waiting' ? t.waitingButtonText() : busy ? t.savingButtonText() : t.saveText()}
      </button>
    </div>
    <div class="help" id="save-hint">${t.saveHintText()}</div>
  </div>`;
}

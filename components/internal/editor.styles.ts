import { css } from 'lit';
import { failuresStyles } from './failures.styles.ts';

/**
 * Styles of the editor inside `<ccp-attributes>` (and its rows, which render into its shadow root),
 * added to the element's shadow root when the implementation loaded. They use the `--_*` variables
 * the element's own styles (../ccp-attributes.styles.ts) define from the `--ccp-*` custom properties.
 */
export const editorStyles = css`
  .notice ul {
    margin: 4px 0 0;
    padding-left: 1.2em;
  }
  .error-notice {
    border-color: var(--_danger);
  }
  .warn-notice {
    border-color: var(--_warning);
  }
  .list {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    min-height: 0;
    overflow: auto;
    flex: 1 1 auto;
  }
  .empty {
    margin: 0;
    color: var(--_muted);
  }
  ccp-attribute-field {
    display: block;
    /* Rows off screen skip layout and paint: long lists stay cheap without a virtualizer. */
    content-visibility: auto;
    contain-intrinsic-size: auto 64px;
  }
  .field {
    display: flex;
    flex-direction: column;
    gap: 2px;
    min-width: 0;
  }
  .field.new {
    padding: var(--_space);
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    gap: 4px;
  }
  .field.new > button {
    align-self: flex-start;
  }
  .pair {
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .field-head {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 0 6px;
    min-width: 0;
  }
  label {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .key {
    color: var(--_muted);
    font-size: 0.85em;
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    overflow-wrap: anywhere;
  }
  .tag {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .tag.edited {
    color: var(--_accent);
  }
  .tag.missing {
    color: var(--_danger);
    font-weight: 600;
  }
  .control {
    display: flex;
    gap: 4px;
    align-items: flex-start;
    min-width: 0;
  }
  .input {
    flex: 1 1 auto;
    min-width: 0;
    width: 100%;
    font: inherit;
    color: var(--_text);
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 4px 6px;
  }
  textarea.input {
    resize: vertical;
  }
  .input[readonly] {
    background: transparent;
    border-style: dashed;
  }
  .invalid .input[aria-invalid='true'],
  .input[aria-invalid='true'] {
    border-color: var(--_danger);
    border-width: 2px;
  }
  .dirty .input {
    border-color: var(--_accent);
  }
  .check {
    width: 18px;
    height: 18px;
    margin: 4px 0;
    accent-color: var(--_accent);
  }
  .error {
    color: var(--_danger);
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  .help {
    margin: 0;
    color: var(--_muted);
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  .help.warn {
    color: var(--_warning);
  }
  button {
    font: inherit;
    border-radius: var(--_radius);
    padding: 4px 12px;
    cursor: pointer;
    border: 1px solid var(--_accent);
  }
  button:disabled,
  button[aria-disabled='true'] {
    cursor: not-allowed;
    opacity: 0.55;
  }
  button.small {
    padding: 3px 8px;
    font-size: 0.9em;
    background: transparent;
    color: var(--_accent);
    border-color: var(--_border);
    flex: none;
  }
  button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  button.primary {
    background: var(--_accent);
    color: var(--_accent-text);
  }
  button:focus-visible,
  .input:focus-visible,
  .check:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .new-fields {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .new-fields:empty {
    display: none;
  }
  .meter-head {
    display: flex;
    justify-content: space-between;
    gap: 6px;
    font-size: 0.9em;
    color: var(--_muted);
  }
  .bar {
    height: 6px;
    border-radius: 3px;
    background: color-mix(in srgb, var(--_border) 35%, transparent);
    overflow: hidden;
    margin-top: 2px;
  }
  .fill {
    height: 100%;
    background: var(--_accent);
  }
  .meter.warn .fill {
    background: var(--_warning);
  }
  .meter.over .fill {
    background: var(--_danger);
  }
  .budget-message {
    font-size: 0.9em;
  }
  .meter.warn .budget-message {
    color: var(--_warning);
  }
  .meter.over .budget-message {
    color: var(--_danger);
    font-weight: 600;
  }
  .footer {
    display: flex;
    flex-direction: column;
    gap: 4px;
    border-top: 1px solid var(--_border);
    padding-top: var(--_space);
  }
  .actions {
    display: flex;
    align-items: center;
    gap: 6px;
    flex-wrap: wrap;
  }
  .finish {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 4px;
  }
  .finish-outcome {
    color: var(--_danger);
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  .finish-outcome:empty {
    display: none;
  }
  .changes {
    flex: 1 1 auto;
    color: var(--_muted);
    font-size: 0.9em;
  }
  ${failuresStyles}
  .status:empty,
  .alert:empty {
    display: none;
  }
  .status.saved {
    color: var(--_success);
  }
  .status.waiting,
  .status.blocked {
    color: var(--_warning);
  }
  .alert {
    color: var(--_danger);
    display: flex;
    flex-wrap: wrap;
    gap: 4px 8px;
    align-items: baseline;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0, 0, 0, 0);
    white-space: nowrap;
    border: 0;
  }
`;

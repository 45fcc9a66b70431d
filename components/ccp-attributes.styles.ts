import { css } from 'lit';

/**
 * Styles of `<ccp-attributes>` (and its rows, which render into its shadow root). Every colour comes
 * from a `--ccp-*` custom property with a light and a dark default (CSS light-dark()); the dark ones
 * apply with `theme="dark"`, or with `theme="auto"` (the default) when the system prefers dark.
 */
export const styles = css`
  :host {
    display: block;
    box-sizing: border-box;
    max-width: 100%;
    /* light-dark() picks by color-scheme: the system's (theme="auto"), or forced by the theme attribute. */
    color-scheme: light dark;
    --_bg: var(--ccp-color-background, light-dark(#ffffff, #161b22));
    --_surface: var(--ccp-color-surface, light-dark(#ffffff, #0d1117));
    --_text: var(--ccp-color-text, light-dark(#1b1f24, #e6edf3));
    --_muted: var(--ccp-color-muted, light-dark(#545d68, #a6b0bb));
    --_border: var(--ccp-color-border, light-dark(#8c959f, #6e7681));
    --_accent: var(--ccp-color-accent, light-dark(#0b5cad, #5aa9ff));
    --_accent-text: var(--ccp-color-accent-text, light-dark(#ffffff, #0d1117));
    --_danger: var(--ccp-color-danger, light-dark(#b42318, #ff8b80));
    --_warning: var(--ccp-color-warning, light-dark(#8a4b00, #e3b341));
    --_success: var(--ccp-color-success, light-dark(#1a7f37, #56d364));
    --_radius: var(--ccp-radius, 6px);
    --_space: var(--ccp-spacing, 8px);
    font-family: var(--ccp-font-family, system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
    font-size: var(--ccp-font-size, 14px);
    line-height: 1.4;
    color: var(--_text);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  .base {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    min-width: 0;
    max-height: var(--ccp-max-height, none);
    padding: var(--_space);
    background: var(--_bg);
    border-radius: var(--_radius);
  }
  .title {
    margin: 0;
    font-size: 1.1em;
    font-weight: 600;
  }
  .contact {
    margin: 2px 0 0;
    color: var(--_muted);
    display: flex;
    flex-wrap: wrap;
    gap: 0 6px;
  }
  .notice {
    margin: 0;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: var(--_text);
  }
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
  button:disabled {
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
  .changes {
    flex: 1 1 auto;
    color: var(--_muted);
    font-size: 0.9em;
  }
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

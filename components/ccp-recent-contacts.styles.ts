import { css } from 'lit';

/** Styles of `<ccp-recent-contacts>`: the same `--ccp-*` custom properties and defaults as `<ccp-attributes>`. */
export const styles = css`
  :host {
    display: block;
    box-sizing: border-box;
    max-width: 100%;
    color-scheme: light dark;
    --_bg: var(--ccp-color-background, light-dark(#ffffff, #161b22));
    --_text: var(--ccp-color-text, light-dark(#1b1f24, #e6edf3));
    --_muted: var(--ccp-color-muted, light-dark(#545d68, #a6b0bb));
    --_border: var(--ccp-color-border, light-dark(#8c959f, #6e7681));
    --_accent: var(--ccp-color-accent, light-dark(#0b5cad, #5aa9ff));
    --_accent-text: var(--ccp-color-accent-text, light-dark(#ffffff, #0d1117));
    --_danger: var(--ccp-color-danger, light-dark(#b42318, #ff8b80));
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
  .base {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    padding: var(--_space);
    background: var(--_bg);
    border-radius: var(--_radius);
  }
  .title {
    margin: 0;
    font-size: 1.1em;
    font-weight: 600;
  }
  table {
    width: 100%;
    border-collapse: collapse;
  }
  caption {
    text-align: start;
    color: var(--_muted);
    padding-bottom: calc(var(--_space) / 2);
  }
  th,
  td {
    text-align: start;
    padding: 4px 6px;
    border-bottom: 1px solid var(--_border);
    vertical-align: middle;
  }
  th {
    font-weight: 600;
    color: var(--_muted);
  }
  .past {
    color: var(--_muted);
  }
  .message {
    margin: 0;
    color: var(--_muted);
  }
  .error {
    margin: 0;
    color: var(--_danger);
  }
  .actions {
    display: flex;
    gap: var(--_space);
  }
  button {
    font: inherit;
    padding: 3px 10px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }
  button.open {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
`;

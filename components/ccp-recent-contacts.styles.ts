import { css } from 'lit';
import { hostStyles } from './internal/host.styles.ts';

/** Styles of `<ccp-recent-contacts>`: the same `--ccp-*` custom properties and defaults as `<ccp-attributes>`. */
export const styles = [
  hostStyles,
  css`
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
`,
];

import { css } from 'lit';
import { hostStyles } from './internal/host.styles.ts';

/**
 * Styles of `<ccp-attributes>` that load with the element: the custom properties, the theme and the
 * frame (heading, contact line, notice, the loading line). The editor's own styles (fields, meter,
 * footer) arrive with its implementation (internal/editor.styles.ts). Every colour comes from a
 * `--ccp-*` custom property with a light and a dark default (CSS light-dark()); the dark ones apply
 * with `theme="dark"`, or with `theme="auto"` (the default) when the system prefers dark.
 */
export const styles = [
  hostStyles,
  css`
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
  .notice p {
    margin: 0 0 var(--_space);
  }
  .notice button {
    font: inherit;
    padding: 3px 8px;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }
  .notice button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .loading {
    margin: 0;
    color: var(--_muted);
  }
`,
];

import { css } from 'lit';

/**
 * Styles of `<ccp-attributes>` that load with the element: the custom properties, the theme and the
 * frame (heading, contact line, notice, the loading line). The editor's own styles (fields, meter,
 * footer) arrive with its implementation (internal/editor.styles.ts). Every colour comes from a
 * `--ccp-*` custom property with a light and a dark default (CSS light-dark()); the dark ones apply
 * with `theme="dark"`, or with `theme="auto"` (the default) when the system prefers dark.
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
`;

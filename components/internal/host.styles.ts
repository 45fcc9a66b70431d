import { css } from 'lit';

/**
 * The elements' shared host styles: every colour comes from a `--ccp-*` custom property with a light and a dark
 * default (CSS light-dark()); the dark ones apply with `theme="dark"`, or with `theme="auto"` (the default) when the
 * system prefers dark. `<ccp-attributes>`, `<ccp-recent-contacts>` and `<ccp-review-contacts>` start from these.
 */
export const hostStyles = css`
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
`;

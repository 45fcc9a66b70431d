import { css } from 'lit';
import { styles as listStyles } from './ccp-recent-contacts.styles.ts';

/** Styles of `<ccp-review-contacts>`: the recent-contacts list's, and its search form. */
export const styles = [
  listStyles,
  css`
    form {
      display: grid;
      grid-template-columns: repeat(auto-fill, minmax(160px, 1fr));
      gap: var(--_space);
      align-items: end;
    }
    label {
      display: flex;
      flex-direction: column;
      gap: 2px;
      font-size: 0.9em;
      color: var(--_muted);
    }
    input,
    select {
      font: inherit;
      color: var(--_text);
      padding: 3px 6px;
      border: 1px solid var(--_border);
      border-radius: var(--_radius);
      background: transparent;
    }
    input:focus-visible,
    select:focus-visible {
      outline: 2px solid var(--_accent);
      outline-offset: 1px;
    }
  `,
];

import { css } from 'lit';

/**
 * Styles of the kept failures' list (failures-list.ts) in the editor's shadow root: part of the editor's styles
 * (editor.styles.ts), with the same `--_*` variables.
 */
export const failuresStyles = css`
  .failures {
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  .failures-heading {
    margin: 0;
    font-size: 1em;
  }
  .failures .help {
    margin: 0;
  }
  .failure-list {
    margin: 0;
    padding: 0;
    list-style: none;
    display: flex;
    flex-direction: column;
    gap: var(--_space);
  }
  .failure {
    display: flex;
    flex-direction: column;
    gap: 4px;
    padding-top: 6px;
    border-top: 1px solid var(--_border);
  }
  .failure-values {
    margin: 0;
    display: grid;
    grid-template-columns: minmax(0, max-content) minmax(0, 1fr);
    gap: 2px 8px;
  }
  .failure-value {
    display: contents;
  }
  .failure-values dt {
    font-weight: 600;
    overflow-wrap: anywhere;
  }
  .failure-values dd {
    margin: 0;
    overflow-wrap: anywhere;
    white-space: pre-wrap;
  }
  .failure .error,
  .failures-outcome.failed {
    margin: 0;
    color: var(--_danger);
  }
  .failure-actions {
    display: flex;
    gap: 6px;
  }
  .failures-outcome {
    margin: 0;
  }
  .failures-outcome:empty {
    display: none;
  }
`;

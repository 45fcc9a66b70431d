/**
 * The agent workspace app's script (`dist/workspace/index.js`, loaded by `dist/workspace/index.html`, the page a
 * contact center registers as a third-party app). Like the drop-in script: paints the editor first (Lit + the
 * element only), then loads the setup, the workspace source with the Amazon Connect SDK, the rest of the plugin and
 * the AWS SDK. Configured by the script element's data-* attributes (the drop-in's names), else by `config.json`
 * beside the page. Problems go to the console and into the editor.
 */
import './ccp-attributes.ts';
import type { CcpAttributes } from './ccp-attributes.ts';
import type { DropInApi } from './drop-in.ts';

function ownScript(): HTMLScriptElement | undefined {
  const self = import.meta.url;
  return [...document.querySelectorAll('script')].find((script) => script.src === self);
}

const script = ownScript();
const editors: CcpAttributes[] = [...document.querySelectorAll('ccp-attributes')];
// Read before the editors' first update reflects their default theme into the attribute.
const ownTheme = new Set(editors.filter((editor) => editor.hasAttribute('theme')));
const ready = script
  ? import('./workspace-app-setup.ts').then(({ start }) => start(script, editors, ownTheme))
  : Promise.reject(new Error('ccp-attributes: the workspace app script could not find its own <script> element.'));
ready.catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message);
  for (const editor of editors) editor.setupError = message;
});
const api: DropInApi = { ready, write: async (attributes, options) => (await ready).write(attributes, options) };
window.ccpAttributes = api;
document.dispatchEvent(new CustomEvent('ccp-attributes-ready', { detail: api }));

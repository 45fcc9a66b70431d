/**
 * The drop-in script tag: `<script type="module" src=".../ccp-attributes.js" data-...>`.
 * Paints the editor first (Lit + the element only), then loads the setup and the rest of the plugin, and in
 * direct mode the AWS SDK after that (relay mode, data-relay-url, never loads it). Configuration errors go to the
 * console, naming the attribute, and into the editors, or into a visible notice after the script when the page has
 * no editor; the CCP is created all the same whenever its own settings are valid (drop-in-setup.ts).
 */
import './ccp-attributes.ts';
import type { CcpAttributesPlugin } from '../src/plugin.ts';

/** What the drop-in script puts on `window.ccpAttributes` for the host page. */
export interface DropInApi {
  /** Resolves with the assembled plugin (tracker, outbox, tagger, write), or rejects with the setup error. */
  readonly ready: Promise<CcpAttributesPlugin>;
  /** Writes attributes through the outbox to the viewed contact (or `contactId`). */
  write: CcpAttributesPlugin['write'];
}

declare global {
  interface Window {
    ccpAttributes?: DropInApi;
  }
}

function ownScript(): HTMLScriptElement | undefined {
  const self = import.meta.url;
  return [...document.querySelectorAll('script')].find((script) => script.src === self);
}

const script = ownScript();
const editors = [...document.querySelectorAll('ccp-attributes')];
// The language asked for (data-locale) applies at once, so its texts load beside the editor; an editor's own locale
// attribute wins. The setup checks the tag and reports a bad one.
const locale = script?.dataset['locale'];
if (locale) for (const editor of editors) if (!editor.hasAttribute('locale')) editor.locale = locale;
const ready = script
  ? import('./drop-in-setup.ts').then(({ start }) => start(script, editors))
  : Promise.reject(new Error('ccp-attributes: the drop-in script could not find its own <script> element.'));
/** Shows a setup problem where the page has no editor to show it: a notice (text, never HTML) after the script. */
function notice(message: string): void {
  const box = document.createElement('div');
  box.className = 'ccp-attributes-setup-error';
  box.setAttribute('role', 'alert');
  box.style.cssText = 'white-space:pre-line;color:#a11';
  box.textContent = message;
  // A script in <head> would put it where nothing shows: the top of the body then.
  if (script && document.body.contains(script)) script.after(box);
  else document.body.prepend(box);
}

ready.catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(message);
  if (editors.length === 0) notice(message);
  for (const editor of editors) editor.setupError = message;
});
window.ccpAttributes = { ready, write: async (attributes, options) => (await ready).write(attributes, options) };
document.dispatchEvent(new CustomEvent('ccp-attributes-ready', { detail: window.ccpAttributes }));

/**
 * The drop-in script tag: `<script type="module" src=".../ccp-attributes.js" data-...>`.
 * Paints the editor first (Lit + the element only), then loads the rest of the plugin, and the AWS
 * SDK after that. Configuration errors go to the console, naming the attribute, and into the editor.
 */
import './ccp-attributes.ts';
import type { CcpAttributes as CcpAttributesElement } from './ccp-attributes.ts';
import { DropInConfigError, readDropInConfig, type DropInConfig } from '../src/drop-in-config.ts';
import type { CcpAttributes, CcpAttributesOptions } from '../src/plugin.ts';

/** What the drop-in script puts on `window.ccpAttributes` for the host page. */
export interface DropInApi {
  /** Resolves with the assembled plugin (tracker, outbox, tagger, write), or rejects with the setup error. */
  readonly ready: Promise<CcpAttributes>;
  /** Writes attributes through the outbox to the viewed contact (or `contactId`). */
  write: CcpAttributes['write'];
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

function element<T extends Element>(selector: string, attribute: string): T {
  const found = document.querySelector<T>(selector);
  if (!found) throw new DropInConfigError([{ attribute: attribute as `data-target`, message: `no element matches ${JSON.stringify(selector)}.` }]);
  return found;
}

async function loginToken(source: { function: string } | { storage: string }): Promise<string> {
  if ('function' in source) {
    const fn = (globalThis as unknown as Record<string, unknown>)[source.function];
    if (typeof fn !== 'function') throw new DropInConfigError([{ attribute: 'data-login-token-function', message: `window.${source.function} is not a function.` }]);
    return String(await (fn as () => unknown)());
  }
  const token = sessionStorage.getItem(source.storage) ?? localStorage.getItem(source.storage);
  if (!token) throw new DropInConfigError([{ attribute: 'data-login-token-storage', message: `no login token is stored under ${JSON.stringify(source.storage)}.` }]);
  return token;
}

async function pluginOptions(config: DropInConfig): Promise<CcpAttributesOptions> {
  const { cognitoCredentials } = await import('../src/client.ts');
  const { cognito } = config;
  let rules = config.rules;
  if (config.rulesUrl !== undefined) {
    const response = await fetch(config.rulesUrl);
    if (!response.ok) throw new DropInConfigError([{ attribute: 'data-rules-url', message: `${config.rulesUrl} answered ${response.status}.` }]);
    rules = await response.json();
  }
  const container = config.ccpUrl === undefined ? undefined : config.ccpContainer === undefined ? undefined : element<HTMLElement>(config.ccpContainer, 'data-ccp-container');
  return {
    region: config.region,
    endpoint: config.endpoint,
    instanceId: config.instanceId,
    credentials: cognito
      ? cognitoCredentials({
          identityPoolId: cognito.identityPoolId,
          logins: { [cognito.loginProvider]: () => loginToken(cognito.token) },
          ...(cognito.endpoint === undefined ? {} : { endpoint: cognito.endpoint }),
        })
      : undefined,
    rules,
    outbox: config.outbox,
    tracker:
      config.ccpUrl === undefined
        ? {}
        : {
            ...(container ? { container } : {}),
            initCCP: { ccpUrl: config.ccpUrl, ...(config.region ? { region: config.region } : {}), softphone: { allowFramedSoftphone: false } },
          },
  };
}

async function start(script: HTMLScriptElement, editors: CcpAttributesElement[]): Promise<CcpAttributes> {
  const config = readDropInConfig(script.dataset, document.baseURI);
  if (config.target !== undefined) {
    const target = element<HTMLElement>(config.target, 'data-target');
    editors.push(target.appendChild(document.createElement('ccp-attributes')));
  }
  if (config.ccpUrl !== undefined && config.ccpContainer === undefined) {
    const container = document.createElement('div');
    container.className = 'ccp-attributes-ccp';
    container.style.cssText = 'width: 320px; height: 480px';
    script.after(container);
    config.ccpContainer = undefined;
    const options = await pluginOptions(config);
    options.tracker = { ...options.tracker, container };
    return assemble(options, editors);
  }
  return assemble(await pluginOptions(config), editors);
}

async function assemble(options: CcpAttributesOptions, editors: CcpAttributesElement[]): Promise<CcpAttributes> {
  const { createCcpAttributes } = await import('../src/plugin.ts');
  const plugin = await createCcpAttributes(options);
  for (const editor of editors) {
    editor.tracker = plugin.tracker;
    if (plugin.outbox) editor.writer = plugin.outbox;
  }
  return plugin;
}

const script = ownScript();
const editors = [...document.querySelectorAll('ccp-attributes')];
const ready = script
  ? start(script, editors)
  : Promise.reject(new Error('ccp-attributes: the drop-in script could not find its own <script> element.'));
ready.catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  const message = error instanceof Error ? error.message : String(error);
  for (const editor of editors) editor.setupError = message;
});
window.ccpAttributes = { ready, write: async (attributes, options) => (await ready).write(attributes, options) };
document.dispatchEvent(new CustomEvent('ccp-attributes-ready', { detail: window.ccpAttributes }));

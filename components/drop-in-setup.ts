/**
 * The drop-in script's setup, loaded after the editor painted: reads the data-* configuration,
 * assembles the plugin (tracker, outbox, tagging) and wires the editors. In direct mode the AWS SDK loads on first
 * use; in relay mode (data-relay-url) it never loads: the relay client is a few hundred bytes of fetch.
 */
import type { CcpAttributes as CcpAttributesElement } from './ccp-attributes.ts';
import { checkRules, DropInConfigError, readDropInConfig, type DropInConfig } from '../src/drop-in-config.ts';
import type { CcpAttributesPlugin, CcpAttributesPluginOptions } from '../src/plugin.ts';
import type { RelayTokenOptions } from '../src/relay-client.ts';

function element(selector: string, attribute: 'data-target' | 'data-ccp-container'): HTMLElement {
  const found = document.querySelector<HTMLElement>(selector);
  if (!found) throw new DropInConfigError([{ attribute, message: `no element matches ${JSON.stringify(selector)}.` }]);
  return found;
}

async function loginToken(
  source: { function: string } | { storage: string },
  options?: RelayTokenOptions,
): Promise<string> {
  if ('function' in source) {
    const fn = (globalThis as unknown as Record<string, unknown>)[source.function];
    if (typeof fn !== 'function')
      throw new DropInConfigError([
        { attribute: 'data-login-token-function', message: `window.${source.function} is not a function.` },
      ]);
    // After the relay refused a token, `options` is {forceRefresh: true}: the page's function may renew it.
    return String(await (fn as (options?: RelayTokenOptions) => unknown)(options));
  }
  const token = sessionStorage.getItem(source.storage) ?? localStorage.getItem(source.storage);
  if (!token)
    throw new DropInConfigError([
      {
        attribute: 'data-login-token-storage',
        message: `no login token is stored under ${JSON.stringify(source.storage)}.`,
      },
    ]);
  return token;
}

/** The plugin options a checked configuration asks for (fetches `rulesUrl`; the Streams part only with `ccpUrl`). */
export async function pluginOptions(config: DropInConfig): Promise<CcpAttributesPluginOptions> {
  const { cognito, relay } = config;
  // Only direct mode needs the signed client's Cognito half (it loads the SDK on first use).
  const cognitoCredentials = cognito ? (await import('../src/client.ts')).cognitoCredentials : undefined;
  let rules = config.rules;
  if (config.rulesUrl !== undefined) {
    const problem = (message: string): DropInConfigError =>
      new DropInConfigError([{ attribute: 'data-rules-url', message: `${config.rulesUrl} ${message}` }]);
    const response = await fetch(config.rulesUrl).catch((error: unknown) => {
      throw problem(`could not be fetched (${error instanceof Error ? error.message : String(error)}).`);
    });
    // A redirect may have led elsewhere: only the origins the configuration allows are trusted with the rules.
    const landed = new URL(response.url || config.rulesUrl).origin;
    if (!config.rulesOrigins.includes(landed))
      throw problem(`was redirected to ${landed}, which is not an allowed origin (see data-rules-origin).`);
    if (!response.ok) throw problem(`answered ${response.status}.`);
    rules = await response.json().catch((error: unknown) => {
      throw problem(`is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
    });
    const invalid = checkRules(rules, 'data-rules-url');
    if (invalid) throw new DropInConfigError([invalid]);
  }
  const container =
    config.ccpUrl === undefined
      ? undefined
      : config.ccpContainer === undefined
        ? undefined
        : element(config.ccpContainer, 'data-ccp-container');
  return {
    region: config.region,
    endpoint: config.endpoint,
    instanceId: config.instanceId,
    relay: relay ? { url: relay.url, token: (options) => loginToken(relay.token, options) } : undefined,
    credentials:
      cognito && cognitoCredentials
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
            initCCP: {
              ccpUrl: config.ccpUrl,
              ...(config.region ? { region: config.region } : {}),
              softphone: { allowFramedSoftphone: false },
            },
          },
  };
}

/** Reads the script element's configuration, assembles the plugin and wires `editors` (plus one in `data-target`). */
export async function start(script: HTMLScriptElement, editors: CcpAttributesElement[]): Promise<CcpAttributesPlugin> {
  const config = readDropInConfig(script.dataset, document.baseURI, location.origin);
  if (config.target !== undefined) {
    const target = element(config.target, 'data-target');
    const editor = document.createElement('ccp-attributes');
    editor.locale = config.locale;
    editors.push(target.appendChild(editor));
  }
  const options = await pluginOptions(config);
  if (config.ccpUrl !== undefined && config.ccpContainer === undefined) {
    const container = document.createElement('div');
    container.className = 'ccp-attributes-ccp';
    container.style.cssText = 'width: 320px; height: 480px';
    script.after(container);
    options.tracker = { ...options.tracker, container };
  }
  const { createCcpAttributes } = await import('../src/plugin.ts');
  const plugin = await createCcpAttributes(options);
  for (const editor of editors) {
    editor.tracker = plugin.tracker;
    if (plugin.outbox) editor.writer = plugin.outbox;
  }
  return plugin;
}

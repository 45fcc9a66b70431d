/**
 * The drop-in script's setup, loaded after the editor painted: reads the data-* configuration,
 * assembles the plugin (tracker, outbox, tagging) and wires the editors. In direct mode the AWS SDK loads on first
 * use; in relay mode (data-relay-url) it never loads: the relay client is a few KB of fetch and WebSocket.
 *
 * A configuration problem never takes the agent's CCP away: the CCP is created whenever its own settings
 * (`CCP_ATTRIBUTES`) are valid, the editors follow its contacts read-only, and every problem is named (the caller
 * shows them). Nothing writes with a half-read configuration: no credentials, no relay and no rules then.
 */
import type { CcpAttributes as CcpAttributesElement } from './ccp-attributes.ts';
import {
  CCP_ATTRIBUTES,
  checkRules,
  DropInConfigError,
  inspectDropInConfig,
  type DropInConfig,
  type DropInProblem,
} from '../src/drop-in-config.ts';
import type { CcpAttributesPlugin, CcpAttributesPluginOptions } from '../src/plugin.ts';
import type { RelayTokenOptions } from '../src/relay-client.ts';
import type { TagRule } from '../src/tagging/rules.ts';

/** The element `selector` finds, or a problem of `attribute` (no match, or not a selector at all). */
function element(
  selector: string,
  attribute: 'data-target' | 'data-ccp-container',
): { found: HTMLElement } | { problem: DropInProblem } {
  let found: HTMLElement | null;
  try {
    found = document.querySelector<HTMLElement>(selector);
  } catch {
    return { problem: { attribute, message: `${JSON.stringify(selector)} is not a CSS selector.` } };
  }
  return found ? { found } : { problem: { attribute, message: `no element matches ${JSON.stringify(selector)}.` } };
}

/** How long fetching `data-rules-url` may take (ms). */
const RULES_TIMEOUT_MS = 10_000;

/** The agent's sign-in token from where the configuration says; throws a DropInConfigError when there is none. */
export async function loginToken(
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

/** The rules of `data-rules-url`: fetched from an allowed origin (after redirects too), parsed and checked. */
async function fetchRules(rulesUrl: string, allowed: readonly string[]): Promise<TagRule[]> {
  const problem = (message: string): DropInConfigError =>
    new DropInConfigError([{ attribute: 'data-rules-url', message: `${rulesUrl} ${message}` }]);
  const response = await fetch(rulesUrl, { signal: AbortSignal.timeout(RULES_TIMEOUT_MS) }).catch((error: unknown) => {
    throw problem(`could not be fetched (${error instanceof Error ? error.message : String(error)}).`);
  });
  // A redirect may have led elsewhere: only the origins the configuration allows are trusted with the rules.
  const landed = new URL(response.url || rulesUrl).origin;
  if (!allowed.includes(landed))
    throw problem(`was redirected to ${landed}, which is not an allowed origin (see data-rules-origin).`);
  if (!response.ok) throw problem(`answered ${response.status}.`);
  const json: unknown = await response.json().catch((error: unknown) => {
    throw problem(`is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  });
  const checked = checkRules(json, 'data-rules-url');
  if ('problem' in checked) throw new DropInConfigError([checked.problem]);
  return checked.rules;
}

/**
 * The plugin options a checked configuration asks for (fetches `rulesUrl`; `tracker` only holds the CCP's
 * `initCCP` options, without a container). Throws a DropInConfigError for the rules of `rulesUrl`.
 */
export async function pluginOptions(config: DropInConfig): Promise<CcpAttributesPluginOptions> {
  const { cognito, relay } = config;
  // Only direct mode needs the signed client's Cognito half (it loads the SDK on first use).
  const cognitoCredentials = cognito ? (await import('../src/client.ts')).cognitoCredentials : undefined;
  const rules = config.rulesUrl === undefined ? config.rules : await fetchRules(config.rulesUrl, config.rulesOrigins);
  return {
    region: config.region,
    endpoint: config.endpoint,
    instanceId: config.instanceId,
    relay: relay
      ? {
          url: relay.url,
          socketUrl: relay.socketUrl,
          token: (options) => loginToken(relay.token, options),
        }
      : undefined,
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
    tracker: ccpOptions(config),
  };
}

/** How Streams creates the CCP from data-ccp-url (nothing without it): the tracker's options, without a container. */
function ccpOptions(config: DropInConfig): NonNullable<CcpAttributesPluginOptions['tracker']> {
  if (config.ccpUrl === undefined) return {};
  return {
    initCCP: {
      ccpUrl: config.ccpUrl,
      ...(config.region ? { region: config.region } : {}),
      // Streams' default (false) sets up no softphone in the CCP's frame, and the drop-in runs none in the page:
      // the framed one is the default (see StreamsContactSource's constructor in src/tracker/streams-source.ts).
      softphone: { allowFramedSoftphone: config.allowFramedSoftphone },
    },
  };
}

/** What the drop-in starts with: the options its valid settings give, and every problem found. */
export interface DropInPlan {
  options: CcpAttributesPluginOptions;
  problems: DropInProblem[];
}

/**
 * Reads the script element's configuration and prepares the page: the editor in `data-target` (added to
 * `editors`) and the CCP's container. With any problem, the options keep only what the CCP and the editors need
 * to show the agent's contacts read-only; the CCP's part is left out only when its own settings have a problem.
 */
export async function plan(script: HTMLScriptElement, editors: CcpAttributesElement[]): Promise<DropInPlan> {
  const { config, problems } = inspectDropInConfig(script.dataset, document.baseURI, location.origin);
  if (config.target !== undefined) {
    const target = element(config.target, 'data-target');
    if ('problem' in target) {
      problems.push(target.problem);
    } else {
      const editor = document.createElement('ccp-attributes');
      if (config.locale !== undefined) editor.locale = config.locale;
      editors.push(target.found.appendChild(editor));
    }
  }
  let container: HTMLElement | undefined;
  if (config.ccpUrl !== undefined && config.ccpContainer !== undefined) {
    const found = element(config.ccpContainer, 'data-ccp-container');
    if ('problem' in found) problems.push(found.problem);
    else container = found.found;
  }
  const ccpValid = !problems.some((problem) => CCP_ATTRIBUTES.includes(problem.attribute));
  // The rules file is read even when other settings have problems, so that its own are named too.
  let options = readOnlyOptions(config);
  try {
    const full = await pluginOptions(config);
    if (problems.length === 0) options = full;
  } catch (error) {
    if (!(error instanceof DropInConfigError)) throw error;
    problems.push(...error.problems);
  }
  const tracker = ccpValid ? ccpOptions(config) : {};
  if (tracker.initCCP) {
    if (!container) {
      container = document.createElement('div');
      container.className = 'ccp-attributes-ccp';
      container.style.cssText = 'width: 320px; height: 480px';
      // After the script, or at the top of the body for a script in <head> (where nothing shows).
      if (document.body.contains(script)) script.after(container);
      else document.body.prepend(container);
    }
    tracker.container = container;
  }
  return { options: { ...options, tracker }, problems };
}

/** The options that show the agent's contacts and write nothing (a configuration with problems). */
function readOnlyOptions(config: DropInConfig): CcpAttributesPluginOptions {
  return { region: config.region, instanceId: config.instanceId };
}

/**
 * Reads the script element's configuration, assembles the plugin and wires `editors` (plus one in `data-target`).
 * With configuration problems the CCP and the read-only editors still run, and it rejects with a DropInConfigError
 * naming every problem.
 */
export async function start(script: HTMLScriptElement, editors: CcpAttributesElement[]): Promise<CcpAttributesPlugin> {
  const { options, problems } = await plan(script, editors);
  const { createCcpAttributes } = await import('../src/plugin.ts');
  const plugin = await createCcpAttributes(options);
  for (const editor of editors) {
    editor.tracker = plugin.tracker;
    if (plugin.outbox) editor.writer = plugin.outbox;
    editor.wrapUp = plugin;
  }
  if (problems.length > 0) throw new DropInConfigError(problems);
  return plugin;
}

/**
 * The agent workspace app's setup, loaded after the editor painted: reads the configuration (the drop-in's reader,
 * src/drop-in-config.ts), assembles the plugin over the workspace source and wires the editors. A permission the
 * workspace refused becomes the editors' read-only reason, a sentence naming it.
 */
import type { CcpAttributes as CcpAttributesElement } from './ccp-attributes.ts';
import { pluginOptions } from './drop-in-setup.ts';
import { DropInConfigError, readDropInConfig, type DropInConfig, type DropInProblem } from '../src/drop-in-config.ts';
import type { AttributesError } from '../src/errors.ts';
import type { VisualMode, WorkspaceAttributesPlugin } from '../src/workspace.ts';

/** The configuration file read beside the page when the script element carries no data-* attributes. */
export const CONFIG_FILE = 'config.json';

/** Drop-in settings that have no meaning in the workspace: the workspace, not the page, hosts the CCP. */
const STREAMS_ONLY = ['ccp-url', 'ccp-container', 'allow-framed-softphone'] as const;

function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

/**
 * `config.json` as a dataset: the same names as the data-* attributes without `data-` (`"identity-pool-id"`), string
 * values as they are, others (a rules list, a number) as JSON text. No file (404) is no configuration: read-only.
 */
async function configFile(url: string): Promise<DOMStringMap> {
  const fail = (message: string): Error => new Error(`ccp-attributes: ${url} ${message}`);
  const response = await fetch(url, { cache: 'no-cache', signal: AbortSignal.timeout(CONFIG_TIMEOUT_MS) }).catch(
    (error: unknown) => {
      throw fail(`could not be fetched (${error instanceof Error ? error.message : String(error)}).`);
    },
  );
  if (response.status === 404) return {};
  if (!response.ok) throw fail(`answered ${response.status}.`);
  const body: unknown = await response.json().catch((error: unknown) => {
    throw fail(`is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
  });
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw fail('must hold one JSON object of settings.');
  const dataset: DOMStringMap = {};
  for (const [key, value] of Object.entries(body)) {
    if (value === null || value === undefined) continue;
    dataset[camel(key)] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return dataset;
}

/** The checked configuration; a DropInConfigError names every problem at once, the Streams-only settings among them. */
function checkedConfig(dataset: DOMStringMap, base: string): DropInConfig {
  const streamsOnly: DropInProblem[] = STREAMS_ONLY.filter((name) => dataset[camel(name)] !== undefined).map(
    (name) => ({
      attribute: `data-${name}`,
      message: 'does not apply in the agent workspace: the workspace hosts the contact control panel.',
    }),
  );
  let problems = streamsOnly;
  try {
    const config = readDropInConfig(dataset, base, location.origin);
    if (problems.length === 0) return config;
  } catch (error) {
    if (!(error instanceof DropInConfigError)) throw error;
    problems = [...streamsOnly, ...error.problems];
  }
  throw new DropInConfigError(problems);
}

/** How long reading `config.json` may take (ms). */
const CONFIG_TIMEOUT_MS = 10_000;

/**
 * The checked configuration of a workspace page (the app's or the service's): the script element's data-*
 * attributes, else `config.json` beside the page. Throws a DropInConfigError naming every problem.
 */
export async function readWorkspaceConfig(script: HTMLScriptElement): Promise<DropInConfig> {
  const fromScript = Object.keys(script.dataset).length > 0;
  const file = new URL(CONFIG_FILE, document.baseURI).href;
  const dataset = fromScript ? script.dataset : await configFile(file);
  let config: DropInConfig;
  try {
    config = checkedConfig(dataset, fromScript ? document.baseURI : file);
  } catch (error) {
    if (fromScript || !(error instanceof DropInConfigError)) throw error;
    throw new Error(
      `${error.message.replace('bad configuration', `bad configuration in ${file}`)}\n(its keys are the data-* names without "data-")`,
      { cause: error },
    );
  }
  return config;
}

/**
 * Reads the configuration, assembles the plugin over the agent workspace and wires `editors` (plus one in
 * `data-target`). The workspace's visual mode sets the theme of the editors not in `ownTheme` (the page set theirs).
 */
export async function start(
  script: HTMLScriptElement,
  editors: CcpAttributesElement[],
  ownTheme: ReadonlySet<CcpAttributesElement> = new Set(),
): Promise<WorkspaceAttributesPlugin> {
  const config = await readWorkspaceConfig(script);
  if (config.target !== undefined) {
    const target = document.querySelector<HTMLElement>(config.target);
    if (!target)
      throw new DropInConfigError([
        { attribute: 'data-target', message: `no element matches ${JSON.stringify(config.target)}.` },
      ]);
    editors.push(target.appendChild(document.createElement('ccp-attributes')));
  }
  // The editors follow the agent's language as the workspace tells it (aws.connect.user, through the tracker's
  // agent) unless data-locale ("locale" in config.json) or an editor's own locale attribute sets one: those win.
  if (config.locale !== undefined)
    for (const editor of editors) if (!editor.hasAttribute('locale')) editor.locale = config.locale;
  // The options' Streams part (`tracker`) is left aside: the plugin follows the workspace source instead.
  const options = await pluginOptions(config);
  const { createWorkspaceAttributes } = await import('../src/workspace.ts');
  const plugin = await createWorkspaceAttributes(options);
  // A refused permission, or no workspace at all (the handshake timed out before the agent was known: the page was
  // opened outside the agent workspace), leaves nothing to edit: the editors say why.
  const showSetupProblem = (error?: AttributesError): void => {
    const reason =
      plugin.source.readOnlyReason ?? (error?.kind === 'network' && !plugin.tracker.agent ? error.message : undefined);
    if (reason) for (const editor of editors) editor.setupError = reason;
  };
  plugin.tracker.on('error', (error) => {
    console.error(error.message);
    showSetupProblem(error);
  });
  showSetupProblem();
  // The workspace's visual mode sets the theme of the editors whose page set none.
  const themed = editors.filter((editor) => !ownTheme.has(editor));
  const applyMode = (mode: VisualMode): void => {
    for (const editor of themed) editor.theme = mode;
  };
  if (plugin.source.visualMode) applyMode(plugin.source.visualMode);
  plugin.source.onVisualModeChange(applyMode);
  for (const editor of editors) {
    editor.tracker = plugin.tracker;
    if (plugin.outbox) editor.writer = plugin.outbox;
    editor.wrapUp = plugin;
  }
  return plugin;
}

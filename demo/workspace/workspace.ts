/**
 * The stand-in agent workspace page: contacts made with the scenario controls and registered in the Connect API
 * stand-in; the services of the page's configuration started with the workspace in hidden frames; apps (the
 * ccp-attributes app page, app.html) opened only from the launcher, for the active contact or a picked one, and shown
 * one at a time; the agent's language and visual mode. The configuration is the JSON in #workspace-config
 * (`{apps: [{name, url, ...}], services: [{name, url, ...}]}`); each `?service=<url>` in the page's address adds a
 * service.
 */
import { ALL_PERMISSIONS, StandInWorkspace, type AppDefinition, type ServiceDefinition } from './host.ts';
import { mountLauncherPanel } from './launcher-panel.ts';
import { mountWorkspacePanel } from './panel.ts';

interface PageConfig {
  apps?: AppDefinition[];
  services?: ServiceDefinition[];
}

const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

function setStatus(text: string, tone: 'ok' | 'busy' | 'error'): void {
  const pill = $('setup-status');
  pill.textContent = text;
  pill.dataset['tone'] = tone;
}

/** The page's configuration, plus a service per `?service=` of its address. */
function pageConfig(): PageConfig {
  const config = JSON.parse($('workspace-config').textContent) as PageConfig;
  const extra = new URLSearchParams(location.search)
    .getAll('service')
    .map((url, index): ServiceDefinition => ({ name: `service-${index + 1}`, url }));
  return { apps: config.apps ?? [], services: [...(config.services ?? []), ...extra] };
}

async function main(): Promise<void> {
  const { url: api } = (await (await fetch('/__standin')).json()) as { url: string };
  const config = pageConfig();
  // The permissions of the apps follow the checkboxes: they apply to the apps opened from now on.
  const granted: string[] = [...ALL_PERMISSIONS];
  const apps = (config.apps ?? []).map((app) => ({ ...app, permissions: granted }));
  const workspace = new StandInWorkspace({
    api,
    latency: 20,
    apps,
    services: config.services ?? [],
    container: $('apps'),
  });
  for (const permission of ALL_PERMISSIONS) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.addEventListener('change', () => {
      const at = granted.indexOf(permission);
      if (box.checked && at < 0) granted.push(permission);
      if (!box.checked && at >= 0) granted.splice(at, 1);
    });
    label.append(box, ` ${permission}`);
    $('permissions').append(label);
  }
  mountWorkspacePanel($('scenario'), { workspace, app: apps[0]?.name });
  mountLauncherPanel(
    { launcher: $('launcher'), tabs: $('app-tabs'), settings: $('agent-settings'), services: $('services') },
    workspace,
  );
  (window as Window & { standInWorkspace?: StandInWorkspace }).standInWorkspace = workspace;
  setStatus('Loading services…', 'busy');
  const status = await workspace.start();
  if (status === 'ready') setStatus('Ready', 'ok');
  else setStatus(`The agent is kept out: ${workspace.failure ?? 'a service failed'}`, 'error');
}

main().catch((error: unknown) => setStatus(error instanceof Error ? error.message : String(error), 'error'));

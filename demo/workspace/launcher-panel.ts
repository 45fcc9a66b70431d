/**
 * The stand-in workspace's own controls (plain DOM), beside the contacts panel: the app launcher (opens an app for
 * the active contact, or idle without one, as the workspace's launcher does), the open apps' tabs (bring to front,
 * close), the agent's language and visual mode, and the services with their state and the errors they reported.
 * Usage: `mountLauncherPanel({launcher, tabs, settings, services}, workspace)`.
 */
import { LOCALES, VISUAL_MODES, type StandInWorkspace } from './host.ts';

/** Where each part goes. */
export interface LauncherPanelSlots {
  launcher: HTMLElement;
  tabs: HTMLElement;
  settings: HTMLElement;
  services: HTMLElement;
}

const LANGUAGE_NAMES: Readonly<Record<(typeof LOCALES)[number], string>> = {
  en_US: 'English',
  de_DE: 'Deutsch',
  es_ES: 'Español',
  fr_FR: 'Français',
  ja_JP: '日本語',
  it_IT: 'Italiano',
  ko_KR: '한국어',
  pt_BR: 'Português (Brasil)',
  zh_CN: '中文(简体)',
  zh_TW: '中文(繁體)',
};

function button(label: string, action: () => unknown, report: (text: string) => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.textContent = label;
  b.addEventListener('click', () => {
    Promise.resolve()
      .then(action)
      .catch((error: unknown) => report(`${label}: ${error instanceof Error ? error.message : String(error)}`));
  });
  return b;
}

/** Renders the controls; returns a function that removes their subscription. */
export function mountLauncherPanel(slots: LauncherPanelSlots, workspace: StandInWorkspace): () => void {
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.className = 'muted';
  const report = (text: string): void => void (status.textContent = text);
  slots.launcher.after(status);

  const language = document.createElement('select');
  language.id = 'agent-language';
  for (const locale of LOCALES) language.add(new Option(`${LANGUAGE_NAMES[locale]} (${locale})`, locale));
  language.value = workspace.settings.language ?? 'en_US';
  language.addEventListener('change', () => workspace.settings.setLanguage(language.value as (typeof LOCALES)[number]));
  const languageLabel = document.createElement('label');
  languageLabel.htmlFor = language.id;
  languageLabel.textContent = 'Language ';
  const modes = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = 'Visual mode';
  modes.append(legend);
  for (const mode of VISUAL_MODES) {
    const label = document.createElement('label');
    const radio = document.createElement('input');
    radio.type = 'radio';
    radio.name = 'visual-mode';
    radio.value = mode;
    radio.checked = workspace.settings.visualMode === mode;
    radio.addEventListener('change', () => workspace.settings.setVisualMode(mode));
    label.append(radio, ` ${mode}`);
    modes.append(label);
  }
  slots.settings.append(languageLabel, language, modes);

  const render = (): void => {
    slots.launcher.replaceChildren(
      ...workspace.catalog().map((app) => {
        const b = button(`Open ${app.name}`, () => workspace.launch(app.name), report);
        b.disabled = workspace.status !== 'ready';
        return b;
      }),
    );
    const active = workspace.activeContact;
    const hint = document.createElement('span');
    hint.className = 'hint';
    hint.textContent = active ? `for contact ${active}` : 'no active contact: opens in the idle scope';
    slots.launcher.append(hint);

    slots.tabs.replaceChildren(
      ...workspace.apps().map((app) => {
        const tab = document.createElement('span');
        tab.className = 'tab';
        const where = app.scope.type === 'contact' ? `contact ${app.scope.contactId.slice(0, 8)}` : 'idle';
        const failed = app.problems().find((problem) => problem.kind !== 'error');
        const label = `${app.name} · ${where}${failed ? ` · ${failed.kind}: ${failed.message}` : ''}`;
        const show = button(label, () => workspace.focus(app), report);
        show.setAttribute('aria-pressed', String(workspace.frontApp === app));
        const close = button('×', () => workspace.close(app), report);
        close.setAttribute('aria-label', `Close ${app.name} (${where})`);
        tab.append(show, close);
        return tab;
      }),
    );

    const rows = workspace.services().map((service) => {
      const item = document.createElement('li');
      item.textContent = `${service.name}: ${service.state}${service.reason ? ` (${service.reason})` : ''}`;
      for (const problem of service.problems()) {
        const line = document.createElement('div');
        line.className = problem.kind === 'error' ? 'muted' : 'error';
        line.textContent = `${problem.kind}: ${problem.message}`;
        item.append(line);
      }
      return item;
    });
    const list = document.createElement('ul');
    list.append(...rows);
    slots.services.replaceChildren(rows.length ? list : document.createTextNode('No service registered.'));
  };
  const off = workspace.onChange(render);
  render();
  return off;
}

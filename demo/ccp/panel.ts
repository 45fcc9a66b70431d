/**
 * A scenario control panel for the demo page: buttons that drive the stand-in CCP (ring a call, start a chat,
 * transfer in, miss, accept, hang up, clear, switch view), the agent's CCP language, and a live view of the tracker's
 * model.
 * Framework-light: plain DOM, no Lit. Usage: `mountScenarioPanel(host, { ccp: await standInCcp(iframe), tracker })`.
 */
import type { ContactTrackerLike } from '../../src/tracker/types.ts';
import type { StandInCcp } from './scenario.ts';

/** The CCP's languages, by their CCP tag, each named in its own language as the CCP's language menu does. */
export const CCP_LANGUAGES: readonly (readonly [tag: string, name: string])[] = [
  ['en_US', 'English'],
  ['de_DE', 'Deutsch'],
  ['es_ES', 'Español'],
  ['fr_FR', 'Français'],
  ['it_IT', 'Italiano'],
  ['ja_JP', '日本語'],
  ['ko_KR', '한국어'],
  ['pt_BR', 'Português (Brasil)'],
  ['zh_CN', '中文(简体)'],
  ['zh_TW', '中文(繁體)'],
];

/** What the panel drives and shows. */
export interface ScenarioPanelOptions {
  ccp: StandInCcp;
  tracker: ContactTrackerLike;
}

/** Renders the panel into `host`; returns a function that removes it and its subscriptions. */
export function mountScenarioPanel(host: HTMLElement, { ccp, tracker }: ScenarioPanelOptions): () => void {
  const root = document.createElement('section');
  root.className = 'scenario-panel';
  root.setAttribute('aria-label', 'Stand-in CCP scenarios');
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  const controls = document.createElement('div');
  const model = document.createElement('table');
  const log = document.createElement('ol');
  log.className = 'scenario-log';
  root.append(controls, status, model, log);
  host.append(root);

  const run = (label: string, action: () => unknown): void => {
    Promise.resolve()
      .then(action)
      .then(() => (status.textContent = `${label}: done`))
      .catch(
        (error: unknown) =>
          (status.textContent = `${label}: ${error instanceof Error ? error.message : String(error)}`),
      );
  };
  const button = (parent: HTMLElement, label: string, action: () => unknown): void => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    b.addEventListener('click', () => run(label, action));
    parent.append(b);
  };
  button(controls, 'Ring a call', () => ccp.ringCall());
  button(controls, 'Start a chat', () => ccp.startChat());
  button(controls, 'Transfer in', () => ccp.transferIn());
  button(controls, 'Monitor a call', () => ccp.monitor());
  const reflect = document.createElement('label');
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = ccp.config.reflect;
  box.addEventListener('change', () => ccp.setReflection(box.checked));
  reflect.append(box, ' reflect API writes in snapshots');
  // The agent's CCP language: the stand-in puts it in its snapshots' agentPreferences.locale, as the CCP does when
  // the agent picks one in its settings.
  const language = document.createElement('label');
  const languages = document.createElement('select');
  languages.className = 'ccp-language';
  for (const [tag, name] of CCP_LANGUAGES) {
    const option = new Option(name, tag, false, tag === ccp.config.locale);
    option.lang = tag.replace('_', '-');
    languages.append(option);
  }
  languages.addEventListener('change', () =>
    run(`CCP language ${languages.value}`, () => ccp.setAgentConfig({ locale: languages.value })),
  );
  language.append('CCP language ', languages);
  controls.append(reflect, language);

  const render = (): void => {
    const viewed = tracker.viewed?.contactId;
    model.replaceChildren();
    const head = model.createTHead().insertRow();
    for (const title of [
      'viewed',
      'contact',
      'initial contact',
      'channel',
      'state',
      'instance / region (source)',
      'attributes',
      'actions',
    ]) {
      const th = document.createElement('th');
      th.textContent = title;
      head.append(th);
    }
    const body = model.createTBody();
    for (const contact of tracker.contacts.values()) {
      const row = body.insertRow();
      const cells = [
        contact.contactId === viewed ? 'yes' : '',
        contact.contactId,
        contact.initialContactId === contact.contactId ? '(same)' : contact.initialContactId,
        `${contact.channel}${contact.monitoring ? ' (monitoring)' : ''}`,
        contact.ended && contact.state !== 'ended' ? `${contact.state} (ended)` : contact.state,
        contact.instanceError
          ? contact.instanceError.message
          : `${contact.instanceId} / ${contact.region} (${contact.arnSource ?? '?'})`,
        Object.entries(contact.attributes)
          .map(([k, v]) => `${k}=${v}`)
          .join(', '),
      ];
      for (const text of cells) row.insertCell().textContent = text;
      const actions = row.insertCell();
      const id = contact.contactId;
      if (contact.state === 'connecting') {
        button(actions, 'Accept', () => ccp.accept(id));
        button(actions, 'Miss', () => ccp.missCall(id));
      }
      if (contact.state === 'connected') button(actions, 'Hang up', () => ccp.hangUp(id));
      if (contact.ended) button(actions, 'Clear', () => ccp.clear(id));
      button(actions, 'View', () => ccp.view(id));
    }
  };

  const offs = [
    tracker.on('change', render),
    ...(['connecting', 'accepted', 'connected', 'missed', 'acw', 'ended', 'destroyed', 'viewed'] as const).map((type) =>
      tracker.on(type, (event) => {
        const item = document.createElement('li');
        item.textContent = `${event.at.toLocaleTimeString()} ${type} ${event.contact.contactId}`;
        log.prepend(item);
        while (log.children.length > 50) log.lastElementChild?.remove();
      }),
    ),
  ];
  render();
  return () => {
    for (const off of offs) off();
    root.remove();
  };
}

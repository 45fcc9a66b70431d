/**
 * The stand-in agent workspace page: contacts made with the scenario controls, registered in the Connect API
 * stand-in, and the ccp-attributes app (app.html) opened in iframes the way the workspace opens a third-party app:
 * one per contact in that contact's scope (the one in front started, the others stopped), or one in the idle scope.
 */
import { ALL_PERMISSIONS, StandInWorkspace, type HostScope, type HostedApp } from './host.ts';
import { mountWorkspacePanel } from './panel.ts';

interface OpenApp {
  iframe: HTMLIFrameElement;
  hosted: HostedApp;
}

const IDLE = 'idle';
const $ = (id: string): HTMLElement => document.getElementById(id) as HTMLElement;

function setStatus(text: string, tone: 'ok' | 'error'): void {
  const pill = $('setup-status');
  pill.textContent = text;
  pill.dataset['tone'] = tone;
}

async function main(): Promise<void> {
  const { url: api } = (await (await fetch('/__standin')).json()) as { url: string };
  const workspace = new StandInWorkspace({ api, latency: 20 });
  await workspace.ready;
  const apps = new Map<string, OpenApp>();
  let front: string | undefined;

  const granted = new Set<string>(ALL_PERMISSIONS);
  for (const permission of ALL_PERMISSIONS) {
    const label = document.createElement('label');
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.checked = true;
    box.addEventListener('change', () => (box.checked ? granted.add(permission) : granted.delete(permission)));
    label.append(box, ` ${permission}`);
    $('permissions').append(label);
  }
  const mode = (): 'contact' | 'idle' =>
    document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value === 'idle' ? 'idle' : 'contact';

  const open = (key: string, scope: HostScope): void => {
    const iframe = document.createElement('iframe');
    iframe.title =
      scope.type === 'contact' ? `Contact attributes app for contact ${scope.contactId}` : 'Contact attributes app';
    iframe.hidden = true;
    const hosted = workspace.attach(iframe, { scope, permissions: [...granted], autoStart: false });
    iframe.src = './app.html';
    $('apps').append(iframe);
    apps.set(key, { iframe, hosted });
    void hosted.created.then(() => {
      if (front === key) hosted.lifecycle('start');
    });
  };
  const close = (key: string): void => {
    const app = apps.get(key);
    if (!app) return;
    apps.delete(key);
    app.hosted.lifecycle('destroy');
    setTimeout(() => {
      app.hosted.detach();
      app.iframe.remove();
    }, 200);
  };
  /** Brings one app to the front: the workspace starts the app it shows and stops the one it hides. */
  const bringToFront = (key: string | undefined): void => {
    if (key === front) return;
    const previous = front === undefined ? undefined : apps.get(front);
    if (previous) {
      previous.iframe.hidden = true;
      previous.hosted.lifecycle('stop');
    }
    front = key;
    const next = key === undefined ? undefined : apps.get(key);
    if (next) {
      next.iframe.hidden = false;
      next.hosted.lifecycle('start');
    }
    $('app-hint').textContent =
      key === undefined ? 'no contact' : key === IDLE ? 'idle scope: every contact' : `contact scope: ${key}`;
  };

  const sync = (): void => {
    const contacts = workspace.contacts().map((c) => c.contactId);
    if (mode() === 'idle') {
      for (const key of [...apps.keys()]) if (key !== IDLE) close(key);
      if (!apps.has(IDLE)) open(IDLE, { type: 'idle' });
      bringToFront(IDLE);
    } else {
      if (apps.has(IDLE)) close(IDLE);
      for (const id of contacts) if (!apps.has(id)) open(id, { type: 'contact', contactId: id });
      for (const key of [...apps.keys()]) if (!contacts.includes(key)) close(key);
      if (front === undefined || !apps.has(front)) bringToFront(contacts.at(-1));
    }
  };
  workspace.onChange(sync);
  for (const input of document.querySelectorAll<HTMLInputElement>('input[name="mode"]'))
    input.addEventListener('change', sync);
  $('reopen').addEventListener('click', () => {
    for (const key of [...apps.keys()]) close(key);
    front = undefined;
    sync();
  });

  mountWorkspacePanel($('scenario'), {
    workspace,
    onSelect: (contactId) => bringToFront(mode() === 'idle' ? IDLE : contactId),
    selected: () => front,
  });
  sync();
  (window as Window & { standInWorkspace?: StandInWorkspace }).standInWorkspace = workspace;
  setStatus('Ready', 'ok');
}

main().catch((error: unknown) => setStatus(error instanceof Error ? error.message : String(error), 'error'));

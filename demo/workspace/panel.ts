/**
 * The stand-in workspace's scenario controls (plain DOM): make contacts happen (ring a call, start a chat, transfer
 * in) and move them on (accept, miss, hang up into after-contact work or straight to the end, clear), view one, and
 * open an app for one (the launcher, for that contact). The apps show what they made of it.
 * Usage: `mountWorkspacePanel(element, { workspace })`.
 */
import type { StandInContact } from '../ccp/scenario.ts';
import type { StandInWorkspace } from './host.ts';

/** What the panel drives, and what it tells the page. */
export interface WorkspacePanelOptions {
  workspace: StandInWorkspace;
  /** The app the per-contact "Open app" button opens; without it there is no such button. */
  app?: string;
}

/** Renders the panel into `element`; returns a function that removes it and its subscription. */
export function mountWorkspacePanel(element: HTMLElement, { workspace, app }: WorkspacePanelOptions): () => void {
  const root = document.createElement('section');
  root.className = 'workspace-panel';
  root.setAttribute('aria-label', 'Stand-in workspace scenarios');
  const controls = document.createElement('div');
  controls.className = 'button-row';
  const status = document.createElement('p');
  status.setAttribute('role', 'status');
  status.className = 'muted';
  const table = document.createElement('table');
  root.append(controls, status, table);
  element.append(root);

  const run = (label: string, action: () => unknown): void => {
    Promise.resolve()
      .then(action)
      .then(() => (status.textContent = `${label}: done`))
      .catch(
        (error: unknown) =>
          (status.textContent = `${label}: ${error instanceof Error ? error.message : String(error)}`),
      );
  };
  const button = (parent: HTMLElement, label: string, action: () => unknown, primary = false): void => {
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = label;
    if (primary) b.className = 'primary';
    b.addEventListener('click', () => run(label, action));
    parent.append(b);
  };
  button(controls, 'Ring a call', () => workspace.ringCall({ attributes: { greeting: 'played' } }), true);
  button(controls, 'Start a chat', () => workspace.startChat({ attributes: { topic: 'billing' } }));
  button(controls, 'Transfer in', () => workspace.transferIn({ attributes: { transferredFrom: 'sales' } }));
  button(controls, 'Monitor a call', () => workspace.monitor());

  const stateText = (contact: StandInContact): string =>
    contact.state === 'ended' ? 'after-contact work' : contact.state;
  const render = (): void => {
    table.replaceChildren();
    const head = table.createTHead().insertRow();
    for (const title of ['', 'contact', 'channel', 'state', 'registered', 'actions']) {
      const th = document.createElement('th');
      th.textContent = title;
      head.append(th);
    }
    const body = table.createTBody();
    const active = workspace.activeContact;
    for (const contact of workspace.contacts()) {
      const row = body.insertRow();
      const id = contact.contactId;
      const cells = [
        id === active ? 'active' : '',
        contact.initialContactId === id ? id : `${id} (initial ${contact.initialContactId})`,
        contact.monitoring ? `${contact.channel} (monitoring)` : contact.channel,
        stateText(contact),
        contact.registered === undefined ? '…' : contact.registered ? 'yes' : 'NO',
      ];
      for (const text of cells) row.insertCell().textContent = text;
      const actions = row.insertCell();
      actions.className = 'button-row';
      if (contact.state === 'connecting') {
        button(actions, 'Accept', () => workspace.accept(id));
        button(actions, 'Miss', () => workspace.missCall(id));
      }
      if (contact.state === 'connected') {
        button(actions, 'Hang up', () => workspace.hangUp(id));
        button(actions, 'End without ACW', () => workspace.hangUp(id, { acw: false }));
      }
      if (contact.state === 'ended' || contact.state === 'missed')
        button(actions, 'Clear', async () => {
          // The apps' clear-contact interceptors are asked first; one that says no holds the contact.
          if (!(await workspace.clearFromWorkspace(id))) throw new Error('held by an app (the contact is not ready)');
        });
      if (id !== active) button(actions, 'View', () => workspace.view(id));
      if (app) button(actions, 'Open app', () => workspace.launch(app, { scope: { type: 'contact', contactId: id } }));
    }
    if (body.rows.length === 0) {
      const cell = body.insertRow().insertCell();
      cell.colSpan = 6;
      cell.className = 'muted';
      cell.textContent = 'No contacts: ring a call or start a chat.';
    }
  };
  const off = workspace.onChange(render);
  render();
  return () => {
    off();
    root.remove();
  };
}

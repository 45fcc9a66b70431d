/** The stand-in CCP's own page: the agent line and a list of contacts with the buttons a CCP would show. */
import type { HeldContact } from './contacts.ts';
import type { StandInCcp } from './scenario.ts';

/** Renders the agent line and the contacts into ccp.html's #agent and #contacts. */
export function renderCcp(agentLine: string, contacts: readonly HeldContact[], api: StandInCcp): void {
  const agent = document.getElementById('agent');
  const list = document.getElementById('contacts');
  if (!agent || !list) return;
  agent.textContent = agentLine;
  list.replaceChildren(
    ...contacts.map((c) => {
      const item = document.createElement('li');
      const title = document.createElement('div');
      title.innerHTML = `<span class="state"></span> <span class="channel"></span><div class="id"></div>`;
      (title.querySelector('.state') as HTMLElement).textContent = c.state;
      (title.querySelector('.channel') as HTMLElement).textContent =
        `${c.channel}${c.monitoring ? ' (monitoring)' : ''}`;
      (title.querySelector('.id') as HTMLElement).textContent =
        c.initialContactId === c.contactId ? c.contactId : `${c.contactId} ← ${c.initialContactId}`;
      item.append(title);
      const button = (label: string, action: () => unknown): void => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.addEventListener('click', () => void Promise.resolve(action()).catch((e: unknown) => console.error(e)));
        item.append(b);
      };
      if (c.state === 'connecting') button('Accept', () => api.accept(c.contactId));
      if (c.state === 'connecting') button('Miss', () => api.missCall(c.contactId));
      if (c.state === 'connected') button('Hang up', () => api.hangUp(c.contactId));
      if (c.state !== 'connecting' && c.state !== 'connected') button('Close contact', () => api.clear(c.contactId));
      button('View', () => api.view(c.contactId));
      return item;
    }),
  );
}

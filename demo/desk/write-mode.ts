/**
 * The write mode (direct with Cognito credentials, the owner-checking relay with the agent's token, or the relay in
 * queued mode: 202 once the write is queued, a paced worker checks and lands it): the switch in the top bar, and "Write another agent's contact", which shows what each mode does with a contact the agent does not
 * handle.
 */
import { html, render } from 'lit';
import type { CcpAttributesPlugin } from '../../src/plugin.ts';
import type { ContactRecord } from '../connect-api/types.ts';
import type { StandInCcp } from '../ccp/scenario.ts';
import { message, short } from './dom.ts';

export type WriteMode = 'direct' | 'relay' | 'queued';

/** The write mode the page was opened with: `?writes=relay` or `?writes=queued`, else direct. */
export function writeMode(): WriteMode {
  const writes = new URLSearchParams(location.search).get('writes');
  return writes === 'relay' || writes === 'queued' ? writes : 'direct';
}

/** The switch in the top bar: each mode is a page load (the plugin, its CCP and its outbox start once per page). */
export function renderWriteMode(host: HTMLElement, mode: WriteMode): void {
  const link = (target: WriteMode, label: string, title: string) =>
    html`<a href=${`?writes=${target}`} title=${title} aria-current=${target === mode ? 'page' : 'false'}>${label}</a>`;
  render(
    html`<span>Writes:</span>
      ${link('direct', 'Direct (Cognito)', 'Each agent calls Amazon Connect with Cognito credentials that can write any contact of the instance')}
      ${link('relay', 'Relay (owner-checked)', "Writes go to the relay with the agent's sign-in token; it writes only contacts the agent handles")}
      ${link('queued', 'Queued (SQS + worker)', 'Writes go to the relay, which queues them and answers at once; a worker paced under the quotas checks whose contact it is and lands them')}`,
    host,
  );
}

/**
 * "Write another agent's contact": registers a call that agent.jones handles with the API stand-in, then writes a
 * note on it through this page's outbox, as agent.smith. Direct mode lets it land; the relay refuses it, and the
 * outbox keeps it as a failure.
 */
export function renderOtherAgentWrite(
  host: HTMLElement,
  plugin: CcpAttributesPlugin,
  ccp: StandInCcp,
  apiUrl: string,
  mode: WriteMode,
): void {
  const status = document.createElement('span');
  status.setAttribute('role', 'status');
  status.className = 'muted';
  const write = async (): Promise<void> => {
    const outbox = plugin.outbox;
    if (!outbox) throw new Error('this page cannot write (no outbox)');
    const contactId = crypto.randomUUID();
    const { instance, region } = ccp.config;
    const record: ContactRecord = {
      instanceId: instance,
      contactId,
      startedAt: new Date().toISOString(),
      agentId: 'agent-agent-jones',
      channel: 'VOICE',
    };
    const registered = await fetch(`${apiUrl}/_standin/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([record]),
    });
    if (!registered.ok) throw new Error(`the API stand-in answered HTTP ${registered.status}`);
    status.textContent = `Writing a note on agent.jones's call ${short(contactId)}…`;
    try {
      await outbox.write(
        { contactId, initialContactId: contactId, instanceId: instance, region },
        { Note: 'written by agent.smith' },
        { origin: 'agent' },
      );
      status.textContent =
        mode === 'queued'
          ? `Accepted for agent.jones's call ${short(contactId)}: the worker checks it behind the queue and refuses it (the queue panel counts it).`
          : `Landed on agent.jones's call ${short(contactId)}: in direct mode any agent can write any contact of the instance.`;
    } catch (error) {
      status.textContent = `Refused on agent.jones's call ${short(contactId)}: ${message(error)} (kept in the outbox as a failure, not retried)`;
    }
  };
  const hint = {
    direct: 'Direct mode cannot tell whose contact it is',
    relay: 'The relay checks who handles the contact and refuses',
    queued: 'The relay accepts it into the queue; the worker checks who handles the contact and refuses',
  }[mode];
  const button = html`<button
    type="button"
    title=${`Registers a call handled by agent.jones and writes a note on it as agent.smith. ${hint}.`}
    @click=${() => {
      write().catch((error: unknown) => (status.textContent = message(error)));
    }}
  >
    Write another agent's contact
  </button>`;
  render(html`${button} ${status}`, host);
}

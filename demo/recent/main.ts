/**
 * The recent-contacts demo: agent.smith signs in to the stand-in's user pool, and `<ccp-recent-contacts>` lists his
 * contacts of the last hour through the relay (relay mode: the relay sets the agent and the window), opening one in
 * the editor, where saving writes through the relay's ownership check. The page registers a few completed contacts
 * with the stand-in first (a real instance has them already): three within the hour, one past it, one of agent.jones.
 */
import '../../components/ccp-attributes.ts';
import '../../components/ccp-recent-contacts.ts';
import { runDemoPage, startCompletedContactsDemo } from '../completed-contacts.ts';
import type { ContactRecord } from '../connect-api/server.ts';
import { DEFAULT_INSTANCE_ID } from '../ccp/scenario.ts';
import { relayHistory } from '../../src/history/relay-history.ts';

const minutesAgo = (minutes: number): string => new Date(Date.now() - minutes * 60_000).toISOString();

/** Completed contacts of the demo agents, relative to now. */
function demoContacts(): ContactRecord[] {
  const contact = (id: string, endedMinutesAgo: number, more: Partial<ContactRecord> = {}): ContactRecord => ({
    instanceId: DEFAULT_INSTANCE_ID,
    contactId: `demo-recent-${id}`,
    startedAt: minutesAgo(endedMinutesAgo + 12),
    disconnectedAt: minutesAgo(endedMinutesAgo),
    afterContactWorkEndedAt: minutesAgo(endedMinutesAgo - 1),
    agentId: 'agent-agent-smith',
    queueId: 'queue-sales',
    queueName: 'Sales',
    ...more,
  });
  return [
    contact('billing', 6, { attributes: { reason: 'billing question', disposition: 'resolved' } }),
    contact('chat', 22, { channel: 'CHAT', queueId: 'queue-support', queueName: 'Support' }),
    contact('callback', 48, { attributes: { reason: 'callback requested' } }),
    contact('morning', 190, { attributes: { reason: 'address change' } }),
    contact('jones', 12, { agentId: 'agent-agent-jones' }),
  ];
}

async function main(status: HTMLElement | null): Promise<void> {
  const relay = await startCompletedContactsDemo(demoContacts());
  const list = document.querySelector('ccp-recent-contacts');
  const editor = document.querySelector('ccp-attributes');
  if (!list || !editor) throw new Error('demo: the list or the editor is missing from index.html');
  editor.readOnly = false;
  list.writer = relay;
  list.editor = editor;
  list.history = relayHistory({ relay, instanceId: DEFAULT_INSTANCE_ID });
  if (status) status.textContent = 'Signed in as agent.smith (relay mode).';
}

runDemoPage(main);

/**
 * The review demo: qa.lee, in the stand-in user pool's `reviewers` group, signs in; `<ccp-review-contacts>` searches
 * the instance's contacts through the relay's reviewers' routes and opens one in the editor, where the relay lets a
 * reviewer write only the Review* and Legal* keys (demo/relay.ts). The page registers contacts of the last week with
 * the stand-in first (a real instance has them already).
 */
import '../../components/ccp-attributes.ts';
import '../../components/ccp-review-contacts.ts';
import { runDemoPage, startCompletedContactsDemo } from '../completed-contacts.ts';
import type { ContactRecord } from '../connect-api/server.ts';
import { DEFAULT_INSTANCE_ID } from '../ccp/scenario.ts';
import { reviewClient } from '../../src/history/review-client.ts';

const daysAgo = (days: number, minutes = 0): string =>
  new Date(Date.now() - days * 86_400_000 - minutes * 60_000).toISOString();

/** Completed contacts of the last week. */
function demoContacts(): ContactRecord[] {
  const contact = (id: string, days: number, more: Partial<ContactRecord>): ContactRecord => ({
    instanceId: DEFAULT_INSTANCE_ID,
    contactId: `demo-review-${id}`,
    startedAt: daysAgo(days, 15),
    disconnectedAt: daysAgo(days, 2),
    afterContactWorkEndedAt: daysAgo(days),
    queueId: 'queue-sales',
    queueName: 'Sales',
    ...more,
  });
  return [
    contact('complaint', 6, {
      agentId: 'agent-agent-smith',
      attributes: { reason: 'complaint', disposition: 'escalated' },
    }),
    contact('refund', 4, {
      agentId: 'agent-agent-jones',
      channel: 'CHAT',
      queueId: 'queue-support',
      queueName: 'Support',
    }),
    contact('address', 2, { agentId: 'agent-agent-smith', attributes: { reason: 'address change' } }),
  ];
}

async function main(status: HTMLElement | null): Promise<void> {
  const relay = await startCompletedContactsDemo(demoContacts(), 'qa.lee');
  const search = document.querySelector('ccp-review-contacts');
  const editor = document.querySelector('ccp-attributes');
  if (!search || !editor) throw new Error('demo: the search or the editor is missing from index.html');
  editor.readOnly = false;
  // The reviewers' keys are editable; what the agents and flows wrote is shown, read-only (the relay refuses it anyway).
  editor.schema = [
    {
      key: 'ReviewFlag',
      label: 'Review flag',
      type: 'enum',
      options: ['legal-hold', 'abusive-caller', 'quality-check'],
    },
    { key: 'LegalNote', label: 'Legal note', type: 'multiline' },
    { key: 'reason', label: 'Reason', readOnly: true },
    { key: 'disposition', label: 'Disposition', readOnly: true },
  ];
  search.editor = editor;
  search.client = reviewClient(relay, DEFAULT_INSTANCE_ID);
  if (status)
    status.textContent = 'Signed in as qa.lee (reviewers group): reviewers may write Review* and Legal* keys.';
}

runDemoPage(main);

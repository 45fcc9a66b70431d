/** This desk's configuration, as a team would keep it: the tagging rules, the editor's schema, the IVR scenario's attributes. */
import type { SchemaInput } from '../../components/schema.ts';
import type { TagRuleInput } from '../../src/tagging/rules.ts';
import type { Attributes } from '../../src/validate.ts';

/** The tagging rules of this desk, as JSON a team would keep in a config file. */
export const RULES: TagRuleInput[] = [
  {
    id: 'handled-by',
    name: 'Who answered, and when',
    on: 'connected',
    set: { HandledBy: '{{agent.username}}', ConnectedAt: '{{event.at}}' },
  },
  {
    id: 'wrap-up',
    name: 'When it ended, how long it lasted',
    on: 'acw',
    set: { EndedAt: '{{event.at}}', TalkSeconds: '{{duration.connected}}' },
  },
  {
    id: 'vip',
    name: 'Gold customers get priority',
    on: 'connected',
    when: { attributes: { CustomerTier: { equals: 'gold' } } },
    set: { Priority: 'high' },
  },
  {
    id: 'missed',
    name: 'Missed calls are flagged',
    on: 'missed',
    set: { MissedBy: '{{agent.username}}', MissedAt: '{{event.at}}' },
  },
];

/** The editor's field schema: structure for the keys this desk cares about; other keys are shown as text. */
export const SCHEMA: SchemaInput = [
  { key: 'Disposition', label: 'Disposition', type: 'enum', options: ['Resolved', 'Follow-up needed', 'Escalated', 'No answer'], required: true },
  { key: 'Notes', label: 'Notes', type: 'multiline' },
  { key: 'CustomerTier', label: 'Customer tier', readOnly: true, description: 'Set by the contact flow.' },
  { key: 'HandledBy', label: 'Handled by', readOnly: true, description: 'Tagged automatically.' },
];

/** Attributes a contact flow puts on a call before it reaches the agent (the "IVR call" scenario). */
export const IVR_ATTRIBUTES: Attributes = { CustomerTier: 'gold', Intent: 'billing', AccountId: 'AC-40917' };

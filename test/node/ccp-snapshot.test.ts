// The stand-in CCP's snapshot builder (demo/ccp/snapshot.ts) is pure: the agent data Streams receives follows from
// the contacts, the agent's chosen state and the ARN switches alone.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { HeldContact } from '../../demo/ccp/contacts.ts';
import { agentData, agentState, arnOf, type AgentIdentity, type ChosenState } from '../../demo/ccp/snapshot.ts';

const identity: AgentIdentity = {
  config: { agent: 'agent.smith', region: 'us-east-1', account: '123456789012', instance: 'i-1' },
  switches: {
    noRoutingProfileArn: false,
    noAgentArn: false,
    noQueueArn: false,
    garbledArns: false,
    locale: 'en_US',
    languageOnly: false,
  },
};
const available: ChosenState = { name: 'Available', type: 'routable', id: 'available' };

function contact(overrides: Partial<HeldContact>): HeldContact {
  return {
    contactId: 'c1',
    initialContactId: 'c1',
    channel: 'voice',
    state: 'connected',
    stateAt: 1_000,
    monitoring: false,
    queueName: 'BasicQueue',
    attributes: {},
    startedAt: new Date(0),
    registered: true,
    initiationMethod: 'inbound',
    agentConnectionId: 'a1',
    customerConnectionId: 'k1',
    ...overrides,
  };
}

describe('stand-in CCP snapshot', () => {
  it('derives the agent state from the contacts: ringing, then missed, then connected, then after-contact work win over the chosen state', () => {
    const state = (...states: HeldContact['state'][]) =>
      agentState(
        identity,
        states.map((s, i) => contact({ contactId: `c${i}`, state: s })),
        available,
      ).name;
    assert.equal(state(), 'Available');
    assert.equal(state('ended'), 'AfterCallWork');
    assert.equal(state('ended', 'connected'), 'Busy');
    assert.equal(state('connected', 'missed'), 'MissedCallAgent');
    assert.equal(state('missed', 'connecting'), 'PendingBusy');
    assert.equal(
      agentState(identity, [], { name: 'Lunch', type: 'not_routable', id: 'lunch' }).arn,
      'arn:aws:connect:us-east-1:123456789012:instance/i-1/agent-state/lunch',
    );
  });

  it('leaves out or garbles ARNs as the switches say', () => {
    assert.equal(arnOf(identity, 'queue', 'q'), 'arn:aws:connect:us-east-1:123456789012:instance/i-1/queue/q');
    assert.equal(arnOf({ ...identity, switches: { ...identity.switches, noQueueArn: true } }, 'queue', 'q'), null);
    assert.equal(arnOf({ ...identity, switches: { ...identity.switches, noAgentArn: true } }, 'agent', 'a'), null);
    assert.equal(
      arnOf({ ...identity, switches: { ...identity.switches, garbledArns: true } }, 'agent', 'a'),
      'not-an-arn/agent/a',
    );
  });

  it('builds the same agent data from the same input, contacts sorted on their state time, monitored ones without attributes', () => {
    const contacts = [
      contact({ contactId: 'late', stateAt: 3_000, attributes: { topic: 'billing' } }),
      contact({ contactId: 'early', stateAt: 2_000, monitoring: true, attributes: { hidden: 'yes' } }),
    ];
    const input = {
      ...identity,
      contacts,
      chosen: available,
      state: agentState(identity, contacts, available),
      stateSince: 500,
      now: 10_000,
    };
    const data = agentData(input);
    assert.deepEqual(agentData(input), data);
    const listed = data.snapshot['contacts'] as Record<string, unknown>[];
    assert.deepEqual(
      listed.map((c) => c['contactId']),
      ['early', 'late'],
    );
    assert.equal(listed[0]?.['attributes'], null);
    assert.equal(listed[0]['initialContactId'], null);
    assert.deepEqual(listed[1]?.['attributes'], { topic: { name: 'topic', value: 'billing' } });
    assert.equal(listed[1]['contactDuration'], '10');
    assert.equal(
      (data.configuration['routingProfile'] as { routingProfileARN: string }).routingProfileARN,
      'arn:aws:connect:us-east-1:123456789012:instance/i-1/routing-profile/rp-basic',
    );
    assert.equal(
      data.configuration['agentARN'],
      'arn:aws:connect:us-east-1:123456789012:instance/i-1/agent/agent-agent-smith',
    );
    assert.equal(data.configuration['name'], 'Agent Smith');
    assert.deepEqual(
      contacts.map((c) => c.contactId),
      ['late', 'early'],
      'the input is not changed',
    );
  });
});

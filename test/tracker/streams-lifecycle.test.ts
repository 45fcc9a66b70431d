// End to end: the REAL amazon-connect-streams against the stand-in CCP, with the tracker initialising the CCP
// itself (initCCP pass-through). One CCP per test file: Streams is a page-wide singleton.
import { expect } from '@open-wc/testing';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { ccpOptions, container, record, scenario, settle, stored, until } from './helpers.ts';

describe('tracker over Streams and the stand-in CCP', () => {
  let tracker: ContactTracker;
  let ccp: StandInCcp;

  before(async () => {
    tracker = createStreamsTracker({ container: container(), initCCP: await ccpOptions() });
    ccp = await scenario();
    await until(() => tracker.agent, 'the agent');
  });

  afterEach(async () => {
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => tracker.contacts.size === 0, 'no contacts');
  });

  it('initialises exactly one CCP through the pass-through initCCP options', () => {
    expect(document.querySelectorAll('iframe[name="Amazon Connect CCP"]').length).to.equal(1);
    expect((connect.core as unknown as { initialized: boolean }).initialized).to.equal(true);
  });

  it('reports the agent from the snapshot', () => {
    expect(tracker.agent?.username).to.equal('agent.smith');
    expect(tracker.agent?.arn).to.match(/^arn:aws:connect:us-east-1:123456789012:instance\/[0-9a-f-]+\/agent\//);
    expect(tracker.agent?.routingProfile?.name).to.equal('Basic Routing Profile');
  });

  it('reports a voice call in Streams order: connecting, accepted, connected, acw + ended, destroyed', async () => {
    const log = record(tracker);
    const id = await ccp.ringCall({ attributes: { greeting: 'played' } });
    await until(() => tracker.contacts.get(id)?.state === 'connecting', 'connecting');
    const contact = tracker.contacts.get(id)!;
    expect(contact.channel).to.equal('voice');
    expect(contact.initialContactId).to.equal(id);
    expect(contact.instanceId).to.equal(ccp.config.instance);
    expect(contact.region).to.equal('us-east-1');
    expect(contact.arnSource).to.equal('routing-profile');
    expect(contact.attributes).to.deep.equal({ greeting: 'played' });

    // Accept through Streams' own API: an acceptContact api_request, then the accepted broadcast.
    await new Promise<void>((resolve, reject) =>
      new connect.Agent().getContacts().find((c) => c.getContactId() === id)!.accept({ success: () => resolve(), failure: (e) => reject(new Error(String(e))) }),
    );
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    expect(ccp.apiRequests().map((r) => r.method)).to.include('acceptContact');

    await ccp.hangUp(id);
    await until(() => tracker.contacts.get(id)?.ended, 'ended');
    await ccp.clear(id);
    await until(() => !tracker.contacts.has(id), 'destroyed');
    expect(log.of(id)).to.deep.equal(['connecting', 'viewed', 'accepted', 'connected', 'acw', 'ended', 'destroyed']);
    const destroyed = log.events.find((e) => e.type === 'destroyed')!;
    expect(destroyed.contact.ended).to.equal(true);
    expect(destroyed.agent?.username).to.equal('agent.smith');
  });
});

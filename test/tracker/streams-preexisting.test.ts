// End to end: the page initialises Streams itself (contacts already present when the CCP loads), and the
// tracker attaches afterwards. connect.contact does not replay those contacts: the tracker must walk them.
import { expect } from '@open-wc/testing';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { ccpOptions, container, record, scenario, settle, until } from './helpers.ts';

describe('tracker attaching to a CCP the page initialised, with contacts present at load', () => {
  let ccp: StandInCcp;

  before(async () => {
    connect.core.initCCP(
      container(),
      await ccpOptions({
        interval: 60_000, // no periodic snapshot: only the tracker's own walk can find the contacts
        contacts: [
          'connected-voice',
          'acw-voice',
          'transferred-voice',
          { channel: 'chat', state: 'connected', attributes: { topic: 'billing' } },
        ],
      }),
    );
    ccp = await scenario();
    await until(() => new Promise((resolve) => connect.agent(() => resolve(true))), 'the agent');
    await until(() => (connect.agent as unknown as { initialized: boolean }).initialized, 'Streams agent');
  });

  it('reports contacts that existed before it subscribed, with the events Streams fired for them', async () => {
    const [connected, acw, transferred, chat] = ccp.contacts();
    const tracker = createStreamsTracker();
    const log = record(tracker);
    await Promise.resolve(); // the walk runs in a microtask, without waiting for any Streams event
    expect(tracker.contacts.size).to.equal(4);
    await settle();
    const lifecycle = (id: string): string[] => log.of(id).filter((type) => type !== 'viewed');
    expect(lifecycle(connected!.contactId)).to.deep.equal(['connected']);
    expect(lifecycle(acw!.contactId)).to.deep.equal(['acw']); // init -> ended: ACW, not ENDED (as Streams)
    expect(lifecycle(transferred!.contactId)).to.deep.equal(['connected']);
    expect(lifecycle(chat!.contactId)).to.deep.equal(['connected']);

    const acwModel = tracker.contacts.get(acw!.contactId)!;
    expect(acwModel.ended).to.equal(true);
    expect(acwModel.state).to.equal('ended');
    expect(acwModel.attributes).to.deep.equal({ greeting: 'played' });
    const transferModel = tracker.contacts.get(transferred!.contactId)!;
    expect(transferModel.initialContactId).to.equal(transferred!.initialContactId);
    expect(transferModel.initialContactId).to.not.equal(transferred!.contactId);
    expect(tracker.contacts.get(chat!.contactId)?.channel).to.equal('chat');
    expect(tracker.contacts.get(chat!.contactId)?.attributes).to.deep.equal({ topic: 'billing' });
    expect(tracker.viewed?.contactId).to.equal([...tracker.contacts.keys()].at(-1));

    // The pre-existing ACW contact is cleared: destroyed (no synthetic ENDED: Streams counted ACW as its end).
    await ccp.clear(acw!.contactId);
    await until(() => !tracker.contacts.has(acw!.contactId), 'the ACW contact destroyed');
    expect(lifecycle(acw!.contactId)).to.deep.equal(['acw', 'destroyed']);
    tracker.dispose();
  });

  it('a tracker created inside a connect.agent callback reports each contact once', async () => {
    let tracker: ReturnType<typeof createStreamsTracker> | undefined;
    let log: ReturnType<typeof record> | undefined;
    connect.agent(() => {
      tracker ??= createStreamsTracker();
      log ??= record(tracker);
    });
    await until(() => tracker && tracker.contacts.size === ccp.contacts().length, 'the contacts');
    await settle();
    for (const contact of ccp.contacts()) {
      expect(log!.of(contact.contactId).filter((type) => type !== 'viewed')).to.have.length(1);
    }
    tracker!.dispose();
  });
});

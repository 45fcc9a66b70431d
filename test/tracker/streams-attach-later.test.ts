// End to end: the tracker exists before the page initialises Streams (and before its first snapshot).
import { expect } from '@open-wc/testing';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import { ccpOptions, container, record, scenario, settle, until } from './helpers.ts';

describe('tracker created before Streams is initialised', () => {
  it('waits for the page to call initCCP, never initialises one itself, and reports the first snapshot once', async () => {
    const tracker = createStreamsTracker({ pollMs: 20 });
    const log = record(tracker);
    await settle(200);
    expect(tracker.agent).to.equal(undefined);
    expect(document.querySelector('iframe[name="Amazon Connect CCP"]')).to.equal(null);

    connect.core.initCCP(
      container(),
      await ccpOptions({ contacts: ['connected-chat', 'acw-voice'], noRoutingProfileArn: true }),
    );
    // A second tracker created inside connect.agent, i.e. during Streams' very first update.
    let inner: ContactTracker | undefined;
    let innerLog: ReturnType<typeof record> | undefined;
    connect.agent(() => {
      inner ??= createStreamsTracker();
      innerLog ??= record(inner);
    });
    const ccp = await scenario();
    await until(() => tracker.contacts.size === 2 && inner?.contacts.size === 2, 'both trackers to see both contacts');
    await settle();
    const [chat, acw] = ccp.contacts();
    for (const events of [log, innerLog!]) {
      expect(events.of(chat!.contactId).filter((t) => t !== 'viewed')).to.deep.equal(['connected']);
      expect(events.of(acw!.contactId).filter((t) => t !== 'viewed')).to.deep.equal(['acw']);
    }
    // noRoutingProfileArn in the ccpUrl: the agent ARN is the next most trusted source.
    expect(tracker.contacts.get(chat!.contactId)?.arnSource).to.equal('agent');
    expect(tracker.contacts.get(chat!.contactId)?.instanceId).to.equal(ccp.config.instance);
    expect(document.querySelectorAll('iframe[name="Amazon Connect CCP"]').length).to.equal(1);
    tracker.dispose();
    inner!.dispose();
  });
});

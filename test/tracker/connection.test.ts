// The tracker's `connection` over a fake ContactSource: what a source reports, and what a source that reports
// nothing about it gets (connected once the host sends the agent or a contact).
import { expect } from '@open-wc/testing';
import type { ContactSource, SourceAgent, SourceSink } from '../../src/tracker/source.ts';
import { ContactTracker } from '../../src/tracker/tracker.ts';
import type { HostConnection } from '../../src/tracker/types.ts';

const AGENT: SourceAgent = { username: 'jo', name: 'Jo', arn: '', routingProfile: undefined };

/** A source that only hands over its sink. */
class SinkSource implements ContactSource {
  sink: SourceSink | undefined;
  start(sink: SourceSink): void {
    this.sink = sink;
  }
  stop(): void {}
  listContacts(): [] {
    return [];
  }
  readContact(): undefined {
    return undefined;
  }
  readAgent(): undefined {
    return undefined;
  }
}

function track(): { source: SinkSource; tracker: ContactTracker; seen: (HostConnection | undefined)[] } {
  const source = new SinkSource();
  const tracker = new ContactTracker(source);
  const seen: (HostConnection | undefined)[] = [];
  tracker.on('change', (state) => seen.push(state.connection));
  return { source, tracker, seen };
}

describe('ContactTracker: connection', () => {
  it('follows what the source reports, with a change event for each new state only', () => {
    const { source, tracker, seen } = track();
    expect(tracker.connection).to.equal('connecting');
    source.sink!.connection('signed-out');
    source.sink!.connection('signed-out');
    source.sink!.connection('connected');
    source.sink!.connection('unreachable');
    expect(tracker.connection).to.equal('unreachable');
    expect(seen).to.deep.equal(['signed-out', 'connected', 'unreachable']);
  });

  it('is connected once the agent arrives, for a source that reports no connection state', () => {
    const { source, tracker, seen } = track();
    source.sink!.agent(AGENT);
    expect(tracker.connection).to.equal('connected');
    expect(seen).to.deep.equal(['connected']);
  });

  it('is connected once a contact arrives, for a source that reports no connection state', () => {
    const { source, tracker } = track();
    source.sink!.contact({
      type: 'connected',
      contactId: 'c1',
      contact: {
        contactId: 'c1',
        initialContactId: 'c1',
        type: 'chat',
        state: 'connected',
        queue: undefined,
        attributes: {},
        monitoring: false,
      },
    });
    expect(tracker.connection).to.equal('connected');
  });

  it('stays signed out when the agent is reported again while signed out (only the source says it is back)', () => {
    const { source, tracker } = track();
    source.sink!.agent(AGENT);
    source.sink!.connection('signed-out');
    source.sink!.agent({ ...AGENT, name: 'Jo B' });
    expect(tracker.connection).to.equal('signed-out');
  });

  it('reports nothing once disposed', () => {
    const { source, tracker, seen } = track();
    tracker.dispose();
    source.sink!.connection('unreachable');
    expect(seen).to.deep.equal([]);
  });
});

// End to end: a CCP that cannot be reached (its URL refuses connections), with the REAL Streams: the tracker says
// signed out when Streams times out waiting for the CCP (Streams then tries a sign-in), and unreachable once Streams
// gave up reloading the frame. One CCP per file.
import { expect } from '@open-wc/testing';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { HostConnection } from '../../src/tracker/types.ts';
import { container, until } from './helpers.ts';

describe('tracker: a CCP that cannot be reached', function () {
  this.timeout(60_000);

  it('says connecting, signed out after the load timeout, then unreachable once Streams stops reloading the frame', async () => {
    const seen: HostConnection[] = [];
    const tracker = createStreamsTracker({
      container: container(),
      initCCP: {
        // Port 9 (discard) on loopback: nothing listens there, the frame never loads a CCP.
        ccpUrl: 'http://127.0.0.1:9/connect/ccp-v2',
        loginPopup: false,
        softphone: { allowFramedSoftphone: false },
        ccpLoadTimeout: 200,
      },
    });
    tracker.on('change', (state) => {
      if (state.connection && seen.at(-1) !== state.connection) seen.push(state.connection);
    });
    try {
      expect(tracker.connection).to.equal('connecting');
      // Streams reloads the frame every ccpLoadTimeout, 10 times, then gives up (_refreshIframeOnTimeout).
      await until(() => tracker.connection === 'unreachable', 'unreachable', 20_000);
      expect(seen).to.deep.equal(['signed-out', 'unreachable']);
      expect(tracker.agent).to.equal(undefined);
    } finally {
      tracker.dispose();
    }
  });
});

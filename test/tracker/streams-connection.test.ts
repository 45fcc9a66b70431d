// End to end: whether the CCP answers, as the tracker reports it (`connection`), with the REAL Streams on the
// stand-in CCP playing a signed-out agent (its login page answers nothing), then a sign-in, a logout in the CCP and
// a sign-in again in the frame Streams reloads. One CCP per file: the unreachable CCP is in its own file.
import { expect } from '@open-wc/testing';
import { findCcpIframe, standInCcp, type StandInCcp } from '../../demo/ccp/scenario.ts';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { HostConnection } from '../../src/tracker/types.ts';
import { ccpOptions, container, until } from './helpers.ts';

/** The stand-in in the CCP frame Streams shows now (it replaces the frame while the agent is signed out). */
async function currentCcp(): Promise<StandInCcp> {
  const iframe = await until(() => findCcpIframe(), 'the CCP iframe');
  return standInCcp(iframe);
}

describe('tracker: whether the CCP answers', function () {
  this.timeout(60_000);

  it('says connecting, then signed out while the CCP shows its login page, connected once the agent signs in, and signed out after a logout', async () => {
    const seen: HostConnection[] = [];
    const tracker = createStreamsTracker({
      container: container(),
      initCCP: { ...(await ccpOptions({ signedIn: false })), ccpLoadTimeout: 1500, ccpAckTimeout: 300 },
    });
    tracker.on('change', (state) => {
      if (state.connection && seen.at(-1) !== state.connection) seen.push(state.connection);
    });
    try {
      expect(tracker.connection).to.equal('connecting');
      // The login page never acknowledges: after ccpLoadTimeout Streams times out (and would open its login window).
      await until(() => tracker.connection === 'signed-out', 'signed out', 10_000);
      expect(tracker.agent).to.equal(undefined);

      (await currentCcp()).signIn();
      await until(() => tracker.connection === 'connected' && tracker.agent, 'connected, with the agent', 10_000);

      const ccp = await currentCcp();
      ccp.signOut();
      await until(() => tracker.connection === 'signed-out', 'signed out after the logout', 10_000);
      // Streams reloads the frame; the reloaded CCP still shows the login page until the agent signs in there.
      const reloaded = await until(async () => {
        const current = await currentCcp();
        return current !== ccp && current;
      }, 'the frame reloaded');
      expect(reloaded.signedOut).to.equal(true);
      expect(tracker.connection).to.equal('signed-out');
      reloaded.signIn();
      await until(() => tracker.connection === 'connected', 'connected again', 10_000);
      expect(seen).to.deep.equal(['signed-out', 'connected', 'signed-out', 'connected']);
    } finally {
      sessionStorage.clear();
      tracker.dispose();
    }
  });
});

// The workspace service end to end in the stand-in workspace: the service page (components/workspace-service.ts,
// the REAL AmazonConnectService, configured by fixtures/service.ts) in a hidden frame in the idle scope with only
// the create stage, as the workspace runs services; the app page (demo/workspace/app.html, the REAL
// AmazonConnectApp) where a test opens one; the real AWS SDK writing to the Connect API stand-in. Outcomes are read
// at the stand-in: what it stored, and how many UpdateContactAttributes calls reached it.
import { expect } from '@open-wc/testing';
import type { HostedApp, HostedService, StandInWorkspace } from '../../demo/workspace/host.ts';
import { DEFAULT_OUTBOX_DB } from '../../src/outbox/index.ts';
import type { WorkspaceService } from '../../src/workspace-service.ts';
import { requestLog, setFaults, standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { appPageIn, uniqueName, until, workspace, type AppPage } from './helpers.ts';

describe('the workspace service, end to end in the stand-in workspace', () => {
  let host: StandInWorkspace;

  /** The service page as the workspace runs a service: registered, started in a hidden frame, `create` only. */
  async function startService(
    query = '',
    name = uniqueName('service-page'),
  ): Promise<{ hosted: HostedService; service: WorkspaceService; name: string }> {
    const hosted = host.registerService({ name, url: `/test/workspace/fixtures/service-page.html?${query}` });
    if (!hosted) throw new Error('the workspace did not start the service');
    return { hosted, service: await serviceOf(hosted), name };
  }

  async function serviceOf(hosted: HostedService): Promise<WorkspaceService> {
    const service = await until(() => hosted.iframe.contentWindow?.ccpAttributesService, 'the service page', 10_000);
    await until(() => service.tracker.agent, 'the agent');
    return service;
  }

  /** The agent opens the app page from the launcher. */
  async function openApp(
    scope: { type: 'contact'; contactId: string } | { type: 'idle' },
  ): Promise<AppPage & { hosted: HostedApp }> {
    const name = uniqueName('app-page');
    host.registerApp({ name, url: '/demo/workspace/app.html' });
    const hosted = host.launch(name, { scope });
    const app = await appPageIn(hosted.iframe);
    await until(() => app.tracker.agent, 'the agent in the app');
    return { ...app, hosted };
  }

  /** The UpdateContactAttributes calls that reached the stand-in for `id` since `since`. */
  async function updates(id: string, since: number): Promise<number> {
    return (await requestLog()).filter(
      (r) =>
        r.action === 'UpdateContactAttributes' &&
        r.initialContactId === id &&
        r.status === 200 &&
        Date.parse(r.time) >= since,
    ).length;
  }

  before(async () => {
    await new Promise((resolve) => {
      const request = indexedDB.deleteDatabase(DEFAULT_OUTBOX_DB);
      request.onsuccess = request.onerror = request.onblocked = resolve;
    });
  });

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(async () => {
    await host.dispose();
    localStorage.removeItem('service-test-token');
  });

  it('tags contacts no app was ever opened on: on connected and on after-contact work', async () => {
    const { hosted } = await startService();
    const lifecycle = hosted.protocol().filter((r) => r.message.type === 'appLifecycle');
    expect(lifecycle.map((r) => r.message['stage'])).to.deep.equal(['create']);
    const id = await host.ringCall();
    await host.accept(id);
    await until(async () => (await storedAttributes(host.instance, id))?.['HandledBy'], 'the tag on connected', 10_000);
    await host.hangUp(id);
    await until(async () => (await storedAttributes(host.instance, id))?.['WrappedUp'], 'the tag on acw', 10_000);
    expect(await storedAttributes(host.instance, id)).to.deep.include({ HandledBy: 'Agent Smith', WrappedUp: 'yes' });
    // No problem was reported to the workspace, and nothing fatal ever.
    const errors = hosted.protocol().filter((r) => r.message.type === 'serviceError');
    expect(errors).to.have.length(0);
  });

  it("fires on:'ended' rules for a contact that ends without after-contact work", async () => {
    await startService('ended');
    const id = await host.ringCall();
    await host.accept(id);
    await host.hangUp(id, { acw: false });
    await until(async () => (await storedAttributes(host.instance, id))?.['Ended'], 'the ended tag', 10_000);
    const stored = await storedAttributes(host.instance, id);
    expect(stored).to.deep.include({ Ended: 'ended', HandledBy: 'Agent Smith' });
    expect(stored).to.not.have.property('WrappedUp');
  });

  for (const order of ['service first', 'app first'] as const) {
    it(`with an app open (${order}): one sender, each tag written once, the app's save sent by the service`, async () => {
      const since = Date.now();
      const id = await host.ringCall();
      let app: AppPage;
      let service: WorkspaceService;
      if (order === 'service first') {
        service = (await startService()).service;
        app = await openApp({ type: 'contact', contactId: id });
      } else {
        app = await openApp({ type: 'contact', contactId: id });
        await until(() => app.plugin.outbox?.flusher, 'the app sending');
        service = (await startService()).service;
      }
      await until(() => service.outbox?.flusher, 'the service sending', 10_000);
      await until(() => app.plugin.serviceRuns, 'the app hearing of the service');
      expect(app.plugin.outbox?.flusher).to.equal(false);
      await host.accept(id);
      await until(async () => (await storedAttributes(host.instance, id))?.['HandledBy'], 'the tag', 10_000);
      await app.plugin.write({ Notes: 'called back' });
      await host.hangUp(id);
      await until(async () => (await storedAttributes(host.instance, id))?.['WrappedUp'], 'the acw tag', 10_000);
      await service.outbox?.whenIdle();
      // One request per event's rules and one for the save: the app ran no rule, and nothing was sent twice.
      expect(await updates(id, since)).to.equal(3);
      expect(await storedAttributes(host.instance, id)).to.deep.include({
        HandledBy: 'Agent Smith',
        Notes: 'called back',
        WrappedUp: 'yes',
      });
    });
  }

  it('an app takes the sending back when the service is gone', async () => {
    const app = await openApp({ type: 'idle' });
    await startService();
    await until(() => app.plugin.serviceRuns, 'the app hearing of the service');
    host.services()[0]?.iframe.remove(); // the service's frame goes (a crash, a reload)
    await until(() => !app.plugin.serviceRuns, 'the app noticing the service is gone', 10_000);
    await until(() => app.plugin.outbox?.flusher, 'the app sending again', 10_000);
    const id = await host.ringCall();
    await host.accept(id);
    await until(async () => (await storedAttributes(host.instance, id))?.['HandledBy'], "the app's rule", 10_000);
  });

  it('queues until the agent signed in and says so; a restarted service sends what the first one queued', async () => {
    const first = await startService('token=storage', 'restarted');
    await until(() => !first.service.signedIn, 'the service waiting for the sign-in');
    // Told to the workspace's log (sendError), once.
    const said = (): number =>
      first.hosted
        .protocol()
        .filter((r) => r.direction === 'up' && JSON.stringify(r.message).includes('waiting for the agent to sign in'))
        .length;
    await until(() => said() > 0, 'the waiting told to the workspace');
    const id = await host.ringCall();
    await host.accept(id);
    await until(() => first.service.outbox?.state.pending, 'the tag queued');
    expect(await storedAttributes(host.instance, id)).to.not.have.property('HandledBy');
    expect(said()).to.equal(1);
    // The service restarts in a new frame (a workspace reload): its queue stayed in IndexedDB. Then the agent signs in.
    const outcome = await host.restartService('restarted');
    expect(outcome.state).to.equal('running');
    const second = await serviceOf(host.service('restarted')!);
    expect(second.signedIn).to.equal(false);
    localStorage.setItem('service-test-token', (await standInConfig()).validTokens[0] ?? '');
    await until(async () => (await storedAttributes(host.instance, id))?.['HandledBy'], 'the queued tag', 10_000);
    expect(second.signedIn).to.equal(true);
  });

  it("a save made just before the agent closes the app lands: the app's destroy waits for it (bounded)", async () => {
    const id = await host.ringCall();
    const app = await openApp({ type: 'contact', contactId: id });
    await until(() => app.plugin.outbox?.flusher && app.tracker.viewed, 'the app sending, with its contact');
    await app.plugin.write({ Notes: 'first' }); // the app's credentials are there
    await setFaults({ latencyMs: 1500 }); // the request is still on the wire when the agent closes the app
    try {
      // Its promise belongs to the app's frame, which goes: not awaited.
      void app.plugin.write({ Notes: 'call back at 5' });
      const outcome = await host.close(app.hosted);
      expect(outcome).to.equal('completed');
      expect(app.hosted.iframe.isConnected).to.equal(false);
    } finally {
      await setFaults({ latencyMs: null });
    }
    expect(await storedAttributes(host.instance, id)).to.deep.include({ Notes: 'call back at 5' });
  });
});

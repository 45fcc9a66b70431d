// Third-party services in the stand-in workspace, against the REAL AmazonConnectService (@amazon-connect/app),
// ContactClient and AppControllerClient in the service's frame (fixtures/service.ts): started with the workspace in
// hidden frames, `create` only, an initialization timeout, errors shown or fatal, apps launched by a service.
import { expect } from '@open-wc/testing';
import { DEFAULT_SANDBOX, StandInWorkspace } from '../../demo/workspace/host.ts';
import { serviceIn, testService, uniqueName, until, workspace } from './helpers.ts';

const down = (records: readonly { direction: string; message: { type: string } & Record<string, unknown> }[]) =>
  records.filter((r) => r.direction === 'down').map((r) => r.message);

describe('stand-in workspace: third-party services', () => {
  let host: StandInWorkspace | undefined;

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('starts each service with the workspace in a hidden frame with the default sandbox; `create` only, then ready', async () => {
    const definition = testService();
    host = await workspace({ services: [definition] });
    expect(host.status).to.equal('ready');
    const hosted = host.service(definition.name)!;
    expect(hosted.state).to.equal('running');
    expect(hosted.iframe.hidden).to.equal(true);
    expect(hosted.iframe.isConnected).to.equal(true);
    expect(hosted.iframe.getAttribute('sandbox')).to.equal(DEFAULT_SANDBOX.join(' '));
    const { service } = await serviceIn(hosted);
    expect(service.creates).to.deep.equal([{ instanceId: hosted.instanceId, region: 'us-east-1' }]);
    const stages = down(hosted.protocol()).filter((m) => m.type === 'appLifecycle');
    expect(stages.map((m) => m['stage'])).to.deep.equal(['create']);
    expect(stages[0]!['config']).to.include({ initializationTimeout: 30_000, applyToAgentWorkspace: true });
    expect(hosted.protocol().some((r) => r.message.type === 'appLifecycleHandlerCompleted')).to.equal(true);
  });

  it("keeps the agent's launcher closed while a service initializes, open once it completed", async () => {
    const app = uniqueName('app');
    host = new StandInWorkspace({
      services: [testService('delay=600')],
      apps: [{ name: app, url: '/test/workspace/fixtures/app.html' }],
    });
    const started = host.start();
    await until(() => host!.status === 'loading', 'loading');
    expect(() => host!.launch(app)).to.throw(/still loading its services/);
    expect(await started).to.equal('ready');
    expect(host.launch(app).name).to.equal(app);
  });

  it('a service that does not complete `create` within its initialization timeout fails the workspace', async () => {
    const definition = testService('delay=3000', { initializationTimeout: 300 });
    host = await workspace({ services: [definition] });
    expect(host.status).to.equal('failed');
    expect(host.failure).to.equal(`the service ${definition.name} did not complete its initialization within 300 ms`);
    const app = uniqueName('app');
    host.registerApp({ name: app, url: '/test/workspace/fixtures/app.html' });
    expect(() => host!.launch(app)).to.throw(/the agent is kept out/);
    expect(host.apps()).to.have.length(0);
  });

  it('an error thrown by onCreate reaches the workspace as a fatal service error: the workspace fails', async () => {
    const definition = testService('throw=no+sign-in');
    host = await workspace({ services: [definition] });
    expect(host.status).to.equal('failed');
    const hosted = host.service(definition.name)!;
    expect(hosted.state).to.equal('failed');
    expect(host.failure).to.match(new RegExp(`^the service ${definition.name} An fatal error occurred`));
    const fatal = hosted.protocol().find((r) => r.message.type === 'serviceError');
    expect(fatal, 'the serviceError message').to.not.equal(undefined);
  });

  it("shows a service's sendError and keeps it running; a sendFatalError once running stops that service only", async () => {
    const definition = testService();
    host = await workspace({ services: [definition] });
    const { hosted, service } = await serviceIn(host.service(definition.name)!);
    service.provider.sendError('the relay did not answer', { attempt: 1 });
    await until(() => hosted.problems().length > 0, 'the problem');
    expect(hosted.problems().map(({ kind, message }) => ({ kind, message }))).to.deep.equal([
      { kind: 'error', message: 'the relay did not answer' },
    ]);
    expect(hosted.state).to.equal('running');
    service.provider.sendFatalError('cannot go on');
    await until(() => hosted.state === 'failed', 'failed');
    expect(hosted.reason).to.equal('cannot go on');
    expect(hosted.iframe.isConnected).to.equal(false);
    expect(host.service(definition.name)?.state).to.equal('failed');
    expect(host.status).to.equal('ready');
  });

  it('any other stage is rejected by the SDK (the workspace never sends one)', async () => {
    const definition = testService();
    host = await workspace({ services: [definition] });
    const { hosted } = await serviceIn(host.service(definition.name)!);
    hosted.lifecycle('start');
    await until(() => hosted.problems().length > 0, 'the SDK error');
    expect(hosted.problems()[0]!.message).to.equal('Attempted to send invalid stage to service');
  });

  it('follows every contact of the agent, with the lifecycle data', async () => {
    const definition = testService();
    host = await workspace({ services: [definition] });
    const { service } = await serviceIn(host.service(definition.name)!);
    await until(() => host!.service(definition.name)!.subscriptions().length >= 6, 'the subscriptions');
    const first = await host.ringCall();
    const second = await host.startChat();
    await host.accept(first);
    await until(() => service.events.length === 3, 'three events');
    expect(service.events).to.deep.equal([
      {
        key: 'Connecting',
        data: { contactId: first, initialContactId: first, type: 'voice', subtype: 'connect:Telephony' },
      },
      {
        key: 'Connecting',
        data: { contactId: second, initialContactId: second, type: 'chat', subtype: 'connect:Chat' },
      },
      {
        key: 'Connected',
        data: { contactId: first, initialContactId: first, type: 'voice', subtype: 'connect:Telephony' },
      },
    ]);
  });

  it('AppControllerClient.launchApp from a service opens the app, for the active contact; getAppCatalog lists it', async () => {
    const definition = testService();
    const app = uniqueName('app');
    host = await workspace({
      services: [definition],
      apps: [{ name: app, url: '/test/workspace/fixtures/app.html' }],
    });
    const { hosted, service } = await serviceIn(host.service(definition.name)!);
    const catalog = await service.appController.getAppCatalog();
    expect(catalog.map((c) => c.name)).to.deep.equal([app]);
    expect(host.apps()).to.have.length(0);
    const id = await host.ringCall();
    const info = await service.appController.launchApp(catalog[0]!.arn);
    expect(host.apps()).to.have.length(1);
    const opened = host.apps()[0]!;
    expect(info).to.deep.include({ instanceId: opened.instanceId, scope: { type: 'contact', contactId: id } });
    expect(info.launchedBy).to.deep.equal({ type: 'external', name: definition.name, connectionId: hosted.instanceId });
    await opened.created;
    const again = await service.appController.launchApp(app, {
      launchKey: 'one',
      scope: { type: 'idle' },
      parameters: { topic: 'billing' },
    });
    expect(again.parameters).to.deep.equal({ topic: 'billing' });
    const same = await service.appController.launchApp(app, { launchKey: 'one' });
    expect(same.instanceId).to.equal(again.instanceId);
    expect(host.apps()).to.have.length(2);
    await host.dispose();
    expect(host.apps()).to.have.length(0);
  });

  it('a restart loads the service in a new frame, created again', async () => {
    const definition = testService();
    host = await workspace({ services: [definition] });
    const before = host.service(definition.name)!;
    expect(await host.restartService(definition.name)).to.deep.equal({ state: 'running' });
    const after = host.service(definition.name)!;
    expect(after.instanceId).to.not.equal(before.instanceId);
    expect(before.iframe.isConnected).to.equal(false);
    const { service } = await serviceIn(after);
    expect(service.creates).to.have.length(1);
  });
});

// The stand-in workspace's frames as the real workspace treats them, against the REAL AmazonConnectApp /
// AmazonConnectService in them (fixtures/plain-app.ts, fixtures/service.ts): the sandbox, the handshake's origin, an
// app's initialization timeout, and the user namespace (language, visual mode) with its permission.
import { expect } from '@open-wc/testing';
import { ALL_PERMISSIONS, type Locale, type StandInWorkspace } from '../../demo/workspace/host.ts';
import { serviceIn, settle, testService, uniqueName, until, workspace } from './helpers.ts';
import { openPlainApp, plainAppIn, plainAppUrl } from './host-helpers.ts';

describe('stand-in workspace: frames', () => {
  let host: StandInWorkspace | undefined;

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('an app registered with its own sandbox gets it, in the frame and in its configuration', async () => {
    host = await workspace();
    const sandbox = ['allow-scripts', 'allow-same-origin'];
    const { hosted } = await openPlainApp(host, { definition: { sandbox } });
    expect(hosted.iframe.getAttribute('sandbox')).to.equal('allow-scripts allow-same-origin');
    const create = hosted.protocol().find((r) => r.message.type === 'appLifecycle')!;
    expect(create.message['config']).to.deep.include({ iframeConfig: { allow: [], sandbox } });
  });

  it('ignores a handshake from an origin it did not approve; serves one listed in approvedOrigins', async () => {
    host = await workspace();
    // The same server under the other loopback name: another origin (a page the frame navigated to).
    const other = new URL(location.href);
    other.hostname = other.hostname === 'localhost' ? '127.0.0.1' : 'localhost';
    const elsewhere = new URL(plainAppUrl(), other).href;
    const refused = uniqueName('app');
    host.registerApp({ name: refused, url: plainAppUrl() });
    const a = host.launch(refused, { scope: { type: 'idle' } });
    a.iframe.src = elsewhere;
    await until(() => a.problems().length > 0, 'the refusal');
    expect(a.problems()[0]).to.include({
      kind: 'refused-origin',
      message: `handshake from ${other.origin}, which is not an approved origin of this frame`,
    });
    expect(a.isCreated).to.equal(false);
    expect(a.protocol()).to.deep.equal([]);
    const approved = uniqueName('app');
    host.registerApp({ name: approved, url: plainAppUrl(), approvedOrigins: [other.origin] });
    const b = host.launch(approved, { scope: { type: 'idle' } });
    b.iframe.src = elsewhere;
    await until(() => b.isCreated, 'the approved frame to complete create');
    expect(b.problems()).to.deep.equal([]);
  });
});

describe('stand-in workspace: an app that does not initialize', () => {
  let host: StandInWorkspace | undefined;

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('is reported once its initialization timeout passed, never started, and closed without a destroy', async () => {
    host = await workspace();
    const name = uniqueName('app');
    // A page without the SDK: nothing answers the workspace.
    host.registerApp({ name, url: '/test/workspace/fixtures/missing.html', initializationTimeout: 300 });
    const hosted = host.launch(name);
    await until(() => hosted.problems().length > 0, 'the timeout');
    expect(hosted.problems().map(({ kind, message }) => ({ kind, message }))).to.deep.equal([
      { kind: 'timeout', message: 'did not complete its initialization within 300 ms' },
    ]);
    expect(hosted.isCreated).to.equal(false);
    expect(await host.close(hosted)).to.equal('not-created');
    expect(hosted.iframe.isConnected).to.equal(false);
  });

  it('a completion after the timeout is ignored: the app is not started', async () => {
    host = await workspace();
    const name = uniqueName('app');
    host.registerApp({ name, url: plainAppUrl(), initializationTimeout: 1 });
    const hosted = host.launch(name);
    const app = await until(() => plainAppIn(hosted.iframe), 'the app page');
    await until(() => app.stages.length > 0, 'its create');
    await settle();
    expect(hosted.problems().map((p) => p.kind)).to.deep.equal(['timeout']);
    expect(hosted.isCreated).to.equal(false);
    expect(app.stages).to.deep.equal(['create {"type":"idle"}']);
  });
});

describe('stand-in workspace: the user namespace', () => {
  let host: StandInWorkspace | undefined;

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it("getLanguage answers the agent's language; languageChange and visualModeChange reach apps and services", async () => {
    const definition = testService();
    host = await workspace({ services: [definition], language: 'en_US' });
    const { service } = await serviceIn(host.service(definition.name)!);
    const { app } = await openPlainApp(host);
    expect(await app.getLanguage()).to.equal('en_US');
    expect(await service.getLanguage()).to.equal('en_US');
    host.settings.setLanguage('de_DE');
    host.settings.setVisualMode('dark');
    host.settings.setVisualMode('dark');
    const expected = [
      { key: 'languageChange', data: { language: 'de_DE', previous: { language: 'en_US' } } },
      { key: 'visualModeChange', data: { visualMode: 'dark', previous: { visualMode: 'light' } } },
    ];
    for (const frame of [app, service]) await until(() => frame.user.length === 2, 'both changes');
    await settle();
    expect(app.user).to.deep.equal(expected);
    expect(service.user).to.deep.equal(expected);
    expect(await app.getLanguage()).to.equal('de_DE');
  });

  it('without User.Configuration.View: getLanguage and languageChange are refused, visualModeChange still comes', async () => {
    host = await workspace();
    const permissions = ALL_PERMISSIONS.filter((p) => p !== 'User.Configuration.View');
    const { hosted, app } = await openPlainApp(host, { definition: { permissions } });
    let refusal: unknown;
    await app.getLanguage().catch((error: unknown) => (refusal = error));
    expect((refusal as { errorKey?: string } | undefined)?.errorKey).to.equal('permissionDenied');
    const denied = hosted.protocol().filter((r) => r.message.type === 'error');
    expect(denied.map((r) => (r.message['details'] as { topic: { key: string } }).topic.key)).to.include(
      'languageChange',
    );
    host.settings.setLanguage('fr_FR');
    host.settings.setVisualMode('auto');
    await until(() => app.user.length === 1, 'the visual mode');
    await settle();
    expect(app.user).to.deep.equal([
      { key: 'visualModeChange', data: { visualMode: 'auto', previous: { visualMode: 'light' } } },
    ]);
  });

  it('refuses a language or a visual mode the workspace does not have', async () => {
    host = await workspace();
    expect(() => host!.settings.setLanguage('xx_XX' as Locale)).to.throw(/xx_XX is not a workspace language/);
    expect(() => host!.settings.setVisualMode('sepia' as 'dark')).to.throw(/sepia is not a visual mode/);
    expect(host.settings.language).to.equal('en_US');
    expect(host.settings.visualMode).to.equal('light');
  });
});

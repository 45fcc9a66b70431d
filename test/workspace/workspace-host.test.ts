// The stand-in workspace as the real one behaves, against the REAL AmazonConnectApp / AmazonConnectService and
// ContactClient in their frames (fixtures/plain-app.ts, fixtures/service.ts): apps open only from the launcher
// (before, during or after a contact, or never), closing waits for the app's destroy within a bound, a contact-scoped
// app gets only its contact's events, missed and ended-without-ACW contacts, events with only {contactId}, the
// sandbox, the handshake's origin, and the user namespace (language, visual mode) with its permission.
import { expect } from '@open-wc/testing';
import { ALL_PERMISSIONS, type Locale, type StandInWorkspace } from '../../demo/workspace/host.ts';
import { serviceIn, settle, testService, uniqueName, until, workspace } from './helpers.ts';
import { openPlainApp, plainAppIn, plainAppUrl } from './host-helpers.ts';

const keysOf = (records: readonly { key: string }[]): string[] => records.map((r) => r.key);
const contactIdsOf = (records: readonly { data: Record<string, unknown> }[]): unknown[] =>
  records.map((r) => r.data['contactId']);

describe('stand-in workspace: apps open only from the launcher', () => {
  let host: StandInWorkspace | undefined;

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('a whole contact with no app open: no frame but the service, which follows it', async () => {
    const definition = testService();
    host = await workspace({ services: [definition] });
    const { service } = await serviceIn(host.service(definition.name)!);
    await until(() => host!.service(definition.name)!.subscriptions().length >= 8, 'the subscriptions');
    const id = await host.ringCall();
    await host.accept(id);
    await host.hangUp(id);
    await host.clear(id);
    await until(() => service.events.length === 4, 'four events');
    expect(keysOf(service.events)).to.deep.equal(['Connecting', 'Connected', 'StartingAcw', 'Cleared']);
    expect(host.apps()).to.deep.equal([]);
    expect(host.service(definition.name)!.iframe.hidden).to.equal(true);
  });

  it('an app opened before the contact is idle and gets its whole lifecycle; it stays open after', async () => {
    host = await workspace();
    const { hosted, app } = await openPlainApp(host);
    expect(hosted.scope).to.deep.equal({ type: 'idle' });
    const id = await host.ringCall();
    await host.accept(id);
    await host.hangUp(id);
    await host.clear(id);
    await until(() => app.events.length === 4, 'four events');
    expect(keysOf(app.events)).to.deep.equal(['Connecting', 'Connected', 'StartingAcw', 'Cleared']);
    expect(app.stages).to.deep.equal(['create {"type":"idle"}', 'start']);
    expect(host.apps()).to.deep.equal([hosted]);
  });

  it('an app opened during a contact is for it: subscriptions without a contact id get only its events; it goes when the contact is cleared', async () => {
    host = await workspace();
    const first = await host.ringCall();
    await host.accept(first);
    const { hosted, app } = await openPlainApp(host);
    expect(hosted.scope).to.deep.equal({ type: 'contact', contactId: first });
    const second = await host.startChat();
    await host.accept(second);
    await host.hangUp(first);
    await until(() => app.events.length === 1, 'its acw');
    await host.hangUp(second);
    await host.clear(second);
    await host.clear(first);
    expect(keysOf(app.events)).to.deep.equal(['StartingAcw', 'Cleared']);
    expect(contactIdsOf(app.events)).to.deep.equal([first, first]);
    expect(app.stages).to.deep.equal([`create ${JSON.stringify(hosted.scope)}`, 'start', 'destroy', 'destroy done']);
    expect(hosted.iframe.isConnected).to.equal(false);
    expect(host.apps()).to.deep.equal([]);
  });

  it('an app opened after the contact: in after-contact work it is for that contact; once cleared, idle', async () => {
    host = await workspace();
    const id = await host.ringCall();
    await host.accept(id);
    await host.hangUp(id);
    const during = await openPlainApp(host);
    expect(during.hosted.scope).to.deep.equal({ type: 'contact', contactId: id });
    await host.clear(id);
    expect(during.app.stages.slice(-2)).to.deep.equal(['destroy', 'destroy done']);
    const after = await openPlainApp(host);
    expect(after.hosted.scope).to.deep.equal({ type: 'idle' });
    await settle();
    expect(after.app.events).to.deep.equal([]);
  });

  it("closing an app sends destroy and waits for the app's completion before the frame goes", async () => {
    host = await workspace();
    const { hosted, app } = await openPlainApp(host, { query: 'destroy=400' });
    const closing = host.close(hosted);
    await until(() => app.stages.includes('destroy'), 'the destroy');
    expect(hosted.iframe.isConnected, 'the frame during the destroy').to.equal(true);
    expect(await closing).to.equal('completed');
    expect(app.stages.slice(-2)).to.deep.equal(['destroy', 'destroy done']);
    expect(hosted.iframe.isConnected).to.equal(false);
    const completed = hosted.protocol().filter((r) => r.message.type === 'appLifecycleHandlerCompleted');
    expect(completed.map((r) => r.message['stage'])).to.deep.equal(['create', 'destroy']);
  });

  it('an app that does not complete its destroy within the bound is removed anyway', async () => {
    host = await workspace({ destroyTimeout: 300 });
    const { hosted, app } = await openPlainApp(host, { query: 'destroy=5000' });
    expect(await host.close(hosted)).to.equal('timeout');
    expect(app.stages.at(-1)).to.equal('destroy');
    expect(hosted.iframe.isConnected).to.equal(false);
    expect(host.apps()).to.deep.equal([]);
  });
});

describe('stand-in workspace: contact events', () => {
  let host: StandInWorkspace | undefined;

  afterEach(async () => {
    await host?.dispose();
    host = undefined;
  });

  it('a missed contact: contact/missed, then contact/error; cleared once dismissed', async () => {
    host = await workspace();
    const { app } = await openPlainApp(host, { scope: { type: 'idle' } });
    const id = await host.ringCall();
    await host.missCall(id);
    await host.clear(id);
    await until(() => app.events.length === 4, 'four events');
    expect(keysOf(app.events)).to.deep.equal(['Connecting', 'Missed', 'Error', 'Cleared']);
    expect(contactIdsOf(app.events)).to.deep.equal([id, id, id, id]);
  });

  it('a contact that ends without after-contact work: the customer leaves, then it is cleared, no acw', async () => {
    host = await workspace();
    const { hosted, app } = await openPlainApp(host, { scope: { type: 'idle' } });
    app.contacts.onParticipantDisconnected(() => Promise.resolve());
    await until(
      () => hosted.subscriptions().some((topic) => topic.key === 'contact/participantDisconnected'),
      'the subscription',
    );
    const id = await host.ringCall();
    await host.accept(id);
    await host.hangUp(id, { acw: false });
    await until(() => app.events.length === 3, 'three events');
    expect(keysOf(app.events)).to.deep.equal(['Connecting', 'Connected', 'Cleared']);
    expect(host.contacts()).to.deep.equal([]);
    const published = hosted
      .protocol()
      .filter((r) => r.direction === 'down' && r.message.type === 'publish')
      .map((r) => (r.message['topic'] as { key: string }).key);
    expect(published.slice(-2)).to.deep.equal(['contact/participantDisconnected', 'contact/cleared']);
  });

  it("with eventData 'contact-id' the lifecycle events carry only {contactId}", async () => {
    host = await workspace({ eventData: 'contact-id' });
    const { app } = await openPlainApp(host, { scope: { type: 'idle' } });
    const id = await host.ringCall();
    await until(() => app.events.length === 1, 'the event');
    expect(app.events[0]).to.deep.equal({ key: 'Connecting', data: { contactId: id } });
  });
});

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

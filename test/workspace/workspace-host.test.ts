// The stand-in workspace as the real one behaves, against the REAL AmazonConnectApp / AmazonConnectService and
// ContactClient in their frames (fixtures/plain-app.ts, fixtures/service.ts): apps open only from the launcher
// (before, during or after a contact, or never), one in front, closing waits for the app's destroy within a bound, a
// contact-scoped app gets only its contact's events, missed and ended-without-ACW contacts, events with only
// {contactId}. The frames themselves: workspace-frames.test.ts.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { runApp, serviceIn, settle, testService, until, workspace } from './helpers.ts';
import { openPlainApp } from './host-helpers.ts';

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

  it('one app in front: opening another stops the first and hides it; bringing it back starts it again', async () => {
    host = await workspace();
    const a = await openPlainApp(host, { scope: { type: 'idle' } });
    const b = await openPlainApp(host, { scope: { type: 'idle' } });
    await until(() => a.app.stages.at(-1) === 'stop', 'the first stopped');
    expect([a.hosted.iframe.hidden, b.hosted.iframe.hidden]).to.deep.equal([true, false]);
    host.focus(a.hosted);
    await until(() => b.app.stages.at(-1) === 'stop' && a.app.stages.at(-1) === 'start', 'the first in front again');
    expect(a.app.stages).to.deep.equal(['create {"type":"idle"}', 'start', 'stop', 'start']);
    expect(host.frontApp).to.equal(a.hosted);
    expect([a.hosted.iframe.hidden, b.hosted.iframe.hidden]).to.deep.equal([false, true]);
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

  it("with events of only {contactId}, the plugin's tracker still learns the channel and initial contact id", async () => {
    host = await workspace({ eventData: 'contact-id' });
    const running = await runApp(host, { scope: { type: 'idle' } });
    try {
      const transferred = await host.transferIn();
      const chat = await host.startChat();
      await until(() => running.app.tracker.contacts.get(chat)?.channel === 'chat', 'the chat');
      const contact = host.contacts().find((c) => c.contactId === transferred)!;
      expect(running.app.tracker.contacts.get(transferred)?.initialContactId).to.equal(contact.initialContactId);
      expect(running.app.tracker.contacts.get(transferred)?.channel).to.equal('voice');
    } finally {
      running.close();
    }
  });
});

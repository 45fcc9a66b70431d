// The workspace source's start: contacts present before the app, the app's scope (one app per contact, each
// following its own, or idle), missing permissions as a clear reason, and a page outside any workspace.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import type { WorkspaceContactSource } from '../../src/tracker/workspace-source.ts';
import { runApp, settle, until, workspace, type RunningApp } from './helpers.ts';

const withoutViewed = (types: string[]): string[] => types.filter((type) => type !== 'viewed');
/** The app's subscriptions to contact topics (the agent's settings topics of aws.connect.user aside). */
const contactTopics = (running: RunningApp): number =>
  running.hosted.subscriptions().filter((topic) => topic.namespace === 'aws.connect.contact').length;

describe('workspace source: contacts present at start', () => {
  let host: StandInWorkspace;
  let running: RunningApp;

  before(async () => {
    host = await workspace({
      contacts: [
        { channel: 'voice', state: 'connected', attributes: { greeting: 'played' } },
        { channel: 'voice', state: 'ended', attributes: { greeting: 'played' } },
        { channel: 'voice', state: 'connected', initialContactId: crypto.randomUUID() },
        { channel: 'chat', state: 'connected', attributes: { topic: 'billing' } },
      ],
    });
    // Opened from the launcher in the idle scope (by default it opens for the active contact, the last present).
    running = await runApp(host, { scope: { type: 'idle' } });
  });

  after(() => running.close());

  it("reports them from listContacts, with the state of the agent's own participant and the events Streams would fire", async () => {
    const { tracker } = running.app;
    await until(() => tracker.contacts.size === 4, 'four contacts');
    const [connected, acw, transferred, chat] = host.contacts();
    expect(withoutViewed(running.of(connected!.contactId))).to.deep.equal(['connected']);
    expect(withoutViewed(running.of(acw!.contactId))).to.deep.equal(['acw']);
    expect(withoutViewed(running.of(transferred!.contactId))).to.deep.equal(['connected']);
    expect(withoutViewed(running.of(chat!.contactId))).to.deep.equal(['connected']);
    const acwModel = tracker.contacts.get(acw!.contactId)!;
    expect(acwModel.state).to.equal('ended');
    expect(acwModel.ended).to.equal(true);
    expect(acwModel.attributes).to.deep.equal({ greeting: 'played' });
    const transferModel = tracker.contacts.get(transferred!.contactId)!;
    expect(transferModel.initialContactId).to.equal(transferred!.initialContactId);
    expect(transferModel.initialContactId).to.not.equal(transferred!.contactId);
    expect(tracker.contacts.get(chat!.contactId)?.channel).to.equal('chat');
    expect(tracker.contacts.get(chat!.contactId)?.attributes).to.deep.equal({ topic: 'billing' });
    expect(running.app.errors.map((e) => e.message)).to.deep.equal([]);
  });

  it('then follows them: clearing the one in after-contact work destroys it', async () => {
    const acw = host.contacts()[1]!;
    await host.clear(acw.contactId);
    await until(() => !running.app.tracker.contacts.has(acw.contactId), 'destroyed');
    // Streams too fires ENDED before DESTROYED for a contact whose ENDED it never fired (2.28.1 and later).
    expect(withoutViewed(running.of(acw.contactId))).to.deep.equal(['acw', 'ended', 'destroyed']);
  });
});

describe("workspace source: the app's scope", () => {
  let host: StandInWorkspace;
  const apps: RunningApp[] = [];

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => {
    for (const app of apps.splice(0)) app.close();
  });

  it('one app per contact: each follows and views only its own contact', async () => {
    const first = await host.ringCall({ attributes: { n: '1' } });
    const second = await host.startChat({ attributes: { n: '2' } });
    const a = await runApp(host, { scope: { type: 'contact', contactId: first } });
    const b = await runApp(host, { scope: { type: 'contact', contactId: second } });
    apps.push(a, b);
    await until(() => a.app.tracker.viewed && b.app.tracker.viewed, 'both apps viewing');
    expect([...a.app.tracker.contacts.keys()]).to.deep.equal([first]);
    expect([...b.app.tracker.contacts.keys()]).to.deep.equal([second]);
    expect(a.app.tracker.viewed?.contactId).to.equal(first);
    expect(b.app.source.scope).to.deep.equal({ type: 'contact', contactId: second });
    const third = await host.ringCall();
    await host.accept(first);
    await until(
      () => a.app.tracker.contacts.get(first)?.state === 'connected',
      'the first app sees its contact connect',
    );
    await settle();
    expect(a.app.tracker.contacts.has(third)).to.equal(false);
    expect(b.app.tracker.contacts.has(third)).to.equal(false);
    expect(b.app.tracker.contacts.get(second)?.state).to.equal('connecting');
  });

  it('an idle app follows every contact', async () => {
    const first = await host.ringCall();
    const idle = await runApp(host, { scope: { type: 'idle' } });
    apps.push(idle);
    const second = await host.startChat();
    await until(() => idle.app.tracker.contacts.size === 2, 'both contacts');
    expect([...idle.app.tracker.contacts.keys()]).to.have.members([first, second]);
    expect(idle.app.source.scope).to.deep.equal({ type: 'idle' });
    expect(idle.app.tracker.contacts.has(first)).to.equal(true);
    expect(idle.app.tracker.viewed?.contactId).to.equal(second);
  });
});

describe('workspace source: the provider and the subscriptions', () => {
  let host: StandInWorkspace;
  let running: RunningApp | undefined;

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => {
    running?.close();
    running = undefined;
  });

  it('uses the provider the page made with AmazonConnectApp.init, with the scope from its start stage', async () => {
    const id = await host.ringCall();
    running = await runApp(host, { scope: { type: 'contact', contactId: id } }, 'provider=page');
    const { tracker, source } = running.app;
    await until(() => tracker.viewed, 'the viewed contact');
    expect(source.scope).to.deep.equal({ type: 'contact', contactId: id });
    expect([...tracker.contacts.keys()]).to.deep.equal([id]);
    const inits = running.hosted.protocol().filter((r) => r.message.type === 'connect-app-host-init');
    expect(inits).to.have.length(1); // one provider, one connection
  });

  it('dispose unsubscribes every topic; a new tracker in the same window reuses the provider and follows again', async () => {
    running = await runApp(host);
    const { tracker, source } = running.app;
    await until(() => contactTopics(running!) === 8, 'the subscriptions');
    tracker.dispose();
    await until(() => contactTopics(running!) === 0, 'no subscriptions');
    // Constructors of the app's realm, as a second part of the page would make them.
    const Source = source.constructor as new () => WorkspaceContactSource;
    const Tracker = tracker.constructor as new (from: WorkspaceContactSource) => ContactTracker;
    const again = new Tracker(new Source());
    try {
      await until(() => contactTopics(running!) === 8, 'the subscriptions again');
      const id = await host.ringCall();
      await until(() => again.contacts.get(id), 'the contact');
      expect(running.hosted.protocol().filter((r) => r.message.type === 'connect-app-host-init')).to.have.length(1);
    } finally {
      again.dispose();
    }
  });
});

describe('workspace source: missing permissions', () => {
  let host: StandInWorkspace;
  let running: RunningApp | undefined;

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => {
    running?.close();
    running = undefined;
  });

  it('without Contact.Attributes.View: contacts are followed, and one clear reason names the permission', async () => {
    running = await runApp(host, {
      permissions: ['User.Details.View', 'User.Configuration.View', 'Contact.Details.View'],
    });
    const { tracker, source, errors } = running.app;
    const id = await host.ringCall({ attributes: { greeting: 'played' } });
    await until(() => tracker.contacts.get(id), 'the contact');
    await host.accept(id);
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    expect(tracker.contacts.get(id)?.attributes).to.deep.equal({});
    const reasons = errors.filter((e) => e.message.includes('Contact.Attributes.View'));
    expect(reasons).to.have.length(1); // once, not at every event
    expect(reasons[0]!.kind).to.equal('auth');
    expect(reasons[0]!.message).to.match(/^This app lacks the Contact\.Attributes\.View permission/);
    expect(reasons[0]!.message).to.not.match(/\n\s+at /); // a sentence, not a stack trace
    expect(source.readOnlyReason).to.equal(reasons[0]!.message);
    expect(source.missingPermissions).to.deep.equal(['Contact.Attributes.View']);
  });

  it('without Contact.Details.View: the refused subscriptions and requests give one reason naming it', async () => {
    running = await runApp(host, {
      permissions: ['User.Details.View', 'User.Configuration.View', 'Contact.Attributes.View'],
    });
    const { source, errors, tracker } = running.app;
    await until(() => source.readOnlyReason, 'the reason');
    await until(() => tracker.agent, 'the agent');
    expect(source.readOnlyReason).to.match(/^This app lacks the Contact\.Details\.View permission/);
    expect(source.missingPermissions).to.deep.equal(['Contact.Details.View']);
    expect(errors.filter((e) => e.message.includes('Contact.Details.View'))).to.have.length(1);
    expect(contactTopics(running)).to.equal(0);
  });

  it('without User.Details.View: the agent has no ARN, the routing profile still gives the instance; no read-only reason', async () => {
    running = await runApp(host, {
      permissions: ['User.Configuration.View', 'Contact.Details.View', 'Contact.Attributes.View'],
    });
    const { source, tracker } = running.app;
    await until(() => tracker.agent, 'the agent');
    expect(tracker.connection).to.equal('connected');
    expect(tracker.agent?.arn).to.equal('');
    const id = await host.ringCall();
    const contact = await until(() => tracker.contacts.get(id), 'the contact');
    expect(contact.instanceId).to.equal(host.instance);
    expect(source.missingPermissions).to.deep.equal(['User.Details.View']);
    expect(source.readOnlyReason).to.equal(undefined);
  });
});

describe('workspace source: outside a workspace', () => {
  it('reports that the workspace did not answer, as a network error and unreachable, after the connection timeout', async () => {
    const running = await runApp(undefined, {}, 'timeout=300');
    try {
      expect(running.app.tracker.connection).to.equal('connecting');
      const error = await until(() => running.app.errors[0], 'the error');
      expect(running.app.tracker.connection).to.equal('unreachable');
      expect(error.kind).to.equal('network');
      expect(error.message).to.match(/agent workspace did not answer/);
      expect(running.app.tracker.contacts.size).to.equal(0);
    } finally {
      running.close();
    }
  });
});

// End to end: the REAL amazon-connect-streams against the stand-in CCP, with the tracker initialising the CCP
// itself (initCCP pass-through). One CCP per test file: Streams is a page-wide singleton.
import { expect } from '@open-wc/testing';
import { ConnectClient, UpdateContactAttributesCommand } from '@aws-sdk/client-connect';
import { createStreamsTracker } from '../../src/tracker/streams-source.ts';
import type { ContactTracker } from '../../src/tracker/tracker.ts';
import type { StandInCcp } from '../../demo/ccp/scenario.ts';
import { mountScenarioPanel } from '../../demo/ccp/panel.ts';
import { standInConfig } from '../helpers/stand-in.ts';
import { ccpOptions, container, record, scenario, settle, stored, streams, streamsContact, until } from './helpers.ts';

/** Accepts a contact through Streams' own Contact API (an acceptContact api_request). */
function acceptWithStreams(contactId: string): Promise<void> {
  return new Promise<void>((resolve, reject) =>
    new connect.Agent()
      .getContacts()
      .find((c) => c.getContactId() === contactId)!
      .accept({ success: () => resolve(), failure: (e) => reject(new Error(e)) }),
  );
}

/** Writes attributes through the Connect API stand-in with the real AWS SDK (demo credentials). */
async function writeThroughApi(
  instanceId: string,
  initialContactId: string,
  attributes: Record<string, string>,
): Promise<void> {
  const config = await standInConfig();
  const client = new ConnectClient({
    region: config.region,
    endpoint: config.url,
    credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  });
  await client.send(
    new UpdateContactAttributesCommand({
      InstanceId: instanceId,
      InitialContactId: initialContactId,
      Attributes: attributes,
    }),
  );
}

describe('tracker over Streams and the stand-in CCP', () => {
  let tracker: ContactTracker;
  let ccp: StandInCcp;

  before(async () => {
    tracker = createStreamsTracker({ container: container(), initCCP: await ccpOptions() });
    ccp = await scenario();
    await until(() => tracker.agent, 'the agent');
  });

  afterEach(async () => {
    for (const contact of ccp.contacts()) await ccp.clear(contact.contactId);
    await until(() => tracker.contacts.size === 0, 'no contacts');
  });

  it('initialises exactly one CCP through the pass-through initCCP options', () => {
    expect(document.querySelectorAll('iframe[name="Amazon Connect CCP"]').length).to.equal(1);
    expect(streams().core.initialized).to.equal(true);
  });

  it('reports the agent from the snapshot', () => {
    expect(tracker.agent?.username).to.equal('agent.smith');
    expect(tracker.agent?.arn).to.match(/^arn:aws:connect:us-east-1:123456789012:instance\/[0-9a-f-]+\/agent\//);
    expect(tracker.agent?.routingProfile?.name).to.equal('Basic Routing Profile');
    expect(tracker.agent?.locale).to.equal('en_US');
  });

  it("follows the agent's CCP language: agentPreferences.locale, else LANGUAGE as older snapshots carry it", async () => {
    const changes: (string | undefined)[] = [];
    const off = tracker.on('change', (state) => changes.push(state.agent?.locale));
    try {
      ccp.setAgentConfig({ locale: 'de_DE' });
      await until(() => tracker.agent?.locale === 'de_DE', 'the German CCP');
      ccp.setAgentConfig({ locale: 'ja_JP', languageOnly: true });
      await until(() => tracker.agent?.locale === 'ja_JP', 'the Japanese CCP, in LANGUAGE only');
      expect(changes).to.include.members(['de_DE', 'ja_JP']);
    } finally {
      off();
      ccp.setAgentConfig({ locale: 'en_US', languageOnly: false });
      await until(() => tracker.agent?.locale === 'en_US', 'English again');
    }
  });

  it('reports a voice call in Streams order: connecting, accepted, connected, acw + ended, destroyed', async () => {
    const log = record(tracker);
    const id = await ccp.ringCall({ attributes: { greeting: 'played' } });
    await until(() => tracker.contacts.get(id)?.state === 'connecting', 'connecting');
    const contact = tracker.contacts.get(id)!;
    expect(contact.channel).to.equal('voice');
    expect(contact.initialContactId).to.equal(id);
    expect(contact.instanceId).to.equal(ccp.config.instance);
    expect(contact.region).to.equal('us-east-1');
    expect(contact.arnSource).to.equal('routing-profile');
    expect(contact.attributes).to.deep.equal({ greeting: 'played' });

    // Accept through Streams' own API: an acceptContact api_request, then the accepted broadcast.
    await acceptWithStreams(id);
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    expect(ccp.apiRequests().map((r) => r.method)).to.include('acceptContact');

    await ccp.hangUp(id);
    await until(() => tracker.contacts.get(id)?.ended, 'ended');
    await ccp.clear(id);
    await until(() => !tracker.contacts.has(id), 'destroyed');
    expect(log.of(id)).to.deep.equal(['connecting', 'viewed', 'accepted', 'connected', 'acw', 'ended', 'destroyed']);
    const destroyed = log.events.find((e) => e.type === 'destroyed')!;
    expect(destroyed.contact.ended).to.equal(true);
    expect(destroyed.agent?.username).to.equal('agent.smith');
  });

  it('reports a missed call: connecting, then missed and ended as Streams fires them', async () => {
    const log = record(tracker);
    const id = await ccp.ringCall();
    await until(() => tracker.contacts.get(id), 'the call');
    await ccp.missCall(id);
    await until(() => tracker.contacts.get(id)?.state === 'missed', 'missed');
    expect(tracker.contacts.get(id)?.ended).to.equal(true);
    await ccp.clear(id);
    await until(() => !tracker.contacts.has(id), 'destroyed');
    expect(log.of(id)).to.deep.equal(['connecting', 'viewed', 'ended', 'missed', 'destroyed']);
  });

  it('reports a chat through the same lifecycle, with channel chat', async () => {
    const log = record(tracker);
    const id = await ccp.startChat();
    await until(() => tracker.contacts.get(id), 'the chat');
    expect(tracker.contacts.get(id)?.channel).to.equal('chat');
    await acceptWithStreams(id);
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    await ccp.hangUp(id);
    await until(() => tracker.contacts.get(id)?.ended, 'ended');
    await ccp.clear(id);
    await until(() => !tracker.contacts.has(id), 'destroyed');
    expect(log.of(id)).to.deep.equal(['connecting', 'viewed', 'accepted', 'connected', 'acw', 'ended', 'destroyed']);
  });

  it('accepting in the CCP UI (not through Streams) still reports accepted before connected', async () => {
    const log = record(tracker);
    const id = await ccp.startChat();
    await until(() => tracker.contacts.get(id), 'the chat');
    await ccp.accept(id);
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    expect(log.of(id)).to.deep.equal(['connecting', 'viewed', 'accepted', 'connected']);
  });

  it('tracks three concurrent chats and follows the viewed contact', async () => {
    const log = record(tracker);
    const ids = [await ccp.startChat(), await ccp.startChat(), await ccp.startChat()];
    let refused: unknown;
    await ccp.startChat().catch((error: unknown) => (refused = error));
    expect(String(refused)).to.contain('at most 3');
    for (const id of ids) await ccp.accept(id);
    await until(() => ids.every((id) => tracker.contacts.get(id)?.state === 'connected'), 'three connected chats');
    expect([...tracker.contacts.keys()]).to.deep.equal(ids);
    expect(tracker.viewed?.contactId).to.equal(ids[2]); // the newest, until the agent chooses

    ccp.view(ids[0]!);
    await until(() => tracker.viewed?.contactId === ids[0], 'view of the first chat');
    ccp.view(ids[1]!);
    await until(() => tracker.viewed?.contactId === ids[1], 'view of the second chat');
    const viewed = log.events.filter((e) => e.type === 'viewed').map((e) => e.contact.contactId);
    expect(viewed).to.deep.equal([ids[0], ids[1], ids[2], ids[0], ids[1]]);

    await ccp.hangUp(ids[1]!);
    await ccp.clear(ids[1]!);
    await until(() => !tracker.contacts.has(ids[1]!), 'the viewed chat gone');
    expect(tracker.viewed?.contactId).to.equal(ids[2]); // falls back to the newest
  });

  it('resolves the initial contact id of a transferred contact, registered with the API stand-in', async () => {
    const id = await ccp.transferIn();
    const contact = await until(() => tracker.contacts.get(id), 'the transfer');
    const held = ccp.contacts().find((c) => c.contactId === id)!;
    expect(contact.initialContactId).to.equal(held.initialContactId);
    expect(contact.initialContactId).to.not.equal(id);
    expect(held.registered).to.equal(true);
    expect(await stored(contact.instanceId, contact.initialContactId)).to.not.equal(undefined);
  });

  it('keeps what the plugin wrote even when snapshots never reflect it (reflection off)', async () => {
    ccp.setReflection(false);
    try {
      const id = await ccp.ringCall({ attributes: { greeting: 'played' } });
      const contact = await until(() => tracker.contacts.get(id), 'the call');
      await writeThroughApi(contact.instanceId, contact.initialContactId, { disposition: 'sale' });
      tracker.recordWrite(contact.initialContactId, { disposition: 'sale' });
      expect(tracker.contacts.get(id)?.attributes).to.deep.equal({ greeting: 'played', disposition: 'sale' });
      await ccp.refreshAttributes();
      await settle();
      const snapshotAttributes = streamsContact(id).getAttributes();
      expect(snapshotAttributes['disposition']).to.equal(undefined); // Streams never saw it
      expect(tracker.contacts.get(id)?.attributes).to.deep.equal({ greeting: 'played', disposition: 'sale' });
    } finally {
      ccp.setReflection(true);
    }
  });

  it('reflects API writes in later snapshots when reflection is on, and a later flow write wins', async () => {
    const id = await ccp.ringCall();
    const contact = await until(() => tracker.contacts.get(id), 'the call');
    await writeThroughApi(contact.instanceId, contact.initialContactId, { disposition: 'sale' });
    await ccp.refreshAttributes();
    await until(
      () => streamsContact(id).getAttributes()['disposition']?.value === 'sale',
      'the snapshot to show the write',
    );
    tracker.recordWrite(contact.initialContactId, { disposition: 'sale' });
    ccp.setFlowAttributes(id, { disposition: 'callback' });
    await until(() => tracker.contacts.get(id)?.attributes['disposition'] === 'callback', 'the later flow value');
  });

  it('derives instance and region from the routing profile, then the agent, then the queue ARN, else an error', async () => {
    const errors: Error[] = [];
    const off = tracker.on('error', (error) => errors.push(error));
    try {
      const id = await ccp.ringCall();
      const source = async (): Promise<string | undefined> => {
        await settle(50);
        return tracker.contacts.get(id)?.arnSource;
      };
      await until(() => tracker.contacts.get(id)?.arnSource === 'routing-profile', 'routing profile');
      ccp.setAgentConfig({ noRoutingProfileArn: true });
      await until(() => tracker.contacts.get(id)?.arnSource === 'agent', 'agent ARN');
      ccp.setAgentConfig({ noAgentArn: true });
      await until(() => tracker.contacts.get(id)?.arnSource === 'queue', 'queue ARN');
      expect(tracker.contacts.get(id)?.instanceId).to.equal(ccp.config.instance);
      expect(errors).to.deep.equal([]);
      ccp.setAgentConfig({ noQueueArn: true });
      const failed = await until(() => tracker.contacts.get(id)?.instanceError, 'the error');
      expect(failed.kind).to.equal('validation');
      expect(failed.message).to.contain('No Amazon Connect instance id');
      expect(tracker.contacts.get(id)?.instanceId).to.equal('');
      expect(errors).to.have.length(1);
      ccp.setAgentConfig({ noQueueArn: false, garbledArns: true });
      await until(
        () => (tracker.contacts.get(id)?.instanceError?.message ?? '').includes('not-an-arn'),
        'garbled ARNs rejected',
      );
      ccp.setAgentConfig({ noRoutingProfileArn: false, noAgentArn: false, garbledArns: false });
      expect(await source()).to.equal('routing-profile');
      expect(tracker.contacts.get(id)?.instanceError).to.equal(undefined);
    } finally {
      off();
      ccp.setAgentConfig({ noRoutingProfileArn: false, noAgentArn: false, noQueueArn: false, garbledArns: false });
    }
  });

  it('reports a monitored contact: monitoring, no attributes, initial id falls back to the contact id', async () => {
    const id = await ccp.monitor();
    const contact = await until(() => tracker.contacts.get(id), 'the monitored contact');
    expect(streamsContact(id).getAttributes()).to.equal(null);
    expect(contact.monitoring).to.equal(true);
    expect(contact.attributes).to.deep.equal({});
    expect(contact.initialContactId).to.equal(id);
    expect(contact.queue).to.equal(undefined);
    expect(contact.arnSource).to.equal('routing-profile');
  });

  it('answers unknown api_requests with an error, not silence', async () => {
    const failure = await new Promise<unknown>((resolve) => {
      streams()
        .core.getClient()
        .call('noSuchMethod', {}, { success: () => resolve('success?!'), failure: (err: unknown) => resolve(err) });
    });
    expect(String(failure)).to.contain('UnsupportedOperation');
    expect(ccp.apiRequests().at(-1)).to.deep.include({ method: 'noSuchMethod', error: 'UnsupportedOperation' });
  });

  it('answers master requests so connect.ifMaster works', async () => {
    const master = await new Promise<boolean>((resolve) =>
      streams().ifMaster(
        'connect::ringtone',
        () => resolve(true),
        () => resolve(false),
      ),
    );
    expect(master).to.equal(true);
  });

  it('the scenario panel rings a call, shows it from the tracker and accepts it', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const unmount = mountScenarioPanel(host, { ccp, tracker });
    const click = (label: string): void =>
      [...host.querySelectorAll('button')].find((b) => b.textContent === label)!.click();
    click('Ring a call');
    const row = (): string | undefined => host.querySelector('tbody tr')?.textContent;
    await until(() => row()?.includes('connecting'), 'the ringing call in the panel');
    click('Accept');
    await until(() => row()?.includes('connected'), 'the call connected in the panel');
    expect(host.querySelector('.scenario-log')?.textContent).to.contain('accepted');
    unmount();
    expect(host.children.length).to.equal(0);
  });

  it('a second tracker with initCCP options attaches to the existing CCP, and dispose unsubscribes it', async () => {
    const bus = connect.core.getEventBus() as unknown as { getSubscriptions(event: string): unknown[] };
    const before = bus.getSubscriptions('contact::refresh').length;
    const second = createStreamsTracker({ container: container(), initCCP: await ccpOptions() });
    await until(() => second.agent, 'the second tracker to attach');
    expect(document.querySelectorAll('iframe[name="Amazon Connect CCP"]').length).to.equal(1);
    expect(bus.getSubscriptions('contact::refresh').length).to.equal(before + 1);
    const log = record(second);
    second.dispose();
    expect(bus.getSubscriptions('contact::refresh').length).to.equal(before);
    const id = await ccp.ringCall();
    await until(() => tracker.contacts.get(id), 'the first tracker to see the call');
    await settle();
    expect(log.events).to.deep.equal([]);
    expect(second.contacts.size).to.equal(0);
  });
});

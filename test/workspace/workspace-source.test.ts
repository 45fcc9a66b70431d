// The workspace source over the REAL @amazon-connect/app and @amazon-connect/contact (in an app iframe) against the
// stand-in workspace host, with contacts registered in the Connect API stand-in. Mirrors the Streams source's tests.
import { expect } from '@open-wc/testing';
import { ConnectClient, UpdateContactAttributesCommand } from '@aws-sdk/client-connect';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { standInConfig } from '../helpers/stand-in.ts';
import { runApp, settle, until, workspace, type RunningApp } from './helpers.ts';

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

const withoutViewed = (types: string[]): string[] => types.filter((type) => type !== 'viewed');

describe('workspace source: contacts from the real Amazon Connect SDK', () => {
  let host: StandInWorkspace;
  let running: RunningApp;

  beforeEach(async () => {
    host = await workspace();
    running = await runApp(host);
    await until(() => running.app.tracker.agent, 'the agent');
  });

  afterEach(() => running.close());

  it('reports the agent from getARN and getName, and the instance and region from its ARNs', async () => {
    const { tracker } = running.app;
    expect(tracker.agent?.arn).to.equal(host.agentArn());
    expect(tracker.agent?.name).to.equal('Agent Smith');
    expect(tracker.agent?.routingProfile?.name).to.equal('Basic Routing Profile');
    const id = await host.ringCall();
    const contact = await until(() => tracker.contacts.get(id), 'the contact');
    expect(contact.instanceId).to.equal(host.instance);
    expect(contact.region).to.equal('us-east-1');
    expect(contact.arnSource).to.equal('routing-profile');
  });

  it('has no login name from the SDK: username is empty unless the page passes it', async () => {
    expect(running.app.tracker.agent?.username).to.equal('');
    const named = await runApp(host, {}, 'username=agent.smith');
    try {
      await until(() => named.app.tracker.agent, 'the agent');
      expect(named.app.tracker.agent?.username).to.equal('agent.smith');
    } finally {
      named.close();
    }
  });

  it('reports a voice call in order: connecting, connected, acw and ended, destroyed, with its attributes ({name, value} normalised)', async () => {
    const { tracker } = running.app;
    const id = await host.ringCall({ attributes: { greeting: 'played', langCode: 'en-GB' } });
    const ringing = await until(() => tracker.contacts.get(id), 'connecting');
    expect(ringing.state).to.equal('connecting');
    expect(ringing.channel).to.equal('voice');
    expect(ringing.initialContactId).to.equal(id);
    expect(ringing.queue?.name).to.equal('BasicQueue');
    expect(ringing.queue?.arn).to.match(/\/queue\/q-basicqueue$/);
    expect(ringing.attributes).to.deep.equal({ greeting: 'played', langCode: 'en-GB' });
    expect(ringing.ended).to.equal(false);
    await host.accept(id);
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    await host.hangUp(id);
    await until(() => tracker.contacts.get(id)?.ended, 'acw');
    expect(tracker.contacts.get(id)?.state).to.equal('ended');
    await host.clear(id);
    await until(() => !tracker.contacts.has(id), 'destroyed');
    expect(withoutViewed(running.of(id))).to.deep.equal(['connecting', 'connected', 'acw', 'ended', 'destroyed']);
  });

  it('reports a missed call: connecting, missed, then ended and destroyed when the agent clears it', async () => {
    const id = await host.ringCall();
    await until(() => running.app.tracker.contacts.get(id), 'connecting');
    await host.missCall(id);
    await until(() => running.of(id).includes('missed'), 'missed');
    await settle();
    // contact/error follows contact/missed: the contact stays missed.
    expect(running.app.tracker.contacts.get(id)?.state).to.equal('missed');
    expect(running.app.tracker.contacts.get(id)?.ended).to.equal(true);
    await host.clear(id);
    await until(() => !running.app.tracker.contacts.has(id), 'destroyed');
    expect(withoutViewed(running.of(id))).to.deep.equal(['connecting', 'missed', 'ended', 'destroyed']);
  });

  it('tracks three concurrent chats with channel chat; the newest is viewed in the idle scope', async () => {
    const { tracker } = running.app;
    const ids = [
      await host.startChat({ attributes: { topic: 'billing' } }),
      await host.startChat(),
      await host.startChat(),
    ];
    await until(() => ids.every((id) => tracker.contacts.has(id)), 'three chats');
    for (const id of ids) await host.accept(id);
    await until(() => ids.every((id) => tracker.contacts.get(id)?.state === 'connected'), 'three connected chats');
    expect(ids.map((id) => tracker.contacts.get(id)?.channel)).to.deep.equal(['chat', 'chat', 'chat']);
    expect(tracker.contacts.get(ids[0]!)?.attributes).to.deep.equal({ topic: 'billing' });
    expect(tracker.viewed?.contactId).to.equal(ids[2]);
    await host.hangUp(ids[1]!);
    await host.clear(ids[1]!);
    await until(() => !tracker.contacts.has(ids[1]!), 'the second chat cleared');
    expect([...tracker.contacts.keys()]).to.deep.equal([ids[0], ids[2]]);
  });

  it('reports the initial contact id of a transferred contact (from the event), registered with the API stand-in', async () => {
    const id = await host.transferIn({ attributes: { transferredFrom: 'sales' } });
    const contact = await until(() => running.app.tracker.contacts.get(id), 'the transfer');
    const original = host.contacts().find((c) => c.contactId === id)!;
    expect(original.registered).to.equal(true);
    expect(contact.initialContactId).to.equal(original.initialContactId);
    expect(contact.initialContactId).to.not.equal(id);
    expect(contact.attributes).to.deep.equal({ transferredFrom: 'sales' });
  });

  it("reports a monitored contact as monitoring (from the agent's own participant)", async () => {
    const id = await host.monitor({ attributes: { greeting: 'played' } });
    const contact = await until(() => running.app.tracker.contacts.get(id), 'the monitored contact');
    expect(contact.monitoring).to.equal(true);
    expect(contact.state).to.equal('connected');
    const plain = await host.ringCall();
    expect((await until(() => running.app.tracker.contacts.get(plain), 'a plain call')).monitoring).to.equal(false);
  });

  it('reads attributes again at each lifecycle event: a flow or API write shows up at the next one', async () => {
    const { tracker } = running.app;
    const id = await host.ringCall({ attributes: { greeting: 'played' } });
    await until(() => tracker.contacts.get(id), 'connecting');
    await host.setFlowAttributes(id, { intent: 'refund' });
    await writeThroughApi(host.instance, id, { note: 'vip' });
    await settle(50);
    expect(tracker.contacts.get(id)?.attributes).to.deep.equal({ greeting: 'played' }); // no event yet
    await host.accept(id);
    await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
    expect(tracker.contacts.get(id)?.attributes).to.deep.equal({ greeting: 'played', intent: 'refund', note: 'vip' });
  });
});

describe('workspace source: refreshing attributes between events', () => {
  it('with refreshMs, a flow write shows up without a lifecycle event, as one refresh', async () => {
    const host = await workspace();
    const running = await runApp(host, {}, 'refresh=100');
    try {
      const { tracker } = running.app;
      const id = await host.ringCall({ attributes: { greeting: 'played' } });
      await host.accept(id);
      await until(() => tracker.contacts.get(id)?.state === 'connected', 'connected');
      const changes: string[] = [];
      tracker.on('change', (state) => changes.push(JSON.stringify(state.contacts.get(id)?.attributes)));
      await host.setFlowAttributes(id, { intent: 'refund' });
      await until(() => tracker.contacts.get(id)?.attributes['intent'] === 'refund', 'the flow write', 3000);
      await settle(300);
      expect(changes).to.deep.equal([JSON.stringify({ greeting: 'played', intent: 'refund' })]);
      expect(withoutViewed(running.of(id))).to.deep.equal(['connecting', 'connected']);
    } finally {
      running.close();
    }
  });
});

describe('workspace source: attribute values as plain strings', () => {
  it("normalises getAttributes answers whose values are strings (the SDK's declared type)", async () => {
    const host = await workspace();
    const running = await runApp(host, { attributeShape: 'string' });
    try {
      const id = await host.ringCall({ attributes: { greeting: 'played', empty: '' } });
      const contact = await until(() => running.app.tracker.contacts.get(id), 'the contact');
      expect(contact.attributes).to.deep.equal({ greeting: 'played', empty: '' });
    } finally {
      running.close();
    }
  });
});

// The stand-in workspace host against the REAL @amazon-connect/app and @amazon-connect/contact in an app iframe:
// handshake, acknowledge, lifecycle, health checks, requests and subscriptions as the SDK sends them.
import { expect } from '@open-wc/testing';
import type { StandInWorkspace } from '../../demo/workspace/host.ts';
import { runApp, until, workspace, type RunningApp } from './helpers.ts';

describe('stand-in workspace host: the protocol the real SDK speaks', () => {
  let host: StandInWorkspace;
  let running: RunningApp | undefined;

  beforeEach(async () => {
    host = await workspace();
  });

  afterEach(() => {
    running?.close();
    running = undefined;
  });

  it("answers the connect-app-host-init handshake, then create; start follows the app's create completion", async () => {
    running = await runApp(host);
    await running.hosted.created;
    await until(() => running!.app.tracker.agent, 'the agent');
    const protocol = running.hosted.protocol();
    const first = protocol[0]!;
    expect(first.direction).to.equal('up');
    expect(first.message.type).to.equal('connect-app-host-init');
    expect(first.message['sdkVersion']).to.be.a('string');
    expect(first.message['providerId']).to.be.a('string');
    const down = protocol.filter((r) => r.direction === 'down').map((r) => r.message);
    expect(down[0]!.type).to.equal('acknowledge');
    expect(down[1]).to.include({ type: 'appLifecycle', stage: 'create' });
    const completed = protocol.findIndex(
      (r) => r.direction === 'up' && r.message.type === 'appLifecycleHandlerCompleted',
    );
    const start = protocol.findIndex((r) => r.direction === 'down' && r.message['stage'] === 'start');
    expect(completed).to.be.greaterThan(0);
    expect(start).to.be.greaterThan(completed);
    expect(protocol[completed]!.message).to.include({ stage: 'create', appInstanceId: running.hosted.instanceId });
  });

  it("answers the app's health checks", async () => {
    running = await runApp(host, { healthCheckInterval: 1000 });
    await until(() => running!.hosted.healthChecks() >= 1, 'a health check');
    const up = running.hosted.protocol().filter((r) => r.direction === 'up' && r.message.type === 'healthCheck');
    expect(up.length).to.be.greaterThan(0);
  });

  it('receives the contact lifecycle subscriptions of the source, in the contact namespace', async () => {
    running = await runApp(host);
    await until(() => running!.hosted.subscriptions().length >= 8, 'the subscriptions');
    const keys = running.hosted.subscriptions().map((t) => `${t.namespace} ${t.key}`);
    for (const key of ['incoming', 'pending', 'connecting', 'connected', 'missed', 'acw', 'error', 'cleared']) {
      expect(keys).to.include(`aws.connect.contact contact/${key}`);
    }
  });

  it('answers requests the SDK sent with responses carrying the same requestId and namespace', async () => {
    running = await runApp(host);
    await until(() => running!.app.tracker.agent, 'the agent');
    const protocol = running.hosted.protocol();
    const request = protocol.find(
      (r) => r.direction === 'up' && r.message.type === 'request' && r.message['command'] === 'agent/getARN',
    )!;
    expect(request.message['namespace']).to.equal('aws.connect.contact');
    const response = protocol.find(
      (r) =>
        r.direction === 'down' &&
        r.message.type === 'response' &&
        r.message['requestId'] === request.message['requestId'],
    )!;
    expect(response.message).to.include({ isError: false, namespace: 'aws.connect.contact' });
  });

  it('refuses a request without its permission with an error response, and a subscription with an error message', async () => {
    running = await runApp(host, { permissions: ['User.Details.View', 'Contact.Details.View'] });
    const id = await host.ringCall();
    await until(() => running!.app.tracker.contacts.get(id), 'the contact');
    await until(() => running!.app.source.readOnlyReason, 'the reason');
    const protocol = running.hosted.protocol();
    const request = protocol.find((r) => r.direction === 'up' && r.message['command'] === 'contact/getAttributes')!;
    const refusal = protocol.find(
      (r) => r.direction === 'down' && r.message['requestId'] === request.message['requestId'],
    )!;
    expect(refusal.message).to.include({
      type: 'response',
      isError: true,
      reason: 'App does not have permission for this request',
    });
    expect(refusal.message['details']).to.deep.include({ command: 'contact/getAttributes' });

    const quiet = await runApp(host, { permissions: ['User.Details.View'] });
    try {
      await until(() => quiet.app.source.readOnlyReason, 'the reason');
      const errors = quiet.hosted.protocol().filter((r) => r.direction === 'down' && r.message.type === 'error');
      expect(errors.length).to.be.greaterThan(0);
      expect(errors[0]!.message['message']).to.match(
        /^App attempted to subscribe to topic without permission - Topic \{"key":"contact\//,
      );
      expect(errors[0]!.message['isFatal']).to.equal(false);
    } finally {
      quiet.close();
    }
  });
});

// The queued relay's test rig in one process: the Connect API stand-in (with its user pool), fauxqs with a FIFO queue
// and its dead-letter queue, and the relay's configuration in queued mode. Real JWTs, real @aws-sdk/client-connect and
// @aws-sdk/client-sqs against them.
import { ConnectClient } from '@aws-sdk/client-connect';
import { startConnectApi, type ConnectApiHandle, type ContactRecord } from '../../demo/connect-api/server.ts';
import { resolveRelayConfig, type RelayConfig, type ResolvedRelayConfig } from '../../src/relay/config.ts';
import { fauxqsClient, startFauxqsQueue, type FauxqsQueue, type FauxqsQueueOptions } from '../../demo/fauxqs.ts';

export const instanceId = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
export const instanceArn = `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`;
export const smith = 'agent-agent-smith';
export const jones = 'agent-agent-jones';

/** A running rig. */
export interface QueuedRig {
  connectApi: ConnectApiHandle;
  queue: FauxqsQueue;
  /** The relay's configuration in queued mode (overrides on top). */
  config(overrides?: Partial<RelayConfig>): ResolvedRelayConfig;
  /** A Connect client with the stand-in's demo keys (the role of the relay or the worker), one attempt per call. */
  connect(): ConnectClient;
  /** An agent's id token. */
  signIn(username?: string): string;
  /** Registers an ongoing contact of `agentId` (default smith) and returns its id. */
  liveContact(contactId: string, agentId?: string): string;
  close(): Promise<void>;
}

/** Starts the stand-in and fauxqs. */
export async function startQueuedRig(options: FauxqsQueueOptions & { contacts?: ContactRecord[] } = {}) {
  const connectApi = await startConnectApi({ contacts: options.contacts ?? [] });
  const queue = await startFauxqsQueue(options);
  const rig: QueuedRig = {
    connectApi,
    queue,
    config: (overrides = {}) =>
      resolveRelayConfig({
        instanceArn,
        auth: {
          type: 'oidc',
          issuer: connectApi.issuer,
          audience: [connectApi.userPoolClientId],
          jwksUri: connectApi.jwksUri,
        },
        user: { usernameClaim: 'cognito:username' },
        allowedOrigins: ['https://agents.example.com'],
        denyKeyPrefixes: ['routing_'],
        connectEndpoint: connectApi.url,
        queue: { url: queue.queueUrl, endpoint: queue.endpoint },
        ...overrides,
      }),
    connect: () =>
      new ConnectClient({
        region: connectApi.region,
        endpoint: connectApi.url,
        credentials: { accessKeyId: connectApi.accessKeyId, secretAccessKey: connectApi.secretAccessKey },
        maxAttempts: 1,
      }),
    signIn: (username = 'agent.smith') => connectApi.signIn(username).idToken,
    liveContact: (contactId, agentId = smith) => {
      connectApi.registerContacts([
        { instanceId, contactId, startedAt: new Date(Date.now() - 60_000).toISOString(), agentId },
      ]);
      return contactId;
    },
    close: async () => {
      await queue.close();
      await connectApi.close();
    },
  };
  return rig;
}

/** An SQS client of the rig's queue for the relay or the worker. */
export const sqsOf = (rig: QueuedRig) => fauxqsClient(rig.queue.endpoint);

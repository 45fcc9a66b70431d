/**
 * The owner-checking relay (ccp-attributes/relay) pointed at the Connect API stand-in, for the demo, the browser
 * tests and the bench: it verifies the stand-in user pool's JWTs against the pool's JWKS, reads the Connect user id
 * from the id token's `custom:connect_user_id` (which the pool's agent-desktop client may not write, so agents cannot
 * change it: demo/connect-api/user-pool.ts), and calls the stand-in with the stand-in's demo credentials.
 */
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { Plugin } from '@web/dev-server-core';
import type { ConnectApiHandle } from './connect-api/server.ts';
import { DEFAULT_ACCOUNT, DEFAULT_INSTANCE_ID } from './ccp/scenario.ts';
import {
  createRelayConnectClient,
  resolveRelayConfig,
  startRelayServer,
  type AuditRecord,
  type RelayServer,
  type ResolvedRelayConfig,
} from '../src/relay/index.ts';
import type { OutcomeStore } from '../src/relay/outcomes.ts';
import type { RelayQueue } from '../src/relay/queue-config.ts';
import type { LocalOutcomeSockets } from '../src/relay/socket-server.ts';

/** Options of startStandInRelay; every field is optional. */
export interface StandInRelayOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Browser origins allowed by CORS (the demo pages' or the test runner's). */
  allowedOrigins?: string[];
  /** The instance the relay writes to (default: the stand-in CCP's default instance). */
  instanceId?: string;
  /** Receives each audit line (default: none). */
  audit?: (record: AuditRecord) => void;
  /**
   * Queued mode: the FIFO queue (on fauxqs) the relay hands writes to, the SQS client it sends with, and the store of
   * the worker's outcomes it reads back to the callers; with `push` (the worker runs in this process and notifies
   * it), the relay also serves the outcome socket.
   */
  queue?: { queue: RelayQueue; sqs: SQSClient; outcomes: OutcomeStore; push?: LocalOutcomeSockets };
}

/** The relay's configuration in front of the stand-in `api` (also the queued worker's: demo/queued.ts). */
export function standInRelayConfig(api: ConnectApiHandle, options: StandInRelayOptions = {}): ResolvedRelayConfig {
  return resolveRelayConfig({
    instanceArn: `arn:aws:connect:${api.region}:${DEFAULT_ACCOUNT}:instance/${options.instanceId ?? DEFAULT_INSTANCE_ID}`,
    auth: { type: 'oidc', issuer: api.issuer, audience: [api.userPoolClientId], jwksUri: api.jwksUri },
    user: { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true },
    allowedOrigins: options.allowedOrigins ?? [],
    connectEndpoint: api.url,
    ...(options.queue ? { queue: options.queue.queue } : {}),
    // The demo's reviewers (demo/review/): the user pool's `reviewers` group, writing Review* and Legal* keys.
    reviewers: { claim: 'cognito:groups', values: ['reviewers'], allowKeyPrefixes: ['Review', 'Legal'] },
  });
}

/** Starts the relay in this process, in front of the stand-in `api`. */
export function startStandInRelay(api: ConnectApiHandle, options: StandInRelayOptions = {}): Promise<RelayServer> {
  const config = standInRelayConfig(api, options);
  const connect = createRelayConnectClient({
    region: api.region,
    endpoint: api.url,
    credentials: { accessKeyId: api.accessKeyId, secretAccessKey: api.secretAccessKey },
  });
  return startRelayServer({
    config,
    port: options.port ?? 0,
    dependencies: {
      connect,
      audit: options.audit ?? (() => undefined),
      ...(options.queue ? { sqs: options.queue.sqs, outcomes: options.queue.outcomes } : {}),
    },
    ...(options.queue?.push ? { push: options.queue.push } : {}),
  });
}

/** The loopback origins a dev server on `port` is reached at. */
export function loopbackOrigins(port: number): string[] {
  return [`http://127.0.0.1:${port}`, `http://localhost:${port}`];
}

/** Tells pages where the relay listens: `GET /__relay` -> `{url}` (404 before it started). */
export function relayLocation(url: () => string | undefined): Plugin {
  return {
    name: 'relay-location',
    serve(context) {
      if (context.path !== '/__relay') return undefined;
      const relay = url();
      return relay ? { body: JSON.stringify({ url: relay }), type: 'json' } : undefined;
    },
  };
}

/**
 * One call that assembles the plugin for a custom CCP page. Data flows one way: Streams -> the contact tracker ->
 * (tagging rules | the editor) -> the durable outbox -> a sender -> Amazon Connect. The sender is the signed client
 * (direct mode, AWS credentials) or the relay client (relay mode: the agent's sign-in token, and an owner-checking
 * relay that writes only the agent's own contacts). The tracker owns what is stored for each contact; a landed write
 * is recorded in it once, from the outbox's `landed` event. The widget and the drop-in script tag are built on this;
 * bundler users can call it directly.
 */
import type { AttributesClient, Credentials, CredentialsProvider } from './client.ts';
import { AttributesError } from './errors.ts';
import type { RelayToken } from './relay-client.ts';
import { secureEndpoint } from './secure-url.ts';
import {
  createOutbox,
  openIdbOutboxStore,
  type OutboxOptions,
  type OutboxSender,
  type OutcomeFeed,
  type OutcomeReader,
  type Outbox,
} from './outbox/index.ts';
import { createTagger, recordLandedWrites, type Tagger, type TaggerOptions } from './tagging/index.ts';
import {
  ContactTracker,
  createStreamsTracker,
  type AgentInfo,
  type ContactSource,
  type StreamsTrackerOptions,
} from './tracker/index.ts';
import type { Attributes } from './validate.ts';
import type { Readiness } from './wrap-up/readiness.ts';
import { WrapUp, type ClearOptions, type WrapUpParticipant } from './wrap-up/wrap-up.ts';
import type { WriteOptions, WriteReceipt } from './writer.ts';

/** Relay mode's settings. */
export interface RelayOptions {
  /** The relay's base URL (the deployed stack's `RelayUrl`). */
  url: string;
  /**
   * The agent's sign-in token (a JWT), or a function returning (a promise of) a fresh one; asked for every request,
   * and again with `{forceRefresh: true}` when the relay refused the token it gave (RelayToken).
   */
  token: RelayToken;
  /**
   * A queued relay's WebSocket URL (the stack's `SocketUrl`; `wss:`, or `ws:` to a loopback address): the outcomes
   * of accepted writes are pushed over it instead of polled (polled while it is down).
   */
  socketUrl?: string | undefined;
}

export interface CcpAttributesPluginOptions {
  /**
   * Direct mode: AWS credentials or a provider (e.g. `cognitoCredentials(...)`). Without them or `relay`, the plugin
   * is read-only.
   */
  credentials?: Credentials | CredentialsProvider | undefined;
  /**
   * Relay mode: writes go through an owner-checking relay with the agent's token, and the AWS SDK is never loaded.
   * Give `credentials` or `relay`, not both.
   */
  relay?: RelayOptions | undefined;
  /** The region of the Amazon Connect instance; by default read from the agent's and contacts' ARNs. */
  region?: string | undefined;
  /** Another endpoint than Amazon Connect's (a local stand-in, or a proxy of your own). */
  endpoint?: string | undefined;
  /** The Amazon Connect instance id, when the ARNs Streams gives do not contain it. */
  instanceId?: string | undefined;
  /** How to find or create the CCP (see `createStreamsTracker`); ignored with `source`. */
  tracker?: StreamsTrackerOptions;
  /**
   * Another host of contacts than Streams, e.g. `new WorkspaceContactSource()` in an agent workspace app
   * (`ccp-attributes/workspace`). The plugin starts it, and stops it on `dispose()`.
   */
  source?: ContactSource | undefined;
  /** Tagging rules (JSON-compatible objects, or rules with function values). */
  rules?: TaggerOptions['rules'];
  /** Outbox settings; by default an IndexedDB store named `ccp-attributes-outbox`. */
  outbox?: Partial<OutboxOptions>;
  /** Called when a tagging rule cannot write. */
  onTagError?: TaggerOptions['onError'];
  /** Called when a tagging rule queued its attributes (before they land). */
  onTag?: TaggerOptions['onTag'];
  /**
   * Attribute keys a contact must hold before it is cleared, beyond the required fields of the editors wired to the
   * plugin (`readiness`, `clear`, and the workspace's clear interceptor).
   */
  requiredKeys?: readonly string[];
}

/** The assembled plugin (the `<ccp-attributes>` element is `CcpAttributes`). */
export interface CcpAttributesPlugin {
  readonly tracker: ContactTracker;
  /** The write path (undefined without credentials or relay). */
  readonly outbox: Outbox | undefined;
  readonly tagger: Tagger | undefined;
  /**
   * Writes attributes to a contact through the outbox: the viewed contact by default, or the one with the
   * given contactId. Resolves when Amazon Connect stored them (`landed`), or a relay in queued mode accepted them
   * (`accepted`: the outcome follows as the outbox's `landed` or `failed` event).
   */
  write(attributes: Readonly<Attributes>, options?: WriteOptions & { contactId?: string }): Promise<WriteReceipt>;
  /**
   * What stands between the contact and a clean wrap-up: required keys without a value, unsaved edits of the editors
   * wired to the plugin, writes pending or failed. Rejects with a ClearError for a contact the tracker does not have.
   */
  readiness(contactId: string): Promise<Readiness>;
  /**
   * Saves the editors' unsaved edits of the contact, waits for its writes, then clears it through the host (Streams
   * `contact.clear()`, the workspace's `ContactClient.clear`); rejects with a ClearError that says why it did not
   * (`not-ready` lists what stands in the way).
   */
  clear(contactId: string, options?: ClearOptions): Promise<void>;
  /** Wires an editor's required fields and unsaved edits into `readiness` and `clear`; returns the unwiring function. */
  participate(participant: WrapUpParticipant): () => void;
  /** Stops everything: tracker subscriptions, tagging, the outbox. */
  dispose(): void;
}

/** Assembles tracker, client, outbox and tagging (see `CcpAttributesPluginOptions`). */
export async function createCcpAttributes(options: CcpAttributesPluginOptions = {}): Promise<CcpAttributesPlugin> {
  const { credentials, relay } = options;
  if (credentials && relay)
    throw new TypeError('createCcpAttributes: give `credentials` (direct mode) or `relay` (relay mode), not both.');
  if (options.endpoint !== undefined) secureEndpoint('createCcpAttributes', 'endpoint', options.endpoint);
  // Each mode loads only its own sender (a lazy chunk of the drop-in): relay mode never fetches the signed client,
  // nor direct mode the relay client. Done before the tracker subscribes to Streams, so a bad relay URL or token
  // leaves nothing to undo.
  // The clients' own time limit is the outbox's deadline (the default when it is not given).
  const timeout = options.outbox?.requestTimeoutMs === undefined ? {} : { timeoutMs: options.outbox.requestTimeoutMs };
  const relayed = relay ? await relaySender(relay, timeout) : undefined;
  const sender = relayed ? relayed.sender : credentials ? await clientSender(credentials, options, timeout) : undefined;
  const instance = { instanceId: options.instanceId, region: options.region };
  const tracker = options.source
    ? new ContactTracker(options.source, instance)
    : createStreamsTracker({ ...instance, ...options.tracker });
  let outbox: Outbox | undefined;
  let tagger: Tagger | undefined;
  const cleanup: (() => void)[] = [];
  const closeStore: (() => void)[] = [];
  const dispose = (): void => {
    // The store closes only once the outbox recorded the answers already received (see Outbox.close).
    const closed = outbox?.close() ?? Promise.resolve();
    for (const off of cleanup) off();
    tracker.dispose();
    void closed.then(() => {
      for (const close of closeStore) close();
    });
  };
  if (sender) {
    // The tracker already subscribed to Streams: a failure below (no IndexedDB, bad rules or outbox options) undoes it.
    try {
      const store = options.outbox?.store ?? (await openIdbOutboxStore());
      if (store !== options.outbox?.store) closeStore.push(() => store.close());
      // What an auth refusal means depends on the mode. Direct mode: an expired credential (a provider refreshing
      // late) looks like any 403 in a browser, and one retry gets a fresh one. Relay mode: the relay's 403 is its
      // ownership decision, which a retry does not change; an expired token (401) is renewed by the relay client
      // within the attempt (src/relay-client.ts), so the outbox never needs to retry it.
      const authRetries = options.outbox?.authRetries ?? (relay ? 0 : 1);
      // The queue belongs to the agent the host names: nothing is sent before, and another agent's entries in this
      // browser profile's store wait for their agent.
      const agent = agentIdOf(tracker.agent) ?? null;
      // Relay mode: a queued relay's outcomes after 202 are pushed over its socket when it has one, else (and while
      // the socket is down) read from it, polled only while writes await one.
      const outcomes = options.outbox?.outcomes ?? relayed?.outcomes;
      const outcomeFeed = options.outbox?.outcomeFeed ?? relayed?.outcomeFeed;
      const writer = createOutbox({ ...options.outbox, authRetries, store, sender, agent, outcomes, outcomeFeed });
      outbox = writer;
      cleanup.push(tracker.on('change', (state) => writer.setAgent(agentIdOf(state.agent) ?? null)));
      cleanup.push(recordLandedWrites(outbox, tracker));
      if (options.rules !== undefined) {
        tagger = createTagger({
          tracker,
          outbox,
          rules: options.rules,
          ...(options.onTagError ? { onError: options.onTagError } : {}),
          ...(options.onTag ? { onTag: options.onTag } : {}),
        });
        cleanup.push(() => tagger?.dispose());
      }
    } catch (error) {
      dispose();
      throw error;
    }
  }

  const wrapUp = new WrapUp({ tracker, outbox, requiredKeys: options.requiredKeys ?? [] });
  // Where the host's own Clear button can be held (the workspace), a contact is cleared there only once it is ready.
  // A contact the tracker does not follow is not the plugin's to hold.
  const stopIntercepting = tracker.interceptClear(async (contactId, signal) => {
    if (!tracker.contacts.has(contactId)) return true;
    const readiness = await wrapUp.settle(contactId, signal);
    return readiness.ready;
  });
  cleanup.push(stopIntercepting);

  return {
    tracker,
    outbox,
    tagger,
    readiness: (contactId) => wrapUp.readiness(contactId),
    clear: (contactId, clearOptions) => wrapUp.clear(contactId, clearOptions),
    participate: (participant) => wrapUp.participate(participant),
    async write(attributes, writeOptions = {}) {
      if (!outbox)
        throw new AttributesError(
          'auth',
          'Saving is not set up: neither Amazon Connect credentials nor a relay are configured for this page.',
        );
      const { contactId, ...rest } = writeOptions;
      const contact = contactId === undefined ? tracker.viewed : tracker.contacts.get(contactId);
      if (!contact) {
        throw new AttributesError(
          'not-found',
          contactId === undefined ? 'No contact is open.' : `No contact ${contactId} is known.`,
        );
      }
      if (!contact.instanceId) {
        throw (
          contact.instanceError ??
          new AttributesError('validation', 'The Amazon Connect instance of this contact is unknown.')
        );
      }
      const { contactId: id, initialContactId, instanceId, region } = contact;
      const ref = { contactId: id, initialContactId, instanceId, region };
      return outbox.write(ref, attributes, { origin: 'agent', stored: contact.attributes, ...rest });
    },
    dispose,
  };
}

/**
 * Who owns the outbox's entries: the agent's ARN as the host gives it (as the relay identifies callers), or its
 * username when the host gives no ARN; undefined until the host named the agent.
 */
export function agentIdOf(agent: Pick<AgentInfo, 'arn' | 'username'> | undefined): string | undefined {
  if (agent?.arn) return agent.arn;
  return agent?.username ? `username:${agent.username}` : undefined;
}

/**
 * Sends through one AttributesClient per region: the region the write was queued with (the contact's, from its
 * ARNs or the configuration), else the configured one.
 */
async function clientSender(
  credentials: Credentials | CredentialsProvider,
  options: CcpAttributesPluginOptions,
  timeout: { timeoutMs?: number },
): Promise<OutboxSender> {
  const signed = await import('./client.ts');
  const clients = new Map<string, AttributesClient>();
  return async (contact, attributes, { signal }) => {
    const region = contact.region || options.region;
    if (!region)
      throw new AttributesError('validation', 'The AWS region of this contact is unknown: set the `region` option.');
    let client = clients.get(region);
    if (!client) {
      client = new signed.AttributesClient({
        region,
        credentials,
        endpoint: options.endpoint,
        maxAttempts: 1,
        ...timeout,
      });
      clients.set(region, client);
    }
    return client.update(contact.instanceId, contact.initialContactId, attributes, { signal });
  };
}

/**
 * Sends through the relay: its `ContactId` is the leg the write was queued for, so the relay checks that the agent
 * handles that leg; the region is the relay's. The request carries the outbox's WriteId; a queued relay's outcomes
 * are read from the same relay, and pushed over its socket when `socketUrl` is given.
 */
async function relaySender(
  relay: RelayOptions,
  timeout: { timeoutMs?: number },
): Promise<{ sender: OutboxSender; outcomes: OutcomeReader; outcomeFeed: OutcomeFeed | undefined }> {
  const given: unknown = relay; // JavaScript callers can pass anything
  if (!given || typeof given !== 'object')
    throw new TypeError('createCcpAttributes: the `relay` option must be `{ url, token }`.');
  const { RelayClient } = await import('./relay-client.ts');
  const { url, token, socketUrl } = relay;
  const client = new RelayClient({ url, token, socketUrl, ...timeout });
  return {
    sender: (contact, attributes, { signal, writeId }) => client.update(contact, attributes, { signal, writeId }),
    outcomes: (since, { signal }) => client.outcomes(since, { signal }),
    outcomeFeed: socketUrl === undefined ? undefined : (listener) => client.outcomeFeed(listener),
  };
}

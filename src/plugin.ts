/**
 * One call that assembles the plugin for a custom CCP page: the Streams contact tracker, the signed
 * client, the durable outbox every write goes through, and the tagging rules. The widget and the
 * drop-in script tag are built on this; bundler users can call it directly.
 */
import { AttributesClient, type Credentials, type CredentialsProvider } from './client.ts';
import { AttributesError } from './errors.ts';
import { contactKeyOf, createOutbox, openIdbOutboxStore, type Outbox, type OutboxOptions } from './outbox/index.ts';
import { createTagger, recordLandedWrites, type Tagger, type TaggerOptions } from './tagging/index.ts';
import { createStreamsTracker, parseConnectArn, type ContactTracker, type StreamsTrackerOptions } from './tracker/index.ts';
import type { Attributes } from './validate.ts';
import type { ContactRef, WriteOptions } from './writer.ts';

export interface CcpAttributesOptions {
  /** AWS credentials or a provider (e.g. `cognitoCredentials(...)`). Without them the plugin is read-only. */
  credentials?: Credentials | CredentialsProvider | undefined;
  /** The region of the Amazon Connect instance; by default read from the agent's and contacts' ARNs. */
  region?: string | undefined;
  /** Another endpoint than Amazon Connect's (a local stand-in, or a proxy of your own). */
  endpoint?: string | undefined;
  /** The Amazon Connect instance id, when the ARNs Streams gives do not contain it. */
  instanceId?: string | undefined;
  /** How to find or create the CCP (see `createStreamsTracker`). */
  tracker?: StreamsTrackerOptions;
  /** Tagging rules (JSON-compatible objects, or rules with function values). */
  rules?: TaggerOptions['rules'];
  /** Outbox settings; by default an IndexedDB store named `ccp-attributes-outbox`. */
  outbox?: Partial<OutboxOptions>;
  /** Called when a tagging rule cannot write. */
  onTagError?: TaggerOptions['onError'];
  /** Called when a tagging rule queued its attributes (before they land). */
  onTag?: TaggerOptions['onTag'];
}

/** The assembled plugin. */
export interface CcpAttributes {
  readonly tracker: ContactTracker;
  /** The write path (undefined without credentials). */
  readonly outbox: Outbox | undefined;
  readonly tagger: Tagger | undefined;
  /**
   * Writes attributes to a contact through the outbox: the viewed contact by default, or the one with the
   * given contactId. Resolves when Amazon Connect stored them.
   */
  write(attributes: Readonly<Attributes>, options?: WriteOptions & { contactId?: string }): Promise<void>;
  /** Stops everything: tracker subscriptions, tagging, the outbox. */
  dispose(): void;
}

/** Assembles tracker, client, outbox and tagging (see `CcpAttributesOptions`). */
export async function createCcpAttributes(options: CcpAttributesOptions = {}): Promise<CcpAttributes> {
  const tracker = createStreamsTracker({ instanceId: options.instanceId, region: options.region, ...options.tracker });
  const clients = new Map<string, AttributesClient>();
  const { credentials } = options;

  const knownRegion = (contact: ContactRef): string | undefined =>
    options.region ??
    tracker.contacts.get(contact.contactId)?.region ??
    (tracker.agent ? parseConnectArn(tracker.agent.arn)?.region : undefined);

  /** Resolves once Streams reported the agent (aborts with `signal`). */
  const agentKnown = (signal: AbortSignal): Promise<void> =>
    new Promise((resolve, reject) => {
      signal.throwIfAborted();
      const done = (): void => {
        off();
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal.reason);
      };
      const off = tracker.on('change', () => {
        if (!tracker.agent) return;
        done();
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });

  /**
   * The region of a write: configured, else the contact's, else the agent's ARN's. Writes replayed after a
   * reload can reach the outbox before Streams reported the agent: they wait for it instead of failing.
   */
  const regionOf = async (contact: ContactRef, signal: AbortSignal): Promise<string> => {
    if (knownRegion(contact) === undefined && !tracker.agent) await agentKnown(signal);
    const region = knownRegion(contact);
    if (!region) {
      throw new AttributesError('validation', 'The AWS region of this contact is unknown: set the `region` option.');
    }
    return region;
  };

  let outbox: Outbox | undefined;
  let tagger: Tagger | undefined;
  const cleanup: (() => void)[] = [];
  const dispose = (): void => {
    outbox?.close();
    for (const off of cleanup) off();
    tracker.dispose();
  };
  if (credentials) {
    // The tracker already subscribed to Streams: a failure below (no IndexedDB, bad rules or outbox options) undoes it.
    try {
      const store = options.outbox?.store ?? (await openIdbOutboxStore());
      if (store !== options.outbox?.store) cleanup.push(() => store.close());
      outbox = createOutbox({
        ...options.outbox,
        store,
        sender: async (contact, attributes, { signal, stored }) => {
          const region = await regionOf(contact, signal);
          let client = clients.get(region);
          if (!client) {
            client = new AttributesClient({ region, credentials, endpoint: options.endpoint, maxAttempts: 1 });
            clients.set(region, client);
          }
          return client.update(contact.instanceId, contact.initialContactId, attributes, { signal, ...(stored ? { stored } : {}) });
        },
      });
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
      // Subscribed after the tagger, so the writes of rules on `destroyed` are on their way when it runs.
      cleanup.push(forgetDestroyedContacts(outbox, tracker));
    } catch (error) {
      dispose();
      throw error;
    }
  }

  return {
    tracker,
    outbox,
    tagger,
    async write(attributes, writeOptions = {}) {
      if (!outbox) throw new AttributesError('auth', 'Saving is not set up: no Amazon Connect credentials are configured for this page.');
      const { contactId, ...rest } = writeOptions;
      const contact = contactId === undefined ? tracker.viewed : tracker.contacts.get(contactId);
      if (!contact) {
        throw new AttributesError('not-found', contactId === undefined ? 'No contact is open.' : `No contact ${contactId} is known.`);
      }
      if (!contact.instanceId) {
        throw contact.instanceError ?? new AttributesError('validation', 'The Amazon Connect instance of this contact is unknown.');
      }
      const ref = { contactId: contact.contactId, initialContactId: contact.initialContactId, instanceId: contact.instanceId };
      await outbox.write(ref, attributes, { origin: 'agent', stored: contact.attributes, ...rest });
    },
    dispose,
  };
}

/**
 * Lets the outbox drop its in-memory bookkeeping of each contact Streams destroyed, once that contact's writes
 * settled: at once when nothing of it is left in the outbox, else on the `landed` or `change` that leaves nothing
 * (a kept failure waits for its retry, discard, supersession or expiry). A contact whose initial contact id another
 * tracked contact still shares (a transfer) is not forgotten: the outbox keys contacts by initial contact id.
 */
function forgetDestroyedContacts(outbox: Outbox, tracker: ContactTracker): () => void {
  /** Destroyed contacts the outbox still holds something of, by contact key. */
  const waiting = new Map<string, ContactRef>();
  const inUse = (ref: ContactRef): boolean =>
    [...tracker.contacts.values()].some((c) => c.initialContactId === ref.initialContactId && c.instanceId === ref.instanceId);
  const attempt = (key: string): void => {
    const ref = waiting.get(key);
    if (!ref) return;
    if (inUse(ref) || outbox.forget(ref)) waiting.delete(key);
  };
  const offs = [
    tracker.on('destroyed', ({ contact }) => {
      if (!contact.instanceId) return; // never written: the outbox keys contacts by instance
      const ref: ContactRef = { contactId: contact.contactId, initialContactId: contact.initialContactId, instanceId: contact.instanceId };
      const key = contactKeyOf(ref);
      waiting.set(key, ref);
      attempt(key);
    }),
    outbox.on('landed', ({ contact }) => attempt(contactKeyOf(contact))),
    outbox.on('change', () => {
      for (const key of [...waiting.keys()]) attempt(key);
    }),
  ];
  return () => {
    for (const off of offs) off();
    waiting.clear();
  };
}

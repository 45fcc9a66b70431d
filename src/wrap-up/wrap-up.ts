/**
 * Ready to clear: what stands between a contact and a clean wrap-up (readiness.ts), and clearing it through the host
 * once nothing does. The order of `clear`, stated once:
 * 1. the contact must be one the tracker has (else `unknown-contact`);
 * 2. what no waiting can settle refuses at once (`not-ready`): a kept failed write, or a required key with no value
 *    while nothing unsaved or pending could give it one;
 * 3. every participant (an editor) saves its unsaved edits of the contact;
 * 4. the outbox sends what it holds of the contact, and `clear` waits until it settled;
 * 5. readiness again: anything left refuses (`not-ready`, with the list);
 * 6. the host clears the contact (`host` when it refuses).
 * Steps 3 to 6 share one deadline (`timeoutMs`, or the caller's signal): past it, `timeout` with the list as it stands.
 */
import { DEFAULT_TIMEOUT_MS, orAbort, withTimeout } from '../deadline.ts';
import { fromStoredError } from '../outbox/entry.ts';
import type { Outbox } from '../outbox/outbox.ts';
import type { ContactModel } from '../tracker/types.ts';
import type { ContactRef } from '../writer.ts';
import { blockingItems, readinessOf, type Readiness } from './readiness.ts';

/** Something that holds edits of contacts and knows required keys: an editor. */
export interface WrapUpParticipant {
  /** Keys that must hold a value before a contact is cleared (an editor's required, shown fields). */
  requiredKeys(): readonly string[];
  /** The contact's unsaved edits: key -> the value it would get. */
  unsaved(contactId: string): ReadonlyMap<string, string>;
  /** Saves the contact's unsaved edits; settles (never rejects) once the save settled, saved or not. */
  save(contactId: string): Promise<void>;
}

/** Why `clear` did not clear. */
export type ClearErrorReason = 'unknown-contact' | 'not-ready' | 'timeout' | 'host' | 'unsupported';

/** `clear` refused or failed: `reason` says why, `readiness` lists what stands in the way (when that is the reason). */
export class ClearError extends Error {
  override readonly name = 'ClearError';
  readonly reason: ClearErrorReason;
  readonly contactId: string;
  readonly readiness: Readiness | undefined;
  constructor(
    reason: ClearErrorReason,
    contactId: string,
    message: string,
    options: { readiness?: Readiness; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? {} : { cause: options.cause });
    this.reason = reason;
    this.contactId = contactId;
    this.readiness = options.readiness;
  }
}

export interface ClearOptions {
  /** How long saving, waiting for the writes and the host's answer may take together (ms; default 15000). */
  timeoutMs?: number;
  /** Abandons the clear (rejects with the signal's reason) if it has not reached the host. */
  signal?: AbortSignal;
}

/** What the wrap-up reads: the tracker's contacts and its host, the outbox (none when read-only), required keys. */
export interface WrapUpDeps {
  tracker: {
    readonly contacts: ReadonlyMap<string, ContactModel>;
    clearContact(contactId: string, signal: AbortSignal): Promise<void>;
  };
  outbox: Outbox | undefined;
  /** Keys the page requires beyond its editors' schemas (the plugin's `requiredKeys`). */
  requiredKeys: readonly string[];
}

function refOf(contact: ContactModel): ContactRef {
  const { contactId, initialContactId, instanceId, region } = contact;
  return { contactId, initialContactId, instanceId, region };
}

function describe(readiness: Readiness): string {
  return readiness.items
    .map((item) =>
      item.kind === 'missing' || item.kind === 'unsaved'
        ? `${item.kind} ${item.key}`
        : item.kind === 'pending'
          ? `pending write (${item.state})`
          : `failed write (${item.error?.message ?? 'refused'})`,
    )
    .join(', ');
}

export class WrapUp {
  readonly #deps: WrapUpDeps;
  readonly #participants = new Set<WrapUpParticipant>();

  constructor(deps: WrapUpDeps) {
    this.#deps = deps;
  }

  /** Adds an editor's required keys and unsaved edits to readiness and clear; returns the function that removes it. */
  participate(participant: WrapUpParticipant): () => void {
    this.#participants.add(participant);
    return () => {
      this.#participants.delete(participant);
    };
  }

  /** What stands between the contact and a clean wrap-up now. Rejects with a ClearError for a contact not tracked. */
  async readiness(contactId: string): Promise<Readiness> {
    await this.#deps.outbox?.ready;
    return this.#now(this.#contact(contactId));
  }

  /** Saves, waits, then clears the contact through the host, or refuses with a ClearError (see the module header). */
  async clear(contactId: string, options: ClearOptions = {}): Promise<void> {
    const signal = withTimeout(options.signal, options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const contact = this.#contact(contactId);
    await orAbort(Promise.resolve(this.#deps.outbox?.ready), signal);
    const first = this.#now(contact);
    const settleable = first.items.some((item) => item.kind === 'unsaved' || item.kind === 'pending');
    const blocking = blockingItems(first);
    if (blocking.some((item) => item.kind === 'failed') || (blocking.length > 0 && !settleable)) throw notReady(first);
    let ready: Readiness;
    try {
      ready = await this.settle(contactId, signal);
    } catch (error) {
      throw this.#timedOut(error, signal, contactId);
    }
    if (!ready.ready) throw notReady(ready);
    try {
      await orAbort(this.#deps.tracker.clearContact(contactId, signal), signal);
    } catch (error) {
      if (signal.aborted) throw this.#timedOut(error, signal, contactId);
      if (error instanceof TypeError) throw new ClearError('unsupported', contactId, error.message, { cause: error });
      const message = error instanceof Error ? error.message : String(error);
      throw new ClearError('host', contactId, `The contact could not be cleared: ${message}`, { cause: error });
    }
  }

  /**
   * Saves the participants' unsaved edits of the contact and waits for its writes (steps 3 to 5 of the header), then
   * returns its readiness; rejects with the signal's reason once it aborts. The workspace's clear interceptor uses it.
   */
  async settle(contactId: string, signal: AbortSignal): Promise<Readiness> {
    const saves = [...this.#participants]
      .filter((participant) => participant.unsaved(contactId).size > 0)
      .map((participant) => participant.save(contactId));
    await orAbort(Promise.all(saves), signal);
    const outbox = this.#deps.outbox;
    const contact = this.#contact(contactId);
    if (outbox && contact.instanceId) await orAbort(settled(outbox, refOf(contact), signal), signal);
    return this.#now(this.#deps.tracker.contacts.get(contactId) ?? contact);
  }

  #contact(contactId: string): ContactModel {
    const contact = this.#deps.tracker.contacts.get(contactId);
    if (!contact) throw new ClearError('unknown-contact', contactId, `No contact ${contactId} is known.`);
    return contact;
  }

  #now(contact: ContactModel): Readiness {
    const required: string[] = [...this.#deps.requiredKeys];
    const unsaved = new Map<string, string>();
    for (const participant of this.#participants) {
      required.push(...participant.requiredKeys());
      for (const [key, value] of participant.unsaved(contact.contactId)) unsaved.set(key, value);
    }
    const outbox = this.#deps.outbox;
    const ref = refOf(contact);
    const status = contact.instanceId ? outbox?.statusOf(ref) : undefined;
    const failures = contact.instanceId ? (outbox?.failures(ref) ?? []) : [];
    return readinessOf({
      contactId: contact.contactId,
      required,
      stored: contact.attributes,
      unsaved,
      pending: status && { state: status.state, keys: status.pendingKeys, error: status.error },
      failed: failures.map((entry) => ({
        id: entry.id,
        keys: Object.keys(entry.attributes),
        error: entry.lastError ? fromStoredError(entry.lastError) : undefined,
      })),
    });
  }

  #timedOut(error: unknown, signal: AbortSignal, contactId: string): unknown {
    if (!signal.aborted || !(signal.reason instanceof DOMException) || signal.reason.name !== 'TimeoutError')
      return error;
    const contact = this.#deps.tracker.contacts.get(contactId);
    return new ClearError('timeout', contactId, 'The contact could not be made ready to clear in time.', {
      cause: error,
      ...(contact ? { readiness: this.#now(contact) } : {}),
    });
  }
}

function notReady(readiness: Readiness): ClearError {
  return new ClearError(
    'not-ready',
    readiness.contactId,
    `The contact is not ready to clear: ${describe(readiness)}.`,
    {
      readiness,
    },
  );
}

/**
 * Resolves once the outbox holds nothing of the contact that is queued, on the wire or waiting for a retry; stops
 * listening when `signal` aborts (the caller's orAbort rejects then).
 */
function settled(outbox: Outbox, contact: ContactRef, signal: AbortSignal): Promise<void> {
  const busy = (): boolean => {
    const state = outbox.statusOf(contact)?.state;
    return state === 'queued' || state === 'sending' || state === 'waiting';
  };
  if (!busy()) return Promise.resolve();
  outbox.flush();
  return new Promise((resolve) => {
    const offs = [outbox.on('status', check), outbox.on('change', check)];
    const stop = (): void => {
      for (const off of offs) off();
      signal.removeEventListener('abort', stop);
    };
    function check(): void {
      if (busy()) return;
      stop();
      resolve();
    }
    signal.addEventListener('abort', stop, { once: true });
  });
}

/** What an editor needs of the plugin for its Finish action (`CcpAttributesPlugin` has it all). */
export interface WrapUpActions {
  participate(participant: WrapUpParticipant): () => void;
  clear(contactId: string, options?: ClearOptions): Promise<void>;
}

/**
 * What the Connect API stand-in holds, polled once a second for the demo's views: the stored contacts and their
 * attributes, the request log and the injected faults (its /_standin/ control surface; the types are the stand-in's
 * own, demo/connect-api/types.ts).
 */
import type { ContactRecord, Faults, LoggedRequest } from '../connect-api/types.ts';
import { json, message, setStatus } from './dom.ts';

/** A contact as /_standin/contacts lists it: its record and its chain's stored attributes. */
export type StoredContact = ContactRecord & { initialContactId: string; attributes: Record<string, string> };

/** The stand-in's state as last polled. */
export class StandInState {
  stored: StoredContact[] = [];
  storedByInitialId = new Map<string, StoredContact>();
  requests: LoggedRequest[] = [];
  faults: Faults = {};
  /** When each `<initialContactId>/<key>` last changed in the stand-in (to flash it). */
  changedAt = new Map<string, number>();
  #polling = false;

  constructor(
    readonly apiUrl: string,
    readonly onChange: () => void,
  ) {}

  /** Reads what the API stand-in stored, its request log and its faults. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const [{ contacts }, { requests }, { faults }] = await Promise.all([
        json<{ contacts: StoredContact[] }>(`${this.apiUrl}/_standin/contacts`),
        json<{ requests: LoggedRequest[] }>(`${this.apiUrl}/_standin/log`),
        json<{ faults: Faults }>(`${this.apiUrl}/_standin/faults`),
      ]);
      const now = Date.now();
      const firstPoll = this.storedByInitialId.size === 0 && this.stored.length === 0;
      for (const contact of contacts) {
        const before = this.storedByInitialId.get(contact.initialContactId)?.attributes ?? {};
        for (const [key, value] of Object.entries(contact.attributes)) {
          if (!firstPoll && before[key] !== value) this.changedAt.set(`${contact.initialContactId}/${key}`, now);
        }
      }
      this.stored = contacts;
      this.storedByInitialId = new Map(contacts.map((contact) => [contact.initialContactId, contact]));
      this.requests = requests;
      this.faults = faults;
      setStatus('Connected to the stand-ins', 'ok');
    } catch (error) {
      setStatus(`API stand-in unreachable: ${message(error)}`, 'error');
    } finally {
      this.#polling = false;
      this.onChange();
    }
  }

  /** Merges faults into the stand-in's (a field set to null clears it), then polls. */
  async setFaults(patch: Record<string, unknown>): Promise<void> {
    await fetch(`${this.apiUrl}/_standin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(patch),
    }).catch(() => undefined);
    await this.poll();
  }
}

/**
 * The logic of `<ccp-recent-contacts>`, as a Lit ReactiveController: the pages of the agent's recent contacts read
 * through a ContactHistory (direct or relay), the queue names they need (each queue asked once, by the history), and
 * the opening of one contact (its stored attributes, read only then: never one read per row). Every read ends when the
 * host disconnects or a newer load replaces it.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { isAttributesError } from '../../src/errors.ts';
import type { ContactHistory, ContactSummary } from '../../src/history/types.ts';
import { withinWindow } from '../../src/history/types.ts';
import type { Attributes } from '../../src/validate.ts';
import { errorText } from '../messages/editor.ts';

/** What the controller reads from its element. */
export interface RecentHost extends ReactiveControllerHost {
  readonly isConnected: boolean;
  history: ContactHistory | undefined;
  pageSize: number;
}

/** Where the list stands. */
export type RecentStatus = 'idle' | 'loading' | 'ready' | 'failed';

/** The first page is asked for on connect; later pages on request. */
export class RecentController implements ReactiveController {
  readonly #host: RecentHost;
  #history: ContactHistory | undefined;
  #abort: AbortController | undefined;
  status: RecentStatus = 'idle';
  contacts: ContactSummary[] = [];
  nextToken: string | undefined;
  since: Date | undefined;
  /** Why the list or an opening failed, in the agent's words. */
  error: string | undefined;
  /** The contact being opened. */
  opening: string | undefined;
  /** Queue names by queue id, as they arrive. */
  readonly queueNames = new Map<string, string>();
  /** Queues asked for (one question each). */
  readonly #asked = new Set<string>();

  constructor(host: RecentHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    if (this.#host.history) void this.refresh();
  }

  hostUpdate(): void {
    // A new history starts a new list.
    if (this.#host.history !== this.#history && this.#host.isConnected) void this.refresh();
  }

  hostDisconnected(): void {
    this.#abort?.abort();
    this.#history = undefined;
  }

  /** Whether a contact may be opened for editing now. */
  editable(contact: ContactSummary, nowMs = Date.now()): boolean {
    return this.#history !== undefined && withinWindow(contact, this.#history.windowSeconds, nowMs);
  }

  /** Loads the first page again. */
  refresh(): Promise<void> {
    this.#history = this.#host.history;
    this.contacts = [];
    this.nextToken = undefined;
    return this.#load(undefined);
  }

  /** Loads the next page. */
  more(): Promise<void> {
    return this.nextToken ? this.#load(this.nextToken) : Promise.resolve();
  }

  async #load(nextToken: string | undefined): Promise<void> {
    const history = this.#history;
    this.#abort?.abort();
    if (!history) {
      this.status = 'idle';
      this.#host.requestUpdate();
      return;
    }
    const abort = (this.#abort = new AbortController());
    this.status = 'loading';
    this.error = undefined;
    this.#host.requestUpdate();
    try {
      const page = await history.recent({ maxResults: this.#host.pageSize, nextToken, signal: abort.signal });
      if (abort.signal.aborted) return;
      this.contacts = [...this.contacts, ...page.contacts];
      this.nextToken = page.nextToken;
      this.since = page.since;
      this.status = 'ready';
      this.#nameQueues(history, page.contacts, abort.signal);
    } catch (error) {
      if (abort.signal.aborted) return;
      this.status = 'failed';
      this.error = reason(error);
    }
    this.#host.requestUpdate();
  }

  /** Asks the history for each queue without a name (the relay names them in its summaries). */
  #nameQueues(history: ContactHistory, contacts: readonly ContactSummary[], signal: AbortSignal): void {
    for (const contact of contacts) {
      const { queueId, queueName } = contact;
      if (!queueId) continue;
      if (queueName) {
        this.queueNames.set(queueId, queueName);
        continue;
      }
      if (this.#asked.has(queueId)) continue;
      this.#asked.add(queueId);
      // A queue's name stays true after a refresh: it is kept even when the list that asked was replaced.
      void history.queueName(queueId, signal).then((name) => {
        if (!name) {
          this.#asked.delete(queueId);
          return;
        }
        this.queueNames.set(queueId, name);
        this.#host.requestUpdate();
      });
    }
  }

  /** Reads a contact's stored attributes, when it is within the window; undefined when it is not or the read failed. */
  async open(contact: ContactSummary): Promise<Attributes | undefined> {
    const history = this.#history;
    if (!history || !this.editable(contact)) return undefined;
    this.opening = contact.contactId;
    this.error = undefined;
    this.#host.requestUpdate();
    try {
      return await history.attributes(
        { instanceId: history.instanceId, initialContactId: contact.initialContactId, contactId: contact.contactId },
        this.#abort?.signal,
      );
    } catch (error) {
      this.error = reason(error);
      return undefined;
    } finally {
      this.opening = undefined;
      this.#host.requestUpdate();
    }
  }
}

function reason(error: unknown): string {
  if (isAttributesError(error)) return errorText(error);
  return error instanceof Error ? error.message : String(error);
}

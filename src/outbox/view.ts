/**
 * What this tab shows of the agent's writes: the contacts with a request on the wire, each contact's status, the
 * last error, the 'status' and 'change' events, and the progress and idle calls to the write() promises they drive.
 */
import type { AttributesError } from '../errors.ts';
import type { Emitter } from './emitter.ts';
import type { OutboxEventMap, OutboxState } from './events.ts';
import type { Leadership } from './leadership.ts';
import type { Ledger } from './ledger.ts';
import type { Mirror } from './mirror.ts';
import type { Settings } from './options.ts';
import { contactStatus, progressOf, StatusBoard, type ContactStatus } from './status.ts';
import type { Waiters } from './waiters.ts';

/** What the view needs of the Outbox. */
export interface ViewHost {
  settings: Settings;
  mirror: Mirror;
  emitter: Emitter<OutboxEventMap>;
  waiters: Waiters;
  ledger: Ledger;
  /** What queued relays accepted, per contact (see Ledger), while a write() of the contact waits. */
  acceptedLedger: Ledger;
  leadership: Leadership;
  /** True while this tab sends for all tabs. */
  flusher(): boolean;
  closed(): boolean;
  fail(error: unknown): void;
}

export class View {
  /** Contacts with a request on the wire (this tab's, or as the flusher tab reports them). */
  readonly sending = new Set<string>();
  lastError: AttributesError | undefined;
  readonly #statuses = new StatusBoard();
  readonly #host: ViewHost;

  constructor(host: ViewHost) {
    this.#host = host;
  }

  /** The outbox's state; `contacts` is computed when read (see `Outbox.state`). */
  state(): OutboxState {
    const mirror = this.#host.mirror;
    let contacts: Map<string, ContactStatus> | undefined;
    const statuses = (): Map<string, ContactStatus> => {
      contacts ??= new Map();
      for (const key of new Set([...mirror.contactKeys(), ...this.sending])) {
        const status = this.statusOf(key);
        if (status) contacts.set(key, status);
      }
      return contacts;
    };
    return {
      pending: mirror.pending().length,
      failed: mirror.failureCount,
      accepted: mirror.acceptedCount,
      flusher: this.#host.flusher(),
      get contacts(): ReadonlyMap<string, ContactStatus> {
        return contacts ?? statuses();
      },
      lastError: this.lastError,
    };
  }

  statusOf(key: string): ContactStatus | undefined {
    const { mirror, settings } = this.#host;
    const { clock } = settings;
    const sending = this.sending.has(key);
    return contactStatus(key, mirror.live(key), mirror.failures(key), sending, clock.now(), mirror.accepted(key));
  }

  setSending(key: string, sending: boolean, emit = true): void {
    if (this.sending.has(key) === sending) {
      if (emit) this.emitChange([key]);
      return;
    }
    if (sending) this.sending.add(key);
    else this.sending.delete(key);
    if (this.#host.flusher()) this.#host.leadership.post({ type: 'sending', contactKey: key, sending });
    if (emit) this.emitChange([key]);
  }

  emitChange(keys: Iterable<string>): void {
    const { emitter, waiters, mirror, ledger, acceptedLedger } = this.#host;
    if (this.#host.closed()) return;
    for (const key of keys) {
      const status = this.#statuses.change(key, this.statusOf(key));
      if (!status) continue;
      emitter.emit('status', status);
      const progress = progressOf(status);
      if (progress) waiters.progress(key, progress, (error) => this.#host.fail(error));
    }
    // What landed is kept only while a write() or a kept failure of the contact still needs it.
    for (const key of keys) {
      if (waiters.has(key)) continue;
      acceptedLedger.release(key);
      if (mirror.failures(key).length === 0) ledger.release(key);
    }
    const state = this.state();
    emitter.emit('change', state);
    waiters.idle(state.pending === 0);
  }
}

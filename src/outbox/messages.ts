/**
 * What every tab does with a change another tab told over the shared channel, or with the flusher's own outcome it
 * tells the others (see leadership.ts for the messages).
 */
import { AttributesError } from '../errors.ts';
import type { Aborts } from './aborts.ts';
import type { Emitter } from './emitter.ts';
import { fromStoredError } from './entry.ts';
import type { OutboxEventMap } from './events.ts';
import type { Message } from './leadership.ts';
import type { Ledger } from './ledger.ts';
import type { Mirror } from './mirror.ts';
import type { Settings } from './options.ts';
import { abortError } from './queue.ts';
import type { View } from './view.ts';
import type { Waiters } from './waiters.ts';

/** What handling a message needs of the Outbox. */
export interface MessageHost {
  settings: Settings;
  mirror: Mirror;
  emitter: Emitter<OutboxEventMap>;
  waiters: Waiters;
  ledger: Ledger;
  /** What queued relays accepted, per contact, while a write() of the contact waits. */
  acceptedLedger: Ledger;
  /** True while this tab sends for all tabs. */
  flusher(): boolean;
  /** Lets the flusher look for due entries. */
  schedule(): void;
  /** Sends every pending entry now (see `Outbox.flush`). */
  flush(): void;
}

/** Handles one message: `view` is what this tab shows, `aborts` its aborted writes. */
export function handleMessage(message: Message, host: MessageHost, view: View, aborts: Aborts): void {
  const { mirror, emitter, waiters } = host;
  switch (message.type) {
    case 'entry':
      mirror.apply(message.id, message.entry, message.revision);
      view.emitChange([message.contactKey]);
      host.schedule();
      break;
    case 'sending':
      if (!host.flusher()) view.setSending(message.contactKey, message.sending);
      break;
    case 'landed': {
      const { contactKey, contact, attributes, revisions, writeId } = message;
      if (waiters.has(contactKey) || mirror.failures(contactKey).length > 0) {
        waiters.settle(contactKey, host.ledger.record(contactKey, revisions));
      }
      emitter.emit('landed', { contact, attributes, ...(writeId ? { writeId } : {}) });
      view.emitChange([contactKey]);
      break;
    }
    case 'accepted': {
      const { contactKey, contact, attributes, revisions, writeId, requestId } = message;
      if (waiters.has(contactKey)) {
        const receipt = { state: 'accepted', writeId, ...(requestId ? { requestId } : {}) } as const;
        const accepted = host.acceptedLedger.record(contactKey, revisions);
        waiters.settle(contactKey, host.ledger.landed(contactKey), { revisions: accepted, receipt });
      }
      emitter.emit('accepted', { contact, attributes, writeId, ...(requestId ? { requestId } : {}) });
      view.emitChange([contactKey]);
      break;
    }
    case 'failed': {
      const { entry } = message;
      if (!mirror.owns(entry)) break;
      const error = entry.lastError
        ? fromStoredError(entry.lastError)
        : new AttributesError('server', 'The write failed.');
      view.lastError = error;
      waiters.reject(entry, error);
      emitter.emit('failed', { entry: structuredClone(entry), error });
      break;
    }
    case 'expired': {
      if (!mirror.owns(message.entry)) break;
      const reason = `The write was not sent within ${host.settings.maxAgeMs} ms and expired.`;
      waiters.reject(message.entry, new DOMException(reason, 'TimeoutError'));
      emitter.emit('expired', { entry: structuredClone(message.entry) });
      view.emitChange([message.entry.contactKey]);
      break;
    }
    case 'superseded':
      if (mirror.owns(message.entry)) emitter.emit('superseded', { entry: structuredClone(message.entry) });
      break;
    case 'dropped':
      if (mirror.owns(message.entry))
        emitter.emit('dropped', { entry: structuredClone(message.entry), reason: message.reason });
      break;
    case 'erased':
      waiters.reject(message, abortError('A later write of the same attribute was aborted before it was sent.'));
      view.emitChange([message.contactKey]);
      break;
    case 'abort':
      aborts.asked(message.contactKey, message.revisions);
      break;
    case 'aborted':
      aborts.aborted(message.contactKey, message.revisions);
      break;
    case 'flusher':
      aborts.led();
      break;
    case 'flush':
      if (host.flusher()) host.flush();
      break;
  }
}

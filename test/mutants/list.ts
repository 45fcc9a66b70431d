// Deliberately broken outboxes the model test and the fault suite must reject (`npm run mutants`). Each mutant is
// one precise text replacement in one source file: the runner refuses a mutant whose search text is missing or
// found more than once, so a refactor of the outbox cannot silently turn a mutant into a no-op. When the code a
// mutant breaks moves, point the mutant at the same behaviour in its new place.

/** One replacement in one file (path relative to the repository root). */
export interface Edit {
  file: string;
  search: string;
  replace: string;
}

/** A deliberate bug: what it breaks, and the edits that make it. */
export interface Mutant {
  name: string;
  edits: Edit[];
}

export const mutants: Mutant[] = [
  {
    name: 'a 500 treated as landed',
    edits: [
      {
        file: 'src/outbox/flight.ts',
        search: `  if (!error)\n    return {\n      type: 'landed',`,
        replace: `  if (!error || error.status === 500)\n    return {\n      type: 'landed',`,
      },
    ],
  },
  {
    name: 'the landed message not posted to other tabs',
    edits: [
      {
        file: 'src/outbox/outbox.ts',
        search: `    const announce = (message: Message): void => {\n      this.#leadership.post(message);`,
        replace: `    const announce = (message: Message): void => {\n      if (message.type !== 'landed') this.#leadership.post(message);`,
      },
    ],
  },
  {
    name: 'a closing flusher leaving its requests on the wire',
    edits: [
      {
        file: 'src/outbox/flusher.ts',
        search: `      flight.controller.abort(new DOMException('The outbox was closed.', 'AbortError'));\n      // The request may have reached`,
        replace: `      void flight.controller;\n      // The request may have reached`,
      },
    ],
  },
  {
    name: "expiry judged by the entry's creation time",
    edits: [
      {
        file: 'src/outbox/entry.ts',
        search: `return own(entry.queuedAt, key) ?? entry.createdAt;`,
        replace: `return entry.createdAt;`,
      },
    ],
  },
  {
    name: "a landed request's values not taken out",
    edits: [
      {
        file: 'src/outbox/flight.ts',
        search: `changes: [await takeOut(store, entry.id, sent.revisions, now, true)].flatMap((c) => c ?? []),`,
        replace: `changes: [],`,
      },
    ],
  },
  {
    name: 'aborted values still sent (not taken out of the queue)',
    edits: [
      {
        file: 'src/outbox/aborts.ts',
        search: `const change = await takeOut(this.#store, host.liveId(contactKey), revisions);`,
        replace: `const change = await Promise.resolve(undefined as Change | undefined);`,
      },
    ],
  },
  {
    name: 'retry() ignoring what landed',
    edits: [
      {
        file: 'src/outbox/queue.ts',
        search: `&& landedAt(key) < revisionOf(failed, key),`,
        replace: `&& landedAt(key) >= 0 && revisionOf(failed, key) >= 0,`,
      },
    ],
  },
  {
    name: 'any landing resolving every write of the contact',
    edits: [
      {
        file: 'src/outbox/waiters.ts',
        search: `if (waiter.contactKey === contactKey && covers(landed, waiter.revisions)) this.drop(waiter);`,
        replace: `if (waiter.contactKey === contactKey && (covers(landed, waiter.revisions) || true)) this.drop(waiter);`,
      },
    ],
  },
  {
    name: 'the mirror ignoring revision order',
    edits: [
      {
        file: 'src/outbox/mirror.ts',
        search: `if ((this.#entries.get(id)?.revision ?? 0) > revision || (this.#deleted.get(id) ?? 0) > revision) return false;`,
        replace: `if (revision < 0) return false;`,
      },
    ],
  },
  {
    name: 'backoff ignored',
    edits: [
      {
        file: 'src/outbox/flight.ts',
        search: `retryAt = now + backoffDelay(attempts, settings.backoff, settings.random, previous);`,
        replace: `retryAt = now + 0 * backoffDelay(attempts, settings.backoff, settings.random, previous);`,
      },
    ],
  },
  {
    name: 'a refused value kept as a failure and sent again',
    edits: [
      {
        file: 'src/outbox/flight.ts',
        search: `  const live = await takeOut(store, entry.id, sent.revisions, now);\n  if (live) changes.push(live);`,
        replace: `  const live = undefined as Change | undefined;\n  if (live) changes.push(live);`,
      },
    ],
  },
  {
    name: 'every unsent value expired on each expiry pass',
    edits: [
      {
        file: 'src/outbox/flusher.ts',
        search: `await expireBefore(store, now - maxAgeMs,`,
        replace: `await expireBefore(store, now + 1 + 0 * maxAgeMs,`,
      },
    ],
  },
  {
    name: 'never retrying (a retryable error kept as a failure)',
    edits: [
      {
        file: 'src/outbox/flight.ts',
        search: `return error.retryable || (error.kind === 'auth' && authRefusals < authRetries);`,
        replace: `return false && (error.retryable || (error.kind === 'auth' && authRefusals < authRetries));`,
      },
    ],
  },
  // Our own.
  {
    name: 'values of aborted writes not held back while the store forgets them',
    edits: [
      {
        file: 'src/outbox/flusher.ts',
        search: `!abandoned.some((gone) => own(gone, name) === own(revisions, name));`,
        replace: `abandoned.length >= 0 || name === own(revisions, name);`,
      },
    ],
  },
  {
    name: 'values written while a request was out taken out with it',
    edits: [
      {
        file: 'src/outbox/entry.ts',
        search: `  return own(sent, key) === revisionOf(entry, key);\n}`,
        replace: `  return own(sent, key) !== undefined || revisionOf(entry, key) < 0;\n}`,
      },
    ],
  },
  {
    name: 'a 429 not holding back the other contacts',
    edits: [
      {
        file: 'src/outbox/flusher.ts',
        search: `if (result.error.kind === 'throttled') this.#pump.pause(result.retryAt);`,
        replace: `if (result.error.kind === 'throttled') void result.retryAt;`,
      },
    ],
  },
  {
    name: 'a failure or expiry rejecting every write of the contact',
    edits: [
      {
        file: 'src/outbox/waiters.ts',
        search: `if (waiter.contactKey === entry.contactKey && holdsAny(entry, waiter.revisions)) this.drop(waiter, error);`,
        replace: `if (waiter.contactKey === entry.contactKey && (holdsAny(entry, waiter.revisions) || true)) this.drop(waiter, error);`,
      },
    ],
  },
  {
    name: 'expiry dropping values a request in flight carries',
    edits: [
      {
        file: 'src/outbox/flusher.ts',
        search: `const inFlight = (id: string): Revisions | undefined => this.#inFlight.get(contactKeyOfLive(id))?.sent.revisions;`,
        replace: `const inFlight = (id: string): Revisions | undefined => (id ? undefined : this.#inFlight.get(id)?.sent.revisions);`,
      },
    ],
  },
  {
    name: 'an abort taking out values a request in flight carries',
    edits: [
      {
        file: 'src/outbox/aborts.ts',
        search: `const touched = (key: string): boolean => own(carried, key) !== undefined || own(maybeStored, key) !== undefined;`,
        replace: `const touched = (key: string): boolean => own(maybeStored, key) !== undefined && carried !== null;`,
      },
    ],
  },
  {
    name: 'an abort taking out values that failed ambiguously (maybe stored)',
    edits: [
      {
        file: 'src/outbox/aborts.ts',
        search: `const touched = (key: string): boolean => own(carried, key) !== undefined || own(maybeStored, key) !== undefined;`,
        replace: `const touched = (key: string): boolean => own(carried, key) !== undefined && maybeStored !== null;`,
      },
    ],
  },
];

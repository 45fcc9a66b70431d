/**
 * The order of WorkspaceContactSource's work per contact: each event of a contact waits for the one before it, and
 * a contact not seen before also waits for the first read of the contact that arrived before it. Reads take varying
 * time, and the tracker takes the order in which contacts are first reported as their arrival order (the newest is
 * the one shown in the idle scope).
 */
export class ContactWorkOrder {
  /** The first read of the contact that arrived last: a new contact waits for it. */
  #arrivals: Promise<void> = Promise.resolve();
  /** Before any work: the source connected. */
  #ready: Promise<void> = Promise.resolve();
  /** Per contact, the work in order. */
  readonly #chains = new Map<string, Promise<void>>();

  /** Starts over: work waits for `ready`. */
  restart(ready: Promise<void>): void {
    this.#ready = ready;
    this.#arrivals = ready;
  }

  /** Forgets the work queued (what runs still settles, unheard: its tasks check their generation). */
  clear(): void {
    this.#chains.clear();
  }

  /** True while work of `contactId` is queued. */
  has(contactId: string): boolean {
    return this.#chains.has(contactId);
  }

  /**
   * Runs `task` after the contact's earlier work, or, for a contact `isNew` (neither queued nor known), after the
   * first read of the contact that arrived before it; `onError` gets what `task` threw.
   */
  enqueue(
    contactId: string,
    isNew: boolean,
    task: () => Promise<void> | undefined,
    onError: (error: unknown) => void,
  ): void {
    const previous = isNew ? this.#arrivals : (this.#chains.get(contactId) ?? this.#ready);
    const next = previous.then(task).catch(onError);
    this.#chains.set(contactId, next);
    if (isNew) this.#arrivals = next;
    void next.then(() => {
      if (this.#chains.get(contactId) === next) this.#chains.delete(contactId);
    });
  }
}

/** A tiny typed event emitter with the same `on(type, listener) -> unsubscribe` shape as the contact tracker. */

/** Subscribes to typed events; returns the unsubscribe function. */
export interface Subscribable<Events> {
  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void;
}

/** Keeps listeners per event type and calls them in subscription order; a throwing listener does not stop the others. */
export class Emitter<Events> implements Subscribable<Events> {
  readonly #listeners = new Map<keyof Events, Set<(event: never) => void>>();

  on<K extends keyof Events>(type: K, listener: (event: Events[K]) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Calls every listener of `type` with `event`. */
  emit<K extends keyof Events>(type: K, event: Events[K]): void {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        (listener as (event: Events[K]) => void)(event);
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  /** Drops every listener. */
  clear(): void {
    this.#listeners.clear();
  }
}

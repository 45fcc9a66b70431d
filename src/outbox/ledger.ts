/**
 * What landed, per contact: for each key the highest store revision a landed request carried. It settles the
 * writes waiting on those keys and tells which kept failures newer values superseded. A contact's record is held
 * only while something of it is still waiting (a write() promise or a kept failure): `release` drops it then, so a
 * long shift does not grow memory.
 */
import { own, type Revisions } from './entry.ts';

export class Ledger {
  readonly #landed = new Map<string, Revisions>();

  /** Records the revisions a landed request of the contact carried; returns everything that landed for it. */
  record(contactKey: string, revisions: Readonly<Revisions>): Readonly<Revisions> {
    const landed = { ...this.#landed.get(contactKey) };
    const higher = Object.entries(revisions).filter(([key, revision]) => revision > (own(landed, key) ?? 0));
    const next = { ...landed, ...Object.fromEntries(higher) };
    this.#landed.set(contactKey, next);
    return next;
  }

  /** Everything that landed for the contact since its record was last released. */
  landed(contactKey: string): Readonly<Revisions> {
    return this.#landed.get(contactKey) ?? {};
  }

  /** Drops the contact's record. */
  release(contactKey: string): void {
    this.#landed.delete(contactKey);
  }

  /** How many contacts have a record. */
  get size(): number {
    return this.#landed.size;
  }
}

/**
 * The kept failures of the viewed contact: writes Amazon Connect refused with an error that sending again cannot
 * fix by itself, which the outbox keeps until the agent or the page decides (`failures()`, `retry(id)`,
 * `discard(id)` and its `change` event in src/outbox/outbox.ts). Shown above the fields with Retry and Discard
 * (failures-list.ts, loaded once the viewed contact has one); the outcome of each action is said in a live region,
 * and focus stays in the list when an item goes.
 *
 * A ReactiveController of the element. The writer is only read through the `FailureKeeper` shape, checked at run
 * time: a writer without it (a custom AttributeWriter) has no kept failures to show, and the list is not rendered.
 */
import { nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import { AttributesError, isAttributesError } from '../../src/errors.ts';
import type { OutboxEntry } from '../../src/outbox/types.ts';
import type { ContactModel } from '../../src/tracker/types.ts';
import type { AttributeWriter } from '../../src/writer.ts';
import type { AttributesSchema } from '../schema.ts';
import type { Outcome, renderFailures } from './failures-list.ts';

/** What the list needs of a writer that keeps refused writes: the outbox's methods of the same names. */
export interface FailureKeeper {
  /** Kept failures, oldest first (every contact's). */
  failures(): readonly OutboxEntry[];
  /**
   * Sends a kept failure's values again; resolves once they landed (or a queued relay accepted them: its receipt
   * says so), rejects with the error when refused again.
   */
  retry(id: string): Promise<{ readonly state: string } | undefined>;
  /** Deletes a kept failure for good. */
  discard(id: string): Promise<void>;
  /**
   * Subscribes to every change of what the writer holds; returns the unsubscribe function. The outbox passes its
   * state, whose `failed` counts the kept failures: the list is read again only when that count moves (each change
   * is one entry, so a failure kept, retried, discarded or superseded always moves it).
   */
  on(type: 'change', listener: (state: { readonly failed?: unknown } | undefined) => void): () => void;
  /**
   * The agent whose failures `failures()` lists (the outbox's `agent`): on a shared desk another agent may keep as
   * many failures as the former, so the list is read again when it changes too.
   */
  readonly agent?: unknown;
}

/** The writer as a FailureKeeper, or undefined when it lacks one of the methods. */
export function keeperOf(writer: AttributeWriter | undefined): FailureKeeper | undefined {
  const candidate = writer as Partial<Record<keyof FailureKeeper, unknown>> | undefined;
  return candidate &&
    typeof candidate.failures === 'function' &&
    typeof candidate.retry === 'function' &&
    typeof candidate.discard === 'function' &&
    typeof candidate.on === 'function'
    ? (writer as unknown as FailureKeeper)
    : undefined;
}

function contactKeyOf(contact: Pick<ContactModel, 'instanceId' | 'initialContactId'>): string {
  return `${contact.instanceId}/${contact.initialContactId}`;
}

/** The list's module, imported once for every editor of the page (a failed import is tried again on the next need). */
let render: typeof renderFailures | undefined;
let loading: Promise<unknown> | undefined;

/** What the view needs from its element. */
export interface FailuresHost extends ReactiveControllerHost {
  readonly writer: AttributeWriter | undefined;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class FailuresView implements ReactiveController {
  readonly #host: FailuresHost;
  #keeper: FailureKeeper | undefined;
  #unsubscribe: (() => void) | undefined;
  #connected = false;
  /** The kept failures as last read; read again on the render after a change. */
  #all: readonly OutboxEntry[] = [];
  #stale = true;
  /** Failures with an action under way: their buttons are disabled. */
  readonly #busy = new Set<string>();
  #outcome: Outcome | undefined;
  /** Where the item acted on was, while focus must follow it when it goes. */
  #focusIndex: number | undefined;

  constructor(host: FailuresHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#connected = true;
    this.#follow();
  }

  hostDisconnected(): void {
    this.#connected = false;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#keeper = undefined;
  }

  hostUpdate(): void {
    this.#follow();
  }

  /** The viewed contact's kept failures, oldest first. */
  failuresOf(contact: ContactModel): OutboxEntry[] {
    const keeper = this.#keeper;
    if (!keeper) return [];
    if (this.#stale) {
      this.#stale = false;
      try {
        this.#all = keeper.failures();
      } catch (error) {
        console.error('<ccp-attributes>: the writer could not list its kept failures', error);
        this.#all = [];
      }
    }
    const { instanceId, initialContactId } = contact;
    return this.#all.filter(
      (entry) => entry.contact.instanceId === instanceId && entry.contact.initialContactId === initialContactId,
    );
  }

  /** The list and the outcome line, for the viewed contact (nothing for a writer that keeps no failures). */
  render(contact: ContactModel, schema: AttributesSchema | undefined): TemplateResult | typeof nothing {
    if (!this.#keeper) return nothing;
    const failures = this.failuresOf(contact);
    const outcome = this.#outcome?.contactKey === contactKeyOf(contact) ? this.#outcome : undefined;
    if (!render) {
      if (failures.length > 0) this.#loadList();
      return nothing;
    }
    return render({
      failures,
      outcome,
      schema,
      busy: this.#busy,
      retry: (entry, index) => void this.#act(entry, index, (keeper) => keeper.retry(entry.id), 'retried'),
      discard: (entry, index) =>
        void this.#act(entry, index, (keeper) => keeper.discard(entry.id).then(() => undefined), 'discarded'),
    });
  }

  /** Resolves once the list's module is loaded (at once when it is, or when the viewed contact has no failure). */
  async listLoaded(): Promise<void> {
    await loading;
  }

  #loadList(): void {
    loading ??= import('./failures-list.ts').then(
      (module) => (render = module.renderFailures),
      (error: unknown) => {
        loading = undefined;
        console.error('<ccp-attributes>: the list of kept failures could not load', error);
      },
    );
    void loading.then(() => this.#host.requestUpdate());
  }

  /** Moves focus off an item that went (retried or discarded): to the item now in its place, else the outcome. */
  hostUpdated(): void {
    const index = this.#focusIndex;
    if (index === undefined) return;
    const root = this.#host.renderRoot;
    const document = root.ownerDocument;
    // Focus stays where the agent put it, unless the button that had it went away (focus then falls to the body).
    if (document.activeElement !== document.body && document.activeElement !== null) return;
    const items = [...root.querySelectorAll<HTMLElement>('.failure')];
    const target =
      items[Math.min(index, items.length - 1)]?.querySelector<HTMLButtonElement>('button:not([disabled])') ??
      root.querySelector<HTMLElement>('[part~="failures-outcome"]');
    target?.focus();
  }

  async #act(
    entry: OutboxEntry,
    index: number,
    action: (keeper: FailureKeeper) => Promise<{ readonly state: string } | undefined>,
    done: 'retried' | 'discarded',
  ): Promise<void> {
    const keeper = this.#keeper;
    if (!keeper || this.#busy.has(entry.id)) return;
    const base = { contactKey: contactKeyOf(entry.contact), keys: Object.keys(entry.attributes) };
    this.#busy.add(entry.id);
    this.#focusIndex = index;
    if (done === 'retried') this.#outcome = { ...base, kind: 'retrying' };
    this.#host.requestUpdate();
    try {
      const receipt = await action(keeper);
      this.#outcome = { ...base, kind: receipt?.state === 'accepted' ? 'retry-accepted' : done };
    } catch (error) {
      this.#outcome = { ...base, kind: done === 'retried' ? 'retry-failed' : 'discard-failed', error: toError(error) };
    } finally {
      this.#busy.delete(entry.id);
      this.#stale = true;
      this.#host.requestUpdate();
      await this.#host.updateComplete;
      this.#focusIndex = undefined;
    }
  }

  /** Subscribes to the writer's changes when the element is given another writer. */
  #follow(): void {
    if (!this.#connected) return;
    const writer = this.#host.writer;
    const keeper = keeperOf(writer);
    if (keeper === this.#keeper && (keeper === undefined || this.#unsubscribe)) return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#keeper = keeper;
    this.#stale = true;
    this.#all = [];
    if (!keeper) return;
    try {
      let failed: unknown;
      let agent: unknown = keeper.agent;
      this.#unsubscribe = keeper.on('change', (state) => {
        // Without a count, every change is taken as one of the failures.
        const count = state?.failed;
        const named = keeper.agent;
        if (typeof count === 'number' && count === failed && named === agent) return;
        failed = count;
        agent = named;
        this.#stale = true;
        this.#host.requestUpdate();
      });
    } catch (error) {
      console.error('<ccp-attributes>: the writer refused a change listener; its kept failures are not shown', error);
      this.#keeper = undefined;
    }
  }
}

function toError(error: unknown): AttributesError {
  if (isAttributesError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AttributesError('network', message);
}

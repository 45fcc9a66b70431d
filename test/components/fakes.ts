// A fake contact tracker and writer for the editor's unit tests, plus helpers to drive the element.
import sinon from 'sinon';
import { recordLandedWrites } from '../../src/tagging/tagger.ts';
import { AttributesError } from '../../src/errors.ts';
import { createOutbox, MemoryOutboxStore, type Outbox, type OutboxSender } from '../../src/outbox/index.ts';
import type {
  AgentInfo,
  ContactModel,
  ContactTrackerLike,
  HostConnection,
  TrackerEventMap,
  TrackerEventType,
} from '../../src/tracker/types.ts';
import { mergeAttributes, type Attributes } from '../../src/validate.ts';
import type { AttributeWriter, ContactRef, WriteOptions } from '../../src/writer.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import type { CcpAttributeField } from '../../components/ccp-attribute-field.ts';

/** A contact model with sensible defaults. */
export function contact(overrides: Partial<ContactModel> = {}): ContactModel {
  const contactId = overrides.contactId ?? 'c-1';
  return {
    contactId,
    initialContactId: contactId,
    instanceId: 'instance-1',
    region: 'us-east-1',
    arnSource: 'routing-profile',
    instanceError: undefined,
    channel: 'voice',
    state: 'connected',
    queue: { name: 'Support', arn: undefined },
    attributes: {},
    monitoring: false,
    ended: false,
    ...overrides,
  };
}

/** A tracker under the test's control: set contacts, view one, change attributes; emits `change` like the real one. */
export class FakeTracker implements ContactTrackerLike {
  agent: AgentInfo | undefined = undefined;
  /** Left undefined (a tracker that does not say) unless a test sets it. */
  connection: HostConnection | undefined;
  contacts = new Map<string, ContactModel>();
  viewed: ContactModel | undefined;
  readonly listeners = new Map<string, Set<(event: never) => void>>();
  readonly recordWrite = sinon.spy((initialContactId: string, attributes: Readonly<Attributes>) => {
    for (const model of this.contacts.values()) {
      if (model.initialContactId === initialContactId)
        this.update(model.contactId, { attributes: mergeAttributes(model.attributes, attributes) });
    }
  });

  constructor(...models: ContactModel[]) {
    for (const model of models) this.contacts.set(model.contactId, model);
    this.viewed = models[0];
  }

  on<K extends TrackerEventType>(type: K, listener: (event: TrackerEventMap[K]) => void): () => void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  dispose(): void {
    this.listeners.clear();
  }

  /** Number of `change` listeners. */
  get listenerCount(): number {
    return this.listeners.get('change')?.size ?? 0;
  }

  #emit(): void {
    for (const listener of this.listeners.get('change') ?? []) {
      (listener as (event: TrackerEventMap['change']) => void)({
        agent: this.agent,
        connection: this.connection,
        contacts: this.contacts,
        viewed: this.viewed,
      });
    }
  }

  /** Whether the host answers, as the real tracker reports it. */
  connect(connection: HostConnection): void {
    this.connection = connection;
    this.#emit();
  }

  add(model: ContactModel): void {
    this.contacts.set(model.contactId, model);
    this.#emit();
  }

  view(contactId: string | undefined): void {
    this.viewed = contactId === undefined ? undefined : this.contacts.get(contactId);
    this.#emit();
  }

  /** Replaces a contact's model (as the real tracker does on every snapshot). */
  update(contactId: string, patch: Partial<ContactModel>): void {
    const model = this.contacts.get(contactId);
    if (!model) throw new Error(`no contact ${contactId}`);
    const next = { ...model, ...patch };
    this.contacts.set(contactId, next);
    if (this.viewed?.contactId === contactId) this.viewed = next;
    this.#emit();
  }

  remove(contactId: string): void {
    this.contacts.delete(contactId);
    if (this.viewed?.contactId === contactId) this.viewed = [...this.contacts.values()].at(-1);
    this.#emit();
  }
}

export type SendStub = sinon.SinonStub<[ContactRef, Readonly<Attributes>, WriteOptions?], Promise<void>>;

type LandedListener = (event: { contact: ContactRef; attributes: Attributes }) => void;

/**
 * A writer that behaves like the plugin's outbox: `write` (a sinon spy) sends through `send` (a sinon stub that
 * resolves by default: script it to delay or fail) and, when the send resolved, emits `landed` before the write's
 * promise settles, as the outbox does.
 */
export class FakeWriter implements AttributeWriter {
  readonly send: SendStub = sinon.stub<[ContactRef, Readonly<Attributes>, WriteOptions?], Promise<void>>().resolves();
  readonly #landed = new Set<LandedListener>();
  readonly #trackers = new Set<Pick<ContactTrackerLike, 'recordWrite'>>();

  readonly write = sinon.spy(
    async (contact: ContactRef, attributes: Readonly<Attributes>, options?: WriteOptions): Promise<void> => {
      await this.send(contact, attributes, options);
      for (const listener of [...this.#landed]) listener({ contact, attributes: { ...attributes } });
    },
  );

  /** Listens to `landed` (the only event it emits; the outbox's others are never heard). */
  on(type: string, listener: LandedListener): () => void {
    if (type !== 'landed') return () => undefined;
    this.#landed.add(listener);
    return () => this.#landed.delete(listener);
  }

  /** Wires landed writes into a tracker as the plugin does (`recordLandedWrites`); once per tracker. */
  recordInto(tracker: Pick<ContactTrackerLike, 'recordWrite'> | undefined): this {
    if (tracker && !this.#trackers.has(tracker)) {
      this.#trackers.add(tracker);
      recordLandedWrites(this, tracker);
    }
    return this;
  }
}

/** A writer like the plugin's outbox; with a tracker, wired to record what lands into it. */
export function fakeWriter(tracker?: Pick<ContactTrackerLike, 'recordWrite'>): FakeWriter {
  return new FakeWriter().recordInto(tracker);
}

/** A promise with its resolve/reject functions. */
export function deferred<T = void>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (reason: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Waits until the element and all its rows rendered. */
export async function settle(el: CcpAttributes): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await el.updateComplete;
    await Promise.all([...el.shadowRoot!.querySelectorAll('ccp-attribute-field')].map((row) => row.updateComplete));
  }
}

export function $(el: CcpAttributes, selector: string): HTMLElement | null {
  return el.shadowRoot!.querySelector<HTMLElement>(selector);
}

export function $$(el: CcpAttributes, selector: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(selector)];
}

/** The rows (`<ccp-attribute-field>`) in their order on screen. */
export function rows(el: CcpAttributes): CcpAttributeField[] {
  return [...el.shadowRoot!.querySelectorAll('ccp-attribute-field')];
}

export function row(el: CcpAttributes, key: string): CcpAttributeField {
  const found = rows(el).find((candidate) => candidate.fieldKey === key);
  if (!found) throw new Error(`no row for ${key}`);
  return found;
}

/** The input/textarea/select of a row. */
export function control(el: CcpAttributes, key: string): HTMLInputElement {
  const found = row(el, key).querySelector<HTMLInputElement>('[part~="input"]');
  if (!found) throw new Error(`no input for ${key}`);
  return found;
}

/** The select of a row (an enum field): fails when the row's control is another element. */
export function selectControl(el: CcpAttributes, key: string): HTMLSelectElement {
  const found = row(el, key).querySelector('[part~="input"]');
  if (!found) throw new Error(`no input for ${key}`);
  // By tag name, not instanceof: the editor may live in an iframe (another realm).
  if (found.tagName !== 'SELECT') throw new Error(`the input for ${key} is a ${found.tagName}, not a SELECT`);
  return found as HTMLSelectElement;
}

/** Types a whole value as the browser would report it (one input event). */
export async function typeInto(
  el: CcpAttributes,
  input: HTMLInputElement | HTMLTextAreaElement,
  value: string,
): Promise<void> {
  input.value = value;
  input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  await settle(el);
}

/** A button by its accessible name: its text without the parts hidden from assistive technology. */
export function button(el: CcpAttributes, name: string): HTMLButtonElement {
  // By node type, not instanceof: the editor may live in an iframe (another realm), as in the workspace tests.
  const spoken = (node: Node): string =>
    node.nodeType === Node.ELEMENT_NODE
      ? (node as Element).getAttribute('aria-hidden') === 'true'
        ? ''
        : [...node.childNodes].map(spoken).join('')
      : node.nodeType === Node.TEXT_NODE
        ? (node.textContent ?? '')
        : '';
  const found = [...el.shadowRoot!.querySelectorAll('button')].find(
    (candidate) => spoken(candidate).replace(/\s+/g, ' ').trim() === name,
  );
  if (!found) throw new Error(`no button "${name}"`);
  return found;
}

export function text(el: CcpAttributes, selector: string): string {
  return ($(el, selector)?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** A refusal that keeps a failure (a 400: Amazon Connect refused the values), in the words the editor translates. */
export function refusal(): AttributesError {
  return new AttributesError('validation', 'Amazon Connect refused these attributes.', { status: 400 });
}

/**
 * A real outbox over a memory store, sending through `send` (a sinon stub: script it) and recording what lands into
 * the tracker as the plugin does; `refuse()` writes values the stub refuses once, so the outbox keeps them as a failure.
 */
export function stubbedOutbox(tracker: Pick<ContactTrackerLike, 'recordWrite'>): {
  outbox: Outbox;
  send: sinon.SinonStub<Parameters<OutboxSender>, ReturnType<OutboxSender>>;
  refuse: (model: ContactModel, attributes: Attributes) => Promise<void>;
} {
  const send = sinon.stub<Parameters<OutboxSender>, ReturnType<OutboxSender>>().resolves();
  const outbox = createOutbox({ store: new MemoryOutboxStore(), sender: send });
  outbox.on('landed', ({ contact, attributes }) => tracker.recordWrite(contact.initialContactId, attributes));
  const refuse = async (model: ContactModel, attributes: Attributes): Promise<void> => {
    const { contactId, initialContactId, instanceId, region } = model;
    send.onCall(send.callCount).rejects(refusal());
    const kept = outbox.state.failed;
    await outbox.write({ contactId, initialContactId, instanceId, region }, attributes).catch(() => undefined);
    for (let i = 0; i < 200 && outbox.state.failed === kept; i++) await new Promise((r) => setTimeout(r, 5));
  };
  return { outbox, send, refuse };
}

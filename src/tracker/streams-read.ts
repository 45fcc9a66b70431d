/// <reference types="amazon-connect-streams" preserve="true" />
/**
 * Reading Streams for the Streams adapter (streams-source.ts): its contacts as the tracker's source contacts, the
 * events a contact's state implies when the adapter meets it late, the CCP frame Streams made, and the container a
 * page gives for one. Sources: node_modules/amazon-connect-streams/release/connect-streams.js and its type
 * definitions (index.d.ts).
 */
import type { SourceContact, SourceEventType } from './source.ts';

/** Streams fields its type definitions leave out. */
export interface StreamsInternals {
  /** Optional: a page may load a partial or older Streams global, or read it before Streams set it up. */
  core?: { initialized?: boolean; getEventBus?(): connect.EventBus | null | undefined };
  agent: { initialized?: boolean };
}

/** The name Streams gives its CCP iframe (it refuses a second initCCP while one exists). */
export const CCP_IFRAME_NAME = 'Amazon Connect CCP';

/**
 * True when the page holds a CCP frame made by initCCP: in the document (Streams looks its frame up the same way:
 * core._getCCPIframe), or in the shadow root that holds `container` (a component rendering into its shadow root), which
 * a document-wide lookup does not see.
 */
export function hasCcpFrame(container: HTMLElement): boolean {
  const named = (root: ParentNode): boolean =>
    Array.from(root.querySelectorAll('iframe')).some((frame) => frame.name === CCP_IFRAME_NAME);
  if (named(document)) return true;
  const root = container.getRootNode();
  // A connected container whose root is not the document is in a shadow root (a DocumentFragment) on the page.
  return container.isConnected && root.nodeType === Node.DOCUMENT_FRAGMENT_NODE && named(root as DocumentFragment);
}

/** Streams contact events and what the source reports for each (the contactEventGraph's targets). */
export const STATE_EVENTS: readonly [string, SourceEventType][] = [
  ['contact::incoming', 'connecting'],
  ['contact::pending', 'connecting'],
  ['contact::connecting', 'connecting'],
  ['contact::connected', 'connected'],
  ['contact::missed', 'missed'],
  ['contact::acw', 'acw'],
  ['contact::ended', 'ended'],
  ['contact::accepted', 'accepted'],
];

/** Streams bus events after which the agent must sign in again (connect.EventType in release/connect-streams.js). */
export const SIGNED_OUT_EVENTS = [
  'ack_timeout',
  'auth_fail',
  'terminated',
  'authorize_retries_exhausted',
  'cti_authorize_retries_exhausted',
] as const;

/** What Streams would have fired for a contact first seen in `state` (init -> state in its contactEventGraph). */
export function eventsFromInit(state: string): SourceEventType[] {
  switch (state) {
    case 'incoming':
    case 'pending':
    case 'connecting':
      return ['connecting'];
    case 'connected':
      return ['connected'];
    case 'ended':
      return ['acw']; // init -> ended fires ACW but not ENDED (ENDED needs an active previous state)
    default:
      return [];
  }
}

export function contactIdOf(data: unknown): string | undefined {
  if (data === null || typeof data !== 'object') return undefined;
  const candidate = data as { getContactId?: unknown; contactId?: unknown };
  if (typeof candidate.getContactId === 'function') {
    const id: unknown = (candidate.getContactId as () => unknown).call(data);
    if (typeof id === 'string') return id;
  }
  return typeof candidate.contactId === 'string' ? candidate.contactId : undefined;
}

/** A string Streams gave, or '' when it gave none (its typings promise more than its snapshots always hold). */
function text(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Reads one contact through Streams' public Contact API (a Contact or a ContactSnapshot). */
export function readStreamsContact(contact: connect.Contact): SourceContact | undefined {
  try {
    const agentConnection = contact.getAgentConnection() as connect.BaseConnection | undefined | null;
    const connectionType = agentConnection ? text(agentConnection.getType()) : '';
    const monitorStatus =
      agentConnection && 'getMonitorStatus' in agentConnection
        ? text((agentConnection as { getMonitorStatus(): unknown }).getMonitorStatus())
        : '';
    const queue = contact.getQueue() as connect.Queue | null | undefined;
    return {
      contactId: contact.getContactId(),
      initialContactId: contact.getInitialContactId(),
      type: text(contact.getType()),
      state: text((contact.getState() as { type?: unknown } | undefined)?.type),
      queue: queue ? { name: queue.name, arn: queue.queueARN || undefined } : undefined,
      attributes: contact.getAttributes(),
      monitoring: connectionType === 'monitoring' || monitorStatus === 'SILENT_MONITOR' || monitorStatus === 'BARGE',
    };
  } catch {
    return undefined; // the contact left the snapshot
  }
}

/** HTML elements that cannot hold the CCP's iframe: void elements (no children), and some whose children show nothing. */
const NOT_CONTAINER = /^(area|br|col|embed|hr|img|input|source|track|wbr|iframe|template|script|style)$/;

/**
 * The container Streams' initCCP appends its iframe to (`containerDiv.appendChild`, connect-streams.js
 * `_createCCPIframe`), checked: an element of the HTML namespace that shows its children. Checked by its node type
 * and namespace rather than `instanceof HTMLElement`, which fails for an element of another frame.
 */
export function checkContainer(container: unknown): HTMLElement {
  const node = container as Partial<Element> | null | undefined;
  const element = typeof container === 'object' && node?.nodeType === 1;
  if (element && node.namespaceURI === 'http://www.w3.org/1999/xhtml' && !NOT_CONTAINER.test(node.localName ?? ''))
    return container as HTMLElement; // checked above, across frames too
  const what = element
    ? `<${node.localName ?? ''}>`
    : container === null
      ? 'null: no element found?'
      : typeof container;
  throw new TypeError(
    container === undefined
      ? 'createStreamsTracker: `container` is required with `initCCP`.'
      : `createStreamsTracker: \`container\` must be an element that can hold the CCP iframe, like a <div> (got ${what}).`,
  );
}

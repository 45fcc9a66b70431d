/**
 * The stand-in CCP's side of Streams' postMessage protocol: what the CCP's shared worker answers
 * (connect-streams.js: ClientEngine, handleAPIRequest, handleMasterRequest):
 * - `acknowledge` for every `synchronize` (the keepalive);
 * - `api_response` for every `api_request` (unknown methods get an error, never silence);
 * - `master_response` for `master_request`; every `broadcast` echoed back as `{event, data}`.
 * Streams checks the message source, not the origin, so the page answers its parent window only.
 */
import { ContactBook } from './contacts.ts';
import type { ChosenState } from './snapshot.ts';
import type { ApiRequestRecord } from './scenario.ts';

/** What the protocol reads and changes of the stand-in CCP. */
export interface CcpCore {
  readonly book: ContactBook;
  /** ms between a state-changing request and the snapshot that shows it. */
  readonly latency: number;
  /** This CCP's port id (the worker's, for master requests and snapshot paging). */
  readonly portId: string;
  /** Sends the agent data now, after a change. */
  postSnapshot(): void;
  /** A ringing contact the agent accepted becomes connected. */
  connectNow(contactId: string): void;
  /** The agent chose a state (putAgentState). */
  chooseState(state: ChosenState): void;
  agentData(): { snapshot: Record<string, unknown>; configuration: Record<string, unknown> };
  configuration(): Record<string, unknown>;
}

interface Message {
  event: string;
  data?: unknown;
}

interface Request {
  requestId: string;
  method: string;
  params?: Record<string, unknown>;
}

type Handler = (params: Record<string, unknown>) => unknown;

/** An error answered to Streams with its AWS-like type. */
function typed(message: string, type: string): Error {
  return Object.assign(new Error(message), { type });
}

/** Answers Streams for one CCP. */
export class CcpProtocol {
  /** Every api_request, answered or refused, in order. */
  readonly requests: ApiRequestRecord[] = [];
  /** The event names Streams sent (the first 1000). */
  readonly upstreamEvents: string[] = [];
  /** What each `configure` message carried (initCCP's softphone, chat, task and page options), in order. */
  readonly configurations: unknown[] = [];
  readonly #core: CcpCore;
  readonly #upstream: Window;
  /** Accepts waiting for Streams' contact::accepted broadcast, by contactId. */
  readonly #pendingAccepts = new Map<string, () => void>();
  /** The master of each topic (one port here, so always this one once taken). */
  readonly #masters = new Map<string, string>();
  readonly #handlers: Readonly<Record<string, Handler>>;

  /**
   * True while the agent is signed out: the page plays the CCP's login page, which runs none of Streams' protocol
   * (no acknowledgement, no answers), so Streams meets what it meets with a signed-out CCP.
   */
  silent = false;

  constructor(core: CcpCore, upstream: Window) {
    this.#core = core;
    this.#upstream = upstream;
    this.#handlers = this.#apiHandlers();
  }

  send(event: string, data?: unknown): void {
    this.#upstream.postMessage({ event, data }, '*');
  }

  /** Handles one message from the page; others are ignored. */
  onMessage(event: MessageEvent<unknown>): void {
    if (event.source !== this.#upstream) return;
    const message = event.data as Message | null;
    if (!message || typeof message !== 'object' || typeof message.event !== 'string') return;
    if (this.upstreamEvents.length < 1000) this.upstreamEvents.push(message.event);
    if (this.silent) return;
    switch (message.event) {
      case 'synchronize':
        this.send('acknowledge');
        break;
      case 'api_request':
        this.#answerApi(message.data as Request);
        break;
      case 'master_request':
        this.#answerMaster(message.data as Request);
        break;
      case 'broadcast': {
        // The shared worker sends every broadcast back to all tabs (that is how contact::accepted reaches listeners).
        const { event: name, data } = (message.data ?? {}) as { event?: string; data?: unknown };
        if (typeof name !== 'string') break;
        this.send(name, data);
        if (name === 'contact::accepted') {
          const id = (data as { contactId?: unknown } | null)?.contactId;
          if (typeof id === 'string') this.#pendingAccepts.get(id)?.();
        }
        break;
      }
      case 'configure':
        // Streams' sendConfigure (connect-streams.js): the real CCP sets up its softphone from `softphone` here.
        if (this.configurations.length < 100) this.configurations.push(message.data);
        break;
      default:
        // outer_context_info, iframe_style, tab_id, log, ...: the real CCP consumes these silently.
        break;
    }
  }

  #contactId(params: Record<string, unknown>): string {
    const id = params['contactId'];
    if (typeof id !== 'string' || !this.#core.book.has(id))
      throw typed(`No contact ${String(id)}`, 'ResourceNotFoundException');
    return id;
  }

  /** After the latency, runs `change` and sends the snapshot that shows it. */
  #later(change: () => void): void {
    setTimeout(() => {
      change();
      this.#core.postSnapshot();
    }, this.#core.latency);
  }

  #apiHandlers(): Record<string, Handler> {
    const core = this.#core;
    const { book } = core;
    const clear: Handler = (params) => {
      const contactId = this.#contactId(params);
      this.#later(() => book.remove(contactId));
      return {};
    };
    return {
      acceptContact: (params) => {
        const contactId = this.#contactId(params);
        // Streams broadcasts contact::accepted once this succeeds; Connect's snapshot shows the contact connected
        // shortly after. Wait for the broadcast (or a fallback) so listeners see accepted before connected.
        this.#pendingAccepts.set(contactId, () => {
          this.#pendingAccepts.delete(contactId);
          setTimeout(() => core.connectNow(contactId), core.latency);
        });
        setTimeout(() => this.#pendingAccepts.get(contactId)?.(), 1000);
        return {};
      },
      rejectContact: (params) => {
        const contact = book.get(this.#contactId(params));
        this.#later(() => {
          book.setState(contact, 'rejected');
          this.#later(() => book.remove(contact.contactId));
        });
        return {};
      },
      clearContact: clear,
      completeContact: clear,
      destroyContact: clear,
      destroyConnection: (params) => {
        const contact = book.get(this.#contactId(params));
        this.#later(() => {
          if (contact.state === 'connected') book.setState(contact, 'ended');
          else if (ContactBook.isRinging(contact)) book.setState(contact, 'rejected');
        });
        return {};
      },
      holdConnection: () => ({}),
      resumeConnection: () => ({}),
      muteParticipant: () => ({}),
      unmuteParticipant: () => ({}),
      sendDigits: () => ({}),
      putAgentState: (params) => {
        const state = params['state'] as { name?: unknown; type?: unknown } | undefined;
        if (!state || typeof state.name !== 'string') throw typed('state is required', 'InvalidParameterException');
        core.chooseState({
          name: state.name,
          type: typeof state.type === 'string' ? state.type : 'routable',
          id: state.name.toLowerCase(),
        });
        this.#later(() => undefined);
        return {};
      },
      getAgentSnapshot: () => ({ snapshot: core.agentData().snapshot, nextToken: core.portId }),
      getAgentConfiguration: () => ({ configuration: core.configuration() }),
      updateAgentConfiguration: () => {
        this.#later(() => undefined);
        return {};
      },
      getAgentStates: () => ({ states: core.configuration()['agentStates'], nextToken: null }),
      getAgentPermissions: () => ({ permissions: core.configuration()['permissions'], nextToken: null }),
      getDialableCountryCodes: () => ({ countryCodes: core.configuration()['dialableCountries'], nextToken: null }),
      getRoutingProfileQueues: () => ({
        queues: (core.configuration()['routingProfile'] as { queues: unknown }).queues,
        nextToken: null,
      }),
      getEndpoints: () => ({ endpoints: [], addresses: [], nextToken: null }),
      sendClientLogs: () => ({}),
      sendSoftphoneCallMetrics: () => ({}),
      sendSoftphoneCallReport: () => ({}),
    };
  }

  #answerApi(request: Request): void {
    const handler = Object.hasOwn(this.#handlers, request.method) ? this.#handlers[request.method] : undefined;
    let data: unknown = {};
    let err: string | null = null;
    let errorType: string | undefined;
    try {
      if (!handler) throw typed(`The stand-in CCP does not implement ${request.method}`, 'UnsupportedOperation');
      data = handler(request.params ?? {}) ?? {};
    } catch (error) {
      const e = error as Error & { type?: string };
      errorType = e.type ?? 'InternalServiceException';
      // The worker answers failures with JSON.stringify(err) (ClientEngine.handleAPIRequest).
      err = JSON.stringify({ type: errorType, message: e.message });
      data = { type: errorType, message: e.message };
      if (!handler) console.error(`stand-in CCP: unsupported api_request "${request.method}"`, request.params);
    }
    this.requests.push({ method: request.method, params: request.params, error: errorType });
    this.send('api_response', { event: 'api_response', requestId: request.requestId, data, err });
  }

  #answerMaster(request: Request & { params?: { topic?: string; shouldNotBecomeMasterIfNone?: boolean } }): void {
    const topic = request.params?.topic ?? '';
    const portId = this.#core.portId;
    let data: Record<string, unknown>;
    if (request.method === 'becomeMaster') {
      const previous = this.#masters.get(topic);
      this.#masters.set(topic, portId);
      data = { masterId: portId, takeOver: Boolean(previous) && previous !== portId, topic };
    } else if (request.method === 'checkMaster') {
      if (!this.#masters.has(topic) && !request.params?.shouldNotBecomeMasterIfNone) this.#masters.set(topic, portId);
      const masterId = this.#masters.get(topic);
      data = { masterId, isMaster: masterId === portId, topic };
    } else {
      this.send('master_response', {
        event: 'master_response',
        requestId: request.requestId,
        data: {},
        err: `Unknown master method: ${request.method}`,
      });
      return;
    }
    this.send('master_response', { event: 'master_response', requestId: request.requestId, data, err: null });
  }
}

/**
 * The stand-in CCP: a page that plays Amazon Connect's CCP for the REAL amazon-connect-streams library running
 * in the parent page (which loads this page as `ccpUrl` in its iframe). Streams talks to its CCP only through
 * postMessage and checks the message source, not the origin (../shared/REFERENCE.md section 3), so this page
 * answers exactly what the CCP's shared worker would (connect-streams.js: ClientEngine, handleAPIRequest,
 * handleMasterRequest, updateAgent):
 * - `acknowledge` on load (with a port id) and for every `synchronize` (the keepalive);
 * - `agent::update` with the full `{snapshot, configuration}` on every change and every `interval` ms;
 * - `api_response` for every `api_request` (unknown methods get an error, never silence);
 * - `master_response` for `master_request`; every `broadcast` echoed back as `{event, data}`; `contact::view`.
 * The scenario API (scenario.ts) is exposed as `window.standInCcp`.
 */
import {
  parseConfig,
  type AgentConfigPatch,
  type ApiRequestRecord,
  type ContactOptions,
  type ContactPreset,
  type InitialContact,
  type StandInCcp,
  type StandInChannel,
  type StandInConfig,
  type StandInContact,
  type StandInState,
} from './scenario.ts';

interface Held {
  contactId: string;
  initialContactId: string;
  channel: StandInChannel;
  state: StandInState;
  stateAt: number;
  monitoring: boolean;
  queueName: string;
  attributes: Record<string, string>;
  /** What the API stand-in returned last time, to apply only its changes (later writes win). */
  apiSeen: Record<string, string>;
  startedAt: Date;
  initiationMethod: string;
  agentConnectionId: string;
  customerConnectionId: string;
  registered: boolean | undefined;
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

const MAX_CHATS = 3;
const config: StandInConfig = parseConfig(location.search);
const arnSwitches: Required<AgentConfigPatch> = {
  noRoutingProfileArn: config.noRoutingProfileArn,
  noAgentArn: config.noAgentArn,
  noQueueArn: config.noQueueArn,
  garbledArns: false,
};
const portId = crypto.randomUUID();
const upstream = window.parent;
const contacts = new Map<string, Held>();
const requests: ApiRequestRecord[] = [];
const upstreamEvents: string[] = [];
const pendingAccepts = new Map<string, () => void>();
let baseState = { name: 'Available', type: 'routable', arn: 'agent-state/available' };
let agentStateSince = Date.now();
let lastStateName = '';
let lastSnapshot: unknown;
let readyPromise: Promise<void> = Promise.resolve();

function send(event: string, data?: unknown): void {
  upstream.postMessage({ event, data }, '*');
}

const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------- snapshot

function instanceArn(): string {
  return `arn:aws:connect:${config.region}:${config.account}:instance/${config.instance}`;
}

function arn(kind: 'agent' | 'routing-profile' | 'queue' | 'agent-state', id: string): string | null {
  if (arnSwitches.garbledArns) return `not-an-arn/${kind}/${id}`;
  if (kind === 'agent' && arnSwitches.noAgentArn) return null;
  if (kind === 'routing-profile' && arnSwitches.noRoutingProfileArn) return null;
  if (kind === 'queue' && arnSwitches.noQueueArn) return null;
  return `${instanceArn()}/${kind}/${id}`;
}

/** The agent's Amazon Connect user id: the last part of its agent ARN, and DescribeContact's AgentInfo.Id. */
function agentId(): string {
  return `agent-${config.agent.replace(/[^A-Za-z0-9-]/g, '-')}`;
}

function queue(name: string): { name: string; queueARN: string | null; queueId: string | null } {
  const queueArn = arn('queue', `q-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`);
  return { name, queueARN: queueArn, queueId: queueArn };
}

function configuration(): Record<string, unknown> {
  const basic = queue('BasicQueue');
  const routingProfileArn = arn('routing-profile', 'rp-basic');
  const agentStates = [
    { agentStateARN: arn('agent-state', 'available'), type: 'routable', name: 'Available', startTimestamp: null },
    { agentStateARN: arn('agent-state', 'lunch'), type: 'not_routable', name: 'Lunch', startTimestamp: null },
    { agentStateARN: arn('agent-state', 'offline'), type: 'offline', name: 'Offline', startTimestamp: null },
  ];
  return {
    name: config.agent.split(/[._-]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join(' '),
    username: config.agent,
    agentARN: arn('agent', agentId()),
    softphoneEnabled: false,
    softphoneAutoAccept: false,
    extension: '+15555550199',
    routingProfile: {
      name: 'Basic Routing Profile',
      routingProfileARN: routingProfileArn,
      routingProfileId: routingProfileArn, // the worker aliases it (updateAgent)
      defaultOutboundQueue: basic,
      queues: [basic, queue('CallbackQueue')],
      channelConcurrencyMap: { VOICE: 1, CHAT: MAX_CHATS, TASK: 10 },
    },
    agentPreferences: { LANGUAGE: 'en_US' },
    permissions: ['outboundCall'],
    agentStates,
    dialableCountries: ['us', 'ca', 'gb'],
  };
}

/** The agent's state as Connect derives it from the contacts (system states win over the chosen one). */
function agentState(): { name: string; type: string; arn: string | null } {
  const states = [...contacts.values()].map((c) => c.state);
  let state: { name: string; type: string; arn: string | null };
  if (states.includes('connecting') || states.includes('incoming')) state = { name: 'PendingBusy', type: 'system', arn: null };
  else if (states.includes('missed')) state = { name: 'MissedCallAgent', type: 'error', arn: null };
  else if (states.includes('connected')) state = { name: 'Busy', type: 'system', arn: null };
  else if (states.includes('ended')) state = { name: 'AfterCallWork', type: 'not_routable', arn: null };
  else state = { name: baseState.name, type: baseState.type, arn: arn('agent-state', baseState.arn.split('/').pop() ?? '') };
  if (state.name !== lastStateName) {
    lastStateName = state.name;
    agentStateSince = Date.now();
  }
  return state;
}

function connectionState(state: StandInState): string {
  if (state === 'connecting' || state === 'incoming') return 'connecting';
  if (state === 'connected') return 'connected';
  return 'disconnected';
}

function contactData(c: Held): Record<string, unknown> {
  const stateInfo = { type: c.state, timestamp: new Date(c.stateAt) };
  const agentEndpoint = { type: 'agent', name: null, phoneNumber: null, agentLogin: null, endpointARN: null, queue: null };
  const customerEndpoint = {
    type: 'phone_number',
    name: c.channel === 'chat' ? 'Customer' : null,
    phoneNumber: c.channel === 'voice' ? '+15555550100' : null,
    agentLogin: null,
    endpointARN: null,
    queue: null,
  };
  const connections: Record<string, unknown>[] = [];
  if (c.monitoring) {
    connections.push({
      connectionId: c.agentConnectionId,
      type: 'monitoring',
      initial: true,
      state: { type: connectionState(c.state), timestamp: new Date(c.stateAt) },
      endpoint: null,
      address: null,
      mute: null,
      monitoringInfo: null,
      monitorStatus: 'SILENT_MONITOR',
      monitorCapabilities: ['SILENT_MONITOR', 'BARGE'],
      softphoneMediaInfo: null,
      chatMediaInfo: null,
      quickConnectName: null,
    });
  } else {
    connections.push(
      {
        connectionId: c.agentConnectionId,
        type: 'agent',
        initial: false,
        state: { type: connectionState(c.state), timestamp: new Date(c.stateAt) },
        endpoint: agentEndpoint,
        address: agentEndpoint,
        mute: false,
        monitoringInfo: null,
        softphoneMediaInfo: null,
        chatMediaInfo: c.channel === 'chat' ? { chatAutoAccept: false, connectionData: '{}', customerName: 'Customer' } : null,
        quickConnectName: null,
      },
      {
        connectionId: c.customerConnectionId,
        type: 'inbound',
        initial: true,
        state: { type: c.state === 'ended' ? 'disconnected' : 'connected', timestamp: new Date(c.startedAt) },
        endpoint: customerEndpoint,
        address: customerEndpoint,
        mute: false,
        monitoringInfo: null,
        softphoneMediaInfo: null,
        chatMediaInfo: null,
        quickConnectName: null,
      },
    );
  }
  const attributes: Record<string, { name: string; value: string }> = {};
  for (const [name, value] of Object.entries(c.attributes)) attributes[name] = { name, value };
  return {
    contactId: c.contactId,
    initialContactId: c.monitoring ? null : c.initialContactId,
    relatedContactId: null,
    contactAssociationId: null,
    type: c.channel,
    state: stateInfo,
    status: stateInfo, // the worker aliases it (updateAgent)
    queue: c.monitoring ? null : queue(c.queueName),
    queueTimestamp: c.monitoring ? null : new Date(c.startedAt),
    attributes: c.monitoring ? null : attributes,
    contactDuration: String(Math.round((Date.now() - c.startedAt.getTime()) / 1000)),
    name: null,
    description: null,
    references: null,
    initiationMethod: c.initiationMethod,
    contactFeatures: { attachmentsEnabled: false, messagingMarkdownEnabled: false, multiPartyConferenceEnabled: false },
    channelContext: null,
    segmentAttributes: null,
    connections,
  };
}

function agentData(): { snapshot: Record<string, unknown>; configuration: Record<string, unknown> } {
  const now = new Date();
  const state = agentState();
  const list = [...contacts.values()].sort((a, b) => a.stateAt - b.stateAt); // the worker sorts on state.timestamp
  return {
    snapshot: {
      state: { agentStateARN: state.arn, type: state.type, name: state.name, startTimestamp: new Date(agentStateSince) },
      nextState: null,
      agentAvailabilityState: { state: baseState.name, timeStamp: new Date(agentStateSince) },
      contacts: list.map(contactData),
      snapshotTimestamp: now,
      localTimestamp: now.getTime(), // the worker stores connect.now(), a number
      skew: 0,
    },
    configuration: configuration(),
  };
}

function postSnapshot(): void {
  lastSnapshot = agentData();
  send('agent::update', lastSnapshot);
  render();
}

// ---------------------------------------------------------------------------------------------- API stand-in

function reportMissingApi(what: string): void {
  console.error(`stand-in CCP: no Connect API stand-in configured (add ?api=<url> to the ccpUrl); ${what}`);
}

/**
 * Registers the contact with the API stand-in as Connect knows it: its agent, channel and chain, plus `extra` (the
 * flow's attributes on arrival, the disconnect on hang-up, the end of after-contact work on clear).
 */
async function register(held: Held, extra: Record<string, unknown> = { attributes: held.attributes }): Promise<void> {
  if (!config.api) {
    held.registered = false;
    reportMissingApi(`contact ${held.contactId} is NOT registered, so UpdateContactAttributes for it will fail.`);
    return;
  }
  const transferred = held.initialContactId !== held.contactId;
  const body = [
    {
      instanceId: config.instance,
      contactId: held.contactId,
      initialContactId: held.initialContactId,
      ...(transferred ? { previousContactId: held.initialContactId } : {}),
      startedAt: held.startedAt.toISOString(),
      agentId: agentId(),
      channel: held.channel === 'chat' ? 'CHAT' : 'VOICE',
      ...extra,
    },
  ];
  try {
    const response = await fetch(`${config.api}/_standin/contacts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`HTTP ${response.status} ${await response.text().catch(() => '')}`);
    held.registered = true;
  } catch (error) {
    held.registered = false;
    console.error(`stand-in CCP: registering contact ${held.contactId} with the Connect API stand-in at ${config.api} FAILED:`, error);
  }
}

async function fetchStored(held: Held): Promise<Record<string, string> | undefined> {
  if (!config.api) return undefined;
  const url = `${config.api}/_standin/attributes/${encodeURIComponent(config.instance)}/${encodeURIComponent(held.initialContactId)}`;
  try {
    const response = await fetch(url);
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    return ((await response.json()) as { attributes?: Record<string, string> }).attributes ?? {};
  } catch (error) {
    console.error(`stand-in CCP: reading stored attributes of ${held.contactId} from ${url} failed:`, error);
    return undefined;
  }
}

/** Applies what changed in the API stand-in since the last look (a later write there wins). Returns whether anything changed. */
async function reflect(): Promise<boolean> {
  if (!config.reflect || !config.api) return false;
  let changed = false;
  await Promise.all(
    [...contacts.values()]
      .filter((held) => !held.monitoring)
      .map(async (held) => {
        const stored = await fetchStored(held);
        if (!stored) return;
        for (const [key, value] of Object.entries(stored)) {
          if (held.apiSeen[key] === value) continue;
          held.apiSeen[key] = value;
          if (held.attributes[key] !== value) {
            held.attributes[key] = value;
            changed = true;
          }
        }
      }),
  );
  return changed;
}

// ---------------------------------------------------------------------------------------------- contacts

function makeHeld(channel: StandInChannel, state: StandInState, options: ContactOptions, extra: Partial<Held> = {}): Held {
  const contactId = options.contactId ?? crypto.randomUUID();
  const startedAt = options.startedAt ?? new Date();
  return {
    contactId,
    initialContactId: options.initialContactId ?? contactId,
    channel,
    state,
    stateAt: Date.now(),
    monitoring: config.monitoring,
    queueName: options.queueName ?? 'BasicQueue',
    attributes: { ...options.attributes },
    apiSeen: {},
    startedAt,
    initiationMethod: 'inbound',
    agentConnectionId: crypto.randomUUID(),
    customerConnectionId: crypto.randomUUID(),
    registered: undefined,
    ...extra,
  };
}

async function add(held: Held): Promise<string> {
  if (contacts.has(held.contactId)) throw new Error(`stand-in CCP: contact ${held.contactId} already exists`);
  if (held.channel === 'chat' && [...contacts.values()].filter((c) => c.channel === 'chat').length >= MAX_CHATS) {
    throw new Error(`stand-in CCP: at most ${MAX_CHATS} concurrent chats (the routing profile's chat concurrency)`);
  }
  await register(held); // the contact exists in Connect before it reaches the agent
  contacts.set(held.contactId, held);
  postSnapshot();
  return held.contactId;
}

function get(contactId: string): Held {
  const held = contacts.get(contactId);
  if (!held) throw new Error(`stand-in CCP: no contact ${contactId}`);
  return held;
}

function setState(held: Held, state: StandInState): void {
  held.state = state;
  held.stateAt = Math.max(Date.now(), held.stateAt + 1);
}

function connectNow(contactId: string): void {
  const held = contacts.get(contactId);
  if (!held || (held.state !== 'connecting' && held.state !== 'incoming')) return;
  setState(held, 'connected');
  postSnapshot();
}

function remove(contactId: string): void {
  if (contacts.delete(contactId)) postSnapshot();
}

// ---------------------------------------------------------------------------------------------- protocol

type Handler = (params: Record<string, unknown>) => unknown;

function contactIdParam(params: Record<string, unknown>): string {
  const id = params['contactId'];
  if (typeof id !== 'string' || !contacts.has(id)) throw Object.assign(new Error(`No contact ${String(id)}`), { type: 'ResourceNotFoundException' });
  return id;
}

const apiHandlers: Record<string, Handler> = {
  acceptContact(params) {
    const contactId = contactIdParam(params);
    // Streams broadcasts contact::accepted once this succeeds; Connect's snapshot shows the contact connected
    // shortly after. Wait for the broadcast (or a fallback) so listeners see accepted before connected.
    const connect = (): void => {
      pendingAccepts.delete(contactId);
      setTimeout(() => connectNow(contactId), config.latency);
    };
    pendingAccepts.set(contactId, connect);
    setTimeout(() => pendingAccepts.get(contactId)?.(), 1000);
    return {};
  },
  rejectContact(params) {
    const held = get(contactIdParam(params));
    setTimeout(() => {
      setState(held, 'rejected');
      postSnapshot();
      setTimeout(() => remove(held.contactId), config.latency);
    }, config.latency);
    return {};
  },
  clearContact(params) {
    const contactId = contactIdParam(params);
    setTimeout(() => remove(contactId), config.latency);
    return {};
  },
  completeContact(params) {
    return apiHandlers['clearContact']?.(params);
  },
  destroyContact(params) {
    return apiHandlers['clearContact']?.(params);
  },
  destroyConnection(params) {
    const held = get(contactIdParam(params));
    setTimeout(() => {
      if (held.state === 'connected') setState(held, 'ended');
      else if (held.state === 'connecting' || held.state === 'incoming') setState(held, 'rejected');
      postSnapshot();
    }, config.latency);
    return {};
  },
  holdConnection: () => ({}),
  resumeConnection: () => ({}),
  muteParticipant: () => ({}),
  unmuteParticipant: () => ({}),
  sendDigits: () => ({}),
  putAgentState(params) {
    const state = params['state'] as { name?: unknown; type?: unknown; agentStateARN?: unknown } | undefined;
    if (!state || typeof state.name !== 'string') throw Object.assign(new Error('state is required'), { type: 'InvalidParameterException' });
    baseState = { name: state.name, type: typeof state.type === 'string' ? state.type : 'routable', arn: `agent-state/${state.name.toLowerCase()}` };
    setTimeout(postSnapshot, config.latency);
    return {};
  },
  getAgentSnapshot: () => ({ snapshot: agentData().snapshot, nextToken: portId }),
  getAgentConfiguration: () => ({ configuration: configuration() }),
  updateAgentConfiguration: () => {
    setTimeout(postSnapshot, config.latency);
    return {};
  },
  getAgentStates: () => ({ states: configuration()['agentStates'], nextToken: null }),
  getAgentPermissions: () => ({ permissions: configuration()['permissions'], nextToken: null }),
  getDialableCountryCodes: () => ({ countryCodes: configuration()['dialableCountries'], nextToken: null }),
  getRoutingProfileQueues: () => ({ queues: (configuration()['routingProfile'] as { queues: unknown }).queues, nextToken: null }),
  getEndpoints: () => ({ endpoints: [], addresses: [], nextToken: null }),
  sendClientLogs: () => ({}),
  sendSoftphoneCallMetrics: () => ({}),
  sendSoftphoneCallReport: () => ({}),
};

function answerApi(request: Request): void {
  const handler = Object.hasOwn(apiHandlers, request.method) ? apiHandlers[request.method] : undefined;
  let data: unknown = {};
  let err: string | null = null;
  let errorType: string | undefined;
  try {
    if (!handler) throw Object.assign(new Error(`The stand-in CCP does not implement ${request.method}`), { type: 'UnsupportedOperation' });
    data = handler(request.params ?? {}) ?? {};
  } catch (error) {
    const e = error as Error & { type?: string };
    errorType = e.type ?? 'InternalServiceException';
    // The worker answers failures with JSON.stringify(err) (ClientEngine.handleAPIRequest).
    err = JSON.stringify({ type: errorType, message: e.message });
    data = { type: errorType, message: e.message };
    if (!handler) console.error(`stand-in CCP: unsupported api_request "${request.method}"`, request.params);
  }
  requests.push({ method: request.method, params: request.params, error: errorType });
  send('api_response', { event: 'api_response', requestId: request.requestId, data, err });
}

const masters = new Map<string, string>();

function answerMaster(request: Request & { params?: { topic?: string; shouldNotBecomeMasterIfNone?: boolean } }): void {
  const topic = request.params?.topic ?? '';
  let data: Record<string, unknown>;
  if (request.method === 'becomeMaster') {
    const previous = masters.get(topic);
    masters.set(topic, portId);
    data = { masterId: portId, takeOver: Boolean(previous) && previous !== portId, topic };
  } else if (request.method === 'checkMaster') {
    if (!masters.has(topic) && !request.params?.shouldNotBecomeMasterIfNone) masters.set(topic, portId);
    const masterId = masters.get(topic);
    data = { masterId, isMaster: masterId === portId, topic };
  } else {
    send('master_response', { event: 'master_response', requestId: request.requestId, data: {}, err: `Unknown master method: ${request.method}` });
    return;
  }
  send('master_response', { event: 'master_response', requestId: request.requestId, data, err: null });
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (event.source !== upstream) return;
  const message = event.data as Message | null;
  if (!message || typeof message !== 'object' || typeof message.event !== 'string') return;
  if (upstreamEvents.length < 1000) upstreamEvents.push(message.event);
  switch (message.event) {
    case 'synchronize':
      send('acknowledge');
      break;
    case 'api_request':
      answerApi(message.data as Request);
      break;
    case 'master_request':
      answerMaster(message.data as Request);
      break;
    case 'broadcast': {
      // The shared worker sends every broadcast back to all tabs (that is how contact::accepted reaches listeners).
      const { event: name, data } = (message.data ?? {}) as { event?: string; data?: unknown };
      if (typeof name !== 'string') break;
      send(name, data);
      if (name === 'contact::accepted') {
        const id = (data as { contactId?: unknown } | null)?.contactId;
        if (typeof id === 'string') pendingAccepts.get(id)?.();
      }
      break;
    }
    default:
      // configure, outer_context_info, iframe_style, tab_id, log, ...: the real CCP consumes these silently.
      break;
  }
});

// ---------------------------------------------------------------------------------------------- scenario API

const PRESETS: Record<ContactPreset, InitialContact> = {
  'connected-voice': { channel: 'voice', state: 'connected', attributes: { greeting: 'played' } },
  'acw-voice': { channel: 'voice', state: 'ended', attributes: { greeting: 'played' } },
  'connected-chat': { channel: 'chat', state: 'connected' },
  'acw-chat': { channel: 'chat', state: 'ended' },
  'transferred-voice': { channel: 'voice', state: 'connected', initialContactId: crypto.randomUUID() },
  'monitored-voice': { channel: 'voice', state: 'connected', monitoring: true },
};

function toInitial(entry: ContactPreset | InitialContact): InitialContact {
  if (typeof entry === 'string') {
    const preset = PRESETS[entry];
    if (!preset) throw new Error(`stand-in CCP: unknown contact preset "${entry}" (known: ${Object.keys(PRESETS).join(', ')})`);
    return { ...preset };
  }
  return entry;
}

async function loadInitialContacts(): Promise<void> {
  const base = Date.now() - 60_000;
  let offset = 0;
  for (const entry of config.contacts) {
    const initial = toInitial(entry);
    const held = makeHeld(initial.channel ?? 'voice', initial.state, { startedAt: new Date(base + offset * 1000), ...initial });
    held.stateAt = base + offset * 1000 + 500;
    held.monitoring = initial.monitoring ?? config.monitoring;
    if (held.initialContactId !== held.contactId) held.initiationMethod = 'transfer';
    if (held.monitoring) held.initiationMethod = 'monitor';
    offset += 1;
    const disconnected = held.state === 'ended' ? { disconnectedAt: new Date(held.stateAt).toISOString() } : {};
    await register(held, { attributes: held.attributes, ...disconnected });
    contacts.set(held.contactId, held);
  }
}

const api: StandInCcp = {
  get config() {
    return { ...config, ...arnSwitches };
  },
  get ready() {
    return readyPromise;
  },
  ringCall: (options = {}) => add(makeHeld('voice', 'connecting', options)),
  async missCall(contactId) {
    const held = get(contactId);
    if (held.state !== 'connecting' && held.state !== 'incoming') throw new Error(`stand-in CCP: ${contactId} is not ringing`);
    setState(held, 'missed');
    postSnapshot();
  },
  startChat: (options = {}) => add(makeHeld('chat', 'connecting', options)),
  transferIn: (options = {}) =>
    add(makeHeld('voice', 'connecting', { initialContactId: crypto.randomUUID(), ...options }, { initiationMethod: 'transfer' })),
  monitor: (options = {}) => add(makeHeld('voice', 'connected', options, { monitoring: true, initiationMethod: 'monitor' })),
  async accept(contactId) {
    get(contactId);
    send('contact::accepted', { contactId });
    send(`contact::accepted::${contactId}`, { contactId });
    await wait(config.latency);
    connectNow(contactId);
  },
  connect: (contactId) => api.accept(contactId),
  async hangUp(contactId) {
    const held = get(contactId);
    setState(held, 'ended');
    postSnapshot();
    if (held.registered) await register(held, { disconnectedAt: new Date().toISOString() });
  },
  async clear(contactId) {
    const held = get(contactId);
    remove(contactId);
    if (held.registered && held.state === 'ended') await register(held, { afterContactWorkEndedAt: new Date().toISOString() });
  },
  view(contactId) {
    send('contact::view', { contactId });
  },
  setMonitoring(on) {
    config.monitoring = on;
  },
  setReflection(on) {
    config.reflect = on;
  },
  setAgentConfig(patch) {
    Object.assign(arnSwitches, patch);
    postSnapshot();
  },
  setFlowAttributes(contactId, attributes) {
    const held = get(contactId);
    Object.assign(held.attributes, attributes);
    postSnapshot();
    if (held.registered) void register(held, { attributes });
  },
  async refreshAttributes() {
    await reflect();
    postSnapshot();
  },
  contacts: () =>
    [...contacts.values()].map((c): StandInContact => ({
      contactId: c.contactId,
      initialContactId: c.initialContactId,
      channel: c.channel,
      state: c.state,
      monitoring: c.monitoring,
      queueName: c.queueName,
      attributes: { ...c.attributes },
      startedAt: new Date(c.startedAt),
      registered: c.registered,
    })),
  snapshot: () => lastSnapshot,
  postSnapshot,
  apiRequests: () => [...requests],
  upstreamEvents: () => [...upstreamEvents],
};

// ---------------------------------------------------------------------------------------------- view

function render(): void {
  const agentLine = document.getElementById('agent');
  const list = document.getElementById('contacts');
  if (!agentLine || !list) return;
  agentLine.textContent = `${config.agent} · ${lastStateName || baseState.name} · instance ${config.instance} (${config.region})`;
  list.replaceChildren(
    ...[...contacts.values()].map((c) => {
      const item = document.createElement('li');
      const title = document.createElement('div');
      title.innerHTML = `<span class="state"></span> <span class="channel"></span><div class="id"></div>`;
      (title.querySelector('.state') as HTMLElement).textContent = c.state;
      (title.querySelector('.channel') as HTMLElement).textContent = `${c.channel}${c.monitoring ? ' (monitoring)' : ''}`;
      (title.querySelector('.id') as HTMLElement).textContent =
        c.initialContactId === c.contactId ? c.contactId : `${c.contactId} ← ${c.initialContactId}`;
      item.append(title);
      const button = (label: string, action: () => unknown): void => {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.addEventListener('click', () => void Promise.resolve(action()).catch((e: unknown) => console.error(e)));
        item.append(b);
      };
      if (c.state === 'connecting') button('Accept', () => api.accept(c.contactId));
      if (c.state === 'connecting') button('Miss', () => api.missCall(c.contactId));
      if (c.state === 'connected') button('Hang up', () => api.hangUp(c.contactId));
      if (c.state !== 'connecting' && c.state !== 'connected') button('Close contact', () => api.clear(c.contactId));
      button('View', () => api.view(c.contactId));
      return item;
    }),
  );
}

// ---------------------------------------------------------------------------------------------- start

async function start(): Promise<void> {
  if (!config.api) reportMissingApi('contacts will not be registered and attributes will not be reflected.');
  await loadInitialContacts();
  // As the shared worker does for a new port: acknowledge with the port id, then the agent (ClientEngine onconnect).
  send('acknowledge', { id: portId });
  postSnapshot();
  setInterval(() => {
    void reflect().then(() => postSnapshot());
  }, config.interval);
}

readyPromise = start().catch((error: unknown) => {
  console.error('stand-in CCP: failed to start', error);
});
(window as Window & { standInCcp?: StandInCcp }).standInCcp = api;

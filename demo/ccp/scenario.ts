/**
 * The typed scenario API of the stand-in CCP (ccp.html + ccp.ts): what the demo page's control panel and the
 * tests use to make contacts happen while the REAL amazon-connect-streams library runs against the stand-in.
 * The stand-in is configured through its URL's query string (`ccpUrl()` builds one) and exposes a `StandInCcp`
 * as `window.standInCcp` inside its iframe; `standInCcp(iframe)` waits for it from the parent page.
 */

/** Channels the stand-in can create. */
export type StandInChannel = 'voice' | 'chat' | 'task';

/** Contact states the stand-in produces (Streams' ContactStateType values). */
export type StandInState = 'incoming' | 'connecting' | 'connected' | 'missed' | 'rejected' | 'ended';

/** Presets for `contacts=` in the URL: contacts present when the CCP (and Streams) load. */
export type ContactPreset =
  'connected-voice' | 'acw-voice' | 'connected-chat' | 'acw-chat' | 'transferred-voice' | 'monitored-voice';

/** Options shared by the scenario calls that create a contact. */
export interface ContactOptions {
  /** Default: a random UUID. */
  contactId?: string;
  /** Default: the contactId (a transfer gets its own). */
  initialContactId?: string;
  /** Queue name shown in the snapshot. Default `BasicQueue`. */
  queueName?: string;
  /** Attributes already on the contact (set by the flow before it reached the agent). */
  attributes?: Record<string, string>;
  /** When the contact started. Default: now. */
  startedAt?: Date;
}

/** A contact present when the page loads (the `contacts=` URL option takes a JSON list of these or preset names). */
export interface InitialContact extends ContactOptions {
  channel?: StandInChannel;
  state: 'connecting' | 'connected' | 'ended';
  /** The agent only monitors this contact. */
  monitoring?: boolean;
}

/** The stand-in's configuration, read from its URL. */
export interface StandInConfig {
  /** URL of the Connect API stand-in, to register contacts and read stored attributes. */
  api: string | undefined;
  region: string;
  account: string;
  instance: string;
  /** The agent's username. */
  agent: string;
  /** The agent's CCP language (`agentPreferences.locale`), a tag like `de_DE` (URL `locale`, default `en_US`). */
  locale: string;
  contacts: (ContactPreset | InitialContact)[];
  /** Contacts created by the scenario are monitored ones (attributes null, no queue ARN). */
  monitoring: boolean;
  /** Attributes written through the API show up in later snapshots (as Connect does on its next refresh). */
  reflect: boolean;
  /** Leave out the queue ARN of every contact. */
  noQueueArn: boolean;
  /** Leave out the routing profile ARN. */
  noRoutingProfileArn: boolean;
  /** Leave out the agent ARN. */
  noAgentArn: boolean;
  /** ms between periodic snapshots (the real CCP re-sends on every long poll). */
  interval: number;
  /** ms between a state-changing API request and the snapshot that shows it (backend latency). */
  latency: number;
  /**
   * False: the agent is signed out when the page loads (URL `signedIn=false`), as after `signOut()`; the page then
   * plays the CCP's login page until `signIn()`. Default true.
   */
  signedIn: boolean;
}

/** URL options; every field is optional. */
export type StandInUrlOptions = Partial<StandInConfig>;

/** One contact as the stand-in holds it. */
export interface StandInContact {
  contactId: string;
  initialContactId: string;
  channel: StandInChannel;
  state: StandInState;
  monitoring: boolean;
  queueName: string;
  attributes: Record<string, string>;
  startedAt: Date;
  /** Whether the Connect API stand-in accepted its registration (undefined while pending). */
  registered: boolean | undefined;
}

/** An api_request Streams sent, as the stand-in received it. */
export interface ApiRequestRecord {
  method: string;
  params: unknown;
  /** undefined = answered with success; else the error type. */
  error: string | undefined;
}

/** Agent configuration switches that can change while the page runs (Streams re-reads them on each snapshot). */
export interface AgentConfigPatch {
  noRoutingProfileArn?: boolean;
  noAgentArn?: boolean;
  noQueueArn?: boolean;
  /** Replace the ARNs with text that is not an ARN at all. */
  garbledArns?: boolean;
  /** The agent's CCP language, as the agent sets it in the CCP: a tag like `de_DE`. */
  locale?: string;
  /** Carry the language as older snapshots do: `agentPreferences.LANGUAGE` only, no `locale`. */
  languageOnly?: boolean;
}

/** The scenario API (window.standInCcp inside the stand-in's iframe). */
export interface StandInCcp {
  /** The configuration read from the URL (plus runtime switches). */
  readonly config: Readonly<StandInConfig>;
  /** Resolves once the contacts present at load are registered with the API stand-in (or failed loudly). */
  readonly ready: Promise<void>;
  /** An inbound voice call rings (connecting). Streams' `contact.accept()` connects it. */
  ringCall(options?: ContactOptions): Promise<string>;
  /** A ringing contact is not answered: connecting -> missed. */
  missCall(contactId: string): Promise<void>;
  /** A chat arrives (connecting); at most three concurrent chats. */
  startChat(options?: ContactOptions): Promise<string>;
  /** A transferred voice contact rings: its initialContactId is the original contact's (new random one by default). */
  transferIn(options?: ContactOptions): Promise<string>;
  /** A contact the agent monitors appears, connected (attributes null, no initialContactId, no queue). */
  monitor(options?: ContactOptions): Promise<string>;
  /** The agent accepts in the CCP's own UI: contact::accepted is broadcast, then connected. */
  accept(contactId: string): Promise<void>;
  /** Alias of accept. */
  connect(contactId: string): Promise<void>;
  /** The customer hangs up or the chat ends: connected -> ended (ACW) in one snapshot. */
  hangUp(contactId: string): Promise<void>;
  /** The agent closes the contact (ACW done, or a missed call dismissed): it leaves the snapshot (destroyed). */
  clear(contactId: string): Promise<void>;
  /** The agent switches the contact on screen: posts contact::view. */
  view(contactId: string): void;
  /** Contacts created from now on are monitored ones (or not). */
  setMonitoring(on: boolean): void;
  /** Turns reflection of API-written attributes into snapshots on or off. */
  setReflection(on: boolean): void;
  /** Changes the agent configuration (ARN switches) and posts a snapshot. */
  setAgentConfig(patch: AgentConfigPatch): void;
  /** Sets attributes on a contact as a contact flow would (they appear in the next snapshot). */
  setFlowAttributes(contactId: string, attributes: Record<string, string>): void;
  /** Reads stored attributes from the API stand-in now (when reflecting) and posts a snapshot. */
  refreshAttributes(): Promise<void>;
  /** The contacts the stand-in holds now. */
  contacts(): StandInContact[];
  /** The latest agent::update payload posted to Streams (its structured-clone input). */
  snapshot(): unknown;
  /** Posts a full snapshot now. */
  postSnapshot(): void;
  /** The api_requests received so far. */
  apiRequests(): readonly ApiRequestRecord[];
  /** Every event name Streams sent upstream so far, in order (for protocol checks). */
  upstreamEvents(): readonly string[];
  /** What each `configure` message from Streams carried (`softphone`, `chat`, `task`, `pageOptions`), in order. */
  configurations(): readonly unknown[];
  /**
   * The agent logs out in the CCP: the CCP's worker broadcasts `terminated` (ClientEngine's TERMINATE handler in
   * release/connect-streams.js) and the page then plays the login page, answering nothing, across the reloads
   * Streams makes of the CCP frame (kept in this tab's sessionStorage) until `signIn()`.
   */
  signOut(): void;
  /** The agent signs in: the CCP acknowledges Streams and sends the agent's snapshot again. */
  signIn(): void;
  /** True while the agent is signed out. */
  readonly signedOut: boolean;
}

/** The sessionStorage key that keeps the stand-in signed out (or in) across the reloads of its frame: 'true' or 'false'. */
export const SIGNED_OUT_KEY = 'stand-in-ccp:signed-out';

/** Default instance id of the stand-in. */
export const DEFAULT_INSTANCE_ID = '4c1e1d3a-6b2f-4f7e-9a51-3b0f6c2d8e71';
/** Default AWS account of the stand-in. */
export const DEFAULT_ACCOUNT = '123456789012';

/** The stand-in's page, relative to the server root. */
export const CCP_PATH = '/demo/ccp/ccp.html';

/** Base64url of UTF-8 text (no `%`, `+`, `/` or `=`). */
function base64url(text: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): string {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  return new TextDecoder().decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
}

/**
 * An absolute ccpUrl for `connect.core.initCCP`. It must be absolute (Streams calls `new URL(ccpUrl)`) and must
 * not contain `%`: Streams logs the ccpUrl through its sprintf, which throws on `%3A` and the like and breaks
 * initCCP. So values keep `:`, `/`, `,` and `@` unescaped, and a `contacts` list with objects goes base64url-encoded.
 */
export function ccpUrl(options: StandInUrlOptions = {}, base: string = location.href): string {
  const query: string[] = [];
  for (const [key, value] of Object.entries(options) as [string, unknown][]) {
    if (value === undefined) continue;
    let text: string;
    if (key === 'contacts' && Array.isArray(value)) {
      text = value.every((entry) => typeof entry === 'string')
        ? value.join(',')
        : `b64:${base64url(JSON.stringify(value))}`;
    } else if (typeof value === 'string') {
      text = value;
    } else if (typeof value === 'number' || typeof value === 'boolean') {
      text = String(value);
    } else {
      text = JSON.stringify(value);
    }
    const encoded = encodeURIComponent(text)
      .replace(/%3A/gi, ':')
      .replace(/%2F/gi, '/')
      .replace(/%2C/gi, ',')
      .replace(/%40/g, '@');
    if (encoded.includes('%'))
      throw new Error(`ccpUrl: the value of ${key} needs escaping (${JSON.stringify(text)}), which Streams cannot log`);
    query.push(`${key}=${encoded}`);
  }
  const url = new URL(CCP_PATH, base).href;
  return query.length > 0 ? `${url}?${query.join('&')}` : url;
}

/** Parses the stand-in's configuration from a query string. */
export function parseConfig(search: string): StandInConfig {
  const params = new URLSearchParams(search);
  const flag = (name: string, fallback: boolean): boolean => {
    const value = params.get(name);
    if (value === null) return fallback;
    return value === '' || value === 'true' || value === '1' || value === 'on';
  };
  const number = (name: string, fallback: number): number => {
    const value = Number(params.get(name));
    return params.has(name) && Number.isFinite(value) ? value : fallback;
  };
  let contacts: (ContactPreset | InitialContact)[] = [];
  const raw = params.get('contacts');
  if (raw) {
    try {
      const parsed: unknown = JSON.parse(raw.startsWith('b64:') ? fromBase64url(raw.slice(4)) : raw);
      contacts = (Array.isArray(parsed) ? parsed : [parsed]) as (ContactPreset | InitialContact)[];
    } catch {
      contacts = raw.split(',').map((name) => name.trim()) as ContactPreset[];
    }
  }
  return {
    api: params.get('api')?.replace(/\/+$/, '') || undefined,
    region: params.get('region') || 'us-east-1',
    account: params.get('account') || DEFAULT_ACCOUNT,
    instance: params.get('instance') || DEFAULT_INSTANCE_ID,
    agent: params.get('agent') || 'agent.smith',
    locale: params.get('locale') || 'en_US',
    contacts,
    monitoring: flag('monitoring', false),
    reflect: flag('reflect', true),
    noQueueArn: flag('noQueueArn', false),
    noRoutingProfileArn: flag('noRoutingProfileArn', false),
    noAgentArn: flag('noAgentArn', false),
    interval: number('interval', 2000),
    latency: number('latency', 30),
    signedIn: flag('signedIn', true),
  };
}

/** Waits for the stand-in's scenario API in a same-origin iframe (re-resolving across reloads). */
export async function standInCcp(iframe: HTMLIFrameElement, timeoutMs = 10_000): Promise<StandInCcp> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frame: (Window & { standInCcp?: StandInCcp }) | null = iframe.contentWindow;
    const api = frame?.standInCcp;
    if (api) return api;
    if (Date.now() > deadline)
      throw new Error(`the stand-in CCP did not start within ${timeoutMs} ms (iframe ${iframe.src})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The CCP iframe Streams created (named "Amazon Connect CCP"), if any. */
export function findCcpIframe(root: ParentNode = document): HTMLIFrameElement | null {
  return root.querySelector<HTMLIFrameElement>('iframe[name="Amazon Connect CCP"]');
}

/**
 * The custom agent desktop demo (`npm start`): what a contact-center developer builds with ccp-attributes.
 * The plugin creates the CCP (the stand-in, through Streams' initCCP), <ccp-attributes> edits the viewed contact,
 * tagging rules write on contact events, and every write goes through the durable outbox. Around it, demo-only
 * views: the rules and whether they landed, the outbox state, what the Connect API stand-in stored (polled),
 * injected network faults, and the scenario panel that drives the stand-in CCP.
 * Writes go directly to Connect with Cognito credentials (`?writes=direct`, the default) or through the
 * owner-checking relay with the agent's sign-in token (`?writes=relay`); "Write another agent's contact" shows what
 * each mode does with a contact the agent does not handle.
 * Every value is rendered as text (Lit text bindings), never as HTML.
 */
import { html, nothing, render } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import '../components/ccp-attributes.ts';
import type { CcpAttributes as CcpAttributesElement } from '../components/ccp-attributes.ts';
import type { SchemaInput } from '../components/schema.ts';
import { cognitoCredentials, loadSdk } from '../src/client.ts';
import type { AttributesError } from '../src/errors.ts';
import type { ContactStatus, Outbox, OutboxState } from '../src/outbox/index.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../src/plugin.ts';
import { matches, type TagRuleInput } from '../src/tagging/rules.ts';
import { TAG_EVENTS } from '../src/tagging/template.ts';
import type { ContactModel } from '../src/tracker/types.ts';
import type { Attributes } from '../src/validate.ts';
import { ccpUrl, findCcpIframe, standInCcp, type StandInCcp } from './ccp/scenario.ts';
import { mountScenarioPanel } from './ccp/panel.ts';
import { tokenSource } from './sign-in.ts';

/** The tagging rules of this desk, as JSON a team would keep in a config file. */
export const RULES: TagRuleInput[] = [
  {
    id: 'handled-by',
    name: 'Who answered, and when',
    on: 'connected',
    set: { HandledBy: '{{agent.username}}', ConnectedAt: '{{event.at}}' },
  },
  {
    id: 'wrap-up',
    name: 'When it ended, how long it lasted',
    on: 'acw',
    set: { EndedAt: '{{event.at}}', TalkSeconds: '{{duration.connected}}' },
  },
  {
    id: 'vip',
    name: 'Gold customers get priority',
    on: 'connected',
    when: { attributes: { CustomerTier: { equals: 'gold' } } },
    set: { Priority: 'high' },
  },
  {
    id: 'missed',
    name: 'Missed calls are flagged',
    on: 'missed',
    set: { MissedBy: '{{agent.username}}', MissedAt: '{{event.at}}' },
  },
];

/** The editor's field schema: structure for the keys this desk cares about; other keys are shown as text. */
const SCHEMA: SchemaInput = [
  { key: 'Disposition', label: 'Disposition', type: 'enum', options: ['Resolved', 'Follow-up needed', 'Escalated', 'No answer'], required: true },
  { key: 'Notes', label: 'Notes', type: 'multiline' },
  { key: 'CustomerTier', label: 'Customer tier', readOnly: true, description: 'Set by the contact flow.' },
  { key: 'HandledBy', label: 'Handled by', readOnly: true, description: 'Tagged automatically.' },
];

/** Attributes a contact flow puts on a call before it reaches the agent (the "IVR call" scenario). */
const IVR_ATTRIBUTES: Attributes = { CustomerTier: 'gold', Intent: 'billing', AccountId: 'AC-40917' };

interface StandInConfigResponse {
  url: string;
  region: string;
  identityPoolId: string;
  loginProvider: string;
  userPoolClientId: string;
}

interface StoredContact {
  instanceId: string;
  contactId: string;
  initialContactId: string;
  startedAt: string;
  attributes: Record<string, string>;
}

interface LoggedRequest {
  time: string;
  action: string;
  initialContactId?: string;
  attributes?: Record<string, string>;
  status: number;
  errorType?: string;
}

interface Faults {
  quota?: { ratePerSecond: number; burst: number };
  failNext?: { count: number; status?: number; type?: string };
  latencyMs?: number;
  dropNext?: number;
}

/** What the demo exposes for the screenshot test and for curious developers (window.demo). */
export interface DemoGlobal {
  plugin: CcpAttributesPlugin;
  ccp: StandInCcp;
  editor: CcpAttributesElement;
  apiUrl: string;
}

declare global {
  interface Window {
    demo?: DemoGlobal;
  }
}

const $ = <T extends HTMLElement>(id: string): T => {
  const element = document.getElementById(id);
  if (!element) throw new Error(`demo: #${id} is missing from index.html`);
  return element as T;
};

const short = (id: string): string => id.slice(0, 8);
const clock = (time: number | string | Date): string => new Date(time).toLocaleTimeString([], { hour12: false });
const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url} answered HTTP ${response.status}`);
  return (await response.json()) as T;
}

function setStatus(text: string, tone: 'ok' | 'busy' | 'error'): void {
  const pill = $('setup-status');
  pill.textContent = text;
  pill.dataset['tone'] = tone;
}

function showSetupError(error: unknown): void {
  const banner = $('setup-error');
  banner.textContent = `The demo could not start: ${message(error)}`;
  banner.hidden = false;
  setStatus('Not running', 'error');
  console.error(error);
}

// ------------------------------------------------------------------------------------------------ the rules

function ruleValue(value: unknown): string {
  return typeof value === 'string' ? value : '(function)';
}

function conditionText(rule: TagRuleInput): string | undefined {
  const when = rule.when;
  if (!when) return undefined;
  const parts: string[] = [];
  if (when.channel !== undefined) parts.push(`channel is ${[when.channel].flat().join(' or ')}`);
  if (when.queue !== undefined) parts.push(`queue is ${[when.queue].flat().join(' or ')}`);
  for (const [key, test] of Object.entries(when.attributes ?? {})) {
    if ('present' in test) parts.push(`${key} is set`);
    else if ('absent' in test) parts.push(`${key} is not set`);
    else parts.push(`${key} = ${[test.equals].flat().join(' or ')}`);
  }
  return parts.join(' and ');
}

/** Where a rule stands for the viewed contact: its keys stored by Connect, on their way, skipped, or not due yet. */
function ruleState(rule: TagRuleInput, contact: ContactModel | undefined, stored: Record<string, string> | undefined, seen: ReadonlySet<string>): {
  label: string;
  tone: string;
} {
  if (!contact) return { label: 'no contact', tone: 'idle' };
  if (stored && Object.keys(rule.set).every((key) => key in stored)) return { label: 'stored ✓', tone: 'ok' };
  const events = [rule.on].flat();
  const fired = events.find((event) => seen.has(event));
  if (!fired) return { label: `waits for ${events.join(' / ')}`, tone: 'idle' };
  const context = { agent: undefined, contact, event: { type: fired, at: new Date() }, times: {} };
  if (!matches(rule.when, context)) return { label: 'condition not met', tone: 'idle' };
  return { label: 'in outbox', tone: 'busy' };
}

function renderRules(view: View): void {
  const contact = view.plugin?.tracker.viewed;
  const stored = contact ? view.storedByInitialId.get(contact.initialContactId)?.attributes : undefined;
  const seen = (contact && view.events.get(contact.contactId)) ?? new Set<string>();
  render(
    html`<ol class="rules">
        ${RULES.map((rule) => {
          const condition = conditionText(rule);
          const state = ruleState(rule, contact, stored, seen);
          return html`<li class="rule">
            <div class="rule-head">
              <span class="rule-name">${rule.name ?? rule.id}</span>
              <span class="badge" data-tone=${state.tone}>${state.label}</span>
            </div>
            <div class="rule-when">
              on <code>${[rule.on].flat().join(', ')}</code>${condition ? html` if <code>${condition}</code>` : nothing}
            </div>
            <dl class="rule-set">
              ${Object.entries(rule.set).map(
                ([key, value]) => html`<div><dt>${key}</dt><dd><code>${ruleValue(value)}</code></dd></div>`,
              )}
            </dl>
          </li>`;
        })}
      </ol>
      <details class="json">
        <summary>As JSON</summary>
        <pre>${JSON.stringify(RULES, null, 2)}</pre>
      </details>`,
    $('rules'),
  );
}

// ------------------------------------------------------------------------------------------------ the outbox

interface ActivityLine {
  at: number;
  tone: 'ok' | 'busy' | 'error';
  text: string;
}

const statusLabels: Record<ContactStatus['state'], string> = {
  idle: 'idle',
  queued: 'queued',
  sending: 'sending…',
  waiting: 'will retry',
  failed: 'failed',
};

function errorText(error: AttributesError | undefined): string {
  if (!error) return '';
  const code = [error.status, error.awsType].filter((part) => part !== undefined).join(' ');
  return code ? `${error.message} (${code})` : error.message;
}

function renderOutbox(view: View): void {
  const outbox = view.plugin?.outbox;
  if (!outbox) {
    render(html`<p class="muted">No outbox: the plugin has no credentials.</p>`, $('outbox'));
    return;
  }
  const state: OutboxState = outbox.state;
  const rows = new Map<string, { contact: string; status: ContactStatus | undefined; landed: { at: number; keys: number } | undefined }>();
  for (const [key, landed] of view.landed) rows.set(key, { contact: landed.contactId, status: undefined, landed });
  for (const [key, status] of state.contacts) {
    rows.set(key, { contact: status.contact.contactId, status, landed: view.landed.get(key) });
  }
  const now = Date.now();
  render(
    html`<div class="stats">
        <div class="stat"><span class="stat-value" data-testid="outbox-pending">${state.pending}</span><span class="stat-label">pending</span></div>
        <div class="stat"><span class="stat-value" data-tone=${state.failed > 0 ? 'error' : 'idle'}>${state.failed}</span><span class="stat-label">failed</span></div>
        <div class="stat"><span class="stat-value">${view.landedCount}</span><span class="stat-label">landed</span></div>
        <div class="stat"><span class="stat-value small">${state.flusher ? 'this tab' : 'other tab'}</span><span class="stat-label">flusher</span></div>
      </div>
      ${state.lastError
        ? html`<p class="last-error"><strong>Last error:</strong> ${errorText(state.lastError)}${state.lastError.retryable ? ' · retried' : ' · kept, not retried'}</p>`
        : html`<p class="last-error muted">No errors so far.</p>`}
      ${rows.size === 0
        ? html`<p class="muted">No writes yet. Ring a call and accept it: the rules tag it.</p>`
        : html`<table class="compact">
            <thead><tr><th>contact</th><th>status</th><th>keys</th><th>tries</th></tr></thead>
            <tbody>
              ${[...rows.values()].reverse().slice(0, 6).map(({ contact, status, landed }) => {
                const tone = status ? (status.state === 'failed' ? 'error' : status.state === 'idle' ? 'ok' : 'busy') : 'ok';
                const label = status
                  ? `${statusLabels[status.state]}${status.retryAt ? ` in ${Math.max(0, Math.ceil((status.retryAt - now) / 1000))} s` : ''}`
                  : `landed ${landed ? clock(landed.at) : ''}`;
                return html`<tr title=${status?.error ? errorText(status.error) : ''}>
                  <td><code>${short(contact)}</code></td>
                  <td><span class="badge" data-tone=${tone}>${label}</span></td>
                  <td>${status ? status.pendingKeys : (landed?.keys ?? 0)}</td>
                  <td>${status?.attempts ?? 0}</td>
                </tr>`;
              })}
            </tbody>
          </table>`}
      <ol class="activity" aria-label="Outbox activity">
        ${repeat(
          view.activity.slice(0, 8),
          (line) => line,
          (line) => html`<li data-tone=${line.tone}><time>${clock(line.at)}</time> ${line.text}</li>`,
        )}
      </ol>`,
    $('outbox'),
  );
}

function watchOutbox(view: View, outbox: Outbox): void {
  const log = (tone: ActivityLine['tone'], text: string): void => {
    view.activity.unshift({ at: Date.now(), tone, text });
    view.activity.length = Math.min(view.activity.length, 30);
  };
  outbox.on('landed', ({ contact, attributes }) => {
    const keys = Object.keys(attributes);
    const key = `${contact.instanceId}/${contact.initialContactId}`;
    const previous = view.landed.get(key);
    view.landed.set(key, { contactId: contact.contactId, at: Date.now(), keys: (previous?.keys ?? 0) + keys.length });
    view.landedCount++;
    log('ok', `landed ${keys.join(', ')} on ${short(contact.contactId)}`);
    view.refresh();
  });
  outbox.on('status', (status) => {
    if (status.state === 'waiting' && status.error) log('busy', `${short(status.contact.contactId)}: ${status.error.kind}, retry ${status.attempts}`);
    view.refresh();
  });
  outbox.on('failed', ({ entry, error }) => {
    log('error', `kept ${Object.keys(entry.attributes).join(', ')} of ${short(entry.contact.contactId)}: ${error.message}`);
    view.refresh();
  });
  outbox.on('expired', ({ entry }) => {
    log('error', `expired ${Object.keys(entry.attributes).join(', ')} of ${short(entry.contact.contactId)}`);
    view.refresh();
  });
  outbox.on('change', () => view.refresh());
  // Retry countdowns tick.
  setInterval(() => {
    if ([...outbox.state.contacts.values()].some((status) => status.retryAt !== undefined)) view.refresh();
  }, 500);
}

// ------------------------------------------------------------------------------------------------ faults

const FAULTS: { label: string; title: string; patch: Record<string, unknown> }[] = [
  { label: 'Throttle: 1 req/s', title: 'A quota of 1 request per second (burst 1): bursts get 429 ThrottlingException', patch: { quota: { ratePerSecond: 1, burst: 1 } } },
  { label: 'Fail next 3 (500)', title: 'The next 3 Connect requests answer 500 InternalServiceException', patch: { failNext: { count: 3, status: 500 } } },
  { label: 'Drop next request', title: 'The next API request has its connection closed without an answer (a network error)', patch: { dropNext: 1 } },
  { label: 'Slow: 1.5 s', title: 'Every API request waits 1.5 s before its answer', patch: { latencyMs: 1500 } },
];

function faultsText(faults: Faults): string {
  const parts: string[] = [];
  if (faults.quota) parts.push(`quota ${faults.quota.ratePerSecond} req/s (burst ${faults.quota.burst})`);
  if (faults.failNext && faults.failNext.count > 0) parts.push(`next ${faults.failNext.count} fail with ${faults.failNext.status ?? 500}`);
  if (faults.dropNext) parts.push(`next ${faults.dropNext} dropped`);
  if (faults.latencyMs) parts.push(`${faults.latencyMs} ms latency`);
  return parts.length === 0 ? 'None: the network is healthy.' : `Active: ${parts.join(' · ')}.`;
}

function renderFaults(view: View): void {
  const post = (patch: Record<string, unknown>): void => {
    json<unknown>(`${view.apiUrl}/_standin/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(patch) })
      .catch(() => undefined) // 204 has no JSON body
      .finally(() => void view.poll());
  };
  render(
    html`<div class="button-row">
        ${FAULTS.map((fault) => html`<button type="button" title=${fault.title} @click=${() => post(fault.patch)}>${fault.label}</button>`)}
        <button type="button" class="quiet" @click=${() => post({ quota: null, failNext: null, dropNext: null, latencyMs: null })}>Clear faults</button>
      </div>
      <p class="faults-now" role="status">${faultsText(view.faults)}</p>`,
    $('faults'),
  );
}

// ------------------------------------------------------------------------------------------------ what the stand-in stored

function renderStored(view: View): void {
  const viewed = view.plugin?.tracker.viewed?.initialContactId;
  // The contact on screen first, then the newest others.
  const contacts = [...view.stored].reverse().sort((a, b) => Number(b.initialContactId === viewed) - Number(a.initialContactId === viewed));
  const now = Date.now();
  const requests = view.requests.filter((request) => request.action !== 'Preflight').slice(-5).reverse();
  render(
    html`${contacts.length === 0
        ? html`<p class="muted">Nothing stored yet. Contacts appear here when the stand-in CCP registers them; their attributes as each write lands.</p>`
        : repeat(
            contacts.slice(0, 3),
            (contact) => contact.initialContactId,
            (contact) => {
              const entries = Object.entries(contact.attributes).sort(([a], [b]) => a.localeCompare(b));
              return html`<article class="stored-contact${contact.initialContactId === viewed ? ' viewed' : ''}" data-contact=${contact.initialContactId}>
                <header>
                  <code title=${contact.initialContactId}>${short(contact.initialContactId)}</code>
                  ${contact.initialContactId === viewed ? html`<span class="badge" data-tone="busy">on screen</span>` : nothing}
                  <span class="muted">started ${clock(contact.startedAt)}</span>
                </header>
                ${entries.length === 0
                  ? html`<p class="muted">no attributes</p>`
                  : html`<table class="kv">
                      <tbody>
                        ${repeat(
                          entries,
                          ([key]) => key,
                          ([key, value]) => {
                            const fresh = (view.changedAt.get(`${contact.initialContactId}/${key}`) ?? 0) > now - 3000;
                            return html`<tr class=${fresh ? 'fresh' : ''}><th scope="row">${key}</th><td>${value}</td></tr>`;
                          },
                        )}
                      </tbody>
                    </table>`}
              </article>`;
            },
          )}
      <h3>Last API requests</h3>
      <ol class="requests">
        ${requests.length === 0
          ? html`<li class="muted">none yet</li>`
          : requests.map(
              (request) => html`<li data-tone=${request.status === 200 ? 'ok' : 'error'}>
                <time>${clock(request.time)}</time>
                <span>${request.action.replace('ContactAttributes', 'Attributes')}</span>
                <strong>${request.status === 0 ? 'dropped' : request.status}</strong>
                ${request.errorType && request.status !== 0 ? html`<span class="muted">${request.errorType}</span>` : nothing}
              </li>`,
            )}
      </ol>`,
    $('stored'),
  );
}

// ------------------------------------------------------------------------------------------------ the page

class View {
  plugin: CcpAttributesPlugin | undefined;
  stored: StoredContact[] = [];
  storedByInitialId = new Map<string, StoredContact>();
  requests: LoggedRequest[] = [];
  faults: Faults = {};
  activity: ActivityLine[] = [];
  landed = new Map<string, { contactId: string; at: number; keys: number }>();
  landedCount = 0;
  /** Lifecycle events seen per contactId (which rules are due). */
  events = new Map<string, Set<string>>();
  /** When each `<initialContactId>/<key>` last changed in the stand-in (to flash it). */
  changedAt = new Map<string, number>();
  #scheduled = false;
  #polling = false;

  constructor(readonly apiUrl: string) {}

  /** Re-renders the demo views on the next frame. */
  refresh(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    requestAnimationFrame(() => {
      this.#scheduled = false;
      renderRules(this);
      renderOutbox(this);
      renderFaults(this);
      renderStored(this);
    });
  }

  /** Reads what the API stand-in stored, its request log and its faults. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      const [{ contacts }, { requests }, { faults }] = await Promise.all([
        json<{ contacts: StoredContact[] }>(`${this.apiUrl}/_standin/contacts`),
        json<{ requests: LoggedRequest[] }>(`${this.apiUrl}/_standin/log`),
        json<{ faults: Faults }>(`${this.apiUrl}/_standin/faults`),
      ]);
      const now = Date.now();
      const firstPoll = this.storedByInitialId.size === 0 && this.stored.length === 0;
      for (const contact of contacts) {
        const before = this.storedByInitialId.get(contact.initialContactId)?.attributes ?? {};
        for (const [key, value] of Object.entries(contact.attributes)) {
          if (!firstPoll && before[key] !== value) this.changedAt.set(`${contact.initialContactId}/${key}`, now);
        }
      }
      this.stored = contacts;
      this.storedByInitialId = new Map(contacts.map((contact) => [contact.initialContactId, contact]));
      this.requests = requests;
      this.faults = faults;
      setStatus('Connected to the stand-ins', 'ok');
    } catch (error) {
      setStatus(`API stand-in unreachable: ${message(error)}`, 'error');
    } finally {
      this.#polling = false;
      this.refresh();
    }
  }
}

async function main(): Promise<void> {
  setStatus('Starting the CCP…', 'busy');
  const mode = writeMode();
  renderWriteMode(mode);
  // In direct mode the AWS SDK half loads while the CCP starts (a failure shows at the first write); relay mode never loads it.
  if (mode === 'direct') loadSdk().catch(() => undefined);
  const editor = $<CcpAttributesElement>('editor');
  editor.schema = SCHEMA;

  // Where the Connect API stand-in and the relay listen, and the user pool and identity pool (a real page knows these
  // from its config). The agent signs in to the user pool; tokens last an hour, so the token function signs in again
  // shortly before the one it holds expires.
  const { url: apiUrl } = await json<{ url: string }>('/__standin');
  const config = await json<StandInConfigResponse>(`${apiUrl}/_standin/config`);
  const token = tokenSource({ endpoint: apiUrl, clientId: config.userPoolClientId });
  const relayUrl = mode === 'relay' ? (await json<{ url: string }>('/__relay')).url : undefined;

  const view = new View(apiUrl);
  view.refresh();

  // The plugin, configured as for a real deployment: relay mode (the relay's URL and the agent's token) or direct mode
  // (Cognito credentials from an authenticated login, the instance's endpoint, here the stand-in), the CCP created in
  // a container, the rules, the default IndexedDB outbox.
  const plugin = await createCcpAttributes({
    ...(relayUrl
      ? { relay: { url: relayUrl, token } }
      : {
          credentials: cognitoCredentials({ identityPoolId: config.identityPoolId, logins: { [config.loginProvider]: token }, endpoint: apiUrl }),
          endpoint: apiUrl,
        }),
    tracker: {
      container: $('ccp'),
      initCCP: {
        ccpUrl: ccpUrl({ api: apiUrl }),
        loginPopup: false,
        ccpLoadTimeout: 10_000,
        softphone: { allowFramedSoftphone: false },
      },
    },
    rules: RULES,
    onTagError: ({ rule, error }) => {
      view.activity.unshift({ at: Date.now(), tone: 'error', text: `rule ${rule.id}: ${message(error)}` });
      view.refresh();
    },
  });
  view.plugin = plugin;
  editor.tracker = plugin.tracker;
  editor.writer = plugin.outbox;
  if (plugin.outbox) watchOutbox(view, plugin.outbox);
  plugin.tracker.on('change', () => view.refresh());
  for (const type of TAG_EVENTS) {
    plugin.tracker.on(type, ({ contact }) => {
      const seen = view.events.get(contact.contactId) ?? new Set<string>();
      view.events.set(contact.contactId, seen.add(type));
      view.refresh();
    });
  }
  plugin.tracker.on('error', (error) => setStatus(error.message, 'error'));

  // The stand-in CCP's scenario API (demo only: a real CCP is driven by real calls).
  const iframe = await until(() => findCcpIframe($('ccp')), 'the CCP iframe', 10_000);
  const ccp = await standInCcp(iframe);
  await ccp.ready;
  mountScenarioPanel($('scenario'), { ccp, tracker: plugin.tracker });
  renderExtraScenarios(ccp);
  renderOtherAgentWrite(plugin, ccp, apiUrl, mode);

  window.demo = { plugin, ccp, editor, apiUrl };
  await view.poll();
  setInterval(() => void view.poll(), 1000);
}

/** One extra scenario for this desk: a call that went through the IVR, with attributes the flow set. */
function renderExtraScenarios(ccp: StandInCcp): void {
  const status = document.createElement('span');
  status.className = 'muted';
  render(
    html`<button
        type="button"
        class="primary"
        title="An inbound call whose contact flow set CustomerTier=gold, Intent and AccountId"
        @click=${() => {
          ccp.ringCall({ attributes: IVR_ATTRIBUTES, queueName: 'Billing' }).catch((error: unknown) => (status.textContent = message(error)));
        }}
      >
        Ring a gold-customer call (IVR attributes)
      </button>
      ${status}`,
    $('scenario-extra'),
  );
}

// ------------------------------------------------------------------------------------------------ write modes

type WriteMode = 'direct' | 'relay';

/** The write mode the page was opened with: `?writes=relay`, else direct. */
function writeMode(): WriteMode {
  return new URLSearchParams(location.search).get('writes') === 'relay' ? 'relay' : 'direct';
}

/** The switch in the top bar: each mode is a page load (the plugin, its CCP and its outbox start once per page). */
function renderWriteMode(mode: WriteMode): void {
  const link = (target: WriteMode, label: string, title: string) =>
    html`<a href=${`?writes=${target}`} title=${title} aria-current=${target === mode ? 'page' : 'false'}>${label}</a>`;
  render(
    html`<span>Writes:</span>
      ${link('direct', 'Direct (Cognito)', 'Each agent calls Amazon Connect with Cognito credentials that can write any contact of the instance')}
      ${link('relay', 'Relay (owner-checked)', 'Writes go to the relay with the agent\'s sign-in token; it writes only contacts the agent handles')}`,
    $('write-mode'),
  );
}

/**
 * "Write another agent's contact": registers a call that agent.jones handles with the API stand-in, then writes a
 * note on it through this page's outbox, as agent.smith. Direct mode lets it land; the relay refuses it, and the
 * outbox keeps it as a failure.
 */
function renderOtherAgentWrite(plugin: CcpAttributesPlugin, ccp: StandInCcp, apiUrl: string, mode: WriteMode): void {
  const status = document.createElement('span');
  status.setAttribute('role', 'status');
  status.className = 'muted';
  const write = async (): Promise<void> => {
    const outbox = plugin.outbox;
    if (!outbox) throw new Error('this page cannot write (no outbox)');
    const contactId = crypto.randomUUID();
    const { instance, region } = ccp.config;
    const record = { instanceId: instance, contactId, startedAt: new Date().toISOString(), agentId: 'agent-agent-jones', channel: 'VOICE' };
    const registered = await fetch(`${apiUrl}/_standin/contacts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([record]) });
    if (!registered.ok) throw new Error(`the API stand-in answered HTTP ${registered.status}`);
    status.textContent = `Writing a note on agent.jones's call ${short(contactId)}…`;
    try {
      await outbox.write({ contactId, initialContactId: contactId, instanceId: instance, region }, { Note: 'written by agent.smith' }, { origin: 'agent' });
      status.textContent = `Landed on agent.jones's call ${short(contactId)}: in direct mode any agent can write any contact of the instance.`;
    } catch (error) {
      status.textContent = `Refused on agent.jones's call ${short(contactId)}: ${message(error)} (kept in the outbox as a failure, not retried)`;
    }
  };
  const hint = mode === 'relay' ? 'The relay checks who handles the contact and refuses' : 'Direct mode cannot tell whose contact it is';
  const button = html`<button
    type="button"
    title=${`Registers a call handled by agent.jones and writes a note on it as agent.smith. ${hint}.`}
    @click=${() => {
      write().catch((error: unknown) => (status.textContent = message(error)));
    }}
  >
    Write another agent's contact
  </button>`;
  render(html`${button} ${status}`, $('other-agent'));
}

async function until<T>(check: () => T | null | undefined, what: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

main().catch(showSetupError);


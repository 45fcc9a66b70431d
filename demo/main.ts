/**
 * The custom agent desktop demo (`npm start`): what a contact-center developer builds with ccp-attributes.
 * The plugin creates the CCP (the stand-in, through Streams' initCCP), <ccp-attributes> edits the viewed contact,
 * tagging rules write on contact events, and every write goes through the durable outbox. Around it, demo-only
 * panels, one module each in desk/: the rules and where each stands (from the tagger and the outbox), the outbox,
 * what the Connect API stand-in stored (polled), injected network faults, the write mode, and the scenario panel
 * that drives the stand-in CCP. This module assembles them.
 * Writes go directly to Connect with Cognito credentials (`?writes=direct`, the default) or through the
 * owner-checking relay with the agent's sign-in token (`?writes=relay`), or through the relay in queued mode
 * (`?writes=queued`: fauxqs and the worker run beside the stand-in, outcomes are pushed over the relay's WebSocket, and
 * the queue panel shows the queue's depth, the worker's progress and the sockets subscribed); "Write another agent's contact" shows what each mode does with a contact the agent does not
 * handle.
 * Every value is rendered as text (Lit text bindings), never as HTML.
 */
import '../components/ccp-attributes.ts';
import type { CcpAttributes as CcpAttributesElement } from '../components/ccp-attributes.ts';
import { cognitoCredentials, loadSdk } from '../src/client.ts';
import { createCcpAttributes, type CcpAttributesPlugin } from '../src/plugin.ts';
import { ccpUrl, findCcpIframe, standInCcp, type StandInCcp } from './ccp/scenario.ts';
import type { StandInConfigAnswer } from './connect-api/types.ts';
import { mountScenarioPanel } from './ccp/panel.ts';
import { RULES, SCHEMA } from './desk/config.ts';
import { $, json, setStatus, showSetupError, until } from './desk/dom.ts';
import { renderFaults } from './desk/faults-panel.ts';
import { OutboxPanel } from './desk/outbox-panel.ts';
import { watchQueue, type QueuedAnswer } from './desk/queue-panel.ts';
import { RulesPanel } from './desk/rules-panel.ts';
import { renderExtraScenarios } from './desk/scenarios.ts';
import { StandInState } from './desk/stand-in.ts';
import { renderStored } from './desk/stored-panel.ts';
import { renderOtherAgentWrite, renderWriteMode, writeMode } from './desk/write-mode.ts';
import { tokenSource } from './sign-in.ts';

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

/** Renders every panel on the next frame, however many changes asked for it. */
function scheduler(renderAll: () => void): () => void {
  let scheduled = false;
  return () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(() => {
      scheduled = false;
      renderAll();
    });
  };
}

async function main(): Promise<void> {
  setStatus('Starting the CCP…', 'busy');
  const mode = writeMode();
  renderWriteMode($('write-mode'), mode);
  // In direct mode the AWS SDK half loads while the CCP starts (a failure shows at the first write); relay mode never loads it.
  if (mode === 'direct') loadSdk().catch(() => undefined);
  const editor = document.querySelector('ccp-attributes');
  if (!editor) throw new Error('demo: the <ccp-attributes> editor is missing from index.html');
  editor.schema = SCHEMA;

  // Where the Connect API stand-in and the relay listen, and the user pool and identity pool (a real page knows these
  // from its config). The agent signs in to the user pool; tokens last an hour, so the token function signs in again
  // shortly before the one it holds expires.
  const { url: apiUrl } = await json<{ url: string }>('/__standin');
  const config = await json<StandInConfigAnswer>(`${apiUrl}/_standin/config`);
  const token = tokenSource({ endpoint: apiUrl, clientId: config.userPoolClientId ?? '' });
  // Queued mode: the outbox hears the outcomes of accepted writes pushed over the relay's outcome socket.
  const relay: { url: string; socketUrl?: string } | undefined =
    mode === 'relay'
      ? await json<{ url: string }>('/__relay')
      : mode === 'queued'
        ? await json<QueuedAnswer>('/__queued')
        : undefined;
  if (mode === 'queued') watchQueue($('queue'), $('queue-card'));

  // The plugin and its outbox panel arrive once the CCP is up; the panels render before that.
  const assembled: { plugin?: CcpAttributesPlugin; outboxPanel?: OutboxPanel } = {};
  const refresh = scheduler(() => {
    const viewed = assembled.plugin?.tracker.viewed;
    rules.render(viewed);
    assembled.outboxPanel?.render();
    renderFaults($('faults'), standIn);
    renderStored($('stored'), standIn, viewed?.initialContactId);
  });
  const standIn = new StandInState(apiUrl, refresh);
  const rules = new RulesPanel($('rules'), RULES, refresh);
  refresh();

  // The plugin, configured as for a real deployment: relay mode (the relay's URL and the agent's token) or direct mode
  // (Cognito credentials from an authenticated login, the instance's endpoint, here the stand-in), the CCP created in
  // a container, the rules, the default IndexedDB outbox.
  const { onTag, onError } = rules.callbacks((text) => assembled.outboxPanel?.log('error', text));
  const plugin = await createCcpAttributes({
    ...(relay
      ? { relay: { url: relay.url, socketUrl: relay.socketUrl, token } }
      : {
          credentials: cognitoCredentials({
            identityPoolId: config.identityPoolId,
            logins: { [config.loginProvider]: token },
            endpoint: apiUrl,
          }),
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
    onTag,
    onTagError: onError,
  });
  editor.tracker = plugin.tracker;
  editor.writer = plugin.outbox;
  editor.wrapUp = plugin;
  assembled.plugin = plugin;
  assembled.outboxPanel = new OutboxPanel($('outbox'), plugin.outbox, refresh);
  rules.watch(plugin.tracker, plugin.outbox);
  plugin.tracker.on('change', refresh);
  plugin.tracker.on('error', (error) => setStatus(error.message, 'error'));
  refresh();

  // The stand-in CCP's scenario API (demo only: a real CCP is driven by real calls).
  const iframe = await until(() => findCcpIframe($('ccp')), 'the CCP iframe', 10_000);
  const ccp = await standInCcp(iframe);
  await ccp.ready;
  mountScenarioPanel($('scenario'), { ccp, tracker: plugin.tracker });
  renderExtraScenarios($('scenario-extra'), ccp);
  renderOtherAgentWrite($('other-agent'), plugin, ccp, apiUrl, mode);

  window.demo = { plugin, ccp, editor, apiUrl };
  await standIn.poll();
  setInterval(() => void standIn.poll(), 1000);
}

main().catch(showSetupError);

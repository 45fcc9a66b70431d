/**
 * The agent workspace service's script (`dist/workspace/service/index.js`, loaded by
 * `dist/workspace/service/index.html`, the page a contact center registers as a third-party service). Headless: it
 * connects to the workspace at once (`AmazonConnectService.init`, whose `onCreate` returns at once), then reads the
 * configuration like the app page (the script element's data-* attributes, else `config.json` beside the page),
 * signs in with the same token settings, follows every contact of the agent, runs the rules and sends the outbox.
 * It never takes the workspace down: every problem goes to the console and to the workspace's log through the
 * SDK's non-fatal `sendError`; none is thrown out of `onCreate`.
 */
import { AmazonConnectService } from '@amazon-connect/app';
import { registerService } from '../src/tracker/workspace-provider.ts';
import type { WorkspaceService } from '../src/workspace-service.ts';

declare global {
  interface Window {
    /** Resolves with the running service (rejects with what stopped it; already reported). */
    ccpAttributesService?: Promise<WorkspaceService>;
  }
}

let created!: () => void;
const { provider } = AmazonConnectService.init({
  onCreate: () => {
    created();
    return Promise.resolve();
  },
});
registerService(provider, new Promise<void>((resolve) => (created = resolve)));

const self = import.meta.url;
const script = [...document.querySelectorAll('script')].find((element) => element.src === self);
const ready = script
  ? import('./workspace-service-setup.ts').then(({ start }) => start(script, provider))
  : Promise.reject(new Error('ccp-attributes: the workspace service script could not find its own <script> element.'));
ready.catch((error: unknown) => {
  const message = `ccp-attributes service: ${error instanceof Error ? error.message : String(error)}`;
  console.error(message);
  provider.sendError(message);
});
window.ccpAttributesService = ready;

/**
 * The demo's third-party app: what the agent workspace loads in its iframe. The editor over the workspace source
 * (the REAL Amazon Connect SDK), saving through the Connect API (here its stand-in, with Cognito credentials as
 * in a real deployment). A missing workspace permission shows as the editor's read-only reason.
 */
import '../../components/ccp-attributes.ts';
import type { CcpAttributes } from '../../components/ccp-attributes.ts';
import { AttributesClient, cognitoCredentials } from '../../src/client.ts';
import { ContactTracker } from '../../src/tracker/tracker.ts';
import { WorkspaceContactSource } from '../../src/tracker/workspace-source.ts';

/** What the demo app exposes as `window.workspaceDemoApp`, for the stand-in workspace page and the tests. */
export interface WorkspaceDemoApp {
  tracker: ContactTracker;
  source: WorkspaceContactSource;
  editor: CcpAttributes;
}

interface StandInConfigResponse {
  url: string;
  region: string;
  identityPoolId: string;
  loginProvider: string;
  validTokens: string[];
}

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  return (await response.json()) as T;
}

const status = document.getElementById('status') as HTMLElement;
const editor = document.getElementById('editor') as CcpAttributes;

function setStatus(text: string, tone: 'ok' | 'error'): void {
  status.textContent = text;
  status.dataset['tone'] = tone;
}

const source = new WorkspaceContactSource();
const tracker = new ContactTracker(source);
editor.tracker = tracker;
tracker.on('error', (error) => {
  // A missing permission makes the editor read-only with the sentence that names it; other problems show above it.
  if (source.readOnlyReason) editor.setupError = source.readOnlyReason;
  else setStatus(error.message, 'error');
});
tracker.on('change', () => {
  const scope = source.scope;
  if (scope) setStatus(scope.type === 'contact' ? `Scope: contact ${scope.contactId}` : 'Scope: idle (every contact)', 'ok');
});
(window as Window & { workspaceDemoApp?: WorkspaceDemoApp }).workspaceDemoApp = { tracker, source, editor };

// Where the Connect API stand-in listens and its Cognito identity pool (a real app reads these from its config).
try {
  const { url } = await json<{ url: string }>('/__standin');
  const config = await json<StandInConfigResponse>(`${url}/_standin/config`);
  const token = config.validTokens[0];
  if (!token) throw new Error('the API stand-in lists no valid login token');
  editor.writer = new AttributesClient({
    region: config.region,
    endpoint: url,
    credentials: cognitoCredentials({ identityPoolId: config.identityPoolId, logins: { [config.loginProvider]: token }, endpoint: url }),
  });
} catch (error) {
  editor.setupError = `The Connect API stand-in could not be reached: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * What the recent-contacts and review demo pages share: they register completed contacts with the API stand-in (a real
 * instance has them already), sign a demo user in to the stand-in's user pool and talk to the relay the dev server
 * started; a page that cannot start says why in its status line.
 */
import type { ContactRecord, StandInConfigAnswer } from './connect-api/server.ts';
import { tokenSource } from './sign-in.ts';
import { RelayClient } from '../src/relay-client.ts';

async function json<T>(url: string): Promise<T> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

/** Registers `contacts` with the stand-in and returns a relay client signed in as `username` (default agent.smith). */
export async function startCompletedContactsDemo(contacts: ContactRecord[], username?: string): Promise<RelayClient> {
  const { url: apiUrl } = await json<{ url: string }>('/__standin');
  const config = await json<StandInConfigAnswer>(`${apiUrl}/_standin/config`);
  const { url: relayUrl } = await json<{ url: string }>('/__relay');
  const registered = await fetch(`${apiUrl}/_standin/contacts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(contacts),
  });
  if (!registered.ok) throw new Error(`registering the demo contacts: HTTP ${registered.status}`);
  return new RelayClient({
    url: relayUrl,
    token: tokenSource({
      endpoint: apiUrl,
      clientId: config.userPoolClientId ?? '',
      ...(username === undefined ? {} : { username }),
    }),
  });
}

/** Runs a demo page's start-up, saying in `#status` why it failed if it does. */
export function runDemoPage(main: (status: HTMLElement | null) => Promise<void>): void {
  const status = document.getElementById('status');
  main(status).catch((error: unknown) => {
    if (status)
      status.textContent = `The demo could not start: ${error instanceof Error ? error.message : String(error)}`;
    console.error(error);
  });
}

// Browser-side access to the Connect API stand-in started by the test runner (its /_standin/ control surface).
import type { ConnectApiHandle, ContactRecord, Faults, LoggedRequest } from '../../demo/connect-api/server.ts';
import type { Attributes } from '../../src/validate.ts';

export type { Faults, LoggedRequest };

/** What /_standin/config tells about the stand-in. */
export type StandInConfig = Pick<
  ConnectApiHandle,
  'url' | 'region' | 'accessKeyId' | 'secretAccessKey' | 'identityPoolId' | 'loginProvider'
> & {
  validTokens: string[];
};

let configPromise: Promise<StandInConfig> | undefined;

async function json<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`stand-in answered ${response.status} for ${response.url}`);
  return (await response.json()) as T;
}

/** The stand-in's address and demo credentials. */
export function standInConfig(): Promise<StandInConfig> {
  configPromise ??= fetch('/__standin')
    .then((r) => json<{ url: string }>(r))
    .then(({ url }) => fetch(`${url}/_standin/config`))
    .then((r) => json<StandInConfig>(r));
  return configPromise;
}

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  const { url } = await standInConfig();
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const response = await fetch(`${url}/_standin/${path}`, init);
  if (!response.ok && response.status !== 404) throw new Error(`stand-in answered ${response.status} for ${path}`);
  return response;
}

/** Registers contacts with the stand-in. */
export async function registerContacts(contacts: ContactRecord[]): Promise<void> {
  await control('POST', 'contacts', contacts);
}

/** What the stand-in has stored for a contact, or undefined when it does not know it. */
export async function storedAttributes(instanceId: string, initialContactId: string): Promise<Attributes | undefined> {
  const response = await control(
    'GET',
    `attributes/${encodeURIComponent(instanceId)}/${encodeURIComponent(initialContactId)}`,
  );
  if (response.status === 404) return undefined;
  return (await json<{ attributes: Attributes }>(response)).attributes;
}

/** Sets faults for the following requests. */
export async function setFaults(faults: Faults): Promise<void> {
  await control('POST', 'faults', faults);
}

/** The API requests seen since the last reset. */
export async function requestLog(): Promise<LoggedRequest[]> {
  return (await json<{ requests: LoggedRequest[] }>(await control('GET', 'log'))).requests;
}

/** Clears stored attributes, the request log, faults and issued credentials. */
export async function resetStandIn(): Promise<void> {
  await control('POST', 'reset');
}

/** A fresh contact id for a test. */
export function newContactId(): string {
  return crypto.randomUUID();
}

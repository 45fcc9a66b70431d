// Helpers for the tracker's browser tests: record tracker events in order, wait for conditions, start Streams
// against the stand-in CCP (demo/ccp/) with the Connect API stand-in's URL.
import 'amazon-connect-streams';
import type { ContactEventType, ContactTrackerLike, ContactEvent } from '../../src/tracker/types.ts';
import { standInConfig, storedAttributes } from '../helpers/stand-in.ts';
import { ccpUrl, findCcpIframe, standInCcp, type StandInCcp, type StandInUrlOptions } from '../../demo/ccp/scenario.ts';

/** Every lifecycle event type, to record them all. */
export const LIFECYCLE: readonly ContactEventType[] = [
  'connecting',
  'accepted',
  'connected',
  'missed',
  'acw',
  'ended',
  'destroyed',
  'viewed',
];

/** Records the tracker's lifecycle events in order. */
export function record(tracker: ContactTrackerLike): {
  events: ContactEvent[];
  of(contactId: string): string[];
  stop(): void;
} {
  const events: ContactEvent[] = [];
  const offs = LIFECYCLE.map((type) => tracker.on(type, (event) => events.push(event)));
  return {
    events,
    of: (contactId) => events.filter((e) => e.contact.contactId === contactId).map((e) => e.type),
    stop: () => offs.forEach((off) => off()),
  };
}

import { until } from '../helpers/until.ts';

export { until };

/** A short pause, to let events that should NOT happen have their chance. */
export function settle(ms = 150): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The Connect API stand-in's URL (started by the test runner). */
export async function standInApiUrl(): Promise<string> {
  return (await standInConfig()).url;
}

/** What the API stand-in stores for a contact (undefined when it does not know it). */
export const stored = storedAttributes;

/** initCCP options for the stand-in CCP, with the API stand-in's URL filled in. */
export async function ccpOptions(options: StandInUrlOptions = {}): Promise<connect.InitCCPOptions> {
  const url = await standInApiUrl();
  return {
    ccpUrl: ccpUrl({ api: url, interval: 500, ...options }),
    loginPopup: false,
    softphone: { allowFramedSoftphone: false },
    ccpLoadTimeout: 10000,
  };
}

/** A container for the CCP iframe. */
export function container(): HTMLElement {
  const div = document.createElement('div');
  div.style.cssText = 'width: 320px; height: 400px;';
  document.body.append(div);
  return div;
}

/** The stand-in's scenario API once Streams created the iframe and the stand-in started. */
export async function scenario(): Promise<StandInCcp> {
  const iframe = await until(() => findCcpIframe(), 'the CCP iframe');
  const ccp = await standInCcp(iframe);
  await ccp.ready;
  return ccp;
}

/** Streams' Contact for an id (its type definitions declare no constructor arguments). */
export function streamsContact(contactId: string): connect.Contact {
  const Contact = connect.Contact as unknown as new (id: string) => connect.Contact;
  return new Contact(contactId);
}

/** Streams internals the type definitions leave out. */
export interface StreamsInternals {
  core: {
    initialized: boolean;
    getClient(): {
      call(
        method: string,
        params: object,
        callbacks: { success(data: unknown): void; failure(err: unknown): void },
      ): void;
    };
  };
  ifMaster(topic: string, whenMaster: () => void, otherwise: () => void): void;
}

/** The Streams global with its untyped internals. */
export function streams(): StreamsInternals {
  return connect as unknown as StreamsInternals;
}

// The browser tests that depend most on the browser engine, run in Firefox too (the CCP supports Chrome, Edge and
// Firefox): Debian's firefox-esr, driven by puppeteer-core over WebDriver BiDi. These are the outbox over IndexedDB,
// Web Locks and BroadcastChannel (one tab sending for all, a flusher closing mid-flight), over the real AWS SDK's
// fetch with its aborts and deadlines, the drop-in script tag end to end in both write modes, and queued mode's
// outcomes pushed over the engine's own WebSocket (its handshake's Origin, its open/close/error events). The
// stand-ins and the plugins are the Chromium config's. Run through `npm run test:firefox` (tsx loader on).
import * as puppeteer from 'puppeteer-core';
import { chromeLauncher } from '@web/test-runner-chrome';
import base from './web-test-runner.config.mjs';
import { findFirefox } from './firefox.ts';

export default {
  ...base,
  files: [
    'test/outbox/idb.test.ts',
    'test/outbox/faults.test.ts',
    'test/outbox/deadline.test.ts',
    'test/drop-in/drop-in.e2e.test.ts',
    'test/drop-in/drop-in-relay.e2e.test.ts',
    'test/plugin/queued-push.e2e.test.ts',
  ],
  browsers: [
    // Given a puppeteer, this launcher launches the browser `launchOptions.browser` names (as
    // @web/test-runner-puppeteer does with it): node_modules/@web/test-runner-chrome/dist/ChromeLauncher.js.
    chromeLauncher({
      puppeteer,
      launchOptions: { browser: 'firefox', executablePath: findFirefox(), headless: true },
    }),
  ],
};

/**
 * The BUILT drop-in (rollup's output, built for this run into a temporary folder) on a page served with a strict
 * Content Security Policy: no 'unsafe-inline', no 'unsafe-eval', and Trusted Types required for every script sink.
 * The page has only same-origin scripts: the page's own Amazon Connect Streams, a file that defines the login token
 * function, and the drop-in's script tag. In headless Chromium, against the stand-in CCP (in Streams' iframe) and the
 * Connect API stand-in (Cognito credentials, signed writes), the drop-in must load, tag a call (a rule fetched from
 * data-rules-url lands in the stand-in) and save the agent's edit, with no `securitypolicyviolation` event and no
 * CSP or Trusted Types message in the console. Three pages: the issue's policy; a stricter one (default-src 'none',
 * style-src 'self', connect-src and frame-src to the stand-ins only, one Trusted Types policy); and relay mode under
 * the stricter one (connect-src to the relay alone). Skipped, saying why, only when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer-core';
import { rollup, type OutputOptions, type RollupOptions } from 'rollup';
import { ccpUrl, type StandInCcp } from '../../demo/ccp/scenario.ts';
import { startStandInRelay } from '../../demo/relay.ts';
import { startDemo, type DemoHandle } from '../../demo/server.ts';
import type { RelayServer } from '../../src/relay/index.ts';
import { chromiumArgs, findChromium } from '../chromium.ts';
import { until } from '../helpers/until.ts';

const chromium = findChromium();
const skip = chromium
  ? false
  : "no Chromium found (install Debian's chromium, or set CHROME_PATH): the strict-CSP page is not tried";
if (!chromium) console.log(`# drop-in CSP test skipped: ${skip}`);

const root = fileURLToPath(new URL('../..', import.meta.url));
const streams = join(root, 'node_modules', 'amazon-connect-streams', 'release', 'connect-streams-min.js');

/** The issue's policy: scripts from the page's own origin only, Trusted Types for every script sink; nothing else. */
const STRICT_CSP = "script-src 'self'; object-src 'none'; base-uri 'none'; require-trusted-types-for 'script'";

/**
 * The stricter one: nothing but what the drop-in needs (the stand-ins for connect-src, the CCP's origin for frame-src),
 * no inline style attribute (style-src without 'unsafe-inline'), and one Trusted Types policy, Lit's.
 */
function stricterCsp(connect: string, ccp: string): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    `connect-src 'self' ${new URL(connect).origin}`,
    `frame-src ${new URL(ccp).origin}`,
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

/** One stand-in instance per page, so their contacts stay apart. */
const instances = {
  strict: '5a0e7b7c-3f2d-4c55-8d6a-9e1f2a3b4c5d',
  stricter: '6b1f8c8d-4a3e-4d66-9e7b-0f2a3b4c5d6e',
  relay: '7c2a9d9e-5b4f-4e77-8f8c-1a3b4c5d6e7f',
  mistakes: '8d3b0e0f-6c5a-4f88-9a9d-2b4c5d6e7f80',
};

/** What the page reports: `securitypolicyviolation` events and console messages about CSP or Trusted Types. */
interface Violation {
  directive: string;
  blockedURI: string;
  sourceFile: string;
  line: number;
  sample: string;
}

/** What one page load showed. */
interface Observed {
  violations: Violation[];
  consoleProblems: string[];
  pageErrors: string[];
  policies: string[] | undefined;
}

declare global {
  interface Window {
    cspReport?: (violation: Violation) => void;
    cspPolicyNames?: string[];
  }
}

/** Builds the drop-in with the project's own rollup configuration into `dir`. */
async function buildDropIn(dir: string): Promise<void> {
  const { default: configs } = (await import(pathToFileURL(join(root, 'rollup.config.mjs')).href)) as {
    default: RollupOptions[];
  };
  const config = configs.find((entry) => {
    const input = entry.input;
    return typeof input === 'object' && !Array.isArray(input) && input['ccp-attributes'] === 'components/drop-in.ts';
  });
  assert.ok(config, 'rollup.config.mjs has no drop-in build (input ccp-attributes: components/drop-in.ts)');
  const output = config.output as OutputOptions;
  const bundle = await rollup({ ...config, onwarn: () => {} });
  try {
    await bundle.write({ ...output, dir });
  } finally {
    await bundle.close();
  }
}

const types: Record<string, string> = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.map': 'application/json',
  '.css': 'text/css',
};

/** A file the page's server serves: its body, and for a page, its Content-Security-Policy. */
interface Served {
  body: string | (() => Promise<Buffer>);
  policy?: string;
}

/** The page's server: the pages, their scripts, style sheet and rules file, and the built drop-in, all on one origin. */
function startPageServer(files: Map<string, Served>, dropIn: string): Promise<Server> {
  const server = createServer((request, response) => {
    void (async () => {
      const path = new URL(request.url ?? '/', 'http://page').pathname;
      const file = files.get(path);
      let body: string | Buffer | undefined = typeof file?.body === 'function' ? await file.body() : file?.body;
      if (!file && path.startsWith('/drop-in/')) {
        const local = normalize(join(dropIn, path.slice('/drop-in/'.length)));
        if (local.startsWith(dropIn + sep)) body = await readFile(local).catch(() => undefined);
      }
      if (body === undefined) {
        response.writeHead(404).end();
        return;
      }
      response.writeHead(200, {
        'content-type': types[extname(path)] ?? 'text/html; charset=utf-8',
        'cache-control': 'no-store',
        ...(file?.policy ? { 'content-security-policy': file.policy } : {}),
      });
      response.end(body);
    })().catch((error: unknown) => response.writeHead(500).end(String(error)));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Escapes a value for a double-quoted HTML attribute. */
const quoted = (value: string): string => value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * A page with only same-origin scripts and styles: Streams, the login token function, the drop-in's script tag, and
 * an editor unless `editor` is false.
 */
function pageHtml(dataset: Record<string, string>, editor = true): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>ccp-attributes under a strict Content Security Policy</title>
    <link rel="icon" href="/page/icon.png" />
    <link rel="stylesheet" href="/page/page.css" />
    <script src="/streams/connect-streams-min.js"></script>
    <script src="/page/token.js"></script>
    <script type="module" src="/drop-in/ccp-attributes.js"
      ${Object.entries(dataset)
        .map(([name, value]) => `data-${name}="${quoted(value)}"`)
        .join('\n      ')}></script>
  </head>
  <body>
    <main>
      <div id="ccp"></div>
      ${editor ? `<ccp-attributes schema='[{"key": "HandledBy", "label": "Handled by", "readOnly": true}, {"key": "Notes", "type": "multiline"}]'></ccp-attributes>` : ''}
    </main>
  </body>
</html>
`;
}

type StandInWindow = Window & { standInCcp?: StandInCcp };

describe(
  'the built drop-in on a page with a strict Content Security Policy and Trusted Types',
  { skip, timeout: 300_000 },
  () => {
    let dropIn: string;
    // Set in before(); undefined in after() when before() failed part way.
    let demo: DemoHandle;
    let pageServer: Server | undefined;
    let pageOrigin: string;
    let browser: Browser | undefined;
    let relay: RelayServer | undefined;
    const files = new Map<string, Served>();

    before(
      async () => {
        dropIn = await mkdtemp(join(tmpdir(), 'ccp-attributes-csp-'));
        // Both at once; whichever fails, the other is still stopped in after().
        const [built, started] = await Promise.allSettled([buildDropIn(dropIn), startDemo({ port: 0, apiPort: 0 })]);
        if (started.status === 'fulfilled') demo = started.value;
        if (built.status === 'rejected') throw built.reason;
        if (started.status === 'rejected') throw started.reason;
        const config = (await (await fetch(`${demo.api.url}/_standin/config`)).json()) as {
          region: string;
          identityPoolId: string;
          loginProvider: string;
          validTokens: string[];
        };
        const token = config.validTokens[0];
        assert.ok(token, 'the stand-in gives a valid login token');
        const ccp = (instance: string): Record<string, string> => ({
          'ccp-url': ccpUrl({ api: demo.api.url, instance, interval: 500 }, demo.url),
          'login-token-function': 'cspLoginToken',
          'rules-url': '/page/rules.json',
          'outbox-debounce-ms': '50',
        });
        const direct = (instance: string): Record<string, string> => ({
          ...ccp(instance),
          region: config.region,
          endpoint: demo.api.url,
          'identity-pool-id': config.identityPoolId,
          'login-provider': config.loginProvider,
          'cognito-endpoint': demo.api.url,
        });
        for (const [path, file] of [
          // The issue's policy, the CCP in the page's own container; the stricter one, the CCP in the drop-in's own one.
          ['/', { body: pageHtml({ ...direct(instances.strict), 'ccp-container': '#ccp' }), policy: STRICT_CSP }],
          [
            '/stricter.html',
            { body: pageHtml(direct(instances.stricter)), policy: stricterCsp(demo.api.url, demo.url) },
          ],
          // Typos (an http: relay URL, a mistyped rule event) on a page with no editor, under the stricter policy.
          [
            '/mistakes.html',
            {
              body: pageHtml(
                {
                  'ccp-url': ccpUrl({ api: demo.api.url, instance: instances.mistakes, interval: 500 }, demo.url),
                  'relay-url': 'http://relay.example.com',
                  'login-token-function': 'cspLoginToken',
                  rules: '[{"id": "wrap", "on": "acw-started", "set": {"a": "b"}}]',
                },
                false,
              ),
              policy: stricterCsp(demo.api.url, demo.url),
            },
          ],
          ['/page/page.css', { body: '#ccp { width: 320px; height: 480px; }\n' }],
          [
            '/page/icon.png',
            {
              body: () =>
                Promise.resolve(
                  Buffer.from(
                    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
                    'base64',
                  ),
                ),
            },
          ],
          ['/page/token.js', { body: `window.cspLoginToken = () => ${JSON.stringify(token)};\n` }],
          [
            '/page/rules.json',
            { body: JSON.stringify([{ id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } }]) },
          ],
          ['/streams/connect-streams-min.js', { body: () => readFile(streams) }],
        ] as const) {
          files.set(path, file);
        }
        pageServer = await startPageServer(files, dropIn);
        pageOrigin = `http://127.0.0.1:${(pageServer.address() as AddressInfo).port}`;
        // Relay mode: the owner-checking relay in front of the stand-in, its CORS open to this page only; the page may
        // connect to the relay alone (no Cognito, no Amazon Connect endpoint).
        relay = await startStandInRelay(demo.api, { allowedOrigins: [pageOrigin], instanceId: instances.relay });
        files.set('/relay.html', {
          body: pageHtml({ ...ccp(instances.relay), 'relay-url': relay.url }),
          policy: stricterCsp(relay.url, demo.url),
        });
        browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
      },
      { timeout: 180_000 },
    );

    after(async () => {
      await browser?.close();
      await new Promise((resolve) => (pageServer ? pageServer.close(resolve) : resolve(undefined)));
      await relay?.close();
      await (demo as DemoHandle | undefined)?.stop();
      if (dropIn) await rm(dropIn, { recursive: true, force: true });
    });

    /** Opens `path` in its own browser context, with the page's violations, CSP console messages and errors recorded. */
    async function open(path: string): Promise<{ page: Page; observed: Observed }> {
      const observed: Observed = { violations: [], consoleProblems: [], pageErrors: [], policies: undefined };
      assert.ok(browser, 'Chromium started');
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      // Reported from the page to the test before any of the page's scripts run (the DevTools protocol adds this
      // script; the page's policy does not apply to it).
      await page.exposeFunction('cspReport', (violation: Violation) => observed.violations.push(violation));
      await page.evaluateOnNewDocument(() => {
        // The names of the Trusted Types policies the page creates: a pass-through 'default' policy would silence
        // every violation this test looks for.
        const names: string[] = (window.cspPolicyNames = []);
        const factory = (window as Window & { trustedTypes?: { createPolicy(name: string, rules: object): unknown } })
          .trustedTypes;
        if (factory) {
          const createPolicy = factory.createPolicy.bind(factory);
          factory.createPolicy = (name, rules) => {
            names.push(name);
            return createPolicy(name, rules);
          };
        }
        document.addEventListener('securitypolicyviolation', (event) => {
          window.cspReport?.({
            directive: event.effectiveDirective,
            blockedURI: event.blockedURI,
            sourceFile: event.sourceFile,
            line: event.lineNumber,
            sample: event.sample,
          });
        });
      });
      page.on('console', (message) => {
        if (process.env['CSP_TEST_CONSOLE']) console.log(`# page console ${message.type()}: ${message.text()}`);
        if (/content security policy|trusted ?type|TrustedHTML|TrustedScript/i.test(message.text()))
          observed.consoleProblems.push(`${message.type()}: ${message.text()}`);
      });
      page.on('pageerror', (error) => observed.pageErrors.push(error instanceof Error ? error.message : String(error)));
      const response = await page.goto(`${pageOrigin}${path}`, { waitUntil: 'load' });
      assert.equal(response?.headers()['content-security-policy'], files.get(path)?.policy);
      return { page, observed };
    }

    /** Loads the drop-in, tags a call (the rule from data-rules-url) and saves the agent's note, checking each lands. */
    async function loadTagAndSave(page: Page, instanceId: string): Promise<void> {
      const rules = await page.evaluate(async () =>
        (await window.ccpAttributes?.ready)?.tagger?.rules.map((rule) => rule.id),
      );
      assert.deepEqual(rules, ['handled-by'], 'the plugin is assembled with the rules of data-rules-url');
      const frame = await until(
        () => page.frames().find((f: Frame) => f.url().includes('/demo/ccp/ccp.html')),
        "the stand-in CCP in Streams' iframe",
      );
      await until(
        () => frame.evaluate(() => (window as StandInWindow).standInCcp !== undefined),
        "the stand-in CCP's scenario API",
      );
      await frame.evaluate(() => (window as StandInWindow).standInCcp?.ready);

      const contactId = await frame.evaluate(() => (window as StandInWindow).standInCcp?.ringCall());
      assert.ok(contactId);
      await until(
        () =>
          page.evaluate(
            async (id) => (await window.ccpAttributes?.ready)?.tracker.contacts.get(id) !== undefined,
            contactId,
          ),
        'the ringing call in the tracker',
      );
      await frame.evaluate((id) => (window as StandInWindow).standInCcp?.accept(id), contactId);
      const tag = await until(
        () => demo.api.attributesOf(instanceId, contactId)?.['HandledBy'],
        "the rule's tag in the API stand-in",
      );
      assert.equal(tag, 'agent.smith');

      await until(
        () =>
          page.evaluate(
            () => document.querySelector('ccp-attributes')?.contact?.attributes['HandledBy'] === 'agent.smith',
          ),
        'the tag in the editor',
      );
      const notes = await page.waitForSelector('ccp-attributes >>> textarea');
      await notes!.type('Asked for a callback tomorrow.');
      await page.locator('ccp-attributes >>> button[part~="save-button"]').click();
      await until(
        () =>
          page.evaluate(() => {
            const status = document.querySelector('ccp-attributes')?.status;
            return status === 'saved'
              ? status
              : status === 'failed'
                ? Promise.reject(new Error('the save failed'))
                : undefined;
          }),
        'the editor to say saved',
      );
      assert.deepEqual(demo.api.attributesOf(instanceId, contactId), {
        HandledBy: 'agent.smith',
        Notes: 'Asked for a callback tomorrow.',
      });
    }

    /** Nothing was refused or reported, and the only Trusted Types policy is Lit's (it passes its own template strings). */
    async function assertClean(page: Page, observed: Observed): Promise<void> {
      observed.policies = await page.evaluate(() => window.cspPolicyNames);
      assert.deepEqual(observed.policies, ['lit-html'], 'the Trusted Types policies the page created');
      assert.deepEqual(observed.violations, [], 'securitypolicyviolation events');
      assert.deepEqual(observed.consoleProblems, [], 'console messages about CSP or Trusted Types');
      assert.deepEqual(observed.pageErrors, [], 'uncaught errors');
    }

    it(`the issue's policy (${STRICT_CSP}): loads, tags a call and saves an edit with no violation`, async () => {
      const { page, observed } = await open('/');
      await loadTagAndSave(page, instances.strict);
      const actions = new Set<string>(demo.api.requestLog().map((entry) => entry.action));
      for (const action of ['GetId', 'GetCredentialsForIdentity', 'UpdateContactAttributes'])
        assert.ok(actions.has(action), `the page called ${action}`);
      await assertClean(page, observed);

      // The test hears of a violation: the page refuses a string assigned to innerHTML, and it is reported.
      const refused = await page.evaluate(() => {
        try {
          document.createElement('div').innerHTML = '<b>not trusted</b>';
          return false;
        } catch (error) {
          return error instanceof TypeError;
        }
      });
      assert.equal(refused, true, 'Trusted Types are enforced on the page');
      await until(() => observed.violations.length > 0, 'the violation report');
      assert.equal(observed.violations[0]?.directive, 'require-trusted-types-for');
      // The console message comes on its own time, after the event.
      await until(() => observed.consoleProblems.length > 0, 'the console to report it too');
      await page.browserContext().close();
    });

    it("a stricter policy (default-src 'none', no inline style, connect-src and frame-src to the stand-ins only, one Trusted Types policy): the same, with the drop-in making the CCP's container", async () => {
      const { page, observed } = await open('/stricter.html');
      await loadTagAndSave(page, instances.stricter);
      assert.ok(await page.$('.ccp-attributes-ccp iframe'), "the drop-in made the CCP's container");
      await assertClean(page, observed);
      await page.browserContext().close();
    });

    it('typos in the configuration under the stricter policy: the CCP still runs (framed softphone), a notice names each, no violation', async () => {
      const { page, observed } = await open('/mistakes.html');
      const notice = await until(
        () =>
          page.evaluate(() => {
            const element = document.querySelector<HTMLElement>('.ccp-attributes-setup-error');
            return element
              ? { text: element.textContent, role: element.getAttribute('role'), height: element.offsetHeight }
              : undefined;
          }),
        'the notice of the mistakes',
      );
      assert.equal(notice.role, 'alert');
      assert.ok(notice.height > 0, 'the notice is visible');
      for (const name of ['data-relay-url', 'data-rules', '"wrap" on'])
        assert.ok(notice.text.includes(name), `the notice names ${name}: ${notice.text}`);
      const frame = await until(
        () => page.frames().find((f: Frame) => f.url().includes('/demo/ccp/ccp.html')),
        "the stand-in CCP in Streams' iframe",
      );
      await until(
        () => frame.evaluate(() => (window as StandInWindow).standInCcp !== undefined),
        "the stand-in CCP's scenario API",
      );
      await frame.evaluate(() => (window as StandInWindow).standInCcp?.ready);
      // Streams sends its configuration once the CCP acknowledged it.
      const softphone = await until(
        () =>
          frame.evaluate(() => {
            const first = (window as StandInWindow).standInCcp?.configurations()[0] as
              { softphone?: unknown } | undefined;
            return first?.softphone;
          }),
        'the configuration Streams sent',
      );
      assert.deepEqual(softphone, { allowFramedSoftphone: true });
      await assertClean(page, observed);
      await page.browserContext().close();
    });

    it('relay mode under the stricter policy (connect-src to the relay only): the same, and no AWS SDK is fetched', async () => {
      const { page, observed } = await open('/relay.html');
      await loadTagAndSave(page, instances.relay);
      const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((entry) => entry.name));
      assert.ok(
        fetched.some((url) => /\/chunks\/relay-client-/.test(url)),
        'the relay client was loaded',
      );
      assert.deepEqual(
        fetched.filter((url) => /\/chunks\/(sdk|client)-/.test(url)),
        [],
        'the signed client and the AWS SDK were not',
      );
      await assertClean(page, observed);
      await page.browserContext().close();
    });
  },
);

/**
 * The three demo pages in headless Chromium, end to end: the demo server (Connect API stand-in + dev server) on free
 * ports, the real Streams on the stand-in CCP, the real SDK with Cognito credentials against the API stand-in. Each
 * test drives a call (ring, accept, tag rules fire, the agent edits and saves), checks what the API stand-in stored
 * and what the page shows, and takes a 1280 x 800 screenshot: into docs/screenshots/ (the README's) with
 * `npm run screenshots`, else into a temporary folder, so a test run leaves the tree unchanged.
 * Skipped, saying why, only when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type BrowserContext, type Frame, type Page } from 'puppeteer-core';
import { startDemo, type DemoHandle } from '../../demo/server.ts';
import { chromiumArgs, findChromium } from '../chromium.ts';
import { until, untilPasses } from '../helpers/until.ts';

const chromium = findChromium();
const skip = chromium
  ? false
  : "no Chromium found (install Debian's chromium, or set CHROME_PATH): the demo screenshots are not taken";
if (!chromium) console.log(`# screenshots skipped: ${skip}`);

const screenshots = process.env['UPDATE_SCREENSHOTS']
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'ccp-attributes-screenshots/');
const viewport = { width: 1280, height: 800 };
const agent = 'agent.smith'; // the stand-in CCP's default agent

/** A page in its own browser context (its own IndexedDB outbox and flusher lock), failing the test on page errors. */
async function openPage(context: BrowserContext, url: string, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  await page.setViewport(viewport);
  page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
  await page.goto(url, { waitUntil: 'load' });
  return page;
}

/** The values of the editor's inputs, by the text of their labels (in a page, or in an app's frame). */
function editorValues(page: Page | Frame): Promise<Record<string, string>> {
  return page.evaluate(() => {
    const root = document.querySelector('ccp-attributes')?.shadowRoot;
    const values: Record<string, string> = {};
    for (const control of root?.querySelectorAll<HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement>(
      'input, textarea, select',
    ) ?? []) {
      const label = control.id ? root?.querySelector(`label[for="${control.id}"]`) : null;
      const name = label?.textContent.trim() || control.id;
      values[name] = control.value;
    }
    return values;
  });
}

/** Clicks the editor's Save button and waits for the editor to report the save done. */
async function save(page: Page | Frame): Promise<void> {
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
}

/** Moves the mouse off and blurs focus, so the screenshot shows no hover or focus ring. */
async function screenshot(page: Page, name: string): Promise<void> {
  await page.mouse.move(viewport.width - 1, viewport.height - 1);
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    (document.querySelector('ccp-attributes')?.shadowRoot?.activeElement as HTMLElement | null | undefined)?.blur();
  });
  await new Promise((resolve) => setTimeout(resolve, 150));
  await page.screenshot({ path: `${screenshots}${name}`, type: 'png' });
}

describe('demo pages in headless Chromium (screenshots for the README)', { skip }, () => {
  let demo: DemoHandle;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshots, { recursive: true });
    demo = await startDemo({ port: 0, apiPort: 0 });
    // The dev server bundles each AWS SDK package on its first request (seconds): warm it while Chromium starts.
    const warm = ['@aws-sdk__client-connect', '@aws-sdk__credential-providers'].map(async (name) => {
      const response = await fetch(`${demo.url}/__sdk__/${name}.js`);
      assert.equal(response.status, 200, `the dev server bundles ${name}`);
      await response.arrayBuffer();
    });
    [browser] = await Promise.all([
      puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumArgs }),
      ...warm,
    ]);
  });

  after(async () => {
    // Either is still unassigned when before() failed.
    await (browser as Browser | undefined)?.close();
    await (demo as DemoHandle | undefined)?.stop();
  });

  /** What the API stand-in stored for a contact (undefined while it does not know it). */
  const stored = (instanceId: string, initialContactId: string): Record<string, string> | undefined =>
    demo.api.attributesOf(instanceId, initialContactId);

  it('custom agent desktop: rules tag the call, the agent saves an edit, the stand-in and the page show both', async () => {
    const errors: string[] = [];
    const context = await browser.createBrowserContext();
    const page = await openPage(context, `${demo.url}/demo/`, errors);
    await page.waitForFunction(() => window.demo !== undefined, { timeout: 15_000 });

    // A call from the IVR (flow attributes CustomerTier=gold, ...) rings; the agent accepts it in the scenario panel.
    await page.locator('#scenario-extra ::-p-text(Ring a gold-customer call)').click();
    const contact = await until(
      () =>
        page.evaluate(() => {
          const viewed = window.demo?.plugin.tracker.viewed;
          return viewed?.state === 'connecting'
            ? { id: viewed.contactId, initial: viewed.initialContactId, instance: viewed.instanceId }
            : undefined;
        }),
      'the ringing call in the tracker',
    );
    await page.locator('#scenario ::-p-text(Accept)').click();

    // The rules tag it on connected: who, when, and (CustomerTier is gold) the priority.
    const tags = await until(() => {
      const attributes = stored(contact.instance, contact.initial);
      return attributes?.['HandledBy'] && attributes['ConnectedAt'] && attributes['Priority'] ? attributes : undefined;
    }, 'the connected tags in the API stand-in');
    assert.equal(tags['HandledBy'], agent);
    assert.equal(tags['Priority'], 'high');
    assert.ok(
      !Number.isNaN(Date.parse(tags['ConnectedAt'] ?? '')),
      `ConnectedAt is an ISO time: ${tags['ConnectedAt']}`,
    );

    // The agent picks a disposition, writes a note and saves.
    await until(async () => (await editorValues(page))['Handled by'] === agent, 'the tags in the editor');
    const disposition = await page.waitForSelector('ccp-attributes >>> select');
    await disposition!.select('Resolved');
    const notes = await page.waitForSelector('ccp-attributes >>> textarea');
    await notes!.type('Refund of the duplicate charge approved.');
    await save(page);
    const edited = stored(contact.instance, contact.initial);
    assert.equal(edited?.['Disposition'], 'Resolved');
    assert.equal(edited['Notes'], 'Refund of the duplicate charge approved.');
    assert.equal(edited['HandledBy'], agent, 'the save kept the tags (UpdateContactAttributes merges)');

    // The customer hangs up: the wrap-up rule tags the end time and the talk time.
    await page.locator('#scenario ::-p-text(Hang up)').click();
    const wrapped = await until(() => {
      const attributes = stored(contact.instance, contact.initial);
      return attributes?.['EndedAt'] && attributes['TalkSeconds'] !== undefined ? attributes : undefined;
    }, 'the ACW tags in the API stand-in');
    assert.match(wrapped['TalkSeconds'] ?? '', /^\d+$/);

    // The page shows it all: the stored view (polled from the stand-in), the rules' state, the outbox, the editor.
    const shown = await until(
      () =>
        page.evaluate(() => {
          const text = document.getElementById('stored')?.textContent ?? '';
          return [
            'EndedAt',
            'TalkSeconds',
            'Refund of the duplicate charge approved.',
            'Resolved',
            'agent.smith',
            'high',
          ].every((part) => text.includes(part))
            ? text
            : undefined;
        }),
      'the stored view to show every write',
    );
    assert.ok(shown.includes(contact.initial.slice(0, 8)), 'the stored view names the contact');
    // The rules' badges, the outbox panel and the editor follow the landed events, each on its own time: wait for
    // the state asserted, not only for the stand-in's.
    await untilPasses(async () => {
      const rules = await page.$$eval('#rules .rule', (items) =>
        items.map((item) => item.querySelector('.badge')?.textContent.trim() ?? ''),
      );
      assert.deepEqual(rules, ['stored ✓', 'stored ✓', 'stored ✓', 'waits for missed']);
    });
    await untilPasses(async () => {
      const outbox = await page.$eval('#outbox', (element) => element.textContent);
      assert.match(outbox, /landed/);
      assert.equal(await page.$eval('[data-testid="outbox-pending"]', (element) => element.textContent), '0');
    });
    await untilPasses(async () => {
      const values = await editorValues(page);
      assert.equal(values['Notes'], 'Refund of the duplicate charge approved.');
      assert.equal(values['Disposition'], 'Resolved');
      assert.equal(values['EndedAt'], wrapped['EndedAt']);
    });

    // Every Connect request succeeded (no fault was injected).
    const updates = demo.api.requestLog().filter((request) => request.action === 'UpdateContactAttributes');
    assert.ok(updates.length >= 3 && updates.every((request) => request.status === 200), JSON.stringify(updates));
    assert.deepEqual(errors, []);

    await screenshot(page, 'demo.png');

    // A plain call (no CustomerTier): the priority rule's event comes and the tagger queues nothing for it.
    await page.locator('#scenario ::-p-text(Ring a call)').click();
    await until(
      () =>
        page.evaluate((first) => {
          const viewed = window.demo?.plugin.tracker.viewed;
          return viewed && viewed.contactId !== first && viewed.state === 'connecting';
        }, contact.id),
      'the plain call on screen',
    );
    await page.locator('#scenario ::-p-text(Accept)').click();
    const plain = await until(async () => {
      const badges = await page.$$eval('#rules .rule', (items) =>
        items.map((item) => item.querySelector('.badge')?.textContent.trim() ?? ''),
      );
      return badges[0] === 'stored ✓' && badges[2] === 'condition not met' ? badges : undefined;
    }, 'the rules of the plain call');
    assert.deepEqual(plain, ['stored ✓', 'waits for acw', 'condition not met', 'waits for missed']);
    assert.deepEqual(errors, []);
    await context.close();
  });

  it("drop-in page: the script tag alone creates the CCP, tags the call and saves the agent's edit", async () => {
    const errors: string[] = [];
    const context = await browser.createBrowserContext();
    const page = await openPage(context, `${demo.url}/demo/drop-in.html`, errors);
    // The page's script tag points at the stand-in on this run's port (the server rewrites the literal default).
    const endpoint = await page.$eval('script[src$="/components/drop-in.ts"]', (script) =>
      script.getAttribute('data-endpoint'),
    );
    assert.equal(endpoint, demo.api.url);
    await page.waitForSelector('#scenario .scenario-panel', { timeout: 15_000 });

    await page.locator('#scenario ::-p-text(Ring a call)').click();
    const contact = await until(
      () =>
        page.evaluate(async () => {
          const viewed = (await window.ccpAttributes?.ready)?.tracker.viewed;
          return viewed?.state === 'connecting'
            ? { initial: viewed.initialContactId, instance: viewed.instanceId }
            : undefined;
        }),
      'the ringing call in the tracker',
    );
    await page.locator('#scenario ::-p-text(Accept)').click();
    const tags = await until(() => {
      const attributes = stored(contact.instance, contact.initial);
      return attributes?.['HandledBy'] && attributes['ConnectedAt'] ? attributes : undefined;
    }, 'the tags of the inline data-rules in the API stand-in');
    assert.equal(tags['HandledBy'], agent);

    await until(async () => (await editorValues(page))['Handled by'] === agent, 'the tags in the editor');
    const notes = await page.waitForSelector('ccp-attributes >>> textarea');
    await notes!.type('Called about the new router; sent the setup guide.');
    await save(page);
    assert.equal(
      stored(contact.instance, contact.initial)?.['Notes'],
      'Called about the new router; sent the setup guide.',
    );

    // The host page's own status line reads the script tag's global API.
    const status = await until(
      () =>
        page.$eval('#host-status', (element) =>
          /Ready · 0 pending · [2-9]\d* landed/.test(element.textContent) ? element.textContent : undefined,
        ),
      'the host status line to count the landed writes',
    );
    assert.ok(status);
    const snippet = await page.$eval('#snippet', (element) => element.textContent);
    assert.match(snippet, /data-identity-pool-id="us-east-1:/);
    assert.deepEqual(errors, []);

    await screenshot(page, 'drop-in.png');
    await context.close();
  });

  it('stand-in agent workspace: the agent opens the app for the call from the launcher; it follows the call, its rule tags it and the agent saves a note', async () => {
    const errors: string[] = [];
    const context = await browser.createBrowserContext();
    const page = await openPage(context, `${demo.url}/demo/workspace/`, errors);
    await page.waitForFunction(() => document.getElementById('setup-status')?.textContent === 'Ready', {
      timeout: 15_000,
    });
    // The workspace started the service with it, in a hidden frame: it tags every contact and sends the outbox.
    await until(
      async () =>
        /ccp-attributes-service: running/.test(await page.$eval('#services', (element) => element.textContent))
          ? true
          : undefined,
      'the service running',
    );

    await page.locator('#scenario ::-p-text(Ring a call)').click();
    const contact = await until(
      () =>
        page.evaluate(() => {
          const workspace = (
            window as Window & { standInWorkspace?: { instance: string; contacts(): { contactId: string }[] } }
          ).standInWorkspace;
          const id = workspace?.contacts()[0]?.contactId;
          return id ? { id, instance: workspace.instance } : undefined;
        }),
      'the call in the stand-in workspace',
    );
    // Apps run only when opened: the agent opens the app page from the launcher, for the call in front (its scope);
    // it assembles the plugin from its data-*.
    assert.equal(
      (await page.$$('#apps iframe:not([title^="Third-party service"])')).length,
      0,
      'no app opened by itself',
    );
    await page.locator('#launcher ::-p-text(Open ccp-attributes)').click();
    const app = await until(
      async () => {
        const frame = page.frames().find((f) => f.url().endsWith('/demo/workspace/app.html'));
        return frame && (await frame.evaluate(async () => (await window.ccpAttributes?.ready) !== undefined))
          ? frame
          : undefined;
      },
      'the app page in its iframe',
      15_000,
    );
    await until(
      () => app.evaluate((id) => document.querySelector('ccp-attributes')?.contact?.contactId === id, contact.id),
      "the call in the app's editor",
    );
    await page.locator('#scenario ::-p-text(Accept)').click();

    // The app's rule tags the call on connected with the agent's name (the workspace gives no login name).
    const tags = await until(() => {
      const attributes = stored(contact.instance, contact.id);
      return attributes?.['HandledBy'] && attributes['ConnectedAt'] ? attributes : undefined;
    }, "the rule's tags in the API stand-in");
    assert.equal(tags['HandledBy'], 'Agent Smith');
    await until(async () => (await editorValues(app))['Handled by'] === 'Agent Smith', "the tags in the app's editor");

    const notes = await app.waitForSelector('ccp-attributes >>> textarea');
    await notes!.type('Asked for a callback about the new router.');
    await save(app);
    const edited = stored(contact.instance, contact.id);
    assert.equal(edited?.['Notes'], 'Asked for a callback about the new router.');
    assert.equal(edited['HandledBy'], 'Agent Smith', 'the save kept the tag (UpdateContactAttributes merges)');
    assert.equal(edited['greeting'], 'played', 'the flow attribute the workspace registered is kept');

    // A chat arrives meanwhile: the agent opens a second app for it from the launcher, then brings the call's back.
    await page.locator('#scenario ::-p-text(Start a chat)').click();
    await until(
      async () => ((await page.$$('#scenario tbody tr')).length === 2 ? true : undefined),
      'the chat in the contacts',
    );
    await page.locator('#launcher ::-p-text(Open ccp-attributes)').click();
    await until(
      async () => ((await page.$$('#apps iframe:not([title^="Third-party service"])')).length === 2 ? true : undefined),
      'a second app for the chat',
    );
    await page.locator('#app-tabs ::-p-text(ccp-attributes · contact)').click();
    const updates = demo.api.requestLog().filter((request) => request.action === 'UpdateContactAttributes');
    assert.ok(updates.length >= 2 && updates.every((request) => request.status === 200), JSON.stringify(updates));
    assert.deepEqual(errors, []);

    await app.evaluate(() =>
      (document.querySelector('ccp-attributes')?.shadowRoot?.activeElement as HTMLElement | null | undefined)?.blur(),
    );
    await screenshot(page, 'workspace.png');
    await context.close();
  });
});

/**
 * The custom agent desktop demo in its write modes, in headless Chromium against the demo server (Connect API
 * stand-in, the relay in front of it, queued mode beside it, dev server): in relay mode a rule's tags land through the
 * relay (checked with DescribeContact), the page never fetches the AWS SDK, and "Write another agent's contact" is
 * refused with the relay's reason and kept as a failure; in direct mode the same button lands, which is what the relay
 * is for; in queued mode the relay accepts (202), the worker lands the rule's tags from fauxqs and refuses the other
 * agent's contact, the Queue panel counts both, and the page's outbox hears both outcomes pushed over the relay's
 * outcome socket (one subscribed) without a single GET /contact/attributes/outcomes. Skipped, saying why, only when no
 * Chromium is installed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemo, type DemoHandle } from '../../demo/server.ts';
import { chromiumArgs, findChromium } from '../chromium.ts';
import { until, untilPasses } from '../helpers/until.ts';

const chromium = findChromium();
const skip = chromium
  ? false
  : "no Chromium found (install Debian's chromium, or set CHROME_PATH): the demo is not driven";

describe('the agent desktop demo: direct, relay and queued writes', { skip }, () => {
  let demo: DemoHandle;
  let browser: Browser;

  before(async () => {
    demo = await startDemo({ port: 0, apiPort: 0 });
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
  });

  after(async () => {
    // Either is still unassigned when before() failed.
    await (browser as Browser | undefined)?.close();
    await (demo as DemoHandle | undefined)?.stop();
  });

  /** The demo page in a fresh browser context (its own IndexedDB outbox), with the URLs it fetched and its errors. */
  async function open(query: string): Promise<{ page: Page; fetched: string[]; errors: string[] }> {
    const context = await browser.createBrowserContext();
    const page = await context.newPage();
    const fetched: string[] = [];
    const errors: string[] = [];
    page.on('request', (request) => fetched.push(request.url()));
    page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    await page.goto(`${demo.url}/demo/${query}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.demo !== undefined, { timeout: 20_000 });
    return { page, fetched, errors };
  }

  /** Clicks "Write another agent's contact" and returns the status line once the write settled. */
  async function writeOtherAgentsContact(page: Page): Promise<string> {
    await page.locator('#other-agent ::-p-text(Write another agent)').click();
    return until(
      () =>
        page
          .$eval('#other-agent [role="status"]', (element) => element.textContent)
          .then((text) => (/^(Landed|Refused|Accepted)/.test(text) ? text : undefined)),
      'the outcome of the write',
    );
  }

  /** Rings a call in the stand-in CCP and accepts it; returns its ids. */
  async function acceptACall(page: Page): Promise<{ initial: string; instance: string }> {
    await page.locator('#scenario ::-p-text(Ring a call)').click();
    const contact = await until(
      () =>
        page.evaluate(() => {
          const viewed = window.demo?.plugin.tracker.viewed;
          return viewed?.state === 'connecting'
            ? { initial: viewed.initialContactId, instance: viewed.instanceId }
            : undefined;
        }),
      'the ringing call',
    );
    await page.locator('#scenario ::-p-text(Accept)').click();
    return contact;
  }

  it("relay mode: a rule lands through the relay, no SDK is fetched, and another agent's contact is refused and kept", async () => {
    const { page, fetched, errors } = await open('?writes=relay');
    await untilPasses(async () => {
      const mode = await page.$eval('#write-mode [aria-current="page"]', (element) => element.textContent.trim());
      assert.equal(mode, 'Relay (owner-checked)');
    });

    const contact = await acceptACall(page);
    const tags = await until(() => {
      const attributes = demo.api.attributesOf(contact.instance, contact.initial);
      return attributes?.['HandledBy'] ? attributes : undefined;
    }, 'the connected tags stored');
    assert.equal(tags['HandledBy'], 'agent.smith');
    const actions = demo.api.requestLog().map((request) => request.action);
    assert.ok(actions.includes('DescribeContact'), 'the relay checked the contact');
    assert.ok(!actions.includes('GetId') && !actions.includes('GetCredentialsForIdentity'), 'no Cognito Identity call');

    const outcome = await writeOtherAgentsContact(page);
    assert.match(outcome, /^Refused .*This contact is not yours/);
    assert.match(outcome, /kept in the outbox as a failure/);
    const outbox = await until(
      () =>
        page
          .$eval('#outbox', (element) => element.textContent)
          .then((text) => (/kept, not retried/.test(text) ? text : undefined)),
      'the outbox to count the failure',
    );
    assert.match(outbox, /This contact is not yours/);
    const refused = demo.api
      .requestLog()
      .filter((request) => request.action === 'UpdateContactAttributes' && request.status !== 200);
    assert.deepEqual(refused, [], 'the refused write never reached UpdateContactAttributes');

    assert.deepEqual(
      fetched.filter((url) => /__sdk__|@aws-sdk|\/src\/sdk\.ts/.test(url)),
      [],
      'relay mode fetched no AWS SDK module',
    );
    assert.deepEqual(errors, []);
    await page.browserContext().close();
  });

  it('direct mode: the same button lands, since Cognito credentials can write any contact of the instance', async () => {
    const { page, errors } = await open('');
    await untilPasses(async () => {
      const mode = await page.$eval('#write-mode [aria-current="page"]', (element) => element.textContent.trim());
      assert.equal(mode, 'Direct (Cognito)');
    });
    const outcome = await writeOtherAgentsContact(page);
    assert.match(outcome, /^Landed on agent\.jones's call/);
    const actions = demo.api.requestLog().map((request) => request.action);
    assert.ok(actions.includes('GetCredentialsForIdentity'), 'direct mode signed with Cognito credentials');
    assert.deepEqual(errors, []);
    await page.browserContext().close();
  });

  it("queued mode: the relay accepts, the worker lands a rule's tags and refuses another agent's contact, the Queue panel counts both, and the outcomes are pushed, never polled", async () => {
    const { page, fetched, errors } = await open('?writes=queued');
    await untilPasses(async () => {
      const mode = await page.$eval('#write-mode [aria-current="page"]', (element) => element.textContent.trim());
      assert.equal(mode, 'Queued (SQS + worker)');
    });
    const panelShown = await page.$eval('#queue-card', (element) => !(element as HTMLElement).hidden);
    assert.ok(panelShown, 'the Queue panel is shown in queued mode');
    // The outbox opens its outcome socket when it starts, before any write; until it is subscribed it would poll.
    await untilPasses(async () => {
      const subscribed = await page.$eval('#queue [data-count="subscribed"] dd', (element) => element.textContent);
      assert.equal(subscribed, '1', "the page's outcome socket subscribed");
    });
    const before = demo.api.requestLog().length;

    const contact = await acceptACall(page);
    const tags = await until(() => {
      const attributes = demo.api.attributesOf(contact.instance, contact.initial);
      return attributes?.['HandledBy'] ? attributes : undefined;
    }, 'the connected tags stored by the worker');
    assert.equal(tags['HandledBy'], 'agent.smith');

    const outcome = await writeOtherAgentsContact(page);
    assert.match(outcome, /^Accepted for agent\.jones's call/);
    const status = await until(
      () => demo.queued.status().then((now) => (now.settled.refused > 0 ? now : undefined)),
      "the worker to refuse the other agent's write",
    );
    assert.equal(status.settled.refused, 1);
    assert.ok(status.settled.landed >= 1, 'the worker counted the landed tags');
    const updates = demo.api
      .requestLog()
      .slice(before)
      .filter((request) => request.action === 'UpdateContactAttributes');
    assert.ok(
      updates.length > 0 && updates.every((request) => request.initialContactId === contact.initial),
      "only the agent's own contact was written",
    );

    const counts = await until(
      () =>
        page
          .$$eval('#queue [data-count]', (items) =>
            Object.fromEntries(
              items.map((item): [string, string] => [
                item.getAttribute('data-count') ?? '',
                item.querySelector('dd')?.textContent ?? '',
              ]),
            ),
          )
          .then((shown) => (shown['refused'] === '1' && shown['landed'] !== '0' ? shown : undefined)),
      'the Queue panel to count the landed and the refused writes',
    );
    assert.equal(counts['dead-letters'], '0');
    const newest = await page.$eval('#queue ol li', (element) => element.textContent.replace(/\s+/g, ' '));
    assert.match(newest, /refused Note/);

    // Both outcomes reached the page's outbox: the tags' landing, and the refusal kept as a failure.
    const outbox = await until(
      () =>
        page
          .$eval('#outbox', (element) => element.textContent.replace(/\s+/g, ' '))
          .then((text) => (/kept Note of .*This contact is not yours/.test(text) ? text : undefined)),
      'the outbox to keep the refused write',
    );
    assert.match(outbox, new RegExp(`landed [^.]*HandledBy[^.]* on ${contact.initial.slice(0, 8)}`));
    assert.deepEqual(
      await page.evaluate(() => window.demo?.plugin.outbox?.state.accepted),
      0,
      'no accepted write awaits its outcome',
    );
    assert.deepEqual(
      fetched.filter((url) => new URL(url).pathname === '/contact/attributes/outcomes'),
      [],
      'the outcomes were pushed over the socket, never polled',
    );
    assert.equal(counts['subscribed'], '1', "the page's outcome socket is still subscribed");
    assert.deepEqual(errors, []);
    await page.browserContext().close();
  });
});

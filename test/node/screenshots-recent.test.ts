/**
 * The recent-contacts and review demo pages (demo/recent/, demo/review/) in headless Chromium, end to end: the demo
 * server (Connect API stand-in, relay, dev server), users signed in to the stand-in's user pool, everything read and
 * written through the relay. The agent opens a contact of the last hour and saves an edit; the reviewer finds a
 * contact of last week and flags it: the stand-in stored both. 1280 x 800 screenshots go to docs/screenshots/ with
 * `npm run screenshots`, else to a temporary folder. Skipped, saying why, only when no Chromium is installed.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { DEFAULT_INSTANCE_ID } from '../../demo/ccp/scenario.ts';
import { startDemo, type DemoHandle } from '../../demo/server.ts';
import { chromiumArgs, findChromium } from '../chromium.ts';
import { until } from '../helpers/until.ts';

const chromium = findChromium();
const skip = chromium ? false : 'no Chromium found (install Debian’s chromium, or set CHROME_PATH)';
const screenshots = process.env['UPDATE_SCREENSHOTS']
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'ccp-attributes-screenshots/');
const viewport = { width: 1280, height: 800 };

/** Sets an editor field's control (an input or a select) as the agent would, once the field is rendered. */
async function setField(page: Page, key: string, value: string): Promise<void> {
  await until(
    () =>
      page.evaluate(
        (fieldKey, fieldValue) => {
          const editor = document.querySelector('ccp-attributes');
          const field = [...(editor?.shadowRoot?.querySelectorAll('ccp-attribute-field') ?? [])].find(
            (candidate) => (candidate as HTMLElement & { fieldKey?: string }).fieldKey === fieldKey,
          );
          const control = field?.querySelector<HTMLInputElement | HTMLSelectElement>('[part~="input"]');
          if (!control) return false;
          control.value = fieldValue;
          control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
          control.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
          return true;
        },
        key,
        value,
      ),
    `the ${key} field`,
  );
}

describe('the recent-contacts and review demo pages', { skip }, () => {
  let demo: DemoHandle;
  let browser: Browser;

  before(async () => {
    await mkdir(screenshots, { recursive: true });
    demo = await startDemo({ port: 0, apiPort: 0 });
    browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
  });
  after(async () => {
    await (browser as Browser | undefined)?.close();
    await (demo as DemoHandle | undefined)?.stop();
  });

  it("lists the agent's contacts within the window, opens one and saves an edit through the relay", async () => {
    const errors: string[] = [];
    const page = await browser.newPage();
    await page.setViewport(viewport);
    page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    await page.goto(`${demo.url}/demo/recent/`, { waitUntil: 'load' });

    const rows = (): Promise<Array<{ id: string; cells: string[]; open: boolean }>> =>
      page.evaluate(() =>
        [...(document.querySelector('ccp-recent-contacts')?.shadowRoot?.querySelectorAll('tbody tr') ?? [])].map(
          (row) => ({
            id: (row as HTMLElement).dataset['contactId'] ?? '',
            cells: [...(row as HTMLTableRowElement).cells].map((cell) => cell.textContent.trim()),
            open: row.querySelector('button') !== null,
          }),
        ),
      );
    const listed = await until(async () => {
      const found = await rows();
      return found.length === 3 && found.every((row) => row.cells[1] !== '') ? found : undefined;
    }, 'the list with its queue names');
    assert.deepEqual(
      listed.map((row) => [row.id, row.cells[0], row.cells[1], row.open]),
      [
        ['demo-recent-billing', 'Voice call', 'Sales', true],
        ['demo-recent-chat', 'Chat', 'Support', true],
        ['demo-recent-callback', 'Voice call', 'Sales', true],
      ],
    );

    await page.locator('ccp-recent-contacts >>> tr[data-contact-id="demo-recent-billing"] button').click();
    await until(
      () => page.evaluate(() => document.querySelector('ccp-attributes')?.contact?.contactId),
      'the editor to show the contact',
    );
    await setField(page, 'disposition', 'follow-up');
    await page.evaluate(() => document.querySelector('ccp-attributes')?.save());
    await until(
      () => demo.api.attributesOf(DEFAULT_INSTANCE_ID, 'demo-recent-billing')?.['disposition'] === 'follow-up',
      'the stand-in to store the edit',
    );
    assert.deepEqual(demo.api.attributesOf(DEFAULT_INSTANCE_ID, 'demo-recent-billing'), {
      reason: 'billing question',
      disposition: 'follow-up',
    });
    assert.equal(await page.evaluate(() => document.querySelector('ccp-attributes')?.status), 'saved');
    assert.deepEqual(errors, []);

    await page.mouse.move(viewport.width - 1, viewport.height - 1);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await new Promise((resolve) => setTimeout(resolve, 150));
    await page.screenshot({ path: `${screenshots}recent-contacts.png`, type: 'png' });
  });

  it('a reviewer searches the last week, opens a contact and flags it through the relay', async () => {
    const errors: string[] = [];
    const page = await browser.newPage();
    await page.setViewport(viewport);
    page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    await page.goto(`${demo.url}/demo/review/`, { waitUntil: 'load' });
    await until(
      () => page.evaluate(() => document.querySelector('ccp-review-contacts')?.client !== undefined),
      'the page to sign in',
    );
    await page.locator('ccp-review-contacts >>> button[type="submit"].open').click();
    const found = await until(async () => {
      const ids = await page.evaluate(() =>
        (document.querySelector('ccp-review-contacts')?.contacts ?? []).map((contact) => contact.contactId),
      );
      // The week's contacts include the recent-contacts page's, registered with the same stand-in.
      const reviewed = ids.filter((id) => id.startsWith('demo-review-'));
      return reviewed.length === 3 ? reviewed : undefined;
    }, 'the search results');
    assert.deepEqual(found, ['demo-review-address', 'demo-review-refund', 'demo-review-complaint']);

    await page.locator('ccp-review-contacts >>> tr[data-contact-id="demo-review-complaint"] button').click();
    await until(
      () =>
        page.evaluate(() => document.querySelector('ccp-attributes')?.contact?.contactId === 'demo-review-complaint'),
      'the editor to show the contact',
    );
    await setField(page, 'ReviewFlag', 'legal-hold');
    await page.evaluate(() => document.querySelector('ccp-attributes')?.save());
    await until(
      () => demo.api.attributesOf(DEFAULT_INSTANCE_ID, 'demo-review-complaint')?.['ReviewFlag'] === 'legal-hold',
      'the stand-in to store the flag',
    );
    assert.deepEqual(demo.api.attributesOf(DEFAULT_INSTANCE_ID, 'demo-review-complaint'), {
      reason: 'complaint',
      disposition: 'escalated',
      ReviewFlag: 'legal-hold',
    });
    assert.deepEqual(errors, []);

    await page.mouse.move(viewport.width - 1, viewport.height - 1);
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await new Promise((resolve) => setTimeout(resolve, 150));
    await page.screenshot({ path: `${screenshots}review.png`, type: 'png' });
  });
});

/**
 * The custom agent desktop demo in headless Chromium: the agent picks another language in the stand-in CCP (the
 * scenario panel's CCP language menu, which the stand-in puts in its snapshots' agentPreferences.locale), and the
 * editor beside the CCP speaks it through the real Streams and the plugin's tracker. Skipped, saying why, only when
 * no Chromium is installed. With `UPDATE_SCREENSHOTS` set it leaves docs/screenshots/demo-language.png.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startDemo, type DemoHandle } from '../../demo/server.ts';
import { chromiumArgs, findChromium } from '../chromium.ts';
import { untilPasses } from '../helpers/until.ts';

const chromium = findChromium();
const skip = chromium
  ? false
  : "no Chromium found (install Debian's chromium, or set CHROME_PATH): the demo is not driven";
const screenshots = process.env['UPDATE_SCREENSHOTS']
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'ccp-attributes-screenshots/');

/** The editor's heading, save button and the base's lang attribute, as the page shows them now. */
function editorWords(page: Page): Promise<{ title: string; save: string; lang: string }> {
  return page.evaluate(() => {
    const root = document.querySelector('ccp-attributes')?.shadowRoot;
    return {
      title: root?.querySelector('.title')?.textContent.trim() ?? '',
      save: root?.querySelector('[part~="save-button"]')?.textContent.trim() ?? '',
      lang: root?.querySelector('[part~="base"]')?.getAttribute('lang') ?? '',
    };
  });
}

/**
 * Waits for the editor to show `words`; fails with the words it last showed. The editor is loaded lazily and
 * renders a language some frames after the tracker or the agent's locale changed, later still on a busy machine.
 */
function editorSays(page: Page, words: { title: string; save: string; lang: string }): Promise<void> {
  return untilPasses(async () => {
    assert.deepEqual(await editorWords(page), words);
  });
}

describe("demo: the stand-in CCP's language menu", { skip }, () => {
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

  it("switches the editor to the agent's CCP language, and back", async () => {
    const errors: string[] = [];
    const page = await browser.newPage();
    await page.setViewport({ width: 1280, height: 800 });
    page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
    await page.goto(`${demo.url}/demo/`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.demo !== undefined, { timeout: 15_000 });
    await page.locator('#scenario ::-p-text(Ring a call)').click();
    await page.locator('#scenario ::-p-text(Accept)').click();
    await page.waitForFunction(() => window.demo?.plugin.tracker.viewed?.state === 'connected', { timeout: 10_000 });
    await editorSays(page, { title: 'Contact attributes', save: 'Save', lang: 'en' });

    await page.select('#scenario select.ccp-language', 'de_DE');
    await page.waitForFunction(() => window.demo?.plugin.tracker.agent?.locale === 'de_DE', { timeout: 10_000 });
    await editorSays(page, { title: 'Kontaktattribute', save: 'Speichern', lang: 'de' });
    // The desk's schema gives its labels and choices per language too.
    await untilPasses(async () => {
      const labels = await page.evaluate(() =>
        [...(document.querySelector('ccp-attributes')?.shadowRoot?.querySelectorAll('label') ?? [])].map((label) =>
          label.textContent.trim(),
        ),
      );
      assert.ok(labels.includes('Ergebnis') && labels.includes('Bearbeitet von'), labels.join(', '));
    });
    await page.mouse.move(1279, 799);
    await page.screenshot({ path: `${screenshots}demo-language.png`, type: 'png' });

    await page.select('#scenario select.ccp-language', 'ja_JP');
    await editorSays(page, { title: 'コンタクト属性', save: '保存', lang: 'ja' });
    await page.select('#scenario select.ccp-language', 'en_US');
    await editorSays(page, { title: 'Contact attributes', save: 'Save', lang: 'en' });
    assert.deepEqual(errors, []);
    await page.close();
  });
});

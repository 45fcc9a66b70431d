// The editor benchmark: bundles bench/editor.bench.ts with esbuild (Lit in production mode),
// runs it in headless Chromium through puppeteer-core, and prints the median first render and the
// median keystroke of <ccp-attributes> on a contact with 500 attributes near the 32 KB cap.
// Also prints the gzip size of Lit + the element (the drop-in script's critical path, goal <= 12 KB).
// Figures only: nothing is asserted. Run: `npx tsx bench/editor.ts`, or benchEditor() from bench/run.ts.
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { build } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findChromium } from '../test/chromium.ts';
import type { EditorBenchResult } from './editor.bench.ts';

const rootDir = fileURLToPath(new URL('..', import.meta.url));

async function bundle(entry: string, format: 'iife' | 'esm'): Promise<string> {
  const result = await build({
    entryPoints: [fileURLToPath(new URL(entry, import.meta.url))],
    absWorkingDir: rootDir,
    bundle: true,
    format,
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    logLevel: 'silent',
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
  });
  return result.outputFiles[0]?.text ?? '';
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** Runs the editor benchmark in Chromium and prints its figures. */
export async function benchEditor(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error('No Chromium found for the editor benchmark (set CHROME_PATH).');
  const [page, element] = await Promise.all([bundle('./editor.bench.ts', 'iife'), bundle('../components/ccp-attributes.ts', 'esm')]);

  const browser = await puppeteer.launch({ executablePath, headless: false, args: ['--headless=new', ...chromiumArgs] });
  let result: EditorBenchResult;
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1200, height: 1000 });
    await tab.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body></body></html>');
    await tab.addScriptTag({ content: page });
    await tab.waitForFunction(() => window.__editorBench !== undefined, { timeout: 120_000 });
    const raw = await tab.evaluate(() => window.__editorBench!);
    if ('error' in raw) throw new Error(`editor benchmark failed in the page: ${raw.error}`);
    result = raw;
  } finally {
    await browser.close();
  }

  const load = loadavg()[0]!.toFixed(1);
  console.log(`editor: ${result.attributes} attributes, ${result.storedBytes.toLocaleString('en-US')} of 32,768 bytes stored (Chromium, Lit production mode; load average ${load} on ${cpus().length} CPUs)`);
  console.log(`  first render (element + first rows, style and layout), median of ${result.renders.length}: ${ms(median(result.renders))} (p90 ${ms(percentile(result.renders, 90))}; target <= 30 ms)`);
  console.log(`  all 500 rows rendered (chunks, one per frame), median of ${result.allRows.length}: ${ms(median(result.allRows))} (p90 ${ms(percentile(result.allRows, 90))})`);
  console.log(`  keystroke, visible row, median of ${result.keystrokes.length}: ${ms(median(result.keystrokes))} (p90 ${ms(percentile(result.keystrokes, 90))}; target <= 8 ms)`);
  console.log(`  keystroke, row 481 of 500, median of ${result.keystrokesDeep.length}: ${ms(median(result.keystrokesDeep))} (p90 ${ms(percentile(result.keystrokesDeep, 90))})`);
  const gzip = gzipSync(element, { level: 9 }).length;
  console.log(`  Lit + <ccp-attributes> (esbuild, minified): ${(element.length / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzip (goal <= 12 KB gzip)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchEditor().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

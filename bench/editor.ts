// The editor benchmark: bundles bench/editor.bench.ts with esbuild (code splitting, so the element's
// implementation is a lazy chunk as in the drop-in build; Lit in production mode), serves it over HTTP
// on the loopback, runs it in headless Chromium through puppeteer-core, and prints the time to the
// placeholder frame and to the editor on a fresh page (the chunk fetched on connect), then the median
// first render and the median keystroke of the full editor (implementation loaded) on a contact with
// 500 attributes near the 32 KB cap. Also prints the gzip size of what <ccp-attributes> loads before it
// paints (Lit + the element; bench/size.ts measures the drop-in build itself, goal <= 12 KB).
// Figures only: nothing is asserted. Run: `npx tsx bench/editor.ts`, or benchEditor() from bench/run.ts.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { cpus, loadavg } from 'node:os';
import { build, type Metafile } from 'esbuild';
import puppeteer from 'puppeteer-core';
import { chromiumArgs, findChromium } from '../test/chromium.ts';
import type { EditorBenchResult, EditorColdResult } from './editor.bench.ts';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const COLD_PAGES = 15;

interface Bundle {
  /** Output file name -> code. */
  files: Map<string, string>;
  /** The entry's file name. */
  entry: string;
  /** The entry plus every chunk it imports statically, transitively (what loads before any dynamic import). */
  eager: string[];
}

async function bundle(entry: string): Promise<Bundle> {
  const result = await build({
    entryPoints: { entry: fileURLToPath(new URL(entry, import.meta.url)) },
    absWorkingDir: rootDir,
    bundle: true,
    splitting: true,
    format: 'esm',
    outdir: 'bench-out',
    chunkNames: 'chunk-[hash]',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    tsconfig: fileURLToPath(new URL('../tsconfig.json', import.meta.url)),
  });
  const files = new Map(
    result.outputFiles.filter((file) => file.path.endsWith('.js')).map((file) => [basename(file.path), file.text]),
  );
  const outputs: Metafile['outputs'] = result.metafile.outputs;
  const eager: string[] = [];
  const visit = (path: string): void => {
    if (eager.includes(basename(path))) return;
    eager.push(basename(path));
    for (const imported of outputs[path]?.imports ?? []) if (imported.kind === 'import-statement') visit(imported.path);
  };
  visit(Object.keys(outputs).find((path) => outputs[path]?.entryPoint !== undefined)!);
  return { files, entry: 'entry.js', eager };
}

/** Serves the bundle on the loopback: a page per request, the scripts as modules. */
async function serve(files: Map<string, string>): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname.slice(1);
    const code = files.get(path);
    if (code !== undefined) {
      response.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-store' });
      response.end(code);
    } else {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(
        '<!doctype html><html><head><meta charset="utf-8"><script type="module" src="/entry.js"></script></head><body></body></html>',
      );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
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
  const [page, element] = await Promise.all([bundle('./editor.bench.ts'), bundle('../components/ccp-attributes.ts')]);

  const server = await serve(page.files);
  const browser = await puppeteer.launch({
    executablePath,
    headless: false,
    args: ['--headless=new', ...chromiumArgs],
  });
  let result: EditorBenchResult;
  const cold: EditorColdResult[] = [];
  try {
    const tab = await browser.newPage();
    await tab.setViewport({ width: 1200, height: 1000 });
    await tab.setCacheEnabled(false);
    const measure = async <T>(url: string): Promise<T> => {
      await tab.goto(url);
      await tab.waitForFunction(() => window.__editorBench !== undefined, { timeout: 120_000 });
      const raw = await tab.evaluate(() => window.__editorBench!);
      if ('error' in raw) throw new Error(`editor benchmark failed in the page: ${raw.error}`);
      return raw as T;
    };
    for (let i = 0; i < COLD_PAGES; i++) cold.push(await measure<EditorColdResult>(`${server.url}?cold`));
    result = await measure<EditorBenchResult>(server.url);
  } finally {
    await browser.close();
    await server.close();
  }

  const load = loadavg()[0]!.toFixed(1);
  console.log(
    `editor: ${result.attributes} attributes, ${result.storedBytes.toLocaleString('en-US')} of 32,768 bytes stored (Chromium, Lit production mode; load average ${load} on ${cpus().length} CPUs)`,
  );
  const placeholders = cold.map((run) => run.placeholder);
  const editors = cold.map((run) => run.editor);
  console.log(
    `  fresh page, placeholder frame (heading, contact line, loading line; style and layout), median of ${cold.length}: ${ms(median(placeholders))} (p90 ${ms(percentile(placeholders, 90))})`,
  );
  console.log(
    `  fresh page, editor with first rows (implementation chunk fetched from the loopback on connect), median of ${cold.length}: ${ms(median(editors))} (p90 ${ms(percentile(editors, 90))})`,
  );
  console.log(
    `  first render, implementation loaded (element + first rows, style and layout), median of ${result.renders.length}: ${ms(median(result.renders))} (p90 ${ms(percentile(result.renders, 90))}; target <= 30 ms)`,
  );
  console.log(
    `  all 500 rows rendered (chunks, one per frame), median of ${result.allRows.length}: ${ms(median(result.allRows))} (p90 ${ms(percentile(result.allRows, 90))})`,
  );
  console.log(
    `  keystroke, visible row, median of ${result.keystrokes.length}: ${ms(median(result.keystrokes))} (p90 ${ms(percentile(result.keystrokes, 90))}; target <= 8 ms)`,
  );
  console.log(
    `  keystroke, row 481 of 500, median of ${result.keystrokesDeep.length}: ${ms(median(result.keystrokesDeep))} (p90 ${ms(percentile(result.keystrokesDeep, 90))})`,
  );
  const eager = element.eager.map((name) => element.files.get(name) ?? '').join('');
  const whole = [...element.files.values()].join('');
  const gzip = gzipSync(eager, { level: 9 }).length;
  const wholeGzip = gzipSync(whole, { level: 9 }).length;
  console.log(
    `  Lit + <ccp-attributes> before it paints (esbuild, minified, ${element.eager.length} file${element.eager.length > 1 ? 's' : ''}): ${(eager.length / 1024).toFixed(1)} KB, ${(gzip / 1024).toFixed(1)} KB gzip (goal <= 12 KB gzip); with the lazy implementation: ${(whole.length / 1024).toFixed(1)} KB, ${(wholeGzip / 1024).toFixed(1)} KB gzip`,
  );
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  benchEditor().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

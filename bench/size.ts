// Bundle sizes of the drop-in script and of the agent workspace app and service: the critical path (what loads before the editor
// paints), the whole plugin, and what each write mode downloads (direct: Cognito credentials and the AWS SDK; relay:
// fetch to the relay), printed beside a reference built in the same run: the AWS SDK's ConnectClient with
// UpdateContactAttributesCommand bundled alone by rollup with the same plugins. Figures only.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import { rollup } from 'rollup';

const rootDir = fileURLToPath(new URL('..', import.meta.url));
const dropIn = join(rootDir, 'dist', 'drop-in');
const workspaceApp = join(rootDir, 'dist', 'workspace');
const workspaceService = join(workspaceApp, 'service');

interface Size {
  raw: number;
  gzip: number;
}

function sizeOf(code: string | Buffer): Size {
  return { raw: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).length };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

function row(name: string, size: Size, note = ''): string {
  return `  ${name.padEnd(44)} ${kb(size.raw).padStart(9)} raw ${kb(size.gzip).padStart(9)} gzip ${note}`;
}

/** Modules the entry imports statically (they load before the editor paints). */
function staticImports(code: string): string[] {
  return [...code.matchAll(/(?:^|[;}])\s*import\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g)].map(
    (match) => match[1] ?? '',
  );
}

/** Relative modules a file imports, statically or dynamically, as paths beside it. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8');
  return [...code.matchAll(/(?:\bfrom|\bimport)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g)].map((match) =>
    join(dirname(file), match[1] ?? ''),
  );
}

/**
 * Every file the entry can load, following static and dynamic imports, except those reached only through a file
 * `skip` refuses: what the browser downloads at most in one mode.
 */
function reachable(entry: string, skip: (file: string) => boolean = () => false): string[] {
  const seen = new Set<string>([entry]);
  const queue = [entry];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    for (const next of importsOf(file)) {
      if (seen.has(next) || skip(next)) continue;
      seen.add(next);
      queue.push(next);
    }
  }
  return [...seen];
}

/**
 * The chunks a write mode never loads, in a build under `dir`: the plugin imports only its mode's sender
 * (src/plugin.ts), so relay mode loads neither the signed client nor the AWS SDK it imports, and direct mode not the
 * relay client. Rollup names a chunk after its first module. test/drop-in/drop-in-relay.e2e.test.ts checks that a
 * relay-mode page fetches no SDK module and not the signed client.
 */
function notLoadedIn(mode: 'direct' | 'relay', dir: string): (file: string) => boolean {
  const prefixes = mode === 'relay' ? ['sdk-', 'client-'] : ['relay-client-'];
  return (file) => prefixes.some((prefix) => file.startsWith(join(dir, 'chunks', prefix)));
}

function totalOf(files: readonly string[]): Size {
  return files
    .map((file) => sizeOf(readFileSync(file)))
    .reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
}

async function reference(): Promise<Size> {
  const work = mkdtempSync(join(tmpdir(), 'ccp-attributes-size-'));
  try {
    const entry = join(work, 'reference.js');
    writeFileSync(
      entry,
      `import { ConnectClient, UpdateContactAttributesCommand } from '@aws-sdk/client-connect';
export const send = (config, input) => new ConnectClient(config).send(new UpdateContactAttributesCommand(input));`,
    );
    const bundle = await rollup({
      input: entry,
      plugins: [
        nodeResolve({
          browser: true,
          exportConditions: ['browser'],
          rootDir,
          modulePaths: [join(rootDir, 'node_modules')],
        }),
        commonjs(),
        json(),
        terser({ format: { comments: false } }),
      ],
      logLevel: 'silent',
    });
    const { output } = await bundle.generate({ format: 'es', inlineDynamicImports: true });
    await bundle.close();
    return sizeOf(output.map((chunk) => ('code' in chunk ? chunk.code : '')).join(''));
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The chunks of the editor's languages in a build's chunks folder: @lit/localize's runtime and one messages chunk per
 * language. A page shows one language: English loads none of them, another language the runtime and its own one.
 */
function languageChunk(dir: string): (file: string) => boolean {
  const languages = [
    'runtime',
    ...readdirSync(join(rootDir, 'components', 'messages', 'locales')).map((name) => name.replace(/\.ts$/, '')),
  ];
  return (file) => {
    const name = relative(join(dir, 'chunks'), file);
    return languages.some(
      (language) => name.startsWith(`${language}-`) && /^[\w-]{8}\.js$/.test(name.slice(language.length + 1)),
    );
  };
}

/**
 * The chunk of the kept failures list (components/internal/failures-list.ts): loaded only once the viewed contact has
 * a write Amazon Connect refused, so it is printed on its own, not in what a write mode downloads.
 */
function failuresListChunk(dir: string): (file: string) => boolean {
  return (file) => file.startsWith(join(dir, 'chunks', 'failures-list-'));
}

/** What one language other than English adds: the runtime plus the largest messages chunk; and how many languages. */
function oneLanguage(files: readonly string[]): { one: Size; count: number } {
  const runtime = files.filter((file) => basename(file).startsWith('runtime-'));
  const messages = files.filter((file) => !runtime.includes(file)).map((file) => totalOf([file]));
  const largest = messages.reduce((a, b) => (b.gzip > a.gzip ? b : a), { raw: 0, gzip: 0 });
  const base = totalOf(runtime);
  return { one: { raw: base.raw + largest.raw, gzip: base.gzip + largest.gzip }, count: messages.length };
}

/** Builds the drop-in afresh with rollup and prints the sizes. */
export async function benchSize(): Promise<void> {
  rmSync(dropIn, { recursive: true, force: true });
  rmSync(workspaceApp, { recursive: true, force: true });
  const started = performance.now();
  execFileSync('npx', ['rollup', '-c', '--silent'], { cwd: rootDir, stdio: 'inherit' });
  const buildSeconds = (performance.now() - started) / 1000;

  const entryCode = readFileSync(join(dropIn, 'ccp-attributes.js'));
  const critical = new Map<string, Buffer>([['ccp-attributes.js', entryCode]]);
  for (const specifier of staticImports(entryCode.toString())) {
    const file = join(dropIn, specifier);
    critical.set(specifier, readFileSync(file));
  }
  const chunks = readdirSync(join(dropIn, 'chunks')).filter((name) => name.endsWith('.js'));
  const sdkChunk = chunks.find((name) => name.startsWith('sdk-'));
  const ref = await reference();

  const criticalSize = sizeOf(Buffer.concat([...critical.values()]));
  const isLanguage = languageChunk(dropIn);
  const { one: largestLanguage, count: languageCount } = oneLanguage(
    chunks.map((name) => join(dropIn, 'chunks', name)).filter(isLanguage),
  );
  const total = [
    entryCode,
    ...chunks
      .filter((name) => !isLanguage(join(dropIn, 'chunks', name)))
      .map((name) => readFileSync(join(dropIn, 'chunks', name))),
  ]
    .map((code) => sizeOf(code))
    .reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });
  console.log(`\nBundle sizes (rollup + terser, gzip -9; build took ${buildSeconds.toFixed(1)} s)`);
  console.log(
    row(
      'critical path: Lit + <ccp-attributes>',
      criticalSize,
      `(goal <= 12 KB gzip; ${critical.size} file${critical.size > 1 ? 's' : ''})`,
    ),
  );
  for (const name of chunks)
    console.log(row(`  lazy chunk ${name}`, sizeOf(readFileSync(join(dropIn, 'chunks', name)))));
  if (sdkChunk)
    console.log(row('  of which the AWS SDK chunk', sizeOf(readFileSync(join(dropIn, 'chunks', sdkChunk)))));
  console.log(row('whole drop-in plugin (sum of files, English)', total, '(goal < 100 KB gzip)'));
  console.log(
    row('another language: the runtime and its messages, at most', largestLanguage, `(${languageCount} languages)`),
  );
  // What each write mode downloads at most: every file the entry reaches without the chunks that mode never loads.
  const entry = join(dropIn, 'ccp-attributes.js');
  const isFailuresList = failuresListChunk(dropIn);
  const optional = (file: string): boolean => isLanguage(file) || isFailuresList(file);
  const direct = reachable(entry, (file) => notLoadedIn('direct', dropIn)(file) || optional(file));
  const relay = reachable(entry, (file) => notLoadedIn('relay', dropIn)(file) || optional(file));
  console.log(
    row(
      'the kept failures list, once a write was refused',
      totalOf(reachable(entry).filter(isFailuresList)),
      '(in neither mode below)',
    ),
  );
  const files = (list: string[]): string => `${list.length} files`;
  console.log(row('direct mode: Cognito + AWS SDK (all files, English)', totalOf(direct), `(${files(direct)})`));
  console.log(
    row(
      'relay mode: fetch to the relay (all files, English)',
      totalOf(relay),
      `(goal <= 45 KB gzip; ${files(relay)}: ${relay.map((file) => relative(dropIn, file)).join(', ')})`,
    ),
  );
  console.log(row('reference: ConnectClient + 1 command alone', ref));
  benchWorkspaceApp(files);
  benchWorkspaceService(files);
}

/**
 * The agent workspace app (dist/workspace/, built in the same run): the page and what loads before the editor paints
 * (the entry and its static imports), then at most what it downloads in each write mode, reached as for the drop-in.
 */
function benchWorkspaceApp(files: (list: string[]) => string): void {
  const entry = join(workspaceApp, 'index.js');
  const page = join(workspaceApp, 'index.html');
  const critical = [
    page,
    entry,
    ...staticImports(readFileSync(entry, 'utf8')).map((specifier) => join(workspaceApp, specifier)),
  ];
  const sdk =
    (prefix: string) =>
    (file: string): boolean =>
      file.startsWith(join(workspaceApp, 'chunks', prefix));
  const isLanguage = languageChunk(workspaceApp);
  const isFailuresList = failuresListChunk(workspaceApp);
  const without =
    (mode: 'direct' | 'relay') =>
    (file: string): boolean =>
      notLoadedIn(mode, workspaceApp)(file) || isLanguage(file) || isFailuresList(file);
  const direct = [page, ...reachable(entry, without('direct'))];
  const relay = [page, ...reachable(entry, without('relay'))];
  const connectSdk = direct.filter(sdk('workspace-sdk-'));
  const { one: largestLanguage, count: languageCount } = oneLanguage(reachable(entry).filter(isLanguage));
  console.log(
    '\nAgent workspace app (dist/workspace/: index.html + index.js and its chunks; no Streams; an agent in English)',
  );
  console.log(row('critical path: page + Lit + <ccp-attributes>', totalOf(critical), `(${files(critical)})`));
  console.log(row('  of which the Amazon Connect SDK chunk (lazy)', totalOf(connectSdk)));
  console.log(row('whole app, direct mode: Cognito + AWS SDK', totalOf(direct), `(${files(direct)})`));
  console.log(row('relay mode: fetch to the relay (all files)', totalOf(relay), `(${files(relay)})`));
  console.log(
    row('another language: the runtime and its messages, at most', largestLanguage, `(${languageCount} languages)`),
  );
}

/**
 * The agent workspace service (dist/workspace/service/, built in the same run): headless, so no critical path; what
 * the hidden frame downloads at most in each write mode (the editor's languages and failures list are never loaded).
 */
function benchWorkspaceService(files: (list: string[]) => string): void {
  const entry = join(workspaceService, 'index.js');
  const page = join(workspaceService, 'index.html');
  const without =
    (mode: 'direct' | 'relay') =>
    (file: string): boolean =>
      notLoadedIn(mode, workspaceService)(file) ||
      languageChunk(workspaceService)(file) ||
      failuresListChunk(workspaceService)(file);
  const direct = [page, ...reachable(entry, without('direct'))];
  const relay = [page, ...reachable(entry, without('relay'))];
  console.log('\nAgent workspace service (dist/workspace/service/: index.html + index.js and its chunks; headless)');
  console.log(row('direct mode: Cognito + AWS SDK (all files)', totalOf(direct), `(${files(direct)})`));
  console.log(row('relay mode: fetch to the relay (all files)', totalOf(relay), `(${files(relay)})`));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchSize();

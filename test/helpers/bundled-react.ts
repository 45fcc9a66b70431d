// React in the test browser. react and react-dom ship CommonJS only, which the dev server does not convert; this
// plugin serves them as ES modules: one esbuild bundle holding every entry (so react-dom and the tests share one
// React), and per entry a small module re-exporting that entry's named exports (their names read in a child Node
// process: React's development build wraps console methods the test runner's console proxy does not have).
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Plugin } from '@web/dev-server-core';
import { build } from 'esbuild';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));
const entries = ['react', 'react-dom', 'react-dom/client', 'react/jsx-runtime'];
const prefix = '/__react__/';
const bundlePath = `${prefix}bundle.js`;
const identifier = /^[A-Za-z_$][\w$]*$/;

function local(index: number): string {
  return `entry${index}`;
}

function entryPath(entry: string): string {
  return `${prefix}${entry.replaceAll('/', '__')}.js`;
}

let exportNames: Record<string, string[]> | undefined;

/** Each entry's named exports, as CommonJS `require` gives them in Node. */
function namesOf(entry: string): string[] {
  exportNames ??= JSON.parse(
    execFileSync(
      process.execPath,
      [
        '-e',
        `console.log(JSON.stringify(Object.fromEntries(${JSON.stringify(entries)}.map((e) => [e, Object.keys(require(e))]))))`,
      ],
      {
        cwd: rootDir,
        encoding: 'utf8',
        env: { PATH: process.env['PATH'], NODE_ENV: 'development' },
      },
    ),
  ) as Record<string, string[]>;
  return (exportNames[entry] ?? []).filter((name) => name !== 'default' && identifier.test(name));
}

/** The module for one entry: its default export and each named export, taken from the shared bundle. */
function entryModule(entry: string): string {
  const index = entries.indexOf(entry);
  const names = namesOf(entry);
  return [
    `import { ${local(index)} as m } from '${bundlePath}';`,
    'export default m.default;',
    `export const { ${names.join(', ')} } = m;`,
  ].join('\n');
}

export function bundledReact(): Plugin {
  let bundle: Promise<string> | undefined;
  return {
    name: 'bundled-react',
    resolveImport({ source }) {
      return entries.includes(source) ? entryPath(source) : undefined;
    },
    async serve(context) {
      if (context.path === bundlePath) {
        bundle ??= build({
          stdin: {
            contents: entries.map((entry, index) => `export * as ${local(index)} from '${entry}';`).join('\n'),
            resolveDir: rootDir,
          },
          bundle: true,
          format: 'esm',
          platform: 'browser',
          target: 'es2022',
          define: { 'process.env.NODE_ENV': '"development"' },
          write: false,
          logLevel: 'silent',
        }).then((result) => result.outputFiles[0]?.text ?? '');
        return { body: await bundle, type: 'js' };
      }
      const entry = entries.find((name) => context.path === entryPath(name));
      return entry ? { body: entryModule(entry), type: 'js' } : undefined;
    },
  };
}

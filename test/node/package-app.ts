// The app the package test builds: a Vite + React 19 app with strict TypeScript (skipLibCheck false) that installs
// the packed package, as an integrator following the README's "In your app" section writes it. Its settings come
// from the page's query string, the agent's sign-in token from sessionStorage (the test puts it there), so one build
// runs against stand-ins on any port.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The app's own dependencies, installed beside the tarball (the package test's project installs them). */
export const appDependencies = ['react-dom', '@types/react-dom', 'vite'];

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs npm quietly in `cwd` and returns what it printed. */
export const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error' },
  });

/**
 * Packs this repository (`npm pack`, which builds it) into a new temporary folder `work`, and installs the tarball
 * with Streams, TypeScript, React and `dependencies` into a throwaway project `work/project` named `name`.
 */
export function packAndInstall(prefix: string, name: string, dependencies: readonly string[] = []) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  npm(['pack', '--pack-destination', work], root);
  const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack wrote no tarball');
  const project = join(work, 'project');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  const installed = ['amazon-connect-streams', 'typescript', 'react', '@types/react', ...dependencies];
  npm(['install', '--prefer-offline', '--no-audit', '--no-fund', join(work, tarball), ...installed], project);
  return { work, project };
}

const mainTsx = `import 'amazon-connect-streams';
import { StrictMode, useEffect, useRef, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { cognitoCredentials, createCcpAttributes, type CcpAttributesPlugin } from 'ccp-attributes';
import { CcpAttributesComponent } from 'ccp-attributes/react';

const query = new URLSearchParams(location.search);
const setting = (name: string): string => query.get(name) ?? '';

function AgentDesk() {
  const ccp = useRef<HTMLDivElement>(null);
  const [plugin, setPlugin] = useState<CcpAttributesPlugin>();
  const [problem, setProblem] = useState<string>();
  useEffect(() => {
    let active = true;
    let created: CcpAttributesPlugin | undefined;
    createCcpAttributes({
      credentials: cognitoCredentials({
        identityPoolId: setting('pool'),
        logins: { [setting('provider')]: () => sessionStorage.getItem('idToken') ?? '' },
        endpoint: setting('api'),
      }),
      endpoint: setting('api'),
      rules: [{ id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } }],
      tracker: { container: ccp.current, initCCP: { ccpUrl: setting('ccp'), loginPopup: false } },
    }).then(
      (ready) => {
        if (active) setPlugin((created = ready));
        else ready.dispose();
      },
      (error: unknown) => {
        if (active) setProblem(error instanceof Error ? error.message : String(error));
      },
    );
    return () => {
      active = false;
      created?.dispose();
    };
  }, []);
  return (
    <main>
      <div ref={ccp} style={{ width: 320, height: 480 }} />
      {problem ? (
        <p role="alert">{problem}</p>
      ) : (
        plugin && (
          <CcpAttributesComponent
            tracker={plugin.tracker}
            writer={plugin.outbox}
            schema={[{ key: 'Reason', label: 'Reason' }]}
            onSaved={(event) => (document.body.dataset['saved'] = JSON.stringify(event.detail.attributes))}
            onError={(event) => (document.body.dataset['error'] = event.detail.error.message)}
          />
        )
      )}
    </main>
  );
}

const root = document.getElementById('root');
if (root) createRoot(root).render(<StrictMode><AgentDesk /></StrictMode>);
`;

const files: Record<string, string> = {
  'index.html': `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8" /><title>Agent desk</title></head>
  <body><div id="root"></div><script type="module" src="/src/main.tsx"></script></body>
</html>
`,
  'src/main.tsx': mainTsx,
  // Streams (730 KB, which every CCP page loads) and React make the app's own chunk larger than Vite's 500 KB
  // warning; that warning is about the app, so its limit is raised: every other warning fails the test.
  'vite.config.js': `export default { build: { chunkSizeWarningLimit: 1500 } };\n`,
  'tsconfig.json': JSON.stringify(
    {
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        lib: ['es2023', 'dom', 'dom.iterable'],
        jsx: 'react-jsx',
        types: [],
      },
      include: ['src'],
    },
    null,
    2,
  ),
};

/** Writes the app into `dir` (which already has the packages installed). */
export function writeApp(dir: string): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

/**
 * Lines of `vite build` output that are not warnings: the banner, its progress lines, the files it wrote and the
 * summary. Anything else is reported.
 */
const quiet = [
  /^vite v\S+ building/,
  /^transforming\.\.\.$/,
  /^✓ \d+ modules transformed\.$/,
  /^rendering chunks\.\.\.$/,
  /^computing gzip size\.\.\.$/,
  /^dist\/\S+\s+[\d.,]+ kB/,
  /^✓ built in [\d.]+m?s$/,
];

/** The lines of a build's output that are neither progress nor the list of files written. */
export function unexpectedOutput(output: string): string[] {
  return output
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !quiet.some((pattern) => pattern.test(line)));
}

const types: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.map': 'application/json',
};

/** Serves the built app (`dist/`) on a free loopback port. */
export async function serveApp(dist: string): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    const path = normalize(new URL(request.url ?? '/', 'http://x').pathname).replace(/^(\.\.[/\\])+/, '');
    const file = join(dist, path === '/' ? 'index.html' : path);
    try {
      const body = readFileSync(file);
      response.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
      response.end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  return { url: `http://127.0.0.1:${port}`, server };
}

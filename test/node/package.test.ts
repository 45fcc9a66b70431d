// The published package, as a user gets it: `npm pack`, installed into a throwaway project, imported and type-checked;
// then built into a Vite + React 19 app (test/node/package-app.ts) and run in Chromium against the stand-ins.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Frame } from 'puppeteer-core';
import { ccpUrl, DEFAULT_INSTANCE_ID, type StandInCcp } from '../../demo/ccp/scenario.ts';
import { startDemo } from '../../demo/server.ts';
import { chromiumArgs, findChromium } from '../chromium.ts';
import { until } from '../helpers/until.ts';
import { appDependencies, packAndInstall, serveApp, unexpectedOutput, writeApp } from './package-app.ts';

describe('the npm package', () => {
  let work: string;
  let project: string;

  before(() => {
    ({ work, project } = packAndInstall('ccp-attributes-pack-', 'consumer', appDependencies));
  });

  after(() => {
    if (!process.env['KEEP']) rmSync(work, { recursive: true, force: true });
  });

  it('ships the builds, the types and the element manifest, and nothing else', () => {
    const installed = join(project, 'node_modules', 'ccp-attributes');
    for (const file of [
      'dist/ccp-attributes.js',
      'dist/elements.js',
      'dist/react.js',
      'dist/drop-in/ccp-attributes.js',
      'dist/workspace.js',
      'dist/workspace/index.html',
      'dist/workspace/index.js',
      'dist/types/src/workspace.d.ts',
      'dist/types/src/index.d.ts',
      'dist/types/components/index.d.ts',
      'dist/types/components/react.d.ts',
      'custom-elements.json',
    ]) {
      assert.ok(existsSync(join(installed, file)), `${file} is missing from the package`);
    }
    for (const folder of ['src', 'components', 'test', 'demo', 'dist/types/test', 'dist/types/demo']) {
      assert.ok(!existsSync(join(installed, folder)), `${folder} should not be published`);
    }
  });

  it('imports the framework-free entry in Node and validates with it', () => {
    const output = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `
        import { checkUpdate, AttributesClient, parseRules } from 'ccp-attributes';
        const problems = checkUpdate({ instanceId: 'i', initialContactId: 'c', attributes: { 'bad key': 'v' } });
        const rules = parseRules([{ id: 'r', on: ['connected'], set: { HandledBy: '{{agent.username}}' } }]);
        console.log(JSON.stringify({ problem: problems[0]?.code, client: typeof AttributesClient, rules: rules.length }));
      `,
      ],
      { cwd: project, encoding: 'utf8' },
    );
    assert.deepEqual(JSON.parse(output), { problem: 'charset', client: 'function', rules: 1 });
  });

  it('type-checks a consumer of the entries (ccp-attributes/workspace among them), and a React (TSX) consumer of ccp-attributes/react', () => {
    writeFileSync(
      join(project, 'consumer.ts'),
      `import { AttributesClient, type ContactModel, createCcpAttributes } from 'ccp-attributes';
import { CcpAttributes } from 'ccp-attributes/elements';
const client: AttributesClient = new AttributesClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const element: CcpAttributes = document.createElement('ccp-attributes');
export const used: [AttributesClient, CcpAttributes, ContactModel | undefined, typeof createCcpAttributes] = [client, element, element.contact, createCcpAttributes];
`,
    );
    writeFileSync(
      join(project, 'consumer-workspace.ts'),
      `import { createWorkspaceAttributes, type WorkspaceAttributesPlugin, type WorkspaceScope } from 'ccp-attributes/workspace';
export async function start(): Promise<WorkspaceScope | undefined> {
  const plugin: WorkspaceAttributesPlugin = await createWorkspaceAttributes({ relay: { url: 'https://relay.example.com', token: () => 'jwt' }, workspace: { refreshMs: 0 } });
  return plugin.source.scope;
}
`,
    );
    writeFileSync(
      join(project, 'consumer-react.tsx'),
      `import { useRef } from 'react';
import type { AttributeWriter, ContactTrackerLike } from 'ccp-attributes';
import { CcpAttributesComponent, type CcpAttributes, type ErrorDetail } from 'ccp-attributes/react';
export function Panel(props: { tracker: ContactTrackerLike; writer: AttributeWriter; onFailure: (detail: ErrorDetail) => void }) {
  const ref = useRef<CcpAttributes>(null);
  return (
    <CcpAttributesComponent
      ref={ref}
      tracker={props.tracker}
      writer={props.writer}
      schema={[{ key: 'topic', label: 'Topic' }]}
      theme="dark"
      className="attributes"
      onBeforeSave={(event) => { if (event.detail.attributes['topic'] === '') event.preventDefault(); }}
      onSaved={(event) => console.log(event.detail.contact.initialContactId, ref.current?.status)}
      onError={(event) => props.onFailure(event.detail)}
    />
  );
}
`,
    );
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          target: 'es2022',
          module: 'esnext',
          moduleResolution: 'bundler',
          lib: ['es2023', 'dom', 'dom.iterable'],
          jsx: 'react-jsx',
          skipLibCheck: true,
          types: [],
        },
        files: ['consumer.ts', 'consumer-workspace.ts', 'consumer-react.tsx'],
      }),
    );
    try {
      execFileSync(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
        cwd: project,
        encoding: 'utf8',
      });
    } catch (error) {
      assert.fail(`the consumer does not type-check:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
  });
  it('builds into a Vite + React 19 app with no warning (the credential providers resolve to their browser entry)', () => {
    writeApp(project);
    const build = spawnSync(join(project, 'node_modules', '.bin', 'vite'), ['build'], {
      cwd: project,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    const output = `${build.stdout}${build.stderr}`;
    assert.equal(build.status, 0, `vite build failed:\n${output}`);
    assert.deepEqual(unexpectedOutput(output), [], `vite build printed more than its progress:\n${output}`);
  });

  it('type-checks the app with strict TypeScript and skipLibCheck false', () => {
    const check = spawnSync(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
      cwd: project,
      encoding: 'utf8',
    });
    assert.equal(check.status, 0, `the app does not type-check:\n${check.stdout}${check.stderr}`);
  });

  const chromium = findChromium();
  it(
    'runs the built app in Chromium with the stand-in CCP: a rule lands and an edit is saved, with no page error',
    { skip: chromium ? false : "no Chromium found (install Debian's chromium, or set CHROME_PATH)" },
    async () => {
      const demo = await startDemo({ port: 0, apiPort: 0 });
      const app = await serveApp(join(project, 'dist'));
      const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args: chromiumArgs });
      try {
        const page = await browser.newPage();
        const errors: string[] = [];
        page.on('pageerror', (error) => errors.push(error instanceof Error ? error.message : String(error)));
        // The agent signed in to the stand-in's user pool; the app reads the token from sessionStorage.
        await page.evaluateOnNewDocument(
          (origin, token) => {
            if (location.origin === origin) sessionStorage.setItem('idToken', token);
          },
          app.url,
          demo.api.signIn().idToken,
        );
        const query = new URLSearchParams({
          api: demo.api.url,
          pool: demo.api.identityPoolId,
          provider: demo.api.loginProvider,
          ccp: ccpUrl({ api: demo.api.url, interval: 500 }, demo.url),
        });
        await page.goto(`${app.url}/?${query.toString()}`, { waitUntil: 'load' });

        type StandInWindow = Window & { standInCcp?: StandInCcp };
        const frame: Frame = await until(
          () => page.frames().find((candidate) => candidate.url().includes('/demo/ccp/ccp.html')),
          'the CCP frame the plugin created',
        );
        await until(() => frame.evaluate(() => (window as StandInWindow).standInCcp !== undefined), 'the stand-in');
        await frame.evaluate(() => (window as StandInWindow).standInCcp?.ready);
        const id = await frame.evaluate(() =>
          (window as StandInWindow).standInCcp?.startChat({ attributes: { Reason: 'unknown' } }),
        );
        assert.ok(id);
        await frame.evaluate((contactId) => (window as StandInWindow).standInCcp?.accept(contactId), id);
        const tag = await until(() => demo.api.attributesOf(DEFAULT_INSTANCE_ID, id)?.['HandledBy'], 'the rule tag');
        assert.equal(tag, 'agent.smith');

        // The agent edits Reason in the editor React rendered, and saves.
        await until(
          () =>
            page.evaluate(() => {
              const editor = document.querySelector('ccp-attributes');
              const field = [...(editor?.shadowRoot?.querySelectorAll('ccp-attribute-field') ?? [])].find(
                (row) => row.fieldKey === 'Reason',
              );
              const input = field?.querySelector<HTMLInputElement>('[part~="input"]');
              if (!input || input.value !== 'unknown') return false;
              input.value = 'billing';
              input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
              return true;
            }),
          'the Reason field in the editor',
        );
        await page.locator('ccp-attributes >>> [part~="save-button"]:not([disabled])').click();
        await until(() => demo.api.attributesOf(DEFAULT_INSTANCE_ID, id)?.['Reason'] === 'billing', 'the saved edit');
        const saved = await until(() => page.evaluate(() => document.body.dataset['saved']), 'onSaved');
        assert.deepEqual(JSON.parse(saved), { Reason: 'billing' });
        assert.deepEqual(errors, [], 'no page error');
      } finally {
        await browser.close();
        await new Promise((resolve) => app.server.close(resolve));
        await demo.stop();
      }
    },
  );
});

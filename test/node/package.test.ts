// The published package, as a user gets it: `npm pack`, installed into a throwaway project, imported and type-checked.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const npm = (args: string[], cwd: string): string =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_loglevel: 'error' },
  });

describe('the npm package', () => {
  let work: string;
  let project: string;

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'ccp-attributes-pack-'));
    npm(['pack', '--pack-destination', work], root);
    const tarball = readdirSync(work).find((name) => name.endsWith('.tgz'));
    assert.ok(tarball, 'npm pack wrote no tarball');
    project = join(work, 'project');
    execFileSync('mkdir', ['-p', project]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    npm(
      [
        'install',
        '--prefer-offline',
        '--no-audit',
        '--no-fund',
        join(work, tarball),
        'amazon-connect-streams',
        'typescript',
        'react',
        '@types/react',
      ],
      project,
    );
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
  const plugin: WorkspaceAttributesPlugin = await createWorkspaceAttributes({ relay: { url: 'https://relay.example.com', token: () => 'jwt' }, workspace: { follow: 'scope' } });
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
});

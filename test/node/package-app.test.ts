// The published package as an app's strict type check meets it: `npm pack`, installed into a throwaway project with
// no @types/node, type-checked with `skipLibCheck: false` and only the browser's libraries; and the licence shipped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { packAndInstall } from './package-app.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** The rows of the README table whose header row is `header`: their cells, without the header and the rule. */
function tableRows(header: string): string[][] {
  const start = readme.indexOf(header);
  assert.ok(start >= 0, `README.md has no table headed ${header}`);
  const lines = readme.slice(start).split('\n');
  const end = lines.findIndex((line) => !line.startsWith('|'));
  return lines.slice(2, end).map((line) =>
    line
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((cell) => cell.trim()),
  );
}

/** The first `code` name of a cell. */
function codeName(cell: string | undefined): string {
  const name = /`([^`]+)`/.exec(cell ?? '')?.[1];
  assert.ok(name, `no name in the README cell ${cell}`);
  return name;
}

const camel = (name: string): string => name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

describe('the npm package, as an app type-checks it', () => {
  let work: string;
  let project: string;

  before(() => {
    ({ work, project } = packAndInstall('ccp-attributes-app-', 'app'));
  });

  after(() => {
    if (!process.env['KEEP']) rmSync(work, { recursive: true, force: true });
  });

  it('ships the MIT licence package.json names', () => {
    const installed = join(project, 'node_modules', 'ccp-attributes');
    assert.ok(existsSync(join(installed, 'LICENSE')), 'LICENSE is missing from the package');
    const licence = readFileSync(join(installed, 'LICENSE'), 'utf8');
    assert.match(licence, /^MIT License/);
    assert.match(licence, /Copyright \(c\) 2026 ccp-attributes contributors/);
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { license?: string };
    assert.equal(manifest.license, 'MIT');
  });

  it("type-checks an app with skipLibCheck false, the browser's libraries only and no @types/node", () => {
    // Every prop of the editor's README table and every event (as its on* prop) must be a prop of the React wrapper.
    const props = tableRows('| attribute / property | type | default | what it does |').map((row) =>
      camel(codeName(row[0])),
    );
    const eventProps = tableRows('| event | detail | when |').map(
      (row) => `on${camel(`-${codeName(row[0]).replace(/^ccp-attributes-/, '')}`)}`,
    );
    assert.ok(props.includes('locale') && eventProps.includes('onBeforeSave'), 'the README tables were not read');
    writeFileSync(
      join(project, 'app.ts'),
      `import { cognitoCredentials, createCcpAttributes, type TagRuleInput, type TagRulesInput } from 'ccp-attributes';
import 'ccp-attributes/elements';

// A synchronous token function, as the relay's token accepts.
const credentials = cognitoCredentials({
  identityPoolId: 'us-east-1:1234abcd-0000-4000-8000-000000000000',
  logins: { 'cognito-idp.us-east-1.amazonaws.com/us-east-1_AbC': () => sessionStorage.getItem('idToken') ?? '' },
});
const rules: TagRuleInput[] = [{ id: 'handled-by', on: 'connected', set: { HandledBy: '{{agent.username}}' } }];
const asJson: TagRulesInput = JSON.stringify(rules);

export const plugin = createCcpAttributes({
  credentials,
  rules,
  // What a page has: querySelector's Element | null.
  tracker: { container: document.querySelector('#ccp'), initCCP: { ccpUrl: 'https://x.my.connect.aws/ccp-v2/' } },
});
export const fromJson = createCcpAttributes({ rules: asJson });
// @ts-expect-error a mistyped rule event is a type error
export const typo = createCcpAttributes({ rules: [{ on: 'conected', set: { A: 'b' } }] });
`,
    );
    writeFileSync(
      join(project, 'app-react.tsx'),
      `import type { CcpAttributesProps } from 'ccp-attributes/react';
import { CcpAttributesComponent } from 'ccp-attributes/react';

// The README's props and events, each a prop of the wrapper.
type Documented = ${[...props, ...eventProps].map((name) => JSON.stringify(name)).join(' | ')};
type Missing = Exclude<Documented, keyof CcpAttributesProps>;
export const noneMissing: [Missing] extends [never] ? true : Missing = true;
export const german = <CcpAttributesComponent locale="de" theme="dark" />;
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
          lib: ['DOM', 'ES2022'],
          jsx: 'react-jsx',
          skipLibCheck: false,
          types: [],
        },
        files: ['app.ts', 'app-react.tsx'],
      }),
    );
    // Streams brings @types/node along (amazon-chime-sdk-js -> protobufjs): an app without Node's types is one
    // without that folder, and `types: []` alone would not show a declaration that references Node's modules.
    rmSync(join(project, 'node_modules', '@types', 'node'), { recursive: true, force: true });
    try {
      execFileSync(join(project, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], {
        cwd: project,
        encoding: 'utf8',
      });
    } catch (error) {
      assert.fail(`the app does not type-check:\n${(error as { stdout?: string }).stdout ?? String(error)}`);
    }
  });
});

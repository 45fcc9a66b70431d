// The README's configuration tables, checked against the element manifest generated from the elements' JSDoc
// and against the drop-in script's list of data-* attributes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { create, ts } from '@custom-elements-manifest/analyzer';
import { litPlugin } from '@custom-elements-manifest/analyzer/src/features/framework-plugins/lit/lit.js';
import { fileURLToPath } from 'node:url';
import { DROP_IN_ATTRIBUTES } from '../../src/drop-in-config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

interface Named {
  name: string;
}
interface Declaration {
  tagName?: string;
  attributes?: Named[];
  events?: Named[];
  slots?: Named[];
  cssParts?: Named[];
  cssProperties?: Named[];
}

describe('README.md', () => {
  let element: Declaration;

  before(() => {
    // The analyzer's API, as `cem analyze --litelement` runs it (its CLI would rewrite package.json).
    const path = 'components/ccp-attributes.ts';
    const source = ts.createSourceFile(path, readFileSync(join(root, path), 'utf8'), ts.ScriptTarget.ES2022, true);
    const manifest = create({ modules: [source], plugins: [...litPlugin()] }) as {
      modules: { declarations?: Declaration[] }[];
    };
    const found = manifest.modules
      .flatMap((module) => module.declarations ?? [])
      .find((declaration) => declaration.tagName === 'ccp-attributes');
    assert.ok(found, 'the manifest has no <ccp-attributes>');
    element = found;
  });

  it('opens with the two commands a newcomer needs', () => {
    const opening = readme.split('\n').slice(0, 6).join('\n');
    assert.match(opening, /npm start/);
    assert.match(opening, /npm test/);
  });

  for (const kind of ['attributes', 'events', 'slots', 'cssParts', 'cssProperties'] as const) {
    it(`documents every ${kind} entry of <ccp-attributes> in the manifest`, () => {
      const names = (element[kind] ?? []).map((entry) => entry.name);
      assert.ok(names.length > 0, `the manifest lists no ${kind}`);
      const missing = names.filter((name) => !readme.includes(`\`${name}\``));
      assert.deepEqual(missing, [], `README.md does not document: ${missing.join(', ')}`);
    });
  }

  it('documents every data-* attribute of the drop-in script', () => {
    const missing = DROP_IN_ATTRIBUTES.filter((name) => !readme.includes(`\`data-${name}\``));
    assert.deepEqual(missing, []);
  });

  it('handles a rejected createCcpAttributes / createWorkspaceAttributes in every example that calls one', () => {
    const blocks = [...readme.matchAll(/```\w*\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');
    const calling = blocks.filter((block) => /\bcreate(CcpAttributes|WorkspaceAttributes)\(/.test(block));
    assert.ok(calling.length >= 4, 'the README shows the plugin being created');
    const ignoring = calling.filter((block) => !/\bcatch\b|\(error(: unknown)?\) =>/.test(block));
    assert.deepEqual(ignoring, [], 'these examples ignore a rejection');
  });
});

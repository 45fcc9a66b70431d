// The README's configuration tables, checked against the element manifest generated from the elements' JSDoc
// and against the drop-in script's list of data-* attributes.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
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
  let work: string;
  let element: Declaration;

  before(() => {
    // The analyzer writes below its working directory: use a scratch folder in node_modules/.cache.
    const cache = join(root, 'node_modules', '.cache');
    mkdirSync(cache, { recursive: true });
    work = mkdtempSync(join(cache, 'readme-cem-'));
    execFileSync(join(root, 'node_modules', '.bin', 'cem'), ['analyze', '--litelement', '--globs', 'components/ccp-attributes.ts', '--outdir', relative(root, work)], { cwd: root, stdio: 'pipe' });
    const manifest = JSON.parse(readFileSync(join(work, 'custom-elements.json'), 'utf8')) as { modules: { declarations?: Declaration[] }[] };
    const found = manifest.modules.flatMap((module) => module.declarations ?? []).find((declaration) => declaration.tagName === 'ccp-attributes');
    assert.ok(found, 'the manifest has no <ccp-attributes>');
    element = found;
  });

  after(() => rmSync(work, { recursive: true, force: true }));

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
    const missing = Object.keys(DROP_IN_ATTRIBUTES).filter((name) => !readme.includes(`\`data-${name}\``));
    assert.deepEqual(missing, []);
  });
});

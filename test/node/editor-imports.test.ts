// The shape of the editor's modules, read from their import statements (type-only imports included, since a
// circle of types is a circle of knowledge): no module of components/ or src/ imports itself through others, and the
// editor's model (the draft and the save status) never reaches Lit's rendering or an element (translated words
// through @lit/localize's `msg`, which imports nothing of Lit, are fine).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const IMPORT =
  /(?:^|[\s;])(?:import|export)\s[^'";]*?\sfrom\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every .ts module under the folders, with what it imports: relative paths resolved from the root, packages as named. */
function importGraph(...folders: string[]): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const folder of folders) {
    for (const file of readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts')) continue;
      const path = join(folder, file);
      const text = readFileSync(join(root, path), 'utf8');
      const imports: string[] = [];
      for (const match of text.matchAll(IMPORT)) {
        const spec = match[1] ?? match[2] ?? match[3] ?? '';
        imports.push(spec.startsWith('.') ? relative(root, join(root, dirname(path), spec)) : spec);
      }
      graph.set(path, imports);
    }
  }
  return graph;
}

function cycles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

function closure(graph: ReadonlyMap<string, readonly string[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const visit = (node: string): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const next of graph.get(node) ?? []) visit(next);
  };
  visit(start);
  return seen;
}

describe('module structure', () => {
  const graph = importGraph('components', 'src');

  it('has no import circle in components/ and src/ (the element and its lazy implementation included)', () => {
    assert.ok(graph.get('components/internal/editor-impl.ts')?.length, 'the graph was read');
    assert.deepEqual(cycles(graph), []);
  });

  it('keeps the editor model free of Lit: the draft and the save status reach neither Lit nor an element', () => {
    const lit = /^(lit|lit-html|lit-element|@lit\/reactive-element)(\/|$)/;
    const element = /^components\/(ccp-[^/]*|internal\/editor-impl)\.ts$/;
    for (const model of ['components/internal/draft.ts', 'components/internal/save-status.ts']) {
      const reached = [...closure(graph, model)];
      assert.deepEqual(
        reached.filter((node) => lit.test(node) || element.test(node)),
        [],
        `${model} reaches ${reached.join(', ')}`,
      );
    }
  });
});

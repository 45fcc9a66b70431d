// `npm run mutants`: applies each mutant of list.ts to a copy of the repository (node_modules linked, not copied),
// runs the outbox model test and, when it passes, the fault suite on it, and prints which mutants were killed and
// which survived. The unchanged copy runs first: a mutant only counts as killed when the same suites pass without
// it. Exits non-zero when a mutant survives or a search text is missing. Not part of `npm test` (it takes minutes).
//   npm run mutants                   every mutant
//   npm run mutants -- --only 500     the mutants whose name contains "500" (and the unchanged run)
//   npm run mutants -- --suite faults only the suites whose file name contains "faults" (to see what each one kills)
//   npm run mutants -- --keep         keep the copy (its path is printed)
//   npm run mutants -- --no-baseline  skip the unchanged run (only to iterate on a mutant; never for a verdict)
//   npm run mutants -- --check        only check that every search text is found once (after a refactor)
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { mutants, type Edit, type Mutant } from './list.ts';

const root = resolve(import.meta.dirname, '../..');
const allSuites = ['test/outbox/model.test.ts', 'test/outbox/faults.test.ts'];
/** Edits to the copy's tests for mutant runs: stop at the first failure (no shrinking, no later tests). */
const harness: Edit[] = [
  { file: 'test/outbox/model.test.ts', search: `endOnFailure: false`, replace: `endOnFailure: true` },
];

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    suite: { type: 'string' },
    keep: { type: 'boolean' },
    'no-baseline': { type: 'boolean' },
    check: { type: 'boolean' },
  },
});
const suites = allSuites.filter((file) => file.includes(values.suite ?? ''));

/** Applies edits in `dir`; returns the functions that undo them. Throws when a search text is not found exactly once. */
function apply(dir: string, edits: readonly Edit[], what: string): (() => void)[] {
  return edits.map(({ file, search, replace }) => {
    const path = join(dir, file);
    const original = readFileSync(path, 'utf8');
    const at = original.indexOf(search);
    if (at < 0) throw new Error(`${what}: search text not found in ${file}:\n${search}`);
    if (original.indexOf(search, at + 1) >= 0) throw new Error(`${what}: search text found more than once in ${file}`);
    writeFileSync(path, original.slice(0, at) + replace + original.slice(at + search.length));
    return () => writeFileSync(path, original);
  });
}

interface Run {
  passed: boolean;
  seconds: number;
  /** The first lines naming a failure, for the table. */
  why: string;
}

/** Runs one browser test file in the copy. */
function runSuite(dir: string, file: string): Promise<Run> {
  const started = performance.now();
  return new Promise((done) => {
    const child = spawn(
      'npx',
      ['web-test-runner', '--config', 'test/mutants/web-test-runner.config.mjs', '--files', file],
      { cwd: dir, env: { ...process.env, NODE_OPTIONS: '--import tsx' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('close', (code) => {
      const plain = output.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
      // The first problem the model names, else the first assertion or error message.
      const lines = plain.split('\n').map((line) => line.trim());
      const problems = lines.indexOf('Problems of the counterexample:');
      const why =
        (problems >= 0 ? lines[problems + 1] : lines.find((line) => /^(AssertionError|Error|TypeError):/.test(line))) ??
        '';
      done({ passed: code === 0, seconds: (performance.now() - started) / 1000, why: why.slice(0, 110) });
    });
  });
}

/** Runs the suites in order, stopping at the first that fails. */
async function runSuites(dir: string): Promise<{ killedBy: string | undefined; seconds: number; why: string }> {
  let seconds = 0;
  for (const file of suites) {
    const run = await runSuite(dir, file);
    seconds += run.seconds;
    if (!run.passed) return { killedBy: relative('test/outbox', file), seconds, why: run.why };
  }
  return { killedBy: undefined, seconds, why: '' };
}

async function main(): Promise<number> {
  const selected: Mutant[] = values.only ? mutants.filter((m) => m.name.includes(values.only ?? '')) : mutants;
  const dir = mkdtempSync(join(tmpdir(), 'ccp-mutants-'));
  console.log(`[mutants] copying the repository to ${dir}`);
  cpSync(root, dir, {
    recursive: true,
    filter: (source) => !/^(node_modules|\.git|dist|cdk\.out)$/.test(relative(root, source).split('/')[0] ?? ''),
  });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(
    join(dir, 'test/mutants/web-test-runner.config.mjs'),
    [
      "import config from '../web-test-runner.config.mjs';",
      '// Mocha stops at the first failing test: a mutant is killed once.',
      'export default { ...config, testFramework: { config: { ...config.testFramework?.config, bail: true } } };',
      '',
    ].join('\n'),
  );
  try {
    // Every search text is checked before anything runs, so a stale mutant fails at once.
    for (const mutant of selected) for (const undo of apply(dir, mutant.edits, mutant.name)) undo();
    apply(dir, harness, 'the mutant harness');
    if (values.check) {
      console.log(`[mutants] every search text of ${selected.length} mutants is found once`);
      return 0;
    }

    const baseline = values['no-baseline'] ? { killedBy: undefined, seconds: 0, why: '' } : await runSuites(dir);
    console.log(
      `[mutants] unchanged outbox: ${baseline.killedBy ? `FAILS (${baseline.killedBy}: ${baseline.why})` : 'passes'} in ${baseline.seconds.toFixed(0)} s`,
    );
    if (baseline.killedBy) return 2;

    const rows: { name: string; killedBy: string | undefined; seconds: number; why: string }[] = [];
    for (const mutant of selected) {
      const undo = apply(dir, mutant.edits, mutant.name);
      try {
        const result = await runSuites(dir);
        rows.push({ name: mutant.name, ...result });
        console.log(
          `[mutants] ${result.killedBy ? 'killed  ' : 'SURVIVED'} ${mutant.name} (${result.seconds.toFixed(0)} s${result.killedBy ? `, ${result.killedBy}: ${result.why}` : ''})`,
        );
      } finally {
        for (const step of undo) step();
      }
    }

    const width = Math.max(...rows.map((row) => row.name.length));
    console.log(`\n| ${'mutant'.padEnd(width)} | result   | killed by          | s    |`);
    console.log(`|${'-'.repeat(width + 2)}|----------|--------------------|------|`);
    for (const row of rows) {
      console.log(
        `| ${row.name.padEnd(width)} | ${row.killedBy ? 'killed  ' : 'SURVIVED'} | ${(row.killedBy ?? '').padEnd(18)} | ${row.seconds.toFixed(0).padStart(4)} |`,
      );
    }
    const survived = rows.filter((row) => !row.killedBy).length;
    console.log(`\n[mutants] ${rows.length - survived} killed, ${survived} survived`);
    return survived > 0 ? 1 : 0;
  } finally {
    if (values.keep) console.log(`[mutants] kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  }
}

process.exitCode = await main();

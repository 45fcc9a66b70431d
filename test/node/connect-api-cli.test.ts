/** The stand-in's command line (demo/connect-api/cli.ts), run as a child process. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connect-api-cli-'));
});
after(() => rm(dir, { recursive: true, force: true }));

const children = new Set<ChildProcessWithoutNullStreams>();
after(() => {
  // A failed assertion must not leave a server running.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function cli(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'demo/connect-api/cli.ts', ...args], {
    cwd: root,
    stdio: 'pipe',
  });
  children.add(child);
  return child;
}

/** Exit code and output of a run that ends by itself. */
function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** Resolves with the URL the server prints once it listens (and has printed its whole banner). */
function listeningUrl(child: ChildProcessWithoutNullStreams): Promise<{ url: string; output: () => string }> {
  let stdout = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url && stdout.includes('control surface')) resolve({ url, output: () => stdout });
    });
    child.on('close', (code) => reject(new Error(`exited with ${String(code)} before listening`)));
  });
}

describe('npm run connect-api', { concurrency: true }, () => {
  it('serves the contacts file, prints URL and demo credentials, and stops with code 0 on SIGTERM', async () => {
    const contacts = join(dir, 'contacts.json');
    await writeFile(
      contacts,
      JSON.stringify([
        { instanceId: 'inst-cli', contactId: 'c-9', startedAt: '2025-03-01T00:00:00Z' },
        { instanceId: 'inst-cli', contactId: 'c-10', initialContactId: 'c-9', startedAt: '2025-03-01T00:02:00Z' },
      ]),
    );
    const child = cli([
      '--port',
      '0',
      '--contacts',
      contacts,
      '--access-key-id',
      'AKIDCLI',
      '--secret-access-key',
      'cli-secret',
    ]);
    const { url, output } = await listeningUrl(child);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.match(output(), /AKIDCLI/);
    const config = (await (await fetch(`${url}/_standin/config`)).json()) as Record<string, unknown>;
    assert.equal(config['accessKeyId'], 'AKIDCLI');
    assert.equal(config['secretAccessKey'], 'cli-secret');
    const listed = (await (await fetch(`${url}/_standin/contacts`)).json()) as {
      contacts: Array<{ contactId: string; initialContactId: string }>;
    };
    assert.deepEqual(
      listed.contacts.map((contact) => [contact.contactId, contact.initialContactId]),
      [
        ['c-9', 'c-9'],
        ['c-10', 'c-9'],
      ],
    );
    const code = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    assert.equal(await code, 0);
  });

  it('stops with code 0 on SIGINT', async () => {
    const child = cli(['--port', '0']);
    await listeningUrl(child);
    const code = new Promise((resolve) => child.on('close', resolve));
    child.kill('SIGINT');
    assert.equal(await code, 0);
  });

  it('prints the options and their defaults with --help', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const text of ['--port', 'default 8787', '--contacts', 'AKIDSTANDINDEMO', 'standin-demo-secret', 'us-east-1'])
      assert.ok(stdout.includes(text), text);
  });

  it('exits with code 2 and a clear message for a bad flag or port', async () => {
    const unknown = await run(['--bogus']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /Unknown option '--bogus'/);
    const port = await run(['--port', 'eighty']);
    assert.equal(port.code, 2);
    assert.match(port.stderr, /--port must be an integer/);
  });

  it('exits with code 2 for a missing, unparsable or ill-shaped contacts file', async () => {
    const notJson = join(dir, 'not-json.json');
    await writeFile(notJson, '[{"instanceId":');
    const missingField = join(dir, 'missing-field.json');
    await writeFile(missingField, JSON.stringify([{ instanceId: 'i', startedAt: '2025-01-01T00:00:00Z' }]));
    for (const [file, message] of [
      [join(dir, 'absent.json'), /cannot read --contacts/],
      [notJson, /bad --contacts/],
      [missingField, /contactId must be a non-empty string/],
    ] as const) {
      const { code, stderr } = await run(['--port', '0', '--contacts', file]);
      assert.equal(code, 2, stderr);
      assert.match(stderr, message);
    }
  });
});

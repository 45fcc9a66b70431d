/**
 * `npm run relay-worker`: the worker's command line (src/relay/worker-cli.ts), run as a child process draining fauxqs
 * into the API stand-in; it stops cleanly on SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRelay } from '../../src/relay/index.ts';
import { instanceId, sqsOf, startQueuedRig, type QueuedRig } from '../helpers/queued-rig.ts';
import { until } from '../helpers/until.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
let dir: string;
let rig: QueuedRig;
const children = new Set<ReturnType<typeof spawn>>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-worker-cli-'));
  rig = await startQueuedRig();
});
after(async () => {
  // A failed assertion must not leave a worker running.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rig.close();
  await rm(dir, { recursive: true, force: true });
});

function worker(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/worker-cli.ts', ...args], {
    cwd: root,
    stdio: 'pipe',
    env: {
      ...process.env,
      AWS_ACCESS_KEY_ID: rig.connectApi.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rig.connectApi.secretAccessKey,
    },
  });
  children.add(child);
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, output, closed };
}

describe('npm run relay-worker', () => {
  it('documents its flags with --help and exits 2 on bad ones', async () => {
    const help = worker(['--help']);
    assert.equal(await help.closed, 0);
    for (const flag of ['--config', '--queue-url', '--sqs-endpoint', '--describe-per-second', '--update-per-second'])
      assert.ok(help.output.stdout.includes(flag), `--help mentions ${flag}`);
    for (const args of [[], ['--nope'], ['--config', join(dir, 'missing.json')], ['--update-per-second', '0']]) {
      const bad = worker(args);
      assert.equal(await bad.closed, 2, args.join(' '));
      assert.match(bad.output.stderr, /Run with --help/);
    }
  });

  it('drains the queue into Connect, audits each landing on stdout, and stops on SIGTERM with 0', async () => {
    const { queue, ...config } = rig.config();
    const file = join(dir, 'relay.json');
    await writeFile(
      file,
      JSON.stringify({
        instanceArn: config.instanceArn,
        auth: config.auth,
        user: config.user,
        connectEndpoint: config.connectEndpoint,
      }),
    );
    const run = worker([
      '--config',
      file,
      '--queue-url',
      queue?.url ?? '',
      '--sqs-endpoint',
      queue?.endpoint ?? '',
      '--wait-seconds',
      '1',
      '--describe-per-second',
      '20',
    ]);
    rig.liveContact('cli-contact');
    const relay = createRelay(rig.config(), { connect: rig.connect(), sqs: sqsOf(rig), audit: () => undefined });
    for (const step of ['1', '2']) {
      const answer = await relay({
        method: 'POST',
        path: '/contact/attributes',
        headers: { authorization: `Bearer ${rig.signIn()}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          InstanceId: instanceId,
          InitialContactId: 'cli-contact',
          ContactId: 'cli-contact',
          Attributes: { step },
          WriteId: `cli-${step}`,
        }),
      });
      assert.equal(answer.statusCode, 202);
    }
    await until(() => rig.connectApi.attributesOf(instanceId, 'cli-contact')?.['step'] === '2', 'the newest value');
    await until(() => run.output.stdout.includes('"writeId":"cli-2"'), 'the audit line of the landing');
    assert.match(
      run.output.stderr,
      /draining .*writes\.fifo.*DescribeContact 20\/s.*maxReceiveCount 3\b/,
      'read from the queue',
    );
    run.child.kill('SIGTERM');
    assert.equal(await run.closed, 0);
  });
});

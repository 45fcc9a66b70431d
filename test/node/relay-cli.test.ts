/** `npm run relay`: the relay's command line (src/relay/cli.ts), run as a child process against the stand-in. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';
import { startFauxqsQueue } from '../../demo/fauxqs.ts';
import { until } from '../helpers/until.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const instanceId = 'inst-cli';
let dir: string;
let handle: ConnectApiHandle;
const children = new Set<ChildProcessWithoutNullStreams>();

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'relay-cli-'));
  handle = await startConnectApi({
    contacts: [{ instanceId, contactId: 'c-1', startedAt: new Date().toISOString(), agentId: 'agent-agent-smith' }],
  });
});
after(async () => {
  // A failed assertion must not leave a server running.
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await handle.close();
  await rm(dir, { recursive: true, force: true });
});

function cli(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/relay/cli.ts', ...args], {
    cwd: root,
    stdio: 'pipe',
    env: { ...process.env, ...env },
  });
  children.add(child);
  return child;
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = cli(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A configuration file's settings in front of the stand-in. */
function fileConfig(overrides: Record<string, unknown> = {}) {
  return {
    instanceArn: `arn:aws:connect:us-east-1:123456789012:instance/${instanceId}`,
    auth: { type: 'oidc', issuer: handle.issuer, audience: [handle.userPoolClientId], jwksUri: handle.jwksUri },
    // The stand-in's agent-desktop client may not write the attribute (demo/connect-api/user-pool.ts).
    user: { userIdClaim: 'custom:connect_user_id', agentsCannotChangeClaim: true },
    connectEndpoint: handle.url,
    ...overrides,
  };
}

/** The relay as a server, with the stand-in's keys for its Connect calls. */
const serve = (args: string[]) =>
  cli(args, {
    AWS_ACCESS_KEY_ID: handle.accessKeyId,
    AWS_SECRET_ACCESS_KEY: handle.secretAccessKey,
    AWS_SESSION_TOKEN: '',
  });

/** Resolves the relay's URL once it says it listens. */
function listening(child: ChildProcessWithoutNullStreams): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const found = /listening on (http:\/\/\S+)\/contact\/attributes/.exec(stderr)?.[1];
      if (found) resolve(found);
    });
    child.on('close', (code) => reject(new Error(`exited with ${String(code)}: ${stderr}`)));
  });
}

describe('npm run relay', () => {
  it('documents every option and setting with --help', async () => {
    const { code, stdout } = await run(['--help']);
    assert.equal(code, 0);
    for (const word of [
      '--config',
      '--port',
      '--host',
      '--worker',
      '--help',
      'instanceArn',
      'auth',
      'user',
      'ownershipWindowSeconds',
      'allowKeyPrefixes',
      'denyKeyPrefixes',
      'allowedOrigins',
      'connectEndpoint',
      'cognito:username',
      'agentsCannotChangeClaim',
      'UpdateUserAttributes',
    ]) {
      assert.ok(stdout.includes(word), `--help mentions ${word}`);
    }
  });

  it('exits with 2 and a clear message without --config, with a bad file or an unknown flag', async () => {
    assert.match((await run([])).stderr, /--config <relay.json> is required/);
    const bad = join(dir, 'bad.json');
    await writeFile(bad, JSON.stringify({ instanceArn: 'x' }));
    const refused = await run(['--config', bad]);
    assert.equal(refused.code, 2);
    assert.match(refused.stderr, /instanceArn must be an instance ARN/);
    assert.equal((await run(['--nope'])).code, 2);
    const good = join(dir, 'sync.json');
    await writeFile(good, JSON.stringify(fileConfig()));
    const noQueue = await run(['--config', good, '--worker']);
    assert.equal(noQueue.code, 2);
    assert.match(noQueue.stderr, /--worker needs queued mode/);
  });

  it('serves writes with the configuration file, audit lines on stdout, until SIGTERM', async () => {
    const config = join(dir, 'relay.json');
    await writeFile(config, JSON.stringify(fileConfig()));
    const child = serve(['--config', config, '--port', '0']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const url = await listening(child);
    const response = await fetch(`${url}/contact/attributes`, {
      method: 'POST',
      headers: { authorization: `Bearer ${handle.signIn('agent.smith').idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        InstanceId: instanceId,
        InitialContactId: 'c-1',
        ContactId: 'c-1',
        Attributes: { via: 'cli' },
      }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { via: 'cli' });
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    child.kill('SIGTERM');
    assert.equal(await closed, 0);
    const audit = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { decision?: string; keys?: string[] };
    assert.equal(audit.decision, 'allowed');
    assert.deepEqual(audit.keys, ['via']);
  });
  it('--worker runs the worker in the process and pushes the landed outcome over the outcome socket', async () => {
    const queue = await startFauxqsQueue();
    try {
      const config = join(dir, 'queued.json');
      await writeFile(config, JSON.stringify(fileConfig({ queue: { url: queue.queueUrl, endpoint: queue.endpoint } })));
      const child = serve(['--config', config, '--port', '0', '--worker']);
      const url = await listening(child);
      const socket = new WebSocket(`${url.replace(/^http/, 'ws')}/contact/attributes/outcomes/socket`);
      const frames: Array<{ type: string; backlog?: boolean; outcomes?: Array<{ WriteId: string; State: string }> }> =
        [];
      socket.on('message', (data: WebSocket.RawData) =>
        frames.push(JSON.parse((data as Buffer).toString('utf8')) as (typeof frames)[number]),
      );
      await new Promise((resolve) => socket.once('open', resolve));
      const token = handle.signIn('agent.smith').idToken;
      socket.send(JSON.stringify({ action: 'subscribe', token, since: Date.now() }));
      await until(() => frames.some((f) => f.backlog), 'the backlog');
      const response = await fetch(`${url}/contact/attributes`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          InstanceId: instanceId,
          InitialContactId: 'c-1',
          ContactId: 'c-1',
          Attributes: { via: 'worker' },
          WriteId: 'cli-worker-1',
        }),
      });
      assert.equal(response.status, 202, await response.clone().text());
      const pushed = await until(() => frames.find((f) => f.type === 'outcomes' && !f.backlog), 'the pushed outcome');
      assert.deepEqual(
        pushed.outcomes?.map((o) => [o.WriteId, o.State]),
        [['cli-worker-1', 'landed']],
      );
      assert.deepEqual(handle.attributesOf(instanceId, 'c-1'), { via: 'worker' });
      socket.terminate();
      const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
      child.kill('SIGTERM');
      assert.equal(await closed, 0);
    } finally {
      await queue.close();
    }
  });
});

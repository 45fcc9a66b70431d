/**
 * The browser build of the SDK (bundled by esbuild for platform 'browser', run on Node's fetch) against the stand-in:
 * it must work end to end, and every header it sets must be one a real browser preflight would let through, i.e. in
 * Connect's (or Cognito's) Access-Control-Allow-Headers.
 */
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { startConnectApi, type ConnectApiHandle } from '../../demo/connect-api/server.ts';

type BrowserSdk = typeof import('@aws-sdk/client-connect') &
  Pick<typeof import('@aws-sdk/credential-provider-cognito-identity'), 'fromCognitoIdentityPool'>;

/**
 * Headers a browser sets itself or that need no preflight (forbidden or CORS-safelisted names), plus those Node's
 * fetch adds on its own: none of them comes from the SDK or appears in Access-Control-Request-Headers.
 */
const notFromScript = new Set([
  'host',
  'connection',
  'content-length',
  'accept',
  'accept-language',
  'accept-encoding',
  'user-agent',
  'sec-fetch-mode',
]);

let dir: string;
let handle: ConnectApiHandle;
let proxy: Server;
let proxyUrl: string;
let sdk: BrowserSdk;
const seen: Array<{ method: string; path: string; headers: IncomingHttpHeaders }> = [];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'connect-api-browser-'));
  const bundle = await build({
    stdin: {
      contents:
        "export * from '@aws-sdk/client-connect'; export { fromCognitoIdentityPool } from '@aws-sdk/credential-provider-cognito-identity';",
      resolveDir: fileURLToPath(new URL('../../', import.meta.url)),
    },
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  const file = join(dir, 'sdk-browser.mjs');
  await writeFile(file, bundle.outputFiles[0]?.text ?? '');
  sdk = (await import(pathToFileURL(file).href)) as BrowserSdk;

  handle = await startConnectApi({
    contacts: [{ instanceId: 'inst-b', contactId: 'c-b', startedAt: '2025-05-05T00:00:00Z' }],
  });
  const target = new URL(handle.url);
  // Records what the SDK sends and forwards it untouched (Host included, so the signature still holds).
  proxy = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    const forward = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
        agent: false,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const address = proxy.address();
  assert.ok(address && typeof address === 'object');
  proxyUrl = `http://127.0.0.1:${address.port}`;
});

after(async () => {
  proxy.closeAllConnections();
  await new Promise((resolve) => proxy.close(resolve));
  await handle.close();
  await rm(dir, { recursive: true, force: true });
});

/** The names a browser would put in Access-Control-Request-Headers for these request headers. */
function preflightNames(headers: IncomingHttpHeaders): string[] {
  return Object.keys(headers).filter((name) => !notFromScript.has(name));
}

async function allowedHeaders(path: string): Promise<string[]> {
  const response = await fetch(handle.url + path, {
    method: 'OPTIONS',
    headers: { origin: 'https://agent.example.com', 'access-control-request-method': 'POST' },
  });
  return (response.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/,\s*/);
}

it('runs Cognito + UpdateContactAttributes end to end with only headers the preflights allow', async () => {
  const credentials = sdk.fromCognitoIdentityPool({
    identityPoolId: handle.identityPoolId,
    logins: { [handle.loginProvider]: handle.signIn().idToken },
    clientConfig: { region: handle.region, endpoint: proxyUrl },
  });
  const client = new sdk.ConnectClient({ region: handle.region, endpoint: proxyUrl, credentials });
  await client.send(
    new sdk.UpdateContactAttributesCommand({
      InstanceId: 'inst-b',
      InitialContactId: 'c-b',
      Attributes: { from: 'browser-build' },
    }),
  );
  assert.deepEqual(handle.attributesOf('inst-b', 'c-b'), { from: 'browser-build' });

  const connectRequest = seen.find((request) => request.path === '/contact/attributes');
  const cognitoRequests = seen.filter((request) => request.path === '/');
  assert.ok(connectRequest);
  assert.equal(cognitoRequests.length, 2);

  const connectAllowed = await allowedHeaders('/contact/attributes');
  const sent = preflightNames(connectRequest.headers);
  // What the browser build actually sends to Connect (documented in the report): all of it must be allowed.
  assert.deepEqual([...sent].sort(), [
    'amz-sdk-invocation-id',
    'amz-sdk-request',
    'authorization',
    'content-type',
    'x-amz-content-sha256',
    'x-amz-date',
    'x-amz-security-token',
    'x-amz-user-agent',
  ]);
  for (const name of sent) assert.ok(connectAllowed.includes(name), `Connect's preflight does not allow ${name}`);
  assert.equal(connectRequest.headers['user-agent'], 'node', 'the browser build sets no User-Agent of its own');

  const cognitoAllowed = await allowedHeaders('/');
  for (const request of cognitoRequests) {
    for (const name of preflightNames(request.headers))
      assert.ok(cognitoAllowed.includes(name), `Cognito's preflight does not allow ${name}`);
  }
});

// The builds: the npm module (ES modules with bare imports, for bundler users), the drop-in script and the agent
// workspace app (everything bundled and minified; Lit + the element load first, the rest and the AWS SDK arrive as
// lazy chunks), and the relay (Node). Types come from `tsc` (see package.json "build").
import { existsSync, readFileSync } from 'node:fs';
import commonjs from '@rollup/plugin-commonjs';
import json from '@rollup/plugin-json';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import terser from '@rollup/plugin-terser';
import esbuild from 'rollup-plugin-esbuild';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencies = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
const isDependency = (id) => dependencies.some((name) => id === name || id.startsWith(`${name}/`));

/**
 * esbuild compiles our own TypeScript only: its resolver would bypass the `browser` field of
 * packages in node_modules and pull the SDK's Node credential chain (TOOLCHAIN.md).
 */
function typescript() {
  const plugin = esbuild({ include: /\.ts$/, exclude: /node_modules/, target: 'es2022', tsconfig: 'tsconfig.json' });
  const resolveId = plugin.resolveId;
  return {
    ...plugin,
    resolveId(source, importer, options) {
      if (!importer || importer.includes('/node_modules/') || !source.startsWith('.')) return null;
      return resolveId.call(this, source, importer, options);
    },
  };
}

/**
 * The npm module's SDK chunk imports the credential providers through the package's own subpath import
 * `#credential-providers` (package.json "imports"): `@aws-sdk/credential-providers`' browser entry
 * (dist-es/index.browser.js, named by its `browser` field) under the `browser` condition, the package itself
 * elsewhere (Node). Bundlers that miss the `browser` field's extensionless mapping (Vite 8 matches `./dist-es/index`
 * against `./dist-es/index.js` and fails) would otherwise take the Node entry, whose providers import `node:fs`,
 * `node:child_process`, ... and make an app's build print "externalized for browser compatibility" warnings.
 */
const credentialProvidersPath = (id) => (id === '@aws-sdk/credential-providers' ? '#credential-providers' : id);

const browserResolve = () => nodeResolve({ browser: true, exportConditions: ['browser'] });

/**
 * @lit/localize's modules only set up their own state at the top level (init/runtime.js resolves a promise), so one
 * whose exports nothing uses can be left out: without this its index keeps the whole runtime in the chunk that first
 * imports `msg`, i.e. on the critical path, although only the lazily imported components/messages/runtime.ts uses it.
 */
const treeshake = { moduleSideEffects: (id) => !id.includes('/node_modules/@lit/localize/') };

/**
 * Minifies the CSS of our components' `css` templates (terser keeps template text as written): comments go and
 * whitespace shrinks to what CSS needs. Only our own *.styles.ts, and only templates without `${}` expressions.
 */
function minifyCss() {
  const squeeze = (text) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      .trim();
  return {
    name: 'minify-css',
    transform(code, id) {
      if (!id.endsWith('.styles.ts') || id.includes('/node_modules/')) return null;
      return { code: code.replace(/\bcss`([^`$]*)`/g, (_, text) => `css\`${squeeze(text)}\``), map: null };
    },
  };
}

/**
 * AWS SDK packages map `./dist-es/x` to `./dist-es/x.browser` in their `browser` field, without the
 * `.js` of the file; node-resolve then returns a path that does not exist. Add the extension.
 */
function browserFieldExtensions() {
  return {
    name: 'browser-field-extensions',
    async resolveId(source, importer, options) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      if (!resolved || resolved.external || existsSync(resolved.id) || !existsSync(`${resolved.id}.js`))
        return resolved;
      return { ...resolved, id: `${resolved.id}.js` };
    },
  };
}

/**
 * The relay (Node only): `ccp-attributes/relay` as an ES module with bare imports (part of the package), and the
 * Lambda function as one self-contained file (its dependencies bundled, so the deployment does not depend on the SDK
 * version of the runtime; not part of the package). `npm run build:relay` (RELAY_ONLY) builds both, for `cdk deploy`.
 */
const relayModule = {
  input: { index: 'src/relay/index.ts' },
  external: (id) => isDependency(id) || id.startsWith('node:'),
  plugins: [typescript()],
  output: { dir: 'dist/relay', format: 'es', sourcemap: true },
};
const relayLambdaFunction = (name, input) => ({
  input: { [name]: input },
  plugins: [typescript(), nodeResolve({ exportConditions: ['node'], preferBuiltins: true }), commonjs(), json()],
  output: {
    dir: 'dist/relay-lambda',
    format: 'es',
    entryFileNames: '[name].mjs',
    inlineDynamicImports: true,
    sourcemap: true,
  },
});
/**
 * The relay (index.mjs) and, for queued mode, the worker on the write queue (worker.mjs) and the outcome socket behind
 * the WebSocket API (socket.mjs).
 */
const relayLambda = relayLambdaFunction('index', 'src/relay/lambda.ts');
const relayWorkerLambda = relayLambdaFunction('worker', 'src/relay/worker-lambda.ts');
const relaySocketLambda = relayLambdaFunction('socket', 'src/relay/socket-lambda.ts');

/**
 * An agent workspace page: `template` (components/workspace-app.html, components/workspace-service.html) emitted as
 * index.html, its script tag pointing at the built entry.
 */
function workspacePage(template, entry) {
  return {
    name: 'workspace-page',
    buildStart() {
      this.addWatchFile(template);
    },
    generateBundle() {
      const source = readFileSync(template, 'utf8').replace(`src="./${entry}"`, 'src="./index.js"');
      if (!source.includes('src="./index.js"')) this.error(`${template} has no <script src="./${entry}">`);
      this.emitFile({ type: 'asset', fileName: 'index.html', source });
    },
  };
}

/** A page of the agent workspace, bundled like the drop-in, with no Streams at all (the workspace runs the CCP). */
function workspaceBuild(name, dir) {
  return {
    input: { index: `components/${name}.ts` },
    treeshake,
    plugins: [
      minifyCss(),
      typescript(),
      browserFieldExtensions(),
      browserResolve(),
      commonjs(),
      json(),
      terser({ format: { comments: false } }),
      workspacePage(`components/${name}.html`, `${name}.ts`),
    ],
    output: { dir, format: 'es', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
  };
}

export default process.env.RELAY_ONLY
  ? [relayModule, relayLambda, relayWorkerLambda, relaySocketLambda]
  : [
      relayModule,
      {
        input: {
          'ccp-attributes': 'src/index.ts',
          elements: 'components/index.ts',
          workspace: 'src/workspace.ts',
          react: 'components/react.ts',
        },
        external: isDependency,
        plugins: [typescript(), browserResolve()],
        output: {
          dir: 'dist',
          format: 'es',
          chunkFileNames: 'chunks/[name]-[hash].js',
          sourcemap: true,
          paths: credentialProvidersPath,
        },
      },
      {
        input: { 'ccp-attributes': 'components/drop-in.ts' },
        external: ['amazon-connect-streams'],
        treeshake,
        plugins: [
          minifyCss(),
          typescript(),
          browserFieldExtensions(),
          browserResolve(),
          commonjs(),
          json(),
          terser({ format: { comments: false } }),
        ],
        output: { dir: 'dist/drop-in', format: 'es', chunkFileNames: 'chunks/[name]-[hash].js', sourcemap: true },
      },
      // The agent workspace app, and the third-party service that tags and sends for it (dist/workspace/service/).
      workspaceBuild('workspace-app', 'dist/workspace'),
      workspaceBuild('workspace-service', 'dist/workspace/service'),
    ];

// The lint gate of `npm test`: typescript-eslint's strict type-checked rules everywhere, plus Lit's and web
// components' rules for the elements. Formatting is Prettier's job (prettier --check), not ESLint's.
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'cdk.out/', 'deploy/cdk.out/', 'custom-elements.json'] },
  {
    files: ['**/*.ts'],
    extends: [...tseslint.configs.strictTypeChecked],
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('.', import.meta.url)) },
    },
    rules: {
      // `() => list.push(x)` style callbacks whose value nobody reads are idiomatic; a void value used elsewhere is not.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Numbers read fine in messages; objects, undefined and null in a template are still refused.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
    },
  },
  {
    files: ['test/node/**/*.ts'],
    rules: {
      // node:test's describe() and it() return promises the runner awaits itself.
      '@typescript-eslint/no-floating-promises': [
        'error',
        {
          allowForKnownSafeCalls: [
            {
              from: 'package',
              package: 'node:test',
              name: ['describe', 'it', 'test', 'suite', 'before', 'after', 'beforeEach', 'afterEach'],
            },
          ],
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts'],
    ignores: ['test/node/**'],
    rules: {
      // @open-wc/testing's chai types every `expect(x).to.equal(y)` as a promise (only its DOM comparisons are), so
      // the rule cannot tell a real floating promise in the browser tests; the asynchronous assertions that are real
      // must still be awaited.
      '@typescript-eslint/no-floating-promises': 'off',
      'no-restricted-syntax': [
        'error',
        {
          selector: 'ExpressionStatement > CallExpression[callee.property.name=/^(accessible|notAccessible)$/]',
          message: 'Await the accessibility assertion: it is asynchronous and fails only when awaited.',
        },
      ],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      // A test reads what it just set up; a wrong guess fails the test at that line, which is what `!` says.
      '@typescript-eslint/no-non-null-assertion': 'off',
      // chai's property assertions (`expect(x).to.be.true`) are expressions by design.
      '@typescript-eslint/no-unused-expressions': 'off',
    },
  },
  {
    files: ['components/**/*.ts'],
    extends: [lit.configs['flat/recommended'], wc.configs['flat/recommended']],
  },
);

// @ts-check
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Node built-ins, bare or with the `node:` scheme: banned where code must run on every runtime. */
const nodeBuiltins = [
  'assert', 'async_hooks', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events',
  'fs', 'fs/promises', 'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'perf_hooks',
  'process', 'querystring', 'readline', 'stream', 'stream/promises', 'stream/web', 'string_decoder',
  'timers', 'tls', 'tty', 'url', 'util', 'v8', 'vm', 'worker_threads', 'zlib',
];

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '**/.turbo/**', '**/coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // No import cycles anywhere: a cycle makes load order decide what a module sees, and it hides that
    // two files are one job. Relative `.js` specifiers resolve to the `.ts` sources.
    plugins: { 'import-x': importX },
    settings: {
      'import-x/extensions': ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx', '.mts', '.cts'] },
      'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.json'], extensionAlias: { '.js': ['.ts', '.tsx', '.js'], '.mjs': ['.mts', '.mjs'], '.cjs': ['.cts', '.cjs'] } })],
    },
    rules: {
      'import-x/no-cycle': ['error', { ignoreExternal: true }],
    },
  },
  {
    // Portable libraries: WebCrypto and web streams only. Node-only code lives under src/node/.
    files: ['packages/core/src/**/*.ts', 'packages/validator/src/**/*.ts', 'packages/transport/src/**/*.ts', 'packages/sandbox/src/**/*.ts'],
    ignores: ['packages/*/src/node/**', 'packages/transport/src/undici/**', 'packages/transport/src/node-http/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: nodeBuiltins.map((name) => ({
            name,
            message: 'Portable sources may not import Node built-ins; put Node-only code under src/node/.',
          })),
          patterns: [
            { group: ['node:*'], message: 'Portable sources may not import node:* modules; put Node-only code under src/node/.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'Buffer', message: 'Use Uint8Array: Buffer exists only on Node.' },
        { name: 'process', message: 'process exists only on Node; take configuration as input.' },
        { name: 'require', message: 'ESM only in sources.' },
      ],
    },
  },
);

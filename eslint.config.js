// @ts-check
import js from '@eslint/js';
import { createNodeResolver, importX } from 'eslint-plugin-import-x';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// The one-way package graph of docs/architecture.md, as lint errors:
//   apps → @hubwerk/api → @hubwerk/auth → @hubwerk/db → (@hubwerk/domain)
// The admin app may import the API's types only, never runtime code of
// the server packages.
const forbid = (names, message, allowTypeImports = false) => ({
  '@typescript-eslint/no-restricted-imports': [
    'error',
    {
      paths: names.map((name) => ({ name, message, allowTypeImports })),
      patterns: names.map((name) => ({ group: [`${name}/*`], message, allowTypeImports })),
    },
  ],
});

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/build/**',
      '**/dist/**',
      '**/.data/**',
      '**/generated/**',
      '**/.cache/**',
      'packages/prisma-offline/bin/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createNodeResolver({ extensions: ['.ts', '.tsx', '.js', '.mjs'] })] },
    rules: {
      'import-x/no-cycle': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // `import { type X } from 'pkg'` keeps a bare `import 'pkg'` under verbatimModuleSyntax: in a route
      // module that drags a server package (@remix-run/node) into the browser bundle.
      '@typescript-eslint/no-import-type-side-effects': 'error',
    },
  },
  {
    files: ['packages/domain/**'],
    rules: forbid(
      ['@hubwerk/db', '@hubwerk/auth', '@hubwerk/api', '@hubwerk/billing'],
      'domain is the bottom of the graph: pure vocabulary, no package imports.',
    ),
  },
  {
    files: ['packages/db/**'],
    rules: forbid(
      ['@hubwerk/auth', '@hubwerk/api', '@hubwerk/billing'],
      'db is below auth and api: it must not import them.',
    ),
  },
  {
    files: ['packages/auth/**', 'packages/billing/**'],
    rules: forbid(['@hubwerk/api'], 'auth and billing are below api: they must not import it.'),
  },
  {
    // Inside the API the layers point one way too: procedures (routers/) may use jobs and the
    // shared modules, never the other way round (docs/architecture.md). A job, the tRPC
    // middleware or the mail code that needs something from a router moves it down instead.
    files: ['packages/api/src/jobs/**', 'packages/api/src/mail/**', 'packages/api/src/trpc.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/routers', '**/routers/**'],
              message: 'routers/ is the top layer of the API: jobs/, mail/ and trpc.ts must not import from it.',
            },
          ],
        },
      ],
    },
  },
  {
    // Test doubles (SMTP, OIDC provider, test databases) are for tests, the e2e stack and benchmarks:
    // the product's runtime code never imports them. (ESLint's own rule: the package graph above uses
    // the TypeScript one, and two blocks setting the same rule would replace each other.)
    files: ['packages/*/src/**', 'apps/api/src/**'],
    ignores: ['**/*.test.ts', '**/testing/**', 'packages/api/src/test-support.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/testing', '**/testing/**', '@hubwerk/*/testing'],
              message: 'test doubles (…/testing) are for tests only: runtime code must not import them.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/admin/**'],
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: forbid(
      ['@hubwerk/api', '@hubwerk/db', '@hubwerk/auth', '@hubwerk/billing'],
      'the admin app talks to the API over tRPC only (import type { AppRouter } is fine).',
      true,
    ),
  },
);

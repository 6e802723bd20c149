import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * Lint rules. Besides the recommended sets, this file enforces the architecture's
 * dependency direction: `src/core` imports no adapter, no framework and no I/O library;
 * adapters never import the server or the CLI (only composition roots choose adapters).
 */
export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.venv/', 'slipway-data/', 'coverage/', 'ui/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
    },
  },
  {
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/store-sql/**', '**/artifacts/**', '**/server/**', '**/cli/**'], message: 'core imports no adapter or composition root.' },
            { group: ['node:fs', 'node:fs/*', 'fs', 'kysely', 'fastify', 'better-sqlite3', 'pg', 'commander'], message: 'core stays free of I/O and frameworks.' },
          ],
        },
      ],
    },
  },
  {
    files: ['src/store-sql/**/*.ts', 'src/artifacts/**/*.ts', 'src/webhooks/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/server/**', '**/cli/**'], message: 'adapters depend on core only; composition roots choose adapters.' }] },
      ],
    },
  },
  {
    files: ['src/sdk/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/server/**', '**/store-sql/**', '**/cli/**', 'fastify', 'kysely', 'pg', 'better-sqlite3', 'commander'],
              message: 'the SDK talks HTTP only: it imports no server, adapter or CLI code.',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.js'],
    ...tseslint.configs.disableTypeChecked,
  },
);

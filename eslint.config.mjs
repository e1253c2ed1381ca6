import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import regexp from 'eslint-plugin-regexp';
import { architectureGuards } from './eslint.architecture.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'build/**', 'data/**', 'coverage/**', '*.js', '*.mjs'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { project: './tsconfig.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  {
    // Every regex of the bot, its tools and scripts is linear in its input: a message of a few
    // thousand characters must never freeze the process (catastrophic backtracking).
    files: ['src/**/*.ts', 'tools/**/*.ts', 'scripts/**/*.ts'],
    ...regexp.configs['flat/recommended'],
  },
  {
    files: ['src/**/*.ts', 'tools/**/*.ts', 'scripts/**/*.ts'],
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignorePartial: false }],
    },
  },
  {
    files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-non-null-assertion': 'off' },
  },
  {
    // better-sqlite3 is synchronous, yet the store interfaces return promises so the Redis backend
    // can share them: the SQLite store's methods are async by contract (a throw becomes a rejection,
    // as callers expect) with nothing to await.
    files: ['src/store/sqlite/sqlite-store.ts', 'src/store/sqlite/feature-methods.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // A better-sqlite3 transaction's .immediate variant only passes `this` on to the wrapped function
    // (arrow functions here), so taking it off the transaction is safe; its typings declare it as a method.
    files: ['src/store/sqlite/*.ts'],
    rules: { '@typescript-eslint/unbound-method': 'off' },
  },
  {
    // Test doubles implement Promise-returning interfaces (ArmApi, ReplyPort, TokenCredential, the
    // stores) with nothing to await: they stay async so a throw becomes a rejection, as it would in
    // the real implementation (several fakes throw on purpose to script failures).
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/require-await': 'off' },
  },
  {
    // The typed rules need type information, which only the .ts files have (tsconfig.json): the
    // plain JS scripts and test fixtures are linted with the untyped rules only.
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // Architecture guards (cycles, layers, Bot Framework only in src/bot): eslint.architecture.mjs.
  ...architectureGuards(import.meta.dirname),
);

// Lint inside `npm test` (npm run lint): ESLint's and typescript-eslint's recommended
// rules, kept close to stock so that it passes on good code rather than churning it.
// Types are tsc's job (npm run typecheck), so no rule here needs type information.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // Build output and what tests leave behind; fixtures are sites, not code.
  { ignores: ['lib/', 'dist/', '.dist.*/', 'tests/output/', 'tests/fixtures/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: { globals: globals.node },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      // `{ file: _file, ...shown }` drops a field by naming it.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // The rule catches a control character typed by mistake. Here each one is spelled
      // out (`\u0000-\u001f`) on purpose: escaping what reaches the terminal, and
      // catching `java\0script:` in sanitizing and its tests.
      'no-control-regex': 'off',
    },
  },
  {
    files: ['tests/**'],
    // Tests match printed lines, whose columns are two spaces: `x.md:3:7  error  …`.
    rules: { 'no-regex-spaces': 'off' },
  },
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs' } },
);

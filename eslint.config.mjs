// One lint configuration for the whole monorepo; architecture rules live in .dependency-cruiser.cjs.
import tseslint from 'typescript-eslint';
import checkFile from 'eslint-plugin-check-file';

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'packages/proto/src/gen/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'check-file': checkFile },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-console': 'error',
      eqeqeq: ['error', 'smart'],
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@ecogrid/*/src/*', '@ecogrid/*/dist/*'], message: 'Use the package through its exports.' },
          { group: ['**/packages/*', '**/services/*'], message: 'Import a workspace package by its @ecogrid/ name.' },
        ],
      }],
      'check-file/filename-naming-convention': ['error', { '**/*.ts': 'KEBAB_CASE' }, { ignoreMiddleExtensions: true }],
      'check-file/folder-naming-convention': ['error', { '**/': 'KEBAB_CASE' }],
    },
  },
  {
    // Command-line entry points, load scripts and tests that print what they compared speak to a terminal
    // (the deployment checks are unit tests beside their code, and print what they validated).
    files: ['**/src/cli/**/*.ts', '**/scripts/**/*.ts', 'load-tests/**/*.ts', '**/test/**/*.ts', 'deploy/manifest-checks/src/**/*.test.ts'],
    rules: { 'no-console': 'off' },
  },
);

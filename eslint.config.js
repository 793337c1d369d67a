import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'coverage/', 'docs/api/', 'node_modules/', 'examples/**/dist/', 'test/package/app/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/testing/**', 'src/node.ts', 'src/node-platform.ts', 'src/devtools/node.ts', 'src/devtools/node/**'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['ws', 'node:*'], message: 'The browser entry must not import ws or a Node built-in; only src/node.ts and src/node-platform.ts, src/testing/ and the devtools\' Node entry (src/devtools/node.ts, src/devtools/node/) may.' },
        ],
      }],
    },
  },
);

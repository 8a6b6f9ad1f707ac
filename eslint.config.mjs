// Lint rules for the whole repo: typescript-eslint's recommended type-aware set, plus a few project habits.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/.esbuild/**', '**/.serverless/**', '**/.local/**', 'coverage/**', 'bench/results/**', 'clients/**/dist/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // CommonJS config files loaded by tools (serverless-esbuild plugins).
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    files: ['scripts/**/*.ts', 'bench/**/*.ts', 'test/**/*.ts', '**/test/**/*.ts', '*.mjs', '*.ts'],
    rules: { 'no-console': 'off' },
  },
);

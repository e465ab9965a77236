// ESLint flat config: typescript-eslint's recommended rules; formatting is Prettier's job (npm run lint runs both).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'libs/*/dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', '.tusk/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly' } },
    rules: {
      'max-len': [
        'error',
        { code: 140, ignoreUrls: true, ignoreStrings: false, ignoreTemplateLiterals: false, ignoreRegExpLiterals: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  // Plain JavaScript runs on Node; TypeScript files get no-undef from the compiler instead. (The `globals` package is not installed.)
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: {
      globals: Object.fromEntries(
        (
          'URL URLSearchParams AbortController AbortSignal TextEncoder TextDecoder fetch performance structuredClone queueMicrotask ' +
          'setInterval clearInterval clearTimeout setImmediate clearImmediate'
        )
          .split(' ')
          .map((name) => [name, 'readonly']),
      ),
    },
  },
);

// ESLint 9 flat config: typescript-eslint's type-aware rules over src/, test/ and bench/.
// Where a rule does not fit this code it is turned off here, with the reason, not in scattered comments.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const NODE_GLOBALS = Object.fromEntries(
  ['process', 'console', 'performance', 'URL', 'Buffer', 'global', 'globalThis', 'setTimeout', 'clearTimeout']
    .concat(['setInterval', 'clearInterval', 'setImmediate', 'TextEncoder', 'TextDecoder', 'AbortController'])
    .map((name) => [name, 'readonly']),
);

export default tseslint.config(
  {
    ignores: [
      'dist/',
      'packages/*/dist/',
      'coverage/',
      'node_modules/',
      'src/generated/',
      'test/generated/',
      'bench/.tmp/',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // Escapers and control-character checks match control characters on purpose.
      'no-control-regex': 'off',
      // An async function without await is how a synchronous throw becomes the rejection callers expect.
      '@typescript-eslint/require-await': 'off',
      // Rethrowing what was caught, as it was, is not throwing a non-error.
      '@typescript-eslint/only-throw-error': ['error', { allowThrowingUnknown: true }],
    },
  },
  {
    // The workspace packages import the engine as switchboard/internal/… and the queue as
    // @switchboard/queue/internal/…, which their own tsconfig resolves to built dist/ files. Lint
    // runs before the build (npm test, a fresh clone), so it reads them through test/tsconfig.json,
    // whose paths map those names to the sources.
    files: ['packages/*/src/**/*.ts'],
    languageOptions: {
      parserOptions: { projectService: false, project: './test/tsconfig.json', tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    // Only the CLI prints or exits: the library returns results and throws typed errors.
    files: ['src/**/*.ts'],
    ignores: ['src/cli/**'],
    rules: {
      'no-console': 'error',
      'no-restricted-properties': [
        'error',
        { object: 'process', property: 'exit', message: 'Only src/cli/ exits; the library returns or throws.' },
        { object: 'process', property: 'stdout', message: 'Only src/cli/ prints.' },
        { object: 'process', property: 'stderr', message: 'Only src/cli/ prints.' },
      ],
    },
  },
  {
    // Tests read JSON output and check it with expect(); typing every parsed value would only add casts.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // Plain JavaScript (benchmarks, the schema generator, this file) is not in a TypeScript project.
    files: ['**/*.mjs', '**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: NODE_GLOBALS },
  },
);

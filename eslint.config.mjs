// @ts-check
import eslint from '@eslint/js';
import prettier from 'eslint-config-prettier';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Who may import what (ADR 0017). Everyone: libraries through their aliases, never by path, and
 * libs/auth only through its entry points (`@app/auth/caller`, `/receiver`, `/metrics`,
 * `/testing`); the arguments add the rules of one part of the repository.
 */
function restrictedImports({ patterns = [], paths = [] } = {}) {
  return [
    'error',
    {
      paths,
      patterns: [
        {
          group: ['**/libs/*', '**/libs/**'],
          message:
            'Import the library through its entry point (@app/auth/caller, @app/common, @app/store, ...).',
        },
        {
          regex: '^@app/auth(?!/(caller|receiver|metrics|testing)$).*$',
          message:
            'Import @app/auth/caller, @app/auth/receiver, @app/auth/metrics or @app/auth/testing, nothing deeper.',
        },
        {
          group: ['keycloak-connect'],
          message: 'The deprecated Keycloak adapter is not used here.',
        },
        ...patterns,
      ],
    },
  ];
}

const TESTS = ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/testing/**'];
const notInApps = {
  group: ['@app/auth/testing'],
  message: 'Test helpers are for specs; an app never loads them.',
};

export default tseslint.config(
  {
    ignores: [
      'dist/**',
      'node_modules/**',
      'coverage/**',
      'eslint.config.mjs',
      'jest.config.js',
      'jest.compose.config.js',
      'jest.consumer-apps.config.js',
      'jest.standalone.js',
      // Compiled by the consumer apps it is copied into (test/consumer-apps), not by this repository.
      'test/consumer-apps/fixture/**',
    ],
  },
  eslint.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  prettier,
  {
    languageOptions: {
      globals: { ...globals.node, ...globals.jest },
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-explicit-any': 'warn',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      // Relative imports name the file as ESM needs it (`./x.js`, `./dir/index.js`), so that
      // any folder (above all libs/auth) can be copied into an ESM app unchanged.
      'no-restricted-syntax': [
        'error',
        ...[
          'ImportDeclaration',
          'ExportAllDeclaration',
          'ExportNamedDeclaration',
          'ImportExpression',
        ].map((node) => ({
          selector: `${node}[source.value=/^\\.{1,2}(\\/|$)/]:not([source.value=/\\.(js|json)$/])`,
          message:
            'Write the extension ESM needs: ./file.js for ./file.ts, ./dir/index.js for a folder.',
        })),
      ],
      'no-restricted-imports': restrictedImports(),
    },
  },
  {
    files: ['**/*.js', '**/*.cjs', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: {
      ...tseslint.configs.disableTypeChecked.rules,
      '@typescript-eslint/no-require-imports': 'off',
    },
  },
  {
    files: ['libs/**/*.ts'],
    ignores: ['libs/**/*.spec.ts', 'libs/**/testing/**'],
    rules: { 'no-console': 'error' },
  },
  // Each app imports the half it uses: notification-service only receives (no caller, no axios);
  // shop-api both calls and authenticates customers.
  {
    files: ['apps/notification-service/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrictedImports({
        patterns: [
          notInApps,
          {
            group: ['@app/auth/caller'],
            message: 'notification-service only receives: @app/auth/receiver (and /metrics).',
          },
        ],
      }),
    },
  },
  {
    files: ['apps/shop-api/**/*.ts'],
    ignores: TESTS,
    rules: { 'no-restricted-imports': restrictedImports({ patterns: [notInApps] }) },
  },
  // The halves never import each other; what both need is in shared/.
  {
    files: ['libs/auth/src/caller/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrictedImports({
        patterns: [
          {
            group: ['../receiver/**', '../metrics/**', '../testing/**'],
            message: 'The caller half imports only itself and ../shared.',
          },
        ],
      }),
    },
  },
  {
    files: ['libs/auth/src/receiver/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrictedImports({
        patterns: [
          {
            group: ['../caller/**', '../metrics/**', '../testing/**'],
            message: 'The receiver half imports only itself and ../shared.',
          },
        ],
      }),
    },
  },
  {
    files: ['libs/auth/src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrictedImports({
        patterns: [
          {
            group: ['../caller/**', '../receiver/**', '../metrics/**', '../testing/**'],
            message: 'shared/ is below both halves and imports neither.',
          },
        ],
      }),
    },
  },
  // libs/common knows one thing of libs/auth: routes it serves are @Public().
  {
    files: ['libs/common/**/*.ts'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': restrictedImports({
        paths: [
          {
            name: '@app/auth/receiver',
            allowImportNames: ['Public'],
            message: 'libs/common uses only @Public() of libs/auth.',
          },
        ],
        patterns: [
          {
            group: ['@app/auth/caller', '@app/auth/metrics', '@app/auth/testing'],
            message: 'libs/common uses only @Public() of libs/auth.',
          },
        ],
      }),
    },
  },
  {
    files: ['**/*.spec.ts', '**/*.e2e-spec.ts', '**/*.compose-spec.ts', '**/testing/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/unbound-method': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);

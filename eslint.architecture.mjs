/**
 * Architecture guards: no import cycles, layers import downwards only, only src/bot touches the Bot
 * Framework, production code never reaches into tools/ or test/. Kept apart from eslint.config.mjs so
 * test/integration/lint/lint-rules.test.ts applies the very same rules to a fixture project, and so
 * other rule blocks merge without conflicts. Syntax only: no type information, cheap to run.
 */
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import tseslint from 'typescript-eslint';

/** Top of src/ first; each layer may import only those below it (core and domain ← azure ← tracker/store ← …). */
const ABOVE = {
  core: [
    'telemetry',
    'domain',
    'azure',
    'tracker',
    'store',
    'scaleout',
    'cards',
    'commands',
    'config',
    'bot',
    'server',
    'app.ts',
    'index.ts',
  ],
  domain: ['telemetry', 'azure', 'tracker', 'store', 'scaleout', 'cards', 'commands', 'config', 'bot', 'server', 'app.ts', 'index.ts'],
  azure: ['telemetry', 'tracker', 'store', 'scaleout', 'cards', 'commands', 'config', 'bot', 'server', 'app.ts', 'index.ts'],
  store: ['telemetry', 'tracker', 'scaleout', 'cards', 'commands', 'config', 'bot', 'server', 'app.ts', 'index.ts'],
  tracker: ['telemetry', 'scaleout', 'cards', 'commands', 'config', 'bot', 'server', 'app.ts', 'index.ts'],
  cards: ['telemetry', 'scaleout', 'commands', 'config', 'bot', 'server', 'app.ts', 'index.ts'],
  commands: ['telemetry', 'scaleout', 'config', 'bot', 'server', 'app.ts', 'index.ts'],
  bot: ['telemetry', 'server', 'app.ts', 'index.ts'],
};

const BOT_FRAMEWORK = ['botbuilder', 'botbuilder-*', 'botbuilder/*', 'botframework-*', 'botframework-*/*'];

/** @param {string} rootDir the project root (where tsconfig.json and src/ are) */
export function architectureGuards(rootDir) {
  const zones = [
    ...Object.entries(ABOVE).map(([layer, above]) => ({
      target: `./src/${layer}`,
      from: above.map((a) => `./src/${a}`),
      message: `src/${layer} is a lower layer: it must not import these (layers: core, domain ← azure ← store ← tracker ← cards ← commands ← bot ← app). Move the shared type down (src/domain) or pass it in.`,
    })),
    {
      target: './src',
      from: ['./tools', './test', './bench', './scripts'],
      message: 'Production code must not depend on tools, tests, benchmarks or scripts.',
    },
  ];
  return [
    {
      files: ['**/*.ts'],
      languageOptions: { parser: tseslint.parser },
      plugins: { 'import-x': importX },
      settings: {
        // Without the TypeScript extensions and parser, import-x skips .ts dependencies and finds no cycle at all.
        'import-x/extensions': ['.ts', '.js'],
        'import-x/parsers': { '@typescript-eslint/parser': ['.ts'] },
        'import-x/external-module-folders': ['node_modules', 'node_modules/@types'],
        'import-x/resolver-next': [createTypeScriptImportResolver({ project: `${rootDir}/tsconfig.json` })],
      },
      rules: {
        'import-x/no-cycle': ['error', { ignoreExternal: true }],
        'import-x/no-restricted-paths': ['error', { basePath: rootDir, zones }],
      },
    },
    {
      files: ['src/**/*.ts'],
      ignores: ['src/bot/**'],
      rules: {
        'no-restricted-imports': [
          'error',
          {
            patterns: [
              { group: BOT_FRAMEWORK, message: 'Only src/bot may use the Bot Framework; pass what you need through an interface.' },
            ],
          },
        ],
      },
    },
  ];
}

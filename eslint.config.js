// Lint rules for the whole tree: typescript-eslint's recommended set, plus the import boundaries between stages.
// The boundaries say which folder may use which: stages (fetch, normalize, dedup, publish, deliver) share code only
// through the lower layers (core, config, content, net, redis, queues), never through each other's internals.
import js from '@eslint/js';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';
import { importX } from 'eslint-plugin-import-x';
import regexp from 'eslint-plugin-regexp';
import tseslint from 'typescript-eslint';

/** Folders under src/ that are a pipeline stage: none imports another's files except those named in `allow`. */
const STAGES = ['fetch', 'normalize', 'dedup', 'publish', 'deliver'];
/** The few cross-stage entry points a stage may use: what one stage hands the next. */
const STAGE_ENTRY_POINTS = {
  // publish builds the deliver stage's events (their shape is deliver's) and hands them to its fan-out queue.
  publish: ['./src/deliver/build-event.ts'],
  // fetch raises operational events (source.failing, source.recovered, source.gone) through the deliver stage's fan-out.
  fetch: ['./src/deliver/operational-events.ts'],
};
/** Layers below the stages: they import nothing above them. */
const LOWER = ['core', 'config', 'content', 'net', 'redis'];
const ABOVE_LOWER = [...STAGES, 'scheduler', 'queues', 'catalog', 'api', 'runtime', 'cli'];

const zones = [
  ...STAGES.map((stage) => ({
    target: `./src/${stage}`,
    from: STAGES.filter((other) => other !== stage).map((other) => `./src/${other}`),
    except: STAGE_ENTRY_POINTS[stage]?.map((file) => `../../${file.replace('./src/', 'src/')}`) ?? [],
    message: `a stage does not import another stage's internals: move what both need to src/content (or core), or pass it in`,
  })),
  ...STAGES.map((stage) => ({
    target: `./src/${stage}`,
    from: ['./src/api', './src/cli', './src/runtime/start.ts'],
    message: 'stages do not import the API, the CLI or the process runner',
  })),
  ...LOWER.map((layer) => ({
    target: `./src/${layer}`,
    from: ABOVE_LOWER.map((folder) => `./src/${folder}`),
    message: `src/${layer} is a lower layer: it imports nothing from the stages or the edges`,
  })),
  {
    target: './src/runtime',
    from: ['./src/api', './src/cli'],
    message: 'the runtime starts roles; it does not import the API or CLI (roles come from workers/)',
  },
  { target: './src', from: ['./workers'], message: 'src/ does not import workers/: workers/ is the top, composing src/' },
];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { 'import-x': importX },
    settings: { 'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })] },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      // Cycles (type-only imports included, which import-x cannot see) and the layers are checked by dependency-cruiser
      // (.dependency-cruiser.cjs, part of npm run lint).
      'import-x/no-cycle': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Orchestrators read as the pipeline: policy goes into pure functions and store methods. Route, command and key
    // tables are exempted where they stand, with the reason beside them.
    files: ['src/**/*.ts'],
    rules: { 'max-lines-per-function': ['error', { max: 80, skipBlankLines: false, skipComments: false }] },
  },
  {
    // Linear time by construction: no pattern whose backtracking or whose moves over the input are super-linear. The
    // patterns built at run time from the lexicons are checked by tests/normalize/lexicon-patterns.test.ts.
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    plugins: { regexp },
    rules: {
      'regexp/no-super-linear-backtracking': ['error', { report: 'potential' }],
      'regexp/no-super-linear-move': ['error', { report: 'potential', ignoreSticky: true, ignorePartial: false }],
    },
  },
);

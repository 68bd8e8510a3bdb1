/* global module -- a CommonJS config file, loaded by dependency-cruiser */
// Import rules checked by `npm run lint` (dependency-cruiser, which sees type-only imports too):
// no import cycles, and the layers of src/README.md — lower layers, then the stages, then runtime, then the edges.
/** Below every stage: they import nothing above them. */
const LOWER = ['core', 'config', 'content', 'net', 'redis', 'queues'];
/** The stages of the pipeline, and catalog and scheduler, which count as stages. */
const STAGES = ['fetch', 'normalize', 'dedup', 'publish', 'deliver', 'catalog', 'scheduler', 'people'];
/** Builds the process context and starts roles: above every stage. */
const RUNTIME = ['runtime'];
/** The edges: what people and processes call. */
const EDGES = ['api', 'cli'];

const folders = (names) => `^src/(${names.join('|')})/`;

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'An import cycle (type-only imports included) means two modules are one: merge them or move what both need down.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'lower-imports-nothing-above',
      severity: 'error',
      comment: 'core, config, content, net, redis and queues sit below the stages: they import no stage, runtime or edge.',
      from: { path: folders(LOWER) },
      to: { path: folders([...STAGES, ...RUNTIME, ...EDGES]) },
    },
    {
      name: 'stages-below-runtime',
      severity: 'error',
      comment: 'A stage declares the stores and queues it uses as interfaces of its own; runtime wires them. Stages import no runtime or edge.',
      from: { path: folders(STAGES) },
      to: { path: folders([...RUNTIME, ...EDGES]) },
    },
    {
      name: 'runtime-below-edges',
      severity: 'error',
      comment: 'runtime builds the context and starts roles; the API and CLI sit above it.',
      from: { path: folders(RUNTIME) },
      to: { path: folders(EDGES) },
    },
    {
      name: 'bullmq-only-in-queues',
      severity: 'error',
      comment:
        'queues/ is the one facade over BullMQ: it owns job names, ids and options, and hands processors a StageJob of its own. Everything else asks it (queues.enqueueNormalize(…)), never BullMQ itself.',
      from: { path: '^(src|workers)/', pathNot: '^src/queues/' },
      to: { path: '^node_modules/bullmq/' },
    },
    {
      name: 'src-below-workers',
      severity: 'error',
      comment: 'workers/ is the top, composing src/; src/ never imports it.',
      from: { path: '^src/' },
      to: { path: '^workers/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|coverage)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'], conditionNames: ['import', 'node', 'default'] },
  },
};

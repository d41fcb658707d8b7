/**
 * The layering of src/, held by `npm run check:layers` (part of `npm test`; README, Project layout).
 * Each folder lists what it may import besides itself; anything else is an error. From the ground up:
 * the shared nouns and formats, pure numbers, settings and the user's files and the emulator, the
 * measuring core and the figures derived from records, plans / load / verdicts / comparisons, the
 * renderers and the sink, the Vitest glue, and on top the commands and the public entry.
 */
/** Every layer under the Vitest glue, from the ground up. */
const BELOW_THE_GLUE = [
  'records',
  'stats',
  'format',
  'config',
  'data',
  'emulator',
  'harness',
  'summary',
  'plan',
  'load',
  'gate',
  'compare',
  'report',
  'lifecycle',
  'errors.ts',
];

const MAY_IMPORT = {
  records: [],
  format: [],
  'errors.ts': [],
  // What a process does about signals, about the process that started it (the CLI, Vitest's main) and
  // about its heap while it writes a run's outputs.
  lifecycle: [],
  stats: ['records'],
  config: ['records', 'errors.ts'],
  data: ['records', 'stats', 'errors.ts'],
  // A product of its own: the shared words, the random generator and UserError, nothing of the tool.
  emulator: ['records', 'stats', 'errors.ts'],
  // The measuring core: client, one call, scheduler, clocks, attempt timing.
  harness: ['records', 'stats', 'errors.ts'],
  summary: ['records', 'stats', 'format'],
  // The plan's token estimate counts as the emulator's tokenizer does.
  plan: ['records', 'config', 'data', 'emulator', 'format'],
  load: ['records', 'stats', 'config', 'summary', 'format'],
  // Verdicts read the client-health limits of summary/ (a busy client is not judged).
  gate: ['records', 'stats', 'config', 'summary', 'format', 'errors.ts'],
  // `compare` applies the gate's one verdict rule to two run records.
  compare: ['records', 'stats', 'data', 'gate', 'format', 'errors.ts'],
  report: ['records', 'stats', 'format', 'config', 'data', 'summary', 'load', 'gate', 'compare', 'errors.ts'],
  // The Vitest glue stands on every layer above; the commands and the public entry on the glue too.
  vitest: BELOW_THE_GLUE,
  cli: [...BELOW_THE_GLUE, 'vitest'],
  // The `converse-bench/runs` entry: reading, comparing and drawing run records from a script.
  'runs.ts': ['records', 'data', 'compare', 'report'],
  'index.ts': [...BELOW_THE_GLUE, 'vitest'],
};

/** `^src/x/` for a folder, `^src/x\.ts$` for a file directly under src/. */
const place = (name) => (name.endsWith('.ts') ? `^src/${name.replace('.', '\\.')}$` : `^src/${name}/`);

const layerRules = Object.entries(MAY_IMPORT).map(([name, allowed]) => ({
  name: `layer-${name.replace('.ts', '')}`,
  comment: `src/${name} may import only ${allowed.length === 0 ? 'itself' : allowed.join(', ')}`,
  severity: 'error',
  from: { path: place(name) },
  to: { path: '^src/', pathNot: [name, ...allowed].map(place).join('|') },
}));

export default {
  forbidden: [
    ...layerRules,
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a loop: move the shared piece down a layer.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'harness-writes-no-files',
      comment:
        "Measuring never writes: files are written by report/ (the sink and the journal). cpu-wait.ts reads the kernel's run-queue figures from /proc.",
      severity: 'error',
      from: { path: '^src/harness/', pathNot: '^src/harness/cpu-wait\\.ts$' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|readline)$' },
    },
    {
      name: 'vitest-api-only-in-the-glue',
      comment: "Vitest's and tinybench's APIs are used in src/vitest/ alone.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/vitest/' },
      to: { path: 'node_modules/(vitest|@vitest|tinybench)/' },
    },
    {
      name: 'no-unlisted-folder',
      comment: 'A new folder under src/ joins the layering: add it to MAY_IMPORT.',
      severity: 'error',
      from: { path: '^src/', pathNot: Object.keys(MAY_IMPORT).map(place).join('|') },
      to: {},
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API: parse with swc (type-only imports count too).
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6'],
  },
};

/**
 * The layering of src/, held by `npm run check:layers` (part of `npm test`). From the ground up:
 *
 *   records/ errors.ts format/    the nouns every layer shares; text formats of numbers
 *   stats/                        pure numbers
 *   config/ data/ emulator/       settings; the user's files; the Bedrock-compatible server
 *   harness/ summary/             the measuring core; figures derived from call records
 *   plan/ load/ gate/ compare/    the call plan; load shapes; budgets and regressions; run comparison
 *   report/                       renderers and the one sink
 *   vitest/                       the Vitest glue: provider, global setup, reporter, benchModel
 *   cli/ index.ts                 the commands; the public entry
 *
 * A rule names what a folder may not import; README.md (Project layout) explains each folder.
 */
export default {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules that import each other in a loop: move the shared piece down a layer.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'records-import-nothing',
      comment: 'records/ holds the nouns every layer shares: it imports nothing else of ours.',
      severity: 'error',
      from: { path: '^src/records/' },
      to: { path: '^src/', pathNot: '^src/records/' },
    },
    {
      name: 'format-imports-nothing',
      comment: 'format/ turns numbers and text into display strings: it imports nothing else of ours.',
      severity: 'error',
      from: { path: '^src/format/' },
      to: { path: '^src/', pathNot: '^src/format/' },
    },
    {
      name: 'stats-pure-numbers',
      comment: 'stats/ is pure numbers: it may take the shapes of records/, nothing else.',
      severity: 'error',
      from: { path: '^src/stats/' },
      to: { path: '^src/', pathNot: '^src/(stats|records)/' },
    },
    {
      name: 'config-and-data-below-the-core',
      comment: 'Settings and the user files are read below everything that uses them.',
      severity: 'error',
      from: { path: '^src/(config|data)/' },
      to: { path: '^src/', pathNot: '^src/(config|data|records|stats|format)/|^src/errors\\.ts$' },
    },
    {
      name: 'emulator-is-its-own-product',
      comment: 'The emulator uses only the shared words, the random generator and UserError.',
      severity: 'error',
      from: { path: '^src/emulator/' },
      to: { path: '^src/', pathNot: '^src/(emulator|records|stats)/|^src/errors\\.ts$' },
    },
    {
      name: 'emulator-used-from-the-top',
      comment: 'Only the Vitest glue, the CLI, the plan estimate (the tokenizer) and the public entry use the emulator.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(emulator|vitest|cli|plan)/|^src/index\\.ts$' },
      to: { path: '^src/emulator/' },
    },
    {
      name: 'harness-is-the-core',
      comment: 'The measuring core (client, call, scheduler, clocks, attempt timing) stands on records and stats alone.',
      severity: 'error',
      from: { path: '^src/harness/' },
      to: { path: '^src/', pathNot: '^src/(harness|records|stats)/|^src/errors\\.ts$' },
    },
    {
      name: 'harness-writes-no-files',
      comment: 'Measuring never writes: files are written by report/ (the sink and the journal).',
      severity: 'error',
      from: { path: '^src/harness/' },
      to: { dependencyTypes: ['core'], path: '^(node:)?(fs|fs/promises|readline)$' },
    },
    {
      name: 'summary-below-the-renderers',
      comment: 'summary/ derives figures from call records; it renders and measures nothing.',
      severity: 'error',
      from: { path: '^src/summary/' },
      to: { path: '^src/', pathNot: '^src/(summary|records|stats|format)/' },
    },
    {
      name: 'plan-load-gate-compare-below-report',
      comment: 'Plans, load shapes, verdicts and comparisons are computed below the renderers that show them.',
      severity: 'error',
      from: { path: '^src/(plan|load|gate|compare)/' },
      to: { path: '^src/(harness|report|vitest|cli)/|^src/index\\.ts$' },
    },
    {
      name: 'report-renders-and-writes',
      comment: 'report/ renders and writes what was measured; it never measures, nor knows Vitest or the CLI.',
      severity: 'error',
      from: { path: '^src/report/' },
      to: { path: '^src/(harness|emulator|plan|vitest|cli)/|^src/index\\.ts$' },
    },
    {
      name: 'vitest-api-only-in-the-glue',
      comment: "Vitest's and tinybench's APIs are used in src/vitest/ alone.",
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/vitest/' },
      to: { path: 'node_modules/(vitest|@vitest|tinybench)/' },
    },
    {
      name: 'vitest-glue-on-top',
      comment: 'Only the CLI and the public entry stand on the Vitest glue.',
      severity: 'error',
      from: { path: '^src/(?!(vitest|cli)/)[^/]+/' },
      to: { path: '^src/vitest/' },
    },
    {
      name: 'cli-imported-by-nothing',
      comment: 'The commands are the top: no module of src/ imports them.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/cli/' },
      to: { path: '^src/cli/' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript compiler API: parse with swc (type-only imports count too).
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    moduleSystems: ['es6'],
  },
};

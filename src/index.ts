/**
 * converse-bench's public entry: what a bench file, a custom reporter setup or a script needs.
 * Held back on purpose: the emulator's internals, the scheduler and clocks, the sinks (only the
 * reporter writes files), and the CLI. The Vitest integration is `converse-bench/vitest`
 * (`converseBench()`); run records from a script, `converse-bench/runs`.
 */

export { compareRuns } from './compare/compare-runs.ts';
export { DEFAULT_OPTIONS } from './config/defaults.ts';
export { ConfigError } from './config/errors.ts';
export { OPTION_TABLE, resolveOptions } from './config/resolve.ts';
export { loadDataset } from './data/dataset.ts';
export { RunRecordError, readRunRecord } from './data/read-run-record.ts';
export { loadTracking } from './data/tracking.ts';
export { startEmulator } from './emulator/index.ts';
export type { Budget } from './gate/budgets.ts';
export { evaluateBudget, loadBudgets } from './gate/budgets.ts';
export { judgeFamily } from './gate/family.ts';
export { regressionChecks } from './gate/regression.ts';
export type { Api, CallRecord, ErrorCall, LatencyMode, OkCall, Phase } from './records/call-record.ts';
export type { BenchOptions, LoadShape, ResolvedOptions } from './records/options.ts';
export type {
  CheckOutcome,
  CheckTest,
  ModelRun,
  RunContext,
  RunRecord,
  RunVerdict,
} from './records/run-record.ts';
export { RUN_RECORD_SCHEMA } from './records/run-record.ts';
export type { Distribution, ModelSummary } from './records/summary.ts';
export { distribution } from './stats/distribution.ts';
export { quantile } from './stats/quantile.ts';
export { budgetTest } from './stats/quantile-budget.ts';
export { quantileTest } from './stats/quantile-test.ts';
export { summarizeCalls } from './summary/summarize-calls.ts';
export type { BenchModelInput, BenchModelResult } from './vitest/bench-model.ts';
export { benchModel } from './vitest/bench-model.ts';
export type { LatencyMatchers } from './vitest/matchers.ts';
export { registerLatencyMatchers } from './vitest/matchers.ts';
export { BenchModelError } from './vitest/model-test.ts';
export { default as ConverseBenchReporter } from './vitest/reporter.ts';

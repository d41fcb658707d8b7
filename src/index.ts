/**
 * converse-bench's public entry: what a bench file, a custom reporter setup or a script needs.
 * Held back on purpose: the emulator's internals, the scheduler and clocks, the sinks (only the
 * reporter writes files), and the CLI.
 */

export { compareRuns } from './compare/compare-runs.ts';
export { ConfigError } from './config/errors.ts';
export type { BenchOptions, LoadShape, ResolvedOptions } from './config/options.ts';
export { DEFAULT_OPTIONS } from './config/options.ts';
export { OPTION_TABLE, resolveOptions } from './config/resolve.ts';
export { loadDataset } from './data/dataset.ts';
export { loadTracking } from './data/tracking.ts';
export { startEmulator } from './emulator/index.ts';
export type { Budget } from './gate/budgets.ts';
export { evaluateBudget, loadBudgets } from './gate/budgets.ts';
export type { LatencyMatchers } from './gate/matchers.ts';
export { registerLatencyMatchers } from './gate/matchers.ts';
export { regressionCheck } from './gate/regression.ts';
export type { BenchModelInput, BenchModelResult } from './harness/bench-model.ts';
export { BenchModelError, benchModel } from './harness/bench-model.ts';
export type { Api, CallRecord, ErrorCall, LatencyMode, OkCall, Phase } from './harness/call-record.ts';
export { RunRecordError, readRunRecord } from './report/read-run-record.ts';
export { default as ConverseBenchReporter } from './report/reporter.ts';
export type { CheckOutcome, ModelRun, RunContext, RunRecord } from './report/run-record.ts';
export { RUN_RECORD_SCHEMA } from './report/run-record.ts';
export { budgetCheck, compareQuantile } from './stats/compare.ts';
export { distribution } from './stats/distribution.ts';
export { quantile } from './stats/quantile.ts';
export { summarizeCalls } from './stats/summary.ts';
export type { Distribution, ModelSummary } from './stats/types.ts';

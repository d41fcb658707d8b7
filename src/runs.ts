/**
 * converse-bench/runs: run records read, compared and drawn from a script, as the `compare` and
 * `report` commands do.
 */

export type {
  CompareRunsOptions,
  MetricComparison,
  ModelComparison,
  RunComparison,
} from './compare/compare-runs.ts';
export { compareRuns } from './compare/compare-runs.ts';
export { loadRuns } from './compare/load-runs.ts';
export { renderComparisonMarkdown, renderComparisonText } from './compare/render.ts';
export { RunRecordError, readRunRecord } from './data/read-run-record.ts';
export type { RunRecord } from './records/run-record.ts';
export { loadEchartsSource } from './report/html/assets.ts';
export type { HtmlReportOptions } from './report/html/report.ts';
export { renderHtmlReport } from './report/html/report.ts';

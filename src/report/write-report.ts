import { resolve } from 'node:path';
import type { RunVerdict } from '../records/run-record.ts';
import { buildOutputs } from './build-outputs.ts';
import { datasetDocuments } from './documents.ts';
import { loadEchartsSource } from './html/assets.ts';
import { renderAnnotations, renderRunMarkdown } from './markdown-summary.ts';
import type { ReportInputs } from './report-inputs.ts';
import { appendToFile, OutputWriteError, writeOutputs } from './sink.ts';
import { renderSummaryTable, verdictLine } from './summary-table.ts';

/** Everything a finished run produced, for a caller (or a test) that wants more than the printout. */
export interface ReportResult {
  paths: string[];
  warnings: string[];
  printed: string;
  /** The run's one verdict over all its checks. */
  verdict: RunVerdict | undefined;
}

/** Builds and writes every output of a run from its inputs; returns what was written and printed. */
export function writeReport(
  inputs: ReportInputs,
  options: {
    rootDir: string;
    outputDir: string;
    color: boolean;
    stepSummaryFile?: string | undefined;
    githubAnnotations?: boolean | undefined;
  },
): ReportResult {
  const warnings: string[] = [];
  const { run, files } = buildOutputs(inputs, datasetDocuments(options.rootDir, warnings), {
    echartsSource: loadEchartsSource(),
  });
  let paths: string[];
  try {
    paths = writeOutputs(resolve(options.rootDir, options.outputDir), files);
  } catch (error) {
    if (error instanceof OutputWriteError) error.summary = renderSummaryTable(run, { color: options.color });
    throw error;
  }
  if (options.stepSummaryFile) appendToFile(options.stepSummaryFile, renderRunMarkdown(run));
  const printed = [
    renderSummaryTable(run, { color: options.color }),
    ...(options.githubAnnotations ? renderAnnotations(run) : []),
    'converse-bench wrote:',
    ...paths.map((path) => `  ${path}`),
    '',
    verdictLine(run, { color: options.color }),
    '',
  ].join('\n');
  return { paths, warnings, printed, verdict: run.verdict };
}

import type { RunRecord } from '../records/run-record.ts';
import { buildRunRecord } from './build-run-record.ts';
import { renderCsv } from './csv.ts';
import type { DocumentLookup } from './documents.ts';
import {
  csvFileName,
  fileTimestamp,
  htmlReportFileName,
  logFileName,
  markdownSummaryFileName,
  runRecordFileName,
  summaryCsvFileName,
  warmupCsvFileName,
} from './file-names.ts';
import { renderHtmlReport } from './html/report.ts';
import { renderLog } from './log.ts';
import { renderRunMarkdown } from './markdown-summary.ts';
import type { ReportInputs } from './report-inputs.ts';
import { type CsvRow, toCsvRow } from './rows.ts';
import { renderSummaryCsv } from './summary-csv.ts';

/** A file to write: a bare name (the sink puts it inside the output folder) and its text. */
export interface OutputFile {
  name: string;
  content: string;
}

export interface BuiltOutputs {
  run: RunRecord;
  files: OutputFile[];
}

/**
 * One CSV of measured calls per model id: a model run through both APIs (or both latency modes, or
 * several sweep levels) shares the file, and the `api`, `inference_profile` columns tell the rows
 * apart, as the workshop's one file per model. Warmup rows go to a file of their own per model, which
 * the workshop's glob does not read.
 */
function csvFiles(inputs: ReportInputs, documents: DocumentLookup, timestamp: string): OutputFile[] {
  const byModel = new Map<string, { measure: CsvRow[]; warmup: CsvRow[] }>();
  for (const { model, records } of inputs.models) {
    const context = {
      transport: model.options.transport,
      documents: documents(model),
      redactTexts: model.options.redactTexts,
    };
    const rows = byModel.get(model.modelId) ?? { measure: [], warmup: [] };
    for (const record of records) rows[record.phase].push(toCsvRow(record, context));
    byModel.set(model.modelId, rows);
  }
  return [...byModel].flatMap(([modelId, { measure, warmup }]) => [
    { name: csvFileName(modelId, timestamp), content: renderCsv(measure) },
    ...(warmup.length === 0
      ? []
      : [{ name: warmupCsvFileName(modelId, timestamp), content: renderCsv(warmup) }]),
  ]);
}

/**
 * Every output of a run, as texts: per-model CSVs, the log, the run record, the pull-request summary
 * and, given the charting library's source, the HTML report. Pure but for `documents`.
 */
export function buildOutputs(
  inputs: ReportInputs,
  documents: DocumentLookup,
  assets: { echartsSource?: string } = {},
): BuiltOutputs {
  const run = buildRunRecord(inputs);
  const timestamp = fileTimestamp(run.context.startedAt);
  const html =
    assets.echartsSource === undefined
      ? []
      : [
          {
            name: htmlReportFileName(timestamp),
            content: renderHtmlReport([run], { echartsSource: assets.echartsSource }),
          },
        ];
  return {
    run,
    files: [
      ...csvFiles(inputs, documents, timestamp),
      { name: logFileName(timestamp), content: renderLog(run) },
      { name: runRecordFileName(timestamp), content: `${JSON.stringify(run, null, 2)}\n` },
      { name: markdownSummaryFileName(timestamp), content: renderRunMarkdown(run) },
      { name: summaryCsvFileName(timestamp), content: renderSummaryCsv(run) },
      ...html,
    ],
  };
}

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
} from './file-names.ts';
import { renderHtmlReport } from './html/report.ts';
import { renderLog } from './log.ts';
import { renderRunMarkdown } from './markdown-summary.ts';
import type { ReportInputs } from './report-inputs.ts';
import { type CsvRow, toCsvRow } from './rows.ts';

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
 * One CSV per model id: a model run through both APIs (or both latency modes) shares the file, and
 * the `api` and `inference_profile` columns tell the rows apart, as the workshop's one file per model.
 */
function csvFiles(inputs: ReportInputs, documents: DocumentLookup, timestamp: string): OutputFile[] {
  const rowsByModel = new Map<string, CsvRow[]>();
  for (const { model, records } of inputs.models) {
    const context = {
      transport: model.options.transport,
      documents: documents(model),
      redactTexts: model.options.redactTexts,
    };
    const rows = rowsByModel.get(model.modelId) ?? [];
    for (const record of records) rows.push(toCsvRow(record, context));
    rowsByModel.set(model.modelId, rows);
  }
  return [...rowsByModel].map(([modelId, rows]) => ({
    name: csvFileName(modelId, timestamp),
    content: renderCsv(rows),
  }));
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
      ...html,
    ],
  };
}

import type { Phase } from '../records/call-record.ts';
import type { RunRecord } from '../records/run-record.ts';
import { buildRunRecord } from './build-run-record.ts';
import { csvChunks } from './csv.ts';
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
import { logChunks } from './log.ts';
import { renderRunMarkdown } from './markdown-summary.ts';
import type { ReportInputs } from './report-inputs.ts';
import { type CsvRow, toCsvRow } from './rows.ts';
import { runRecordChunks } from './run-record-json.ts';
import { renderSummaryCsv } from './summary-csv.ts';

/**
 * A file to write: a bare name (the sink puts it inside the output folder) and its text, or a function
 * giving the text in chunks (a long run's CSV, log and run record), made only when the file is written.
 */
export interface OutputFile {
  name: string;
  content: string | (() => Iterable<string>);
}

/** A file's whole text (chunks joined). */
export function outputText(file: OutputFile): string {
  return typeof file.content === 'string' ? file.content : [...file.content()].join('');
}

export interface BuiltOutputs {
  run: RunRecord;
  files: OutputFile[];
}

/**
 * One CSV of measured calls per model id: a model run through both APIs (or both latency modes, or
 * several sweep levels) shares the file, and the `api`, `inference_profile` columns tell the rows
 * apart, as the workshop's one file per model. Warmup rows go to a file of their own per model, which
 * the workshop's glob does not read. Rows are made as the file is written, never all at once.
 */
function csvFiles(inputs: ReportInputs, documents: DocumentLookup, timestamp: string): OutputFile[] {
  const modelIds = [...new Set(inputs.models.map(({ model }) => model.modelId))];
  function* rowsOf(modelId: string, phase: Phase): Generator<CsvRow> {
    for (const { model, records, texts } of inputs.models) {
      if (model.modelId !== modelId) continue;
      const context = {
        transport: model.options.transport,
        documents: documents(model),
        redactTexts: model.options.redactTexts,
        estimate: model.options.target === 'emulator',
        ...(model.pricing === undefined ? {} : { pricing: model.pricing }),
      };
      for (const [index, record] of records.entries()) {
        if (record.phase !== phase) continue;
        yield texts === undefined
          ? toCsvRow(record, context)
          : toCsvRow(record, context, texts.responseOf(index));
      }
    }
  }
  const warmedUp = (modelId: string): boolean =>
    inputs.models.some(
      ({ model, records }) => model.modelId === modelId && records.some((r) => r.phase === 'warmup'),
    );
  return modelIds.flatMap((modelId) => [
    { name: csvFileName(modelId, timestamp), content: () => csvChunks(rowsOf(modelId, 'measure')) },
    ...(warmedUp(modelId)
      ? [{ name: warmupCsvFileName(modelId, timestamp), content: () => csvChunks(rowsOf(modelId, 'warmup')) }]
      : []),
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
      { name: logFileName(timestamp), content: () => logChunks(run) },
      { name: runRecordFileName(timestamp), content: () => runRecordChunks(run) },
      { name: markdownSummaryFileName(timestamp), content: renderRunMarkdown(run) },
      { name: summaryCsvFileName(timestamp), content: renderSummaryCsv(run) },
      ...html,
    ],
  };
}

import { createHash } from 'node:crypto';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.ts';

/** Longest model part kept in a file name; ARNs can be far longer than file systems allow. */
const MAX_PART = 120;

/**
 * A file-name part safe for any model id, inference profile id or ARN: anything outside
 * [A-Za-z0-9._-] becomes `_`, runs collapse, dots never form `..` nor lead (no hidden files), the
 * length is capped. When the text had to change, a short hash of the original is appended so two ids
 * that clean to the same text never share a file.
 */
export function safeFilePart(text: string): string {
  let cleaned = text
    .replace(/[^A-Za-z0-9._-]/g, '_')
    .replace(/\.{2,}/g, '_')
    .replace(/_+/g, '_')
    .replace(/^[._-]+/, '')
    .replace(/[._]+$/, '');
  const changed = cleaned !== text || cleaned.length > MAX_PART;
  if (cleaned.length > MAX_PART) cleaned = cleaned.slice(0, MAX_PART).replace(/[._]+$/, '');
  if (!changed) return cleaned;
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 8);
  return cleaned === '' ? hash : `${cleaned}_${hash}`;
}

/**
 * A run's start as `YYYYMMDD_HHMMSS`, the workshop's `%Y%m%d_%H%M%S`, the `{timestamp}` of every
 * output name. In UTC (the workshop used local time), so shards and machines agree.
 */
export function fileTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`fileTimestamp: not an ISO time: ${iso}`);
  return date
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '_');
}

const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;

/**
 * A model id as the workshop put it in file names, `model_id.replace(":", "-")` (Python replaces every
 * `:`): `amazon.nova-micro-v1:0` -> `amazon.nova-micro-v1-0`. An id that this does not make a safe
 * file name (an ARN's `/`, other characters, `..`, over 120 characters) goes through `safeFilePart`,
 * which appends a short hash of the id.
 */
export function modelFilePart(modelId: string): string {
  const workshop = modelId.replaceAll(':', '-');
  const safe =
    /^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(workshop) &&
    !workshop.includes('..') &&
    !workshop.endsWith('.') &&
    workshop.length <= MAX_PART;
  return safe ? workshop : safeFilePart(modelId);
}

/**
 * The name to try when `name` is taken (in the folder, or by another file of the same run): `-2`,
 * `-3`, ... before the extension, so `document_summarization_*.csv` still matches it.
 */
export function takenNameSuffix(name: string, attempt: number): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? `${name}-${attempt}` : `${name.slice(0, dot)}-${attempt}${name.slice(dot)}`;
}

export class OutputPathError extends UserError {
  override name = 'OutputPathError';
}

/**
 * A file name inside `outputDir`. Only plain names built from safe parts are accepted (no folders, no
 * leading dot), so no output can land outside the folder whatever the model id was.
 */
export function outputPath(outputDir: string, fileName: string): string {
  if (!PLAIN_NAME.test(fileName)) {
    throw new OutputPathError(
      `output file name "${fileName}" is not a plain file name; build it with safeFilePart()`,
    );
  }
  return join(resolve(outputDir), fileName);
}

/** `document_summarization_{model}_{timestamp}.csv`, the workshop's name: measured calls only. */
export function csvFileName(modelId: string, timestamp: string): string {
  return `document_summarization_${modelFilePart(modelId)}_${timestamp}.csv`;
}

/**
 * `warmup_document_summarization_{model}_{timestamp}.csv`: the warmup rows, apart, so the workshop's
 * glob (`document_summarization_*.csv`), which knows no `phase`, never counts them as measurements.
 */
export function warmupCsvFileName(modelId: string, timestamp: string): string {
  return `warmup_${csvFileName(modelId, timestamp)}`;
}

export function logFileName(timestamp: string): string {
  return `model_latency_benchmarking-${timestamp}.log`;
}

export function runRecordFileName(timestamp: string): string {
  return `run-${timestamp}.json`;
}

export function htmlReportFileName(timestamp: string): string {
  return `report-${timestamp}.html`;
}

/** The summary table, a row per model, as CSV (the printout's cells). */
export function summaryCsvFileName(timestamp: string): string {
  return `summary-${timestamp}.csv`;
}

/** The pull-request summary in markdown. */
export function markdownSummaryFileName(timestamp: string): string {
  return `summary-${timestamp}.md`;
}

/** `journal-{runId}.jsonl`: one per run (per machine when sharded), appended by every bench file. */
export function journalFileName(runId: string): string {
  return `journal-${safeFilePart(runId)}.jsonl`;
}

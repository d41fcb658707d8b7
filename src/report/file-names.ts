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

/** A run's start as `YYYYMMDD-HHMMSS` in UTC, the `{timestamp}` of every output name. */
export function fileTimestamp(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) throw new RangeError(`fileTimestamp: not an ISO time: ${iso}`);
  return date
    .toISOString()
    .replace(/\.\d+Z$/, '')
    .replace(/[-:]/g, '')
    .replace('T', '-');
}

export class OutputPathError extends UserError {
  override name = 'OutputPathError';
}

/**
 * A file name inside `outputDir`. Only plain names built from safe parts are accepted (no folders, no
 * leading dot), so no output can land outside the folder whatever the model id was.
 */
export function outputPath(outputDir: string, fileName: string): string {
  if (!/^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(fileName)) {
    throw new OutputPathError(
      `output file name "${fileName}" is not a plain file name; build it with safeFilePart()`,
    );
  }
  return join(resolve(outputDir), fileName);
}

/** `document_summarization_{model}_{timestamp}.csv`, the workshop's name. */
export function csvFileName(modelId: string, timestamp: string): string {
  return `document_summarization_${safeFilePart(modelId)}_${timestamp}.csv`;
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

/** The pull-request summary in markdown. */
export function markdownSummaryFileName(timestamp: string): string {
  return `summary-${timestamp}.md`;
}

/** `journal-{runId}.jsonl`: one per run (per machine when sharded), appended by every bench file. */
export function journalFileName(runId: string): string {
  return `journal-${safeFilePart(runId)}.jsonl`;
}

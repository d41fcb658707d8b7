import { readFileSync } from 'node:fs';
import { UserError } from '../errors.ts';
import { RUN_RECORD_SCHEMA, type RunRecord } from '../records/run-record.ts';

export class RunRecordError extends UserError {
  override name = 'RunRecordError';
}

/** Parses a run record's text, refusing corrupt JSON and any other schema version. */
export function parseRunRecord(text: string, path: string): RunRecord {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (cause) {
    // The cause's message is in the line: a user's mistake gets one line, no "Caused by" frames.
    throw new RunRecordError(
      `${path}: not valid JSON (${(cause as Error).message}); rerun the benchmark or pick another run record`,
    );
  }
  const schema = (value as { schema?: unknown } | null)?.schema;
  if (schema !== RUN_RECORD_SCHEMA) {
    const found = typeof schema === 'string' ? `schema ${schema}` : 'no schema field';
    throw new RunRecordError(
      `${path}: ${found}, expected ${RUN_RECORD_SCHEMA}; rebuild it with this version (converse-bench rebuild <journal>) or use a matching converse-bench`,
    );
  }
  const record = value as RunRecord;
  if (typeof record.context !== 'object' || record.context === null || !Array.isArray(record.models)) {
    throw new RunRecordError(
      `${path}: run record without "context" or "models"; rerun the benchmark or pick another run record`,
    );
  }
  return record;
}

/** Reads a run record written by the sink (`outputs/run-<timestamp>.json`). */
export function readRunRecord(path: string): RunRecord {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RunRecordError(`cannot read run record ${path}: ${(cause as Error).message}; check the path`);
  }
  return parseRunRecord(text, path);
}

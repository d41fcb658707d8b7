import { readFileSync } from 'node:fs';
import { parseUserJson, UserError } from '../errors.ts';
import { isJsonObject } from '../records/json-object.ts';
import { RUN_RECORD_SCHEMA, type RunRecord } from '../records/run-record.ts';

export class RunRecordError extends UserError {
  override name = 'RunRecordError';
}

/**
 * What a reader needs of a run record: `report` and `compare` read everything, the regression gate
 * only each model's calls.
 */
export type RunRecordNeeds = 'everything' | 'calls';

/** Parses a run record's text, refusing corrupt JSON, any other schema version and missing parts. */
export function parseRunRecord(text: string, path: string, needs: RunRecordNeeds = 'everything'): RunRecord {
  // The cause's message is in the line: a user's mistake gets one line, no "Caused by" frames.
  const value = parseUserJson(
    text,
    path,
    '; rerun the benchmark or pick another run record',
    (line) => new RunRecordError(line),
  );
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
  const missing = missingPart(record, needs);
  if (missing !== undefined) {
    throw new RunRecordError(
      `${path}: run record without ${missing}; rebuild it from its journal (converse-bench rebuild <journal>) or pick another run record`,
    );
  }
  return record;
}

/** The first part the reader needs that the record lacks (a hand-edited or cut file), if any. */
function missingPart(record: RunRecord, needs: RunRecordNeeds): string | undefined {
  if (needs === 'calls') {
    const index = record.models.findIndex(
      (model: unknown) => !isJsonObject(model) || !Array.isArray(model.calls),
    );
    return index === -1 ? undefined : `"models[${index}].calls"`;
  }
  const fingerprints: unknown = record.context.fingerprints;
  if (
    !isJsonObject(fingerprints) ||
    typeof fingerprints.dataset !== 'string' ||
    !isJsonObject(fingerprints.prompts)
  ) {
    return '"context.fingerprints" (dataset and prompts)';
  }
  const index = record.models.findIndex(
    (model: unknown) => !isJsonObject(model) || !Array.isArray(model.calls) || !isJsonObject(model.summary),
  );
  return index === -1 ? undefined : `"models[${index}].calls" or its "summary"`;
}

/** Reads a run record written by the sink (`outputs/run-<timestamp>.json`). */
export function readRunRecord(path: string, needs: RunRecordNeeds = 'everything'): RunRecord {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new RunRecordError(`cannot read run record ${path}: ${(cause as Error).message}; check the path`);
  }
  return parseRunRecord(text, path, needs);
}

import type { TestArtifactBase } from 'vitest';
import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome } from '../records/run-record.ts';

/**
 * What a bench test (in a Vitest worker) hands the reporter (in the main process). Sent with
 * `recordArtifact(task, ...)`, which survives `vitest --merge-reports`; the reporter joins them by
 * `model.key` in `onTestRunEnd`. Calls go after they were made, in batches: an awaited
 * `recordArtifact` costs ~0.4 ms on the event loop that times other calls. Vitest keeps every
 * artifact in its main process for the whole run, so the calls travel as JSON lines: a string costs a
 * byte a character there, where the same records as objects cost several times more.
 */

export interface CallsArtifact extends TestArtifactBase {
  type: 'converse-bench:calls';
  model: ModelRunInfo;
  /** One CallRecord a line, as JSON (see callLines / parseCallLines). */
  lines: string;
}

/** Records as one artifact's JSON lines. */
export function callLines(records: readonly CallRecord[]): string {
  return records.map((record) => JSON.stringify(record)).join('\n');
}

/** The records of one artifact's JSON lines. */
export function parseCallLines(lines: string): CallRecord[] {
  return lines === '' ? [] : lines.split('\n').map((line) => JSON.parse(line) as CallRecord);
}

export interface ChecksArtifact extends TestArtifactBase {
  type: 'converse-bench:checks';
  model: ModelRunInfo;
  checks: CheckOutcome[];
}

declare module 'vitest' {
  interface TestArtifactRegistry {
    'converse-bench:calls': CallsArtifact;
    'converse-bench:checks': ChecksArtifact;
  }
}

import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { TestArtifactBase } from 'vitest';
import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import { withoutTexts } from '../report/without-texts.ts';

/**
 * What a bench test (in a Vitest worker) hands the reporter (in the main process). Sent with
 * `recordArtifact(task, ...)`, which survives `vitest --merge-reports`; the reporter joins them by
 * `model.key` in `onTestRunEnd`. Calls go after they were made, in batches: an awaited
 * `recordArtifact` costs ~0.4 ms on the event loop that times other calls. Vitest keeps every
 * artifact in its main process (beside the embedded emulator) for the whole run, and a shard's blob
 * report holds them too, so each batch travels packed: its records as JSON lines, deflated, in
 * base64, about a ninth of the JSON (100,000 calls: ~8 MB instead of ~70 MB, or ~150 MB with texts).
 * Texts a model keeps out of its outputs (`redactTexts`) are left out before packing, as the journal
 * leaves them out.
 */

export interface CallsArtifact extends TestArtifactBase {
  type: 'converse-bench:calls';
  model: ModelRunInfo;
  /** The batch's CallRecords, one JSON line each, raw-deflated, in base64 (packCalls / unpackCalls). */
  packed: string;
}

/** A batch of records as an artifact's `packed` text. */
export function packCalls(records: readonly CallRecord[], options: { redactTexts: boolean }): string {
  const lines = records.map((record) => JSON.stringify(options.redactTexts ? withoutTexts(record) : record));
  return deflateRawSync(lines.join('\n')).toString('base64');
}

/** The records of an artifact's `packed` text. */
export function unpackCalls(packed: string): CallRecord[] {
  const lines = inflateRawSync(Buffer.from(packed, 'base64')).toString('utf8');
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

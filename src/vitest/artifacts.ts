import type { TestArtifactBase } from 'vitest';
import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome } from '../records/run-record.ts';

/**
 * What a bench test (in a Vitest worker) hands the reporter (in the main process). Sent with
 * `recordArtifact(task, ...)`, which survives `vitest --merge-reports`; the reporter joins them by
 * `model.key` in `onTestRunEnd`. Calls go in batches: an awaited `recordArtifact` costs ~0.4 ms on
 * the event loop that times other calls.
 */

export interface CallsArtifact extends TestArtifactBase {
  type: 'converse-bench:calls';
  model: ModelRunInfo;
  records: CallRecord[];
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

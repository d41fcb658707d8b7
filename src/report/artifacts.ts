import type { TestArtifactBase } from 'vitest';
import type { ResolvedOptions } from '../config/options.ts';
import type { CallRecord } from '../harness/call-record.ts';
import type { ClientHealthSample } from '../harness/client-health.ts';
import type { SweepLevel } from '../load/sweep.ts';
import type { CheckOutcome, ModelIdentity } from './run-record.ts';

/**
 * What a bench test (in a Vitest worker) hands the reporter (in the main process). Sent with
 * `recordArtifact(task, ...)`, which survives `vitest --merge-reports`; the reporter joins them by
 * `model.key` in `onTestRunEnd`. Calls go in batches: an awaited `recordArtifact` costs ~0.4 ms on
 * the event loop that times other calls.
 */

/** Identity and settings of one model benchmarked through one API. */
export interface ModelRunInfo extends ModelIdentity {
  benchFile: string;
  options: ResolvedOptions;
  /** sha256 of the prompt template and of the dataset's documents. */
  promptFingerprint: string;
  datasetFingerprint: string;
  /** The journal file this model's calls were appended to, relative to the project root. */
  journal: string;
  /** Run id shared by every worker and the reporter (from globalSetup). */
  runId: string;
  /** Measured and warmup calls the plan scheduled; rows must add up to it. */
  scheduledCalls: number;
  /** The sweep level this test ran (its options already set to it); absent outside a sweep. */
  sweepLevel?: SweepLevel;
  /** The measuring process's CPU time and event-loop delay while this test's calls ran. */
  clientHealth?: ClientHealthSample;
}

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

import type { ClientHealthSample } from './client-health.ts';
import type { SweepLevel } from './load.ts';
import type { ResolvedOptions } from './options.ts';
import type { ModelPricing } from './prices.ts';
import type { DurationEnd, EarlyStopInfo, ModelIdentity } from './run-record.ts';

/** Identity and settings of one model benchmarked through one API. */
export interface ModelRunInfo extends ModelIdentity {
  benchFile: string;
  options: ResolvedOptions;
  /** sha256 of the prompt template and of the dataset's documents. */
  promptFingerprint: string;
  datasetFingerprint: string;
  /** The tool configuration's fingerprint (records/tool-config.ts); absent: no tools. */
  toolConfigFingerprint?: string;
  /** The journal file this model's calls were appended to, relative to the project root. */
  journal: string;
  /** Run id shared by every worker and the reporter (from globalSetup). */
  runId: string;
  /**
   * Measured and warmup calls the plan scheduled; rows must add up to it. A closed-loop duration run
   * schedules its warmup only: its measured calls are counted in `durationEnd` when it ends.
   */
  scheduledCalls: number;
  /** The sweep level this test ran (its options already set to it); absent outside a sweep. */
  sweepLevel?: SweepLevel;
  /** The measuring process's CPU time and event-loop delay while this test's calls ran. */
  clientHealth?: ClientHealthSample;
  /** With `workers` > 1: each measuring thread's own CPU time and event-loop delay, in thread order. */
  threadHealth?: ClientHealthSample[];
  /** The price table's entry for this model in its region; absent when the table has none (cost unknown). */
  pricing?: ModelPricing;
  /** Set when the model stopped early; its skipped calls have no rows. */
  earlyStop?: EarlyStopInfo;
  /** Set when a closed-loop duration run ended (not when it was cut short): how, and its calls. */
  durationEnd?: DurationEnd;
}

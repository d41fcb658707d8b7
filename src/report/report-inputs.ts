import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome, RunContext } from '../records/run-record.ts';

/** Where and with what a run measured, read once in the process that builds the outputs. */
export interface RunEnvironment {
  versions: RunContext['versions'];
  git: RunContext['git'];
  host: RunContext['host'];
}

/** One model through one API, as gathered from artifacts or a journal. */
export interface ModelInputs {
  model: ModelRunInfo;
  /** Every call, warmup included, in completion order. */
  records: CallRecord[];
  checks: CheckOutcome[];
  /**
   * The responses of `records`, when the records are held without them (the reporter keeps its calls'
   * texts packed, a batch at a time, until the CSV asks for them). Absent: the records carry their own.
   */
  texts?: CallTexts;
}

/** Responses looked up by a call's index in its model's `records`. */
export interface CallTexts {
  /** The response (`text`), or the partial response of a failed call, of `records[index]`. */
  responseOf(index: number): string | undefined;
}

/**
 * Everything the outputs are built from; the reporter gathers it from Vitest artifacts, `rebuild` from
 * journals, and both then build through the same functions.
 */
export interface ReportInputs {
  runId: string;
  /** In order of first appearance. */
  models: ModelInputs[];
  /** The run was stopped (Vitest said so); also true when any model has fewer rows than scheduled. */
  stopped: boolean;
  /** Tests a journal's plan names that never reported a call (rebuild only): the run was interrupted. */
  neverStarted?: string[];
  environment: RunEnvironment;
  /** Used for the run's start and end only when no call was recorded. */
  fallbackTime: string;
}

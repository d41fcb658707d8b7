import type { Api, CallRecord, LatencyMode } from './call-record.ts';
import type { ClientHealthSample, RunClientHealth } from './client-health.ts';
import type { Goodput, SweepLevel, SweepTable } from './load.ts';
import type { ResolvedOptions } from './options.ts';
import type { ModelPricing } from './prices.ts';
import type { ModelSummary } from './summary.ts';

/** Bumped on any incompatible change; readers refuse other versions with a clear message. */
export const RUN_RECORD_SCHEMA = 'converse-bench/run-record@1';

/** Context before numbers: what, where and how a run measured. */
export interface RunContext {
  runId: string;
  startedAt: string;
  endedAt: string;
  /** True when the run was stopped (SIGINT / SIGTERM) before every call completed. */
  interrupted: boolean;
  target: ResolvedOptions['target'];
  /** `emulator` (embedded or given URL) or `bedrock`; the endpoint URL itself for the emulator. */
  endpoint: string;
  region: string;
  transport: ResolvedOptions['transport'];
  versions: { node: string; sdk: string; vitest: string; converseBench: string };
  git: { commit?: string; branch?: string; dirty?: boolean };
  host: { platform: string; arch: string; cpus: number; cpuModel: string };
  /** sha256 of the dataset file's documents and of each model's prompt template. */
  fingerprints: { dataset: string; prompts: Record<string, string> };
  /**
   * How the calls were authenticated (`sigv4`, `bearer` for a Bedrock API key, or both joined by `+`);
   * absent when no call got as far as signing. Never the credential.
   */
  auth?: string;
  /** Emulator time scale when the target is the emulator. */
  timeScale?: number;
  /** Client health: CPU time used and event-loop delay while measuring. */
  client?: RunClientHealth;
}

/** The outcome of one budget or regression check, with a line a reviewer can read. */
export interface CheckOutcome {
  /** e.g. `budget p90 latencyMs`, `regression p90 latencyMs`. */
  name: string;
  status: 'pass' | 'fail' | 'inconclusive';
  /** e.g. `P90 2.31 s > budget 2.00 s over 40 calls`. */
  line: string;
  /**
   * Regressions and `confident` budgets are statistical tests: their status is decided once per run,
   * with every other test of the run as one family (src/gate/family.ts). Absent on fixed limits.
   */
  test?: CheckTest;
}

/** What the run's family judgement needs of one test. */
export interface CheckTest {
  kind: 'regression' | 'budget';
  /** The measurement without a verdict, e.g. `P90 1.42 s vs baseline 1.20 s: x1.18 (95% bounds 1.09..1.28)`. */
  measured: string;
  /** p-value of "no regression" (or "within budget"): small means the check fails. */
  pFail: number;
  /** p-value of the opposite claim: small means confidently within the tolerance (or budget). */
  pPass: number;
  /** The smallest `pFail` these sample sizes can give: above the family's level the check cannot fail. */
  pMin: number;
  /** The quantile judged (0.9 for P90); absent for error rates. */
  q?: number;
  /** Calls a side (regression: the smaller side) or calls (budget). */
  calls: number;
  /**
   * For the calls that would decide: ln of the observed figure over its threshold, and its standard
   * error at `calls`; absent when the samples give no bounds (or drift, not calls, limits a history).
   */
  marginLog?: number;
  seLog?: number;
  /** Why the check is not judged at all, e.g. `not judged at time scale 0.02`, `client busy (...)`. */
  notJudged?: string;
}

/** Which model, through which API and latency mode, a run's figures belong to. */
export interface ModelIdentity {
  /** Unique within a run: `${modelId}|${api}|${latencyMode}` (and the sweep level, when swept). */
  key: string;
  modelId: string;
  api: Api;
  latencyMode: LatencyMode;
  region: string;
  role: 'source' | 'candidate';
}

/**
 * A model (through one API, at one sweep level) stopped early because its first calls all failed
 * (`earlyStopCalls`): the rest of its plan was not made. planned = rows + skipped.
 */
export interface EarlyStopInfo {
  plannedCalls: number;
  skippedCalls: number;
  /** Why, e.g. `its first 5 calls all failed (AccessDeniedException x5)`. */
  reason: string;
}

/**
 * How a closed-loop duration run (`duration`; its count is not planned) ended: at its deadline, at
 * its share of the Bedrock cap (`maxCalls`), or stopped early. Its plan is what it made: planned =
 * rows + skipped, with no call skipped. Absent on such a run that was cut short (interrupted).
 */
export interface DurationEnd {
  endedBy: 'deadline' | 'maxCalls' | 'early stop';
  /** Calls made, warmup included: the rows. */
  calls: number;
}

/** One model benchmarked through one API in one run. */
export interface ModelRun extends ModelIdentity {
  /** Bench file that produced it, relative to the project root. */
  benchFile?: string;
  /** The options this model ran with (resolved once per bench file). */
  options: ResolvedOptions;
  summary: ModelSummary;
  checks: CheckOutcome[];
  /** The sweep level this run was, when the run swept concurrency or rate. */
  sweepLevel?: SweepLevel;
  /** The tool configuration sent, by fingerprint (records/tool-config.ts); absent: no tools. */
  toolConfigFingerprint?: string;
  /** With objectives (`slo`): the share of measured calls that met them. */
  goodput?: Goodput;
  /** The measuring process's CPU time and event-loop delay while this model's calls ran. */
  clientHealth?: ClientHealthSample;
  /** With `workers` > 1: each measuring thread's CPU time and event-loop delay, in thread order. */
  threadHealth?: ClientHealthSample[];
  /** Set when the model stopped early (its first calls all failed): the calls planned and skipped. */
  earlyStop?: EarlyStopInfo;
  /** A closed-loop duration run: how it ended and the calls it made. */
  durationEnd?: DurationEnd;
  /** The prices its costs were computed with (the price table's entry); absent when the table had none. */
  pricing?: ModelPricing;
  /** Every call, warmup included, in completion order; texts are left out of the run record. */
  calls: CallRecord[];
}

/** The run's one verdict over all its checks (src/gate/family.ts). */
export interface RunVerdict {
  verdict: 'fail' | 'pass' | 'inconclusive';
  checks: number;
  failed: number;
  passed: number;
  inconclusive: number;
  /** Statistical tests judged as one family, and its false-alarm level. */
  tests: number;
  alpha: number;
}

export interface RunRecord {
  schema: typeof RUN_RECORD_SCHEMA;
  context: RunContext;
  models: ModelRun[];
  /** Absent in run records written before verdicts were recorded. */
  verdict?: RunVerdict;
  /** Latency versus throughput, one table per swept model; absent without a sweep. */
  sweeps?: SweepTable[];
}

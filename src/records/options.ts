import type { Api, LatencyMode, PromptCache, ReasoningBudget, ServiceTier } from './call-record.ts';

/** Where calls go. `emulator` (the default) is never billed; `bedrock` must be chosen explicitly. */
export type Target = 'emulator' | 'bedrock';

/** HTTP transport of the Bedrock Runtime client; recorded with every run. */
export type Transport = 'http1' | 'http2';

/** Which operations a model is benchmarked with. `both` runs Converse and ConverseStream side by side. */
export type ApiMode = Api | 'both';

/**
 * How calls are started. `closed`: `numParallelCalls` workers, each starting its next call when the
 * previous one ends (plus `delayBetweenCalls`). `open`: calls start on a schedule at `rate` per second,
 * whether or not earlier calls have finished (no coordinated omission).
 */
export type LoadShape =
  | { kind: 'closed' }
  | { kind: 'open'; rate: number; arrival: 'constant' | 'poisson'; seed: number };

/**
 * A sweep runs a model once per level: closed-loop concurrency levels (`numParallelCalls`) or open-loop
 * rates (calls per second), for a latency-versus-throughput table.
 */
export interface Sweep {
  kind: 'concurrency' | 'rate';
  /** Ascending, distinct, each > 0 (whole numbers for concurrency). */
  levels: number[];
}

/** Service-level objectives for goodput: a call meets them when it is ok and within every limit given. */
export interface Slo {
  /** Time to first token, ms (streaming calls only). */
  ttftMs?: number;
  /** End-to-end latency, ms (from the scheduled start under open-loop load). */
  latencyMs?: number;
}

/**
 * Every setting, fully filled. Produced once by `resolveOptions()` (src/config/resolve.ts) from the
 * defaults (src/config/defaults.ts), then the bench file's own options, then environment variables
 * (`CONVERSE_BENCH_*`, also set by `converse-bench bench` flags), so a run can override every file at
 * once; everything downstream takes this type.
 */
export interface ResolvedOptions {
  target: Target;
  /** Emulator or Bedrock endpoint URL. Absent: the emulator is started for the run / Bedrock's default. */
  endpoint: string | undefined;
  region: string;
  transport: Transport;
  api: ApiMode;
  /** Calls per document per experiment (the workshop's `invocations_per_scenario`). @default 1 */
  invocationsPerScenario: number;
  /** Repetitions of the whole dataset (the workshop's `experiment_counts`). @default 1 */
  experimentCounts: number;
  /** Calls in flight at once, closed loop (the workshop's `num_parallel_calls`). @default 1 */
  numParallelCalls: number;
  /**
   * Worker threads a model's calls run on, each with its own SDK client and event loop (closed loop:
   * the concurrency is shared out; open loop: one arrival process dealt in turn). @default 1
   */
  workers: number;
  /** One deadline per call, retries included, seconds. @default 300 */
  timeoutSeconds: number;
  /** SDK `maxAttempts` (standard retry mode; 1 = no retry). @default 3 */
  retryAttempts: number;
  /** Pause before each call of a worker, seconds, at the emulator's time scale; not in any latency. @default 1 */
  delayBetweenCalls: number;
  /** Calls made before measuring, per model and API; recorded with phase `warmup`. @default 1 */
  warmupCalls: number;
  /**
   * Stop a model (per API and sweep level) when its first this many calls, warmup included, all failed;
   * the rest are not made and are counted as skipped. 0 = never stop early. @default 5
   */
  earlyStopCalls: number;
  temperature: number;
  maxTokens: number;
  topP: number;
  /** Default latency mode when the tracking file's `inference_profile` cell is empty. @default 'standard' */
  latencyMode: LatencyMode;
  /** Service tier requested (`serviceTier: { type }`); `default` is sent as no field. @default 'default' */
  serviceTier: ServiceTier;
  /**
   * Prompt caching when the tracking file's `prompt_cache` cell is empty: a `cachePoint` after the
   * cacheable prefix (the prompt template with its document; the system prompt too when there is one),
   * with the TTL asked (`on`: the service's default, 5 minutes). @default 'off'
   */
  promptCache: PromptCache;
  /**
   * A unique nonce at the start of each call's prefix, so no call reads a cache entry (neither the
   * explicit one of `promptCache` nor Bedrock's implicit one): uncached latency, measured honestly. @default false
   */
  cacheBust: boolean;
  /**
   * Extended thinking: `off`, a token budget (Anthropic Claude, `thinking.budget_tokens`, >= 1024 and
   * below maxTokens) or an effort `low` | `medium` | `high` (Amazon Nova 2, `reasoningConfig`); other
   * model families are refused before any call. @default 'off'
   */
  reasoningBudget: ReasoningBudget;
  /** A JSON Converse `toolConfig` sent with every call (src/data/tool-config.ts). @default undefined (no tools) */
  toolConfigFile: string | undefined;
  load: LoadShape;
  /**
   * Seconds each model test (API, sweep level) measures for, at the emulator's time scale, instead of
   * `experimentCounts` x `invocationsPerScenario` rounds of the documents: open loop, ceil(duration x
   * rate) calls; closed loop, calls cycling the documents until the deadline (against Bedrock at most
   * the test's share of `maxCalls`). Warmup calls come first and are not part of it. @default undefined
   */
  duration: number | undefined;
  /** Open loop: at most this many calls in flight; a call due while the cap is reached waits, as queue delay. */
  maxInFlight: number | undefined;
  /** Run each model once per concurrency level or rate. @default undefined (one run) */
  sweep: Sweep | undefined;
  /** Objectives for goodput (share of calls meeting them). @default undefined (no goodput) */
  slo: Slo | undefined;
  /** Documents to summarize (`document`, `referenceResponse`). */
  datasetFile: string;
  /** Models and prompt templates (`model`, `text_prompt`, optional `region`, `inference_profile`). */
  trackingFile: string;
  /** Budgets keyed by model id (and target); `none` runs without budgets, on purpose. */
  budgetsFile: string;
  /** Fail a model that has no budget (on in the `gate` preset). @default false */
  requireBudgets: boolean;
  /**
   * Bedrock's prices per model and region (src/config/prices.ts), for the cost of each call.
   * @default undefined (the package's own data/prices.json)
   */
  pricesFile: string | undefined;
  /** Emulator latency profiles and faults. @default undefined (the package's own data/emulator-profiles.json) */
  emulatorProfilesFile: string | undefined;
  /** Emulator time scale: 0.01 makes every modeled delay 100 times shorter. @default 1 */
  timeScale: number;
  /**
   * Faults the embedded emulator injects for every model, in the fault syntax of
   * docs/emulator-profiles.md (e.g. `throttle~0.05,stream-exception=modelStreamErrorException@3~0.01`).
   */
  emulatorFaults: string | undefined;
  /** Seed of the embedded emulator's latency and fault draws. @default 1 */
  emulatorSeed: number;
  outputDir: string;
  /** Run record (or folder of them) to gate regressions against. */
  baseline: string | undefined;
  /** Regression tolerance on P90, as a fraction (0.1 = 10% slower is tolerated). @default 0.1 */
  tolerance: number;
  /** Keep prompts and responses out of CSVs, logs, journals and reports. @default false */
  redactTexts: boolean;
  /** Above this many calls against real Bedrock, the run needs `allowLargeRun`. @default 500 */
  maxCalls: number;
  allowLargeRun: boolean;
  /** Print the plan and make no call. @default false */
  dryRun: boolean;
  /** No progress lines on stderr while the run goes. @default false */
  quiet: boolean;
}

/** What a bench file, an environment variable or a flag may set: any subset. */
export type BenchOptions = Partial<ResolvedOptions>;

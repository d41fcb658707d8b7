/**
 * Shapes of the statistics that summaries, run records and reports share. Computed by the pure
 * functions of src/stats/; percentiles are type 7 (numpy's default), std is the sample (n-1) one.
 */

/** Summary of one metric over successful measured calls. */
export interface Distribution {
  n: number;
  mean: number;
  /** Sample standard deviation (n - 1); absent when n < 2. */
  std?: number;
  min: number;
  max: number;
  median: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
}

/** The calls of one prompt cache class, and their figures. */
export interface CacheClassFigures {
  calls: number;
  latencyMs: Distribution;
  /** Streaming only. */
  ttftMs?: Distribution;
  /** Mean cacheReadInputTokens and cacheWriteInputTokens of these calls. */
  cacheReadTokensMean: number;
  cacheWriteTokensMean: number;
}

/**
 * What a model's calls cost on Bedrock, from the price table (records/cost.ts). On the emulator target
 * it is what the same calls would cost on Bedrock: an estimate. Failed calls report no usage and are
 * not priced.
 */
export interface CostSummary {
  /** True on the emulator target. */
  estimate: boolean;
  /** Successful calls, warmup included (Bedrock bills them), with a cost and without one. */
  pricedCalls: number;
  unpricedCalls: number;
  /** USD over every successful call, warmup included; absent when any of them is unknown. */
  totalUsd?: number;
  /** USD, mean over successful measured calls; absent when any is unknown or there are none. */
  perCallUsd?: number;
  /** Why the cost is unknown: the first missing price. */
  unknown?: string;
  /** Every price used was checked against AWS's current pricing page. */
  verified: boolean;
}

/** One model's (and API's) figures over its measured calls; warmup calls are counted, not summarized. */
export interface ModelSummary {
  /** Measured calls (warmup excluded), ok + failed. */
  calls: number;
  warmupCalls: number;
  ok: number;
  failed: number;
  /** failed / calls; 0 when there are no calls. */
  errorRate: number;
  /** Failed measured calls by error kind. */
  errorsByKind: Record<string, number>;
  /** Calls that needed more than one attempt, and the retry delay they waited in all, ms. */
  retriedCalls: number;
  retryDelayMs: number;
  latencyMs?: Distribution;
  /**
   * Open-loop load only: response time from the scheduled start (queue delay + latency), and the queue
   * delay itself (actual start - scheduled start), over ok measured calls that were scheduled.
   */
  responseTimeMs?: Distribution;
  queueDelayMs?: Distribution;
  serverLatencyMs?: Distribution;
  /** latency - server latency, per call that reported both: network and client time. */
  clientOverheadMs?: Distribution;
  /**
   * The client's own time per call: sending (building, signing, writing the request) plus the work
   * after the last byte (records/metrics.ts), over ok calls whose wire was observed.
   */
  clientWorkMs?: Distribution;
  /** Streaming only. */
  ttftMs?: Distribution;
  /** Streaming only: (latency - TTFT) / (outputTokens - 1), calls with at least 2 output tokens. */
  itlMs?: Distribution;
  /** Streaming only: (outputTokens - 1) / (latency - TTFT) in tokens/s. */
  outputTokensPerSecond?: Distribution;
  /** Streaming with extended thinking: just before `send()` to the first reasoning delta, ms. */
  firstReasoningMs?: Distribution;
  /** Streaming with extended thinking: first reasoning delta to first text delta (TTFT - first reasoning), ms. */
  reasoningPhaseMs?: Distribution;
  /** Reasoning tokens per ok call that returned reasoning, counted with the tokenizer: an estimate. */
  reasoningTokensEstimate?: Distribution;
  /** With a tool configuration: ok measured calls that stopped for a tool call (`stopReason` `tool_use`). */
  toolUseCalls?: number;
  /** Streaming with tools: just before `send()` to the first tool call's start, ms. */
  toolUseStartMs?: Distribution;
  /** Streaming with tools: just before `send()` to the first tool call's complete, parsed input, ms. */
  toolInputMs?: Distribution;
  /** Ok measured calls by the latency mode the service reported serving; absent when none reported one. */
  latencyModeServed?: Record<string, number>;
  /** Ok measured calls by the service tier the service reported serving; absent when none reported one. */
  serviceTierServed?: Record<string, number>;
  /**
   * Ok measured calls by prompt cache class (records/metrics.ts: write, read, none), each with its
   * latency and (streamed) TTFT; absent when no call reported prompt cache usage.
   */
  byCacheClass?: Partial<Record<'write' | 'read' | 'none', CacheClassFigures>>;
  /** Conversation datasets: the mean number of turns sent before the answered one, over ok measured calls. */
  priorTurnsMean?: number;
  inputTokensMean?: number;
  outputTokensMean?: number;
  totalOutputTokens: number;
  /** First measured start to last measured end, ms. */
  wallClockMs: number;
  /** totalOutputTokens / wall clock, tokens/s. */
  throughputTokensPerSecond?: number;
  /** Absent in run records written before costs were recorded. */
  cost?: CostSummary;
}

/**
 * One Converse or ConverseStream call, as measured. Produced by the harness, consumed by the
 * reporter and the statistics. A union on `status`: a failed call is a row with its error, never
 * a dropped row, and no field uses 0 to mean "not observed" (it is absent instead).
 *
 * Records stay small on the hot path: the document is referenced by index, the prompt is never
 * copied in, and texts are joined at report time.
 */

/** Which Bedrock Runtime operation the call used. */
export type Api = 'converse' | 'converse-stream';

/**
 * How the client authenticated a call: SigV4 (AWS keys) or `bearer` (a Bedrock API key, from
 * `AWS_BEARER_TOKEN_BEDROCK`). The kind only: the credential itself is never recorded.
 */
export type AuthKind = 'sigv4' | 'bearer';

/** Warmup calls are rows too, flagged, and excluded from statistics. */
export type Phase = 'warmup' | 'measure';

/** `performanceConfig.latency` as requested (the workshop's `inference_profile` column). */
export type LatencyMode = 'standard' | 'optimized';

/** `serviceTier.type` as requested: Bedrock's inference tiers (`default` is the Standard tier). */
export type ServiceTier = 'default' | 'priority' | 'flex' | 'reserved';
export const SERVICE_TIERS: readonly ServiceTier[] = ['default', 'priority', 'flex', 'reserved'];

/**
 * Prompt caching as requested: `off` sends no `cachePoint`; `on` places `cachePoint: { type: 'default' }`
 * after the cacheable prefix (the service's default TTL, 5 minutes); `5m` and `1h` also send that `ttl`.
 */
export type PromptCache = 'off' | 'on' | '5m' | '1h';
export const PROMPT_CACHES: readonly PromptCache[] = ['off', 'on', '5m', '1h'];

/**
 * Extended thinking as requested: `off`, a token budget (Anthropic Claude's `thinking.budget_tokens`) or
 * an effort (Amazon Nova 2's `reasoningConfig.maxReasoningEffort`); sent in `additionalModelRequestFields`.
 */
export type ReasoningBudget = 'off' | 'low' | 'medium' | 'high' | number;
export const REASONING_EFFORTS = ['low', 'medium', 'high'] as const;

/**
 * Why a call failed. SDK exception names are kept as they are (`ThrottlingException`,
 * `ModelStreamErrorException`, ...); the harness adds:
 * - `timeout`: the call's deadline (`timeoutSeconds`, retries included) passed;
 * - `network`: the connection failed or was dropped before a response was parsed;
 * - `stream`: the event stream could not be decoded (truncated or corrupt frame);
 * - `http`: an HTTP error whose body is not Bedrock's (a proxy's or load balancer's page);
 * - `aborted`: the run was interrupted while the call was in flight.
 */
export type ErrorKind = string;

/** A turn of a conversation as sent: who spoke, and the text blocks of its content. */
export interface Turn {
  role: 'user' | 'assistant';
  texts: string[];
}

/** Which call of the plan this is: the model and API, the phase, and its 0-based indexes. */
export interface CallIdentity {
  /** Model id, inference profile id or ARN, as sent in the request path. */
  modelId: string;
  region: string;
  latencyMode: LatencyMode;
  serviceTier: ServiceTier;
  /** Absent: `off` (records from before prompt caching, and preflight calls). */
  promptCache?: PromptCache;
  /** Each call's prefix was made unique by a nonce (`cacheBust`), so it could read no cache; absent: no. */
  cacheBust?: true;
  /** Absent: off (records from before extended thinking, too). */
  reasoningBudget?: ReasoningBudget;
  /** The tool configuration sent, by fingerprint (records/tool-config.ts); absent: no tools. */
  tools?: string;
  /** Conversation datasets: the turns sent before the last user turn; absent: none (a single turn). */
  priorTurns?: number;
  api: Api;
  phase: Phase;
  /** 0-based indexes of the call in the plan: experiment, invocation, document (row of the dataset). */
  experiment: number;
  invocation: number;
  document: number;
}

/** Just the identity fields of a spec (which also carries the prompt and more), for its record. */
export function identityOf(spec: CallIdentity): CallIdentity {
  const { modelId, region, latencyMode, serviceTier, api, phase, experiment, invocation, document } = spec;
  const identity: CallIdentity = {
    modelId,
    region,
    latencyMode,
    serviceTier,
    api,
    phase,
    experiment,
    invocation,
    document,
  };
  if (spec.promptCache !== undefined && spec.promptCache !== 'off') identity.promptCache = spec.promptCache;
  if (spec.cacheBust === true) identity.cacheBust = true;
  if (spec.reasoningBudget !== undefined && spec.reasoningBudget !== 'off') {
    identity.reasoningBudget = spec.reasoningBudget;
  }
  if (spec.tools !== undefined) identity.tools = spec.tools;
  if (spec.priorTurns !== undefined && spec.priorTurns > 0) identity.priorTurns = spec.priorTurns;
  return identity;
}

/**
 * The final attempt on the wire, ms after the call's start (`startMs`); a part not observed is absent.
 * Phases are derived from these in records/metrics.ts.
 */
export interface WireStamps {
  protocol?: 'http1' | 'http2';
  /**
   * Where the final attempt's own time starts: 0 for a first attempt (the call's start, so building
   * and signing the request count as sending), the retry's start otherwise.
   */
  attemptStartMs: number;
  /** HTTP/1.1: the request went out on a kept-alive connection. */
  reusedConnection?: boolean;
  /** HTTP/1.1, a new connection only: how long TCP (and TLS) setup took. */
  connectMs?: number;
  /** The request was fully written to the socket (HTTP/2: the stream's writable side ended). */
  sentMs?: number;
  /** The response's headers were parsed. */
  headersMs?: number;
  /** The response's last byte was read off the socket (HTTP/2: the response stream ended). */
  lastByteMs?: number;
}

interface CallBase extends CallIdentity {
  /** Wall-clock ISO 8601 time just before `send()`; for display only, never for durations. */
  timestamp: string;
  /** `performance.now()` just before `send()`, in ms, in the measuring process's time origin. */
  startMs: number;
  /** Attempts the SDK made (1 = no retry). */
  attempts: number;
  /** Total delay the SDK's retry strategy waited between attempts, ms. */
  retryDelayMs: number;
  /** Each attempt's own duration, ms, in order (from the named per-attempt middleware). */
  attemptMs: number[];
  /** How the SDK signed the call, as it chose the auth scheme; absent when it never got that far. */
  auth?: AuthKind;
  /** HTTP status of the last attempt, when one arrived. */
  httpStatus?: number;
  /** `x-amzn-requestid` of the last attempt, when one arrived. */
  requestId?: string;
  /** Open loop only: when the call was scheduled to start (`performance.now()` ms, same origin). */
  scheduledStartMs?: number;
  /** Open loop only: actual start - scheduled start, ms. */
  queueDelayMs?: number;
  /** ConverseStream only: time to first token, ms: just before `send()` to the first text delta. */
  ttftMs?: number;
  /** ConverseStream only: text deltas received (not tokens). */
  deltas?: number;
  /**
   * ConverseStream only: just before `send()` to the first `contentBlockDelta` carrying reasoning text
   * (`delta.reasoningContent.text`), ms. TTFT stays the first visible text.
   */
  firstReasoningMs?: number;
  /**
   * ConverseStream only: just before `send()` to the first tool call's start
   * (`contentBlockStart.start.toolUse`), ms.
   */
  toolUseStartMs?: number;
  /**
   * ConverseStream only: just before `send()` to the first tool call's complete input, ms: its block's
   * `contentBlockStop`, its `delta.toolUse.input` fragments parsed as JSON.
   */
  toolInputMs?: number;
  /** When the final attempt reached each point on the wire (HTTP/1.1 fully, HTTP/2 in part). */
  wire?: WireStamps;
}

export interface OkCall extends CallBase {
  status: 'ok';
  /**
   * End to end, ms: from just before `send()` to the parsed response (Converse) or the stream's last
   * event (ConverseStream). Includes retries.
   */
  latencyMs: number;
  /** `metrics.latencyMs` from the response or the stream's metadata event. */
  serverLatencyMs?: number;
  inputTokens: number;
  outputTokens: number;
  /** `usage.cacheReadInputTokens`: input tokens read from the prompt cache, when the service says. */
  cacheReadTokens?: number;
  /** `usage.cacheWriteInputTokens`: input tokens written to the prompt cache, when the service says. */
  cacheWriteTokens?: number;
  stopReason: string;
  /** `performanceConfig.latency` the service reports it served, when it says. */
  latencyModeServed?: LatencyMode;
  /** `serviceTier.type` the response or the stream's metadata event reports, when it says. */
  serviceTierServed?: ServiceTier;
  /** The model's answer; dropped before writing when prompts and responses are kept out of outputs. */
  text: string;
  /** The reasoning text (`reasoningContent`), when the model returned some; dropped with `text`. */
  reasoningText?: string;
  /**
   * Tokens of the reasoning text as counted by the emulator's tokenizer (o200k_base): an estimate, since
   * Converse reports no reasoning token count of its own. Counted after the call, off its timing.
   */
  reasoningTokensEstimate?: number;
  /** Tool calls (`toolUse` blocks) in the answer; absent when there were none. */
  toolCalls?: number;
  /** The first tool call's name. */
  toolName?: string;
  /**
   * Whether the first tool call's input is a JSON object: streamed, its fragments joined and parsed;
   * Converse, the input the SDK parsed. Absent without a tool call.
   */
  toolInputParsed?: boolean;
}

export interface ErrorCall extends CallBase {
  status: 'error';
  /**
   * From just before `send()` to the moment the failure surfaced, ms, retries included. Absent for a
   * call that never started (the run was interrupted first): never a latency of 0.
   */
  latencyMs?: number;
  errorKind: ErrorKind;
  errorMessage: string;
  /** ConverseStream only: output text received before the stream failed. */
  partialText?: string;
}

export type CallRecord = OkCall | ErrorCall;

import type { LatencyMode, ServiceTier } from '../records/call-record.ts';

/**
 * The contract between the emulator's realism (profiles, latency modes, faults: src/emulator/profiles.ts
 * and faults.ts) and its protocol (the server). The server parses and validates a request, counts its
 * tokens, then asks for a plan and carries it out on the wire, stamping what really happened.
 */

/** What the server knows about a valid request when it asks for a plan. */
export interface PlanRequest {
  /** Model id as in the URL path (decoded): a model id, an inference profile id, or an ARN. */
  modelId: string;
  api: 'converse' | 'converse-stream';
  latencyMode: LatencyMode;
  serviceTier: ServiceTier;
  /** Every input token, cached ones included. */
  inputTokens: number;
  /** Of those, read from the prompt cache (prompt-cache.ts); absent: none. */
  cacheReadTokens?: number;
  /** Output tokens the summarizer will produce (already capped by maxTokens). */
  outputTokens: number;
  /** Lower-cased request headers, for per-request fault injection (`x-emulator-fault`). */
  headers: Record<string, string | undefined>;
  /** Monotonic receive time of the request, ms (for rate- and burst-based throttling). */
  receivedMs: number;
}

/** A failure to act out instead of (or in the middle of) a normal answer. */
export type Fault =
  /** An HTTP error before any body: Bedrock's status, `x-amzn-errortype` and JSON `{ message }`. */
  | { kind: 'http-error'; status: number; errorType: string; message: string }
  /** ConverseStream: an exception frame after `afterEvents` events (messageStart counts as one). */
  | { kind: 'stream-exception'; afterEvents: number; exceptionType: string; message: string }
  /** Wait `ms` (already time-scaled) before the response starts, or after `afterEvents` stream events. */
  | { kind: 'stall'; ms: number; afterEvents?: number }
  /** Destroy the connection before the response, or after `afterEvents` stream events. */
  | { kind: 'drop'; afterEvents?: number }
  /** ConverseStream: after `afterEvents` events, write a frame cut short, or one with a bad CRC. */
  | { kind: 'corrupt-frame'; afterEvents: number; mode: 'truncate' | 'bad-crc' };

/** What the server must do for one request; all times already time-scaled, in ms. */
export interface ResponsePlan {
  /** From receiving the request to writing the first token (stream) / first byte (Converse). */
  ttftMs: number;
  /** Gap before each output token after the first; length outputTokens - 1 (a slow stream widens them). */
  interTokenMs: number[];
  /** The mode actually served: `optimized` only for models that offer it. */
  latencyModeServed: LatencyMode;
  /** The tier actually served: `priority` and `flex` only for models that offer them. */
  serviceTierServed: ServiceTier;
  /** `metrics.latencyMs` to report: the modeled service time, rounded to whole ms as Bedrock does. */
  reportedLatencyMs: number;
  fault?: Fault;
}

import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamCommandOutput,
  type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import {
  type CallIdentity,
  type CallRecord,
  type ErrorCall,
  identityOf,
  type LatencyMode,
  type OkCall,
  SERVICE_TIERS,
  type ServiceTier,
} from '../records/call-record.ts';
import { type AttemptLog, attachAttemptTimer, newAttemptLog } from './attempt-timer.ts';
import { type Clock, realClock } from './clock.ts';
import { classifyError, errorMessageOf } from './errors.ts';
import type { TextIndex } from './redact-texts.ts';

/** One call to make: everything callModel needs, the prompt already rendered. */
export interface CallSpec extends CallIdentity {
  /** The user message's text. */
  prompt: string;
  /** Optional system prompt. */
  system?: string;
  inferenceConfig: { temperature: number; maxTokens: number; topP: number };
  /** One deadline for the whole call, retries and stream reading included, ms. */
  timeoutMs: number;
  /** Open loop: when the call was due, on the clock's time line. */
  scheduledStartMs?: number;
  /** Aborting interrupts the call: its record gets errorKind `aborted`. */
  signal?: AbortSignal;
  /**
   * With `redactTexts`: the call's texts, cut from its error message if a server echoes them. Its
   * record then keeps no response either (`text` '', no `partialText`): texts a run keeps out of its
   * outputs are not held in memory for 100,000 calls either.
   */
  textsToCut?: TextIndex;
}

/** What the SDK reports about the attempts, on outputs and on errors. */
interface Metadata {
  httpStatusCode?: number;
  requestId?: string;
  attempts?: number;
  totalRetryDelay?: number;
}

/** What a call has observed so far; turned into a record once it ends. */
interface Observed {
  spec: CallSpec;
  timestamp: string;
  startMs: number;
  endMs: number;
  log: AttemptLog;
  metadata: Metadata | undefined;
}

/** What a stream delivered before it ended or failed. */
interface StreamSoFar {
  ttftMs: number | undefined;
  deltas: number;
  text: string;
}

type Observe = (metadata: Metadata | undefined, endMs?: number) => Observed;
type Failed = (
  error: unknown,
  metadata: Metadata | undefined,
  stream?: StreamSoFar,
  endMs?: number,
) => ErrorCall;

/** Why callModel itself ended a call early. */
type Stop = 'timeout' | 'aborted';

const STOP_MESSAGE: Record<Stop, string> = {
  timeout: 'deadline passed',
  aborted: 'run interrupted',
};

function buildInput(spec: CallSpec): ConverseCommandInput {
  const input: ConverseCommandInput = {
    modelId: spec.modelId,
    messages: [{ role: 'user', content: [{ text: spec.prompt }] }],
    inferenceConfig: spec.inferenceConfig,
  };
  if (spec.system !== undefined) input.system = [{ text: spec.system }];
  // Sent only when asked for, as the workshop did: `standard` is the service default.
  if (spec.latencyMode === 'optimized') input.performanceConfig = { latency: 'optimized' };
  if (spec.serviceTier !== 'default') input.serviceTier = { type: spec.serviceTier };
  return input;
}

/** Time between one attempt's end and the next one's start: the retry delay as observed. */
function observedRetryDelay(log: AttemptLog): number {
  let total = 0;
  for (let i = 1; i < log.attemptStartMs.length; i++) {
    total += (log.attemptStartMs[i] ?? 0) - ((log.attemptStartMs[i - 1] ?? 0) + (log.attemptMs[i - 1] ?? 0));
  }
  return total;
}

/**
 * Each attempt's duration, copied (the middleware may still push to the log after the record is made).
 * An attempt still open when callModel stopped the call (deadline, interruption) counts, up to its end.
 */
function attemptDurations(log: AttemptLog, endMs: number): number[] {
  const attemptMs = log.attemptMs.slice();
  const openStart = log.attemptStartMs[attemptMs.length];
  if (openStart !== undefined) attemptMs.push(endMs - openStart);
  return attemptMs;
}

function base(o: Observed) {
  const { spec, log, metadata } = o;
  const attemptMs = attemptDurations(log, o.endMs);
  const record = {
    ...identityOf(spec),
    timestamp: o.timestamp,
    startMs: o.startMs,
    latencyMs: o.endMs - o.startMs,
    // Counted by the SDK when it got that far; otherwise (aborted mid-retry) by our middleware.
    attempts: metadata?.attempts ?? attemptMs.length,
    retryDelayMs: metadata?.totalRetryDelay ?? observedRetryDelay(log),
    attemptMs,
  } as Omit<OkCall, 'status' | 'inputTokens' | 'outputTokens' | 'stopReason' | 'text'>;
  const httpStatus = log.httpStatus ?? metadata?.httpStatusCode;
  if (httpStatus !== undefined) record.httpStatus = httpStatus;
  if (log.auth !== undefined) record.auth = log.auth;
  const requestId = log.requestId ?? metadata?.requestId;
  if (requestId !== undefined) record.requestId = requestId;
  // Copied: the response's last events may still arrive after the record is made.
  if (log.wire?.sentMs !== undefined) record.wire = { ...log.wire };
  if (spec.scheduledStartMs !== undefined) {
    record.scheduledStartMs = spec.scheduledStartMs;
    record.queueDelayMs = o.startMs - spec.scheduledStartMs;
  }
  return record;
}

function servedMode(value: string | undefined): LatencyMode | undefined {
  return value === 'standard' || value === 'optimized' ? value : undefined;
}

function servedTier(value: string | undefined): ServiceTier | undefined {
  return SERVICE_TIERS.find((tier) => tier === value);
}

/** What the service reports it served, read off a response or a stream's metadata event. */
interface ServedReport {
  performanceConfig?: { latency?: string | undefined } | undefined;
  serviceTier?: { type?: string | undefined } | undefined;
}

function okRecord(
  o: Observed,
  usage: TokenUsage & { inputTokens: number; outputTokens: number },
  stopReason: string,
  text: string,
  extra: { serverLatencyMs?: number; served?: ServedReport; ttftMs?: number; deltas?: number },
): OkCall {
  const record: OkCall = {
    ...base(o),
    status: 'ok',
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
    stopReason,
    text: o.spec.textsToCut === undefined ? text : '',
  };
  if (extra.ttftMs !== undefined) record.ttftMs = extra.ttftMs;
  if (extra.deltas !== undefined) record.deltas = extra.deltas;
  if (extra.serverLatencyMs !== undefined) record.serverLatencyMs = extra.serverLatencyMs;
  if (usage.cacheReadInputTokens !== undefined) record.cacheReadTokens = usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens !== undefined) record.cacheWriteTokens = usage.cacheWriteInputTokens;
  const mode = servedMode(extra.served?.performanceConfig?.latency);
  if (mode !== undefined) record.latencyModeServed = mode;
  const tier = servedTier(extra.served?.serviceTier?.type);
  if (tier !== undefined) record.serviceTierServed = tier;
  return record;
}

function errorRecord(
  o: Observed,
  errorKind: string,
  errorMessage: string,
  stream?: { ttftMs: number | undefined; deltas: number; text: string },
): ErrorCall {
  const record: ErrorCall = { ...base(o), status: 'error', errorKind, errorMessage };
  if (stream !== undefined) {
    if (stream.ttftMs !== undefined) record.ttftMs = stream.ttftMs;
    record.deltas = stream.deltas;
    if (stream.text !== '' && o.spec.textsToCut === undefined) record.partialText = stream.text;
  }
  return record;
}

function hasTokens(
  usage: TokenUsage | undefined,
): usage is TokenUsage & { inputTokens: number; outputTokens: number } {
  return usage?.inputTokens !== undefined && usage.outputTokens !== undefined;
}

/**
 * Makes one Converse or ConverseStream call and returns its record; never throws. Timing as defined
 * in DESIGN.md: from just before `send()` to the parsed response (Converse) or the stream's last
 * event (ConverseStream, with TTFT at the first text delta). One deadline covers the whole call,
 * retries and stream reading included.
 */
export async function callModel(
  client: BedrockRuntimeClient,
  spec: CallSpec,
  clock: Clock = realClock,
): Promise<CallRecord> {
  const now = (): number => clock.now();
  const log = newAttemptLog();
  const input = buildInput(spec);
  let command: ConverseCommand | ConverseStreamCommand;
  if (spec.api === 'converse') {
    command = new ConverseCommand(input);
    attachAttemptTimer(command, log, now);
  } else {
    command = new ConverseStreamCommand(input);
    attachAttemptTimer(command, log, now);
  }

  const abort = new AbortController();
  const finished = new AbortController();
  let stopped: Stop | undefined;
  let onStop: (() => void) | undefined;
  // Settles (never rejects) when callModel ends the call itself, so awaits can race it.
  const stoppedEarly = new Promise<void>((resolve) => {
    onStop = resolve;
  });
  const stop = (why: Stop): void => {
    if (stopped !== undefined || finished.signal.aborted) return;
    stopped = why;
    abort.abort(new Error(STOP_MESSAGE[why]));
    // The SDK's abort does not reach a response body already handed over: cut it off here.
    log.body?.destroy(new Error(STOP_MESSAGE[why]));
    onStop?.();
  };
  void clock.sleep(spec.timeoutMs, finished.signal).then(() => stop('timeout'));
  const interrupt = (): void => stop('aborted');
  spec.signal?.addEventListener('abort', interrupt, { once: true });
  if (spec.signal?.aborted) interrupt();

  const timestamp = new Date().toISOString();
  const startMs = now();
  log.callStartMs = startMs;
  const observed = (metadata: Metadata | undefined, endMs = now()): Observed => ({
    spec,
    timestamp,
    startMs,
    endMs,
    log,
    metadata,
  });
  const failed: Failed = (error, metadata, stream, endMs) => {
    const o = observed(metadata, endMs);
    if (stopped !== undefined) return errorRecord(o, stopped, STOP_MESSAGE[stopped], stream);
    return errorRecord(
      o,
      classifyError(error),
      errorMessageOf(error, { secrets: log.secrets, texts: spec.textsToCut }),
      stream,
    );
  };

  try {
    const options = { abortSignal: abort.signal };
    const sent =
      command instanceof ConverseCommand ? client.send(command, options) : client.send(command, options);
    const output = (await Promise.race([sent, stoppedEarly])) as
      | ConverseCommandOutput
      | ConverseStreamCommandOutput
      | undefined;
    if (output === undefined) return failed(undefined, undefined);
    if (spec.api === 'converse') return converseRecord(output as ConverseCommandOutput, observed);
    return await readStream(output as ConverseStreamCommandOutput, startMs, now, log, observed, failed);
  } catch (error) {
    return failed(error, (error as { $metadata?: Metadata } | undefined)?.$metadata);
  } finally {
    finished.abort();
    spec.signal?.removeEventListener('abort', interrupt);
  }
}

function converseRecord(output: ConverseCommandOutput, observed: Observe): CallRecord {
  const o = observed(output.$metadata);
  let text = '';
  for (const block of output.output?.message?.content ?? []) {
    if (block.text !== undefined) text += block.text;
  }
  if (!hasTokens(output.usage) || output.stopReason === undefined) {
    return errorRecord(o, 'invalid-response', 'response has no usage or no stopReason');
  }
  return okRecord(o, output.usage, output.stopReason, text, {
    serverLatencyMs: output.metrics?.latencyMs,
    served: output,
  });
}

async function readStream(
  output: ConverseStreamCommandOutput,
  startMs: number,
  now: () => number,
  log: AttemptLog,
  observed: Observe,
  failed: Failed,
): Promise<CallRecord> {
  const so: StreamSoFar = { ttftMs: undefined, deltas: 0, text: '' };
  let usage: TokenUsage | undefined;
  let stopReason: string | undefined;
  let serverLatencyMs: number | undefined;
  let served: ServedReport | undefined;
  try {
    for await (const event of output.stream ?? []) {
      if (event.contentBlockDelta !== undefined) {
        const text = event.contentBlockDelta.delta?.text;
        if (text !== undefined && text !== '') {
          so.ttftMs ??= now() - startMs;
          so.text += text;
          so.deltas++;
        }
      } else if (event.messageStop !== undefined) {
        stopReason = event.messageStop.stopReason;
      } else if (event.metadata !== undefined) {
        usage = event.metadata.usage;
        serverLatencyMs = event.metadata.metrics?.latencyMs;
        served = event.metadata;
      }
    }
  } catch (error) {
    const endMs = now();
    extendLastAttempt(log, endMs);
    return failed(error, output.$metadata, so, endMs);
  }
  const endMs = now();
  extendLastAttempt(log, endMs);
  const o = observed(output.$metadata, endMs);
  if (!hasTokens(usage) || stopReason === undefined) {
    return errorRecord(o, 'stream', 'stream ended without messageStop or usage metadata', so);
  }
  return okRecord(o, usage, stopReason, so.text, {
    serverLatencyMs,
    served,
    ttftMs: so.ttftMs,
    deltas: so.deltas,
  });
}

/** The final attempt of a stream lasts until its last event, not until its headers. */
function extendLastAttempt(log: AttemptLog, endMs: number): void {
  const last = log.attemptMs.length - 1;
  const start = log.attemptStartMs[last];
  if (start !== undefined) log.attemptMs[last] = endMs - start;
}

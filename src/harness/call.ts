import {
  type BedrockRuntimeClient,
  type CachePointBlock,
  type ContentBlock,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamCommandOutput,
  type Message,
  type SystemContentBlock,
  type TokenUsage,
} from '@aws-sdk/client-bedrock-runtime';
import {
  type CallIdentity,
  type CallRecord,
  type ErrorCall,
  identityOf,
  type LatencyMode,
  type OkCall,
  type PromptCache,
  SERVICE_TIERS,
  type ServiceTier,
  type Turn,
} from '../records/call-record.ts';
import type { ToolConfigJson } from '../records/tool-config.ts';
import { type AttemptLog, attachAttemptTimer, newAttemptLog } from './attempt-timer.ts';
import { type Clock, realClock } from './clock.ts';
import { classifyError, errorMessageOf } from './errors.ts';
import { reasoningRequestFields } from './reasoning-fields.ts';
import type { TextIndex } from './redact-texts.ts';

/** One call to make: everything callModel needs, the prompt already rendered. */
export interface CallSpec extends CallIdentity {
  /** The user message's text. */
  prompt: string;
  /** Optional system prompt. */
  system?: string;
  /** With `cacheBust`: this call's unique nonce, the first text block of its prefix. */
  cacheNonce?: string;
  /** Conversation datasets: the turns sent before the user message (`prompt`). */
  history?: readonly Turn[];
  /** Sent as `toolConfig` (its fingerprint is `tools`, of the identity). */
  toolConfig?: ToolConfigJson;
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
  firstReasoningMs: number | undefined;
  reasoningText: string;
  tool: ToolSoFar;
}

/** The answer's tool calls: how many, and the first one's name, timing and input. */
interface ToolSoFar {
  calls: number;
  name?: string;
  /** Content block index of the first tool call (streamed). */
  block?: number;
  startMs?: number;
  input: string;
  inputMs?: number;
  parsed?: boolean;
}

/** A tool call's input is complete when it parses as a JSON object. */
function parsesAsObject(input: string): boolean {
  try {
    const value: unknown = JSON.parse(input);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
}

function addToolFields(record: CallRecord, tool: ToolSoFar): void {
  if (tool.startMs !== undefined) record.toolUseStartMs = tool.startMs;
  if (tool.inputMs !== undefined) record.toolInputMs = tool.inputMs;
  if (record.status !== 'ok' || tool.calls === 0) return;
  record.toolCalls = tool.calls;
  if (tool.name !== undefined) record.toolName = tool.name;
  record.toolInputParsed = tool.parsed ?? false;
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

/** The block that ends the cacheable prefix: `ttl` only when one was asked for (`on`: the service's default). */
function cachePointOf(cache: PromptCache): CachePointBlock {
  return cache === '5m' || cache === '1h' ? { type: 'default', ttl: cache } : { type: 'default' };
}

/** The nonce's text: it starts the prefix, so every call's prefix differs from the first token. */
export const nonceText = (nonce: string): string => `Request nonce: ${nonce}`;

export function buildInput(spec: CallSpec): ConverseCommandInput {
  const cache = spec.promptCache ?? 'off';
  const nonce: { text: string }[] =
    spec.cacheNonce === undefined ? [] : [{ text: nonceText(spec.cacheNonce) }];
  // The cacheable prefix is the prompt (the template with its document): its cachePoint follows it.
  const content: ContentBlock[] = [{ text: spec.prompt }];
  if (cache !== 'off') content.push({ cachePoint: cachePointOf(cache) });
  const messages: Message[] = [
    ...(spec.history ?? []).map((turn) => ({
      role: turn.role,
      content: turn.texts.map((text) => ({ text })),
    })),
    { role: 'user', content },
  ];
  // Without a system prompt the prefix starts with the first turn: the nonce starts that.
  if (spec.system === undefined) messages[0]?.content?.unshift(...nonce);
  const input: ConverseCommandInput = {
    modelId: spec.modelId,
    messages,
    inferenceConfig: spec.inferenceConfig,
  };
  if (spec.system !== undefined) {
    // A system prompt comes first in the prefix: the nonce starts it, and it has a cachePoint of its own.
    const system: SystemContentBlock[] = [...nonce, { text: spec.system }];
    if (cache !== 'off') system.push({ cachePoint: cachePointOf(cache) });
    input.system = system;
  }
  // Sent only when asked for, as the workshop did: `standard` is the service default.
  if (spec.latencyMode === 'optimized') input.performanceConfig = { latency: 'optimized' };
  if (spec.serviceTier !== 'default') input.serviceTier = { type: spec.serviceTier };
  const reasoning = reasoningRequestFields(spec.modelId, spec.reasoningBudget ?? 'off');
  if (reasoning !== undefined) input.additionalModelRequestFields = reasoning;
  // The SDK's types name each member of a tool union; the file's JSON has exactly those shapes.
  if (spec.toolConfig !== undefined) input.toolConfig = spec.toolConfig as ConverseCommandInput['toolConfig'];
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
  extra: {
    serverLatencyMs?: number;
    served?: ServedReport;
    ttftMs?: number;
    deltas?: number;
    firstReasoningMs?: number | undefined;
    reasoningText?: string;
    tool?: ToolSoFar;
  },
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
  if (extra.firstReasoningMs !== undefined) record.firstReasoningMs = extra.firstReasoningMs;
  if (extra.reasoningText !== undefined && extra.reasoningText !== '')
    record.reasoningText = extra.reasoningText;
  if (extra.serverLatencyMs !== undefined) record.serverLatencyMs = extra.serverLatencyMs;
  if (usage.cacheReadInputTokens !== undefined) record.cacheReadTokens = usage.cacheReadInputTokens;
  if (usage.cacheWriteInputTokens !== undefined) record.cacheWriteTokens = usage.cacheWriteInputTokens;
  const mode = servedMode(extra.served?.performanceConfig?.latency);
  if (mode !== undefined) record.latencyModeServed = mode;
  const tier = servedTier(extra.served?.serviceTier?.type);
  if (tier !== undefined) record.serviceTierServed = tier;
  if (extra.tool !== undefined) addToolFields(record, extra.tool);
  return record;
}

function errorRecord(o: Observed, errorKind: string, errorMessage: string, stream?: StreamSoFar): ErrorCall {
  const record: ErrorCall = { ...base(o), status: 'error', errorKind, errorMessage };
  if (stream !== undefined) {
    if (stream.ttftMs !== undefined) record.ttftMs = stream.ttftMs;
    if (stream.firstReasoningMs !== undefined) record.firstReasoningMs = stream.firstReasoningMs;
    addToolFields(record, stream.tool);
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
 * What `finished` aborts with once a call is over (it only cancels the deadline's sleep). A reason of
 * our own: `abort()` without one builds a DOMException, stack trace and all, on every call: 0.02-0.04 ms
 * of CPU a call on the event loop that times the others (a CPU profile at 64 in flight).
 */
const CALL_ENDED = 'call ended';

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
    finished.abort(CALL_ENDED);
    spec.signal?.removeEventListener('abort', interrupt);
  }
}

function converseRecord(output: ConverseCommandOutput, observed: Observe): CallRecord {
  const o = observed(output.$metadata);
  let text = '';
  let reasoningText = '';
  const tool: ToolSoFar = { calls: 0, input: '' };
  for (const block of output.output?.message?.content ?? []) {
    if (block.text !== undefined) text += block.text;
    reasoningText += block.reasoningContent?.reasoningText?.text ?? '';
    if (block.toolUse !== undefined) {
      tool.calls++;
      if (tool.calls === 1) {
        if (block.toolUse.name !== undefined) tool.name = block.toolUse.name;
        const input: unknown = block.toolUse.input;
        tool.parsed = typeof input === 'object' && input !== null && !Array.isArray(input);
      }
    }
  }
  if (!hasTokens(output.usage) || output.stopReason === undefined) {
    return errorRecord(o, 'invalid-response', 'response has no usage or no stopReason');
  }
  return okRecord(o, output.usage, output.stopReason, text, {
    serverLatencyMs: output.metrics?.latencyMs,
    served: output,
    reasoningText,
    tool,
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
  const so: StreamSoFar = {
    ttftMs: undefined,
    deltas: 0,
    text: '',
    firstReasoningMs: undefined,
    reasoningText: '',
    tool: { calls: 0, input: '' },
  };
  const tool = so.tool;
  let usage: TokenUsage | undefined;
  let stopReason: string | undefined;
  let serverLatencyMs: number | undefined;
  let served: ServedReport | undefined;
  try {
    for await (const event of output.stream ?? []) {
      if (event.contentBlockDelta !== undefined) {
        const delta = event.contentBlockDelta.delta;
        const text = delta?.text;
        const reasoning = delta?.reasoningContent?.text;
        if (text !== undefined && text !== '') {
          so.ttftMs ??= now() - startMs;
          so.text += text;
          so.deltas++;
        } else if (reasoning !== undefined && reasoning !== '') {
          so.firstReasoningMs ??= now() - startMs;
          so.reasoningText += reasoning;
        } else if (
          delta?.toolUse?.input !== undefined &&
          event.contentBlockDelta.contentBlockIndex === tool.block
        ) {
          tool.input += delta.toolUse.input;
        }
      } else if (event.contentBlockStart?.start?.toolUse !== undefined) {
        tool.calls++;
        if (tool.calls === 1) {
          tool.startMs = now() - startMs;
          tool.block = event.contentBlockStart.contentBlockIndex;
          const name = event.contentBlockStart.start.toolUse.name;
          if (name !== undefined) tool.name = name;
        }
      } else if (event.contentBlockStop !== undefined) {
        if (
          tool.block !== undefined &&
          event.contentBlockStop.contentBlockIndex === tool.block &&
          tool.parsed === undefined
        ) {
          const at = now() - startMs;
          tool.parsed = parsesAsObject(tool.input);
          if (tool.parsed) tool.inputMs = at;
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
    firstReasoningMs: so.firstReasoningMs,
    reasoningText: so.reasoningText,
    tool,
  });
}

/** The final attempt of a stream lasts until its last event, not until its headers. */
function extendLastAttempt(log: AttemptLog, endMs: number): void {
  const last = log.attemptMs.length - 1;
  const start = log.attemptStartMs[last];
  if (start !== undefined) log.attemptMs[last] = endMs - start;
}

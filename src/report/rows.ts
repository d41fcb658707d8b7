import type { CallRecord } from '../records/call-record.ts';
import { callCost } from '../records/cost.ts';
import {
  afterMs,
  cacheClass,
  connectMs,
  interTokenMs,
  isScheduled,
  outputTokensPerSecond,
  reasoningPhaseMs,
  receiveMs,
  responseTimeMs,
  sendMs,
  waitMs,
} from '../records/metrics.ts';
import type { Transport } from '../records/options.ts';
import type { ModelPricing } from '../records/prices.ts';

/** A row of the dataset, as the CSV joins it back by the record's document index. */
export interface DocumentText {
  document: string;
  referenceResponse: string;
}

/** The workshop's columns first, in its order, then ours. */
export const CSV_COLUMNS = [
  'model',
  'region',
  'inference_profile',
  'document',
  'referenceResponse',
  'model_response',
  'latency',
  'model_latencyMs',
  'model_input_tokens',
  'model_output_tokens',
  'status',
  'error_message',
  'timestamp',
  'api',
  'phase',
  'experiment',
  'invocation',
  'document_index',
  'stop_reason',
  'attempts',
  'retry_delay_ms',
  'attempt_ms',
  'http_status',
  'error_kind',
  'request_id',
  'transport',
  'latency_ms',
  'ttft_ms',
  'itl_ms',
  'output_tokens_per_s',
  'deltas',
  'scheduled_start_ms',
  'queue_delay_ms',
  'response_time_ms',
  'latency_mode_served',
  'service_tier',
  'service_tier_served',
  'auth',
  'prompt_cache',
  'cache_bust',
  'cache_read_tokens',
  'cache_write_tokens',
  'cache_class',
  'send_ms',
  'connect_ms',
  'wait_ms',
  'receive_ms',
  'after_ms',
  'connection_reused',
  'reasoning_budget',
  'first_reasoning_ms',
  'reasoning_phase_ms',
  'reasoning_tokens_estimate',
  'tool_config',
  'tool_calls',
  'tool_name',
  'tool_use_start_ms',
  'tool_input_ms',
  'tool_input_parsed',
  'prior_turns',
  'cost_usd',
  'cost_basis',
] as const;

export type CsvColumn = (typeof CSV_COLUMNS)[number];
/**
 * A cell: text, or a finite number kept as a number (so the CSV's formula guard leaves a negative
 * number alone). An unobserved value is the empty string, never 0 or NaN.
 */
export type CsvCell = string | number;
export type CsvRow = Record<CsvColumn, CsvCell>;

export interface RowContext {
  transport: Transport;
  /** Dataset rows by index; a missing row leaves the text cells empty. */
  documents: readonly DocumentText[];
  /** Keep document, reference and response texts out (`redactTexts`). */
  redactTexts: boolean;
  /** The model's prices (absent: none in the table, every cost unknown); `estimate` on the emulator target. */
  pricing?: ModelPricing;
  estimate?: boolean;
}

/**
 * The `cost_basis` cell: `estimate` (emulator target: what the call would cost on Bedrock) or
 * `price table` (Bedrock target), `, unverified` when a price used is; `unknown: <why>` when a price is
 * missing; empty for a failed call (no usage reported, not priced).
 */
function costCells(record: CallRecord, context: RowContext): { cost_usd: CsvCell; cost_basis: CsvCell } {
  const cost = callCost(record, context.pricing);
  if (cost === undefined) return { cost_usd: '', cost_basis: '' };
  if (cost.status === 'unknown') return { cost_usd: '', cost_basis: `unknown: ${cost.missing}` };
  const basis = context.estimate === true ? 'estimate' : 'price table';
  return { cost_usd: cell(cost.usd), cost_basis: cost.verified ? basis : `${basis}, unverified` };
}

/**
 * The `status` cell in the workshop's words: `success` or `error`, which its analysis filters on
 * (`status == 'success'`). Whether the call was a warmup is `phase`; why it failed is `error_kind`.
 */
export const CSV_STATUS = { ok: 'success', error: 'error' } as const;

function cell(value: number | string | undefined): CsvCell {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  return value;
}

/** A call's response: the text of a call that succeeded, the partial text of one that failed. */
export function responseOf(record: CallRecord): string | undefined {
  return record.status === 'ok' ? record.text : record.partialText;
}

/**
 * One call as a CSV row, its texts joined back from the dataset here, at report time. `response` is
 * the call's own unless given (the reporter holds records without their texts).
 */
export function toCsvRow(record: CallRecord, context: RowContext, response = responseOf(record)): CsvRow {
  const doc = context.redactTexts ? undefined : context.documents[record.document];
  const ok = record.status === 'ok' ? record : undefined;
  const failed = record.status === 'error' ? record : undefined;
  const { latencyMs } = record;
  return {
    model: record.modelId,
    region: record.region,
    inference_profile: record.latencyMode,
    document: cell(doc?.document),
    referenceResponse: cell(doc?.referenceResponse),
    model_response: cell(context.redactTexts ? undefined : response),
    latency: cell(latencyMs === undefined ? undefined : latencyMs / 1000),
    model_latencyMs: cell(ok?.serverLatencyMs),
    model_input_tokens: cell(ok?.inputTokens),
    model_output_tokens: cell(ok?.outputTokens),
    status: CSV_STATUS[record.status],
    error_message: cell(failed?.errorMessage),
    timestamp: record.timestamp,
    api: record.api,
    phase: record.phase,
    experiment: cell(record.experiment),
    invocation: cell(record.invocation),
    document_index: cell(record.document),
    stop_reason: cell(ok?.stopReason),
    attempts: cell(record.attempts),
    retry_delay_ms: cell(record.retryDelayMs),
    attempt_ms: record.attemptMs.map((ms) => String(cell(ms))).join(';'),
    http_status: cell(record.httpStatus),
    error_kind: cell(failed?.errorKind),
    request_id: cell(record.requestId),
    transport: context.transport,
    latency_ms: cell(record.latencyMs),
    ttft_ms: cell(record.ttftMs),
    itl_ms: cell(interTokenMs(record)),
    output_tokens_per_s: cell(outputTokensPerSecond(record)),
    deltas: cell(record.deltas),
    scheduled_start_ms: cell(record.scheduledStartMs),
    queue_delay_ms: cell(record.queueDelayMs),
    response_time_ms: cell(
      isScheduled(record) && latencyMs !== undefined ? responseTimeMs({ ...record, latencyMs }) : undefined,
    ),
    latency_mode_served: cell(ok?.latencyModeServed),
    service_tier: cell(record.serviceTier),
    service_tier_served: cell(ok?.serviceTierServed),
    auth: cell(record.auth),
    prompt_cache: record.promptCache ?? 'off',
    cache_bust: record.cacheBust === true ? 'true' : 'false',
    cache_read_tokens: cell(ok?.cacheReadTokens),
    cache_write_tokens: cell(ok?.cacheWriteTokens),
    cache_class: cell(cacheClass(record)),
    send_ms: cell(sendMs(record)),
    connect_ms: cell(connectMs(record)),
    wait_ms: cell(waitMs(record)),
    receive_ms: cell(receiveMs(record)),
    after_ms: cell(afterMs(record)),
    connection_reused: cell(
      record.wire?.reusedConnection === undefined ? undefined : String(record.wire.reusedConnection),
    ),
    reasoning_budget: cell(record.reasoningBudget ?? 'off'),
    first_reasoning_ms: cell(record.firstReasoningMs),
    reasoning_phase_ms: cell(reasoningPhaseMs(record)),
    reasoning_tokens_estimate: cell(ok?.reasoningTokensEstimate),
    tool_config: cell(record.tools),
    tool_calls: cell(ok?.toolCalls),
    tool_name: cell(ok?.toolName),
    tool_use_start_ms: cell(record.toolUseStartMs),
    tool_input_ms: cell(record.toolInputMs),
    tool_input_parsed: cell(ok?.toolInputParsed === undefined ? undefined : String(ok.toolInputParsed)),
    prior_turns: record.priorTurns ?? 0,
    ...costCells(record, context),
  };
}

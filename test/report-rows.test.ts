import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, toCsvRow } from '../src/report/rows.ts';
import {
  CANDIDATE_ID,
  DOCUMENTS,
  errorCall,
  okCall,
  SOURCE_ID,
  streamedCall,
  warmupCall,
} from './fixtures/report-records.ts';

const context = { transport: 'http1', documents: DOCUMENTS, redactTexts: false } as const;

describe('toCsvRow', () => {
  it('joins the document texts back and fills every column of an ok Converse call', () => {
    expect(toCsvRow(okCall(), context)).toEqual({
      model: SOURCE_ID,
      region: 'us-east-1',
      inference_profile: 'standard',
      document: 'Second document\nwith a newline.',
      referenceResponse: 'Ref two.',
      model_response: 'A short summary.',
      latency: 1.2345,
      model_latencyMs: 1100,
      model_input_tokens: 812,
      model_output_tokens: 190,
      status: 'success',
      error_message: '',
      timestamp: '2026-11-02T10:15:30.250Z',
      api: 'converse',
      phase: 'measure',
      experiment: 0,
      invocation: 0,
      document_index: 1,
      stop_reason: 'end_turn',
      attempts: 1,
      retry_delay_ms: 0,
      attempt_ms: '1234.5',
      http_status: 200,
      error_kind: '',
      request_id: 'req-ok',
      transport: 'http1',
      latency_ms: 1234.5,
      ttft_ms: '',
      itl_ms: '',
      output_tokens_per_s: '',
      deltas: '',
      scheduled_start_ms: '',
      queue_delay_ms: '',
      response_time_ms: '',
      latency_mode_served: '',
      service_tier: 'default',
      service_tier_served: '',
      auth: '',
      prompt_cache: 'off',
      cache_bust: 'false',
      cache_read_tokens: '',
      cache_write_tokens: '',
      cache_class: 'none',
      send_ms: '',
      connect_ms: '',
      wait_ms: '',
      receive_ms: '',
      after_ms: '',
      connection_reused: '',
      reasoning_budget: 'off',
      first_reasoning_ms: '',
      reasoning_phase_ms: '',
      reasoning_tokens_estimate: '',
      tool_config: '',
      tool_calls: '',
      tool_name: '',
      tool_use_start_ms: '',
      tool_input_ms: '',
      tool_input_parsed: '',
      prior_turns: 0,
      // No price given: the cost is unknown, and says why.
      cost_usd: '',
      cost_basis: 'unknown: no price for anthropic.claude-3-haiku-20240307-v1:0 in us-east-1',
    });
  });

  it('keeps a failed call as a row with its error, retries and empty token cells', () => {
    const row = toCsvRow(errorCall(), context);
    expect(row).toMatchObject({
      document: 'First document, about "quotes".',
      model_response: '',
      latency: 1.45025,
      model_latencyMs: '',
      model_input_tokens: '',
      model_output_tokens: '',
      status: 'error',
      error_message: 'Too many requests, please wait before trying again.',
      stop_reason: '',
      attempts: 3,
      retry_delay_ms: 300,
      attempt_ms: '100;200.5;849.75',
      http_status: 429,
      error_kind: 'ThrottlingException',
      request_id: 'req-err',
      latency_ms: 1450.25,
    });
  });

  it('puts the text received before a stream failed in model_response', () => {
    expect(toCsvRow(errorCall({ partialText: 'Half an ans' }), context).model_response).toBe('Half an ans');
  });

  it('leaves latency empty for a call the run never started, also under open loop', () => {
    const { latencyMs: _, ...neverStarted } = errorCall({
      errorKind: 'aborted',
      queueDelayMs: 3,
      scheduledStartMs: 2747,
    });
    const row = toCsvRow(neverStarted, context);
    expect([row.latency, row.latency_ms, row.response_time_ms]).toEqual(['', '', '']);
  });

  it('derives ITL, output speed and response time of a streamed open-loop call', () => {
    expect(toCsvRow(streamedCall(), context)).toMatchObject({
      model: CANDIDATE_ID,
      api: 'converse-stream',
      latency: 2,
      ttft_ms: 400,
      // (2000 - 400) / (101 - 1) and (101 - 1) / 1.6 s
      itl_ms: 16,
      output_tokens_per_s: 62.5,
      deltas: 12,
      scheduled_start_ms: 9000,
      queue_delay_ms: 2.5,
      response_time_ms: 2002.5,
      latency_mode_served: 'standard',
    });
  });

  it('classifies each ok call by the prompt cache usage it reported: read, write or none', () => {
    expect(toCsvRow(okCall({ cacheReadTokens: 800, cacheWriteTokens: 20 }), context)).toMatchObject({
      cache_read_tokens: 800,
      cache_write_tokens: 20,
      cache_class: 'read',
    });
    expect(toCsvRow(okCall({ cacheReadTokens: 0, cacheWriteTokens: 800 }), context)).toMatchObject({
      cache_class: 'write',
    });
    expect(toCsvRow(okCall({ cacheReadTokens: 0, cacheWriteTokens: 0 }), context)).toMatchObject({
      cache_class: 'none',
    });
    expect(toCsvRow(errorCall(), context)).toMatchObject({ cache_class: '' });
  });

  it('leaves ITL and output speed empty for one output token or no generating time', () => {
    expect(toCsvRow(streamedCall({ outputTokens: 1 }), context)).toMatchObject({
      itl_ms: '',
      output_tokens_per_s: '',
    });
    expect(toCsvRow(streamedCall({ ttftMs: 2000 }), context)).toMatchObject({
      itl_ms: '',
      output_tokens_per_s: '',
    });
  });

  it('flags warmup calls in the phase column', () => {
    expect(toCsvRow(warmupCall(), context)).toMatchObject({ phase: 'warmup', latency_ms: 3000 });
  });

  it('leaves texts out with redactTexts, and for a document index the dataset does not have', () => {
    const redacted = toCsvRow(okCall(), { ...context, redactTexts: true });
    expect([redacted.document, redacted.referenceResponse, redacted.model_response]).toEqual(['', '', '']);
    const missing = toCsvRow(okCall({ document: 7 }), context);
    expect([missing.document, missing.referenceResponse, missing.document_index]).toEqual(['', '', 7]);
  });

  it('never writes NaN or Infinity', () => {
    const row = toCsvRow(
      okCall({ serverLatencyMs: Number.NaN, latencyMs: Number.POSITIVE_INFINITY }),
      context,
    );
    expect([row.model_latencyMs, row.latency, row.latency_ms]).toEqual(['', '', '']);
  });

  it('has the workshop columns first, in its order', () => {
    expect(CSV_COLUMNS.slice(0, 13)).toEqual([
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
    ]);
  });
});

import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Fault, PlanRequest, ResponsePlan, RunningEmulator } from '../src/emulator/index.ts';
import { fixedPlanner, startEmulator } from '../src/emulator/index.ts';
import { type CallSpec, callModel } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import { indexTexts } from '../src/harness/redact-texts.ts';
import type { Api, CallRecord, ErrorCall, OkCall } from '../src/records/call-record.ts';
import type { Transport } from '../src/records/options.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

// The real SDK against the embedded emulator, over both transports. Timing assertions are only
// "observed >= scheduled": the emulator's ground truth says what it scheduled for each request.
const steady = fixedPlanner({ ttftMs: 40, tokensPerSecond: 1000 });
/** Faults for the next requests, one per request, in order; then steady answers. */
const faults: Fault[] = [];
const planner = (request: PlanRequest): ResponsePlan => {
  const plan = steady(request);
  const fault = faults.shift();
  return fault === undefined ? plan : { ...plan, fault };
};

// Node's timers run on libuv's loop clock, truncated to whole ms: the emulator's timers (and ours) can
// fire up to 1 ms early by the high-resolution clock. Real-time "observed >= scheduled" checks allow it.
const TIMER_SLACK_MS = 1;

let emulator: RunningEmulator;
const clients = new Map<Transport, BenchClient>();

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, planner });
  for (const transport of ['http1', 'http2'] as const) {
    clients.set(transport, clientAt(emulator.url, { transport, retryAttempts: 3 }));
  }
});

afterEach(() => {
  faults.length = 0;
  vi.restoreAllMocks();
});

afterAll(async () => {
  for (const bench of clients.values()) bench.destroy();
  await emulator.close();
});

const DOCUMENT =
  'The city council met on Tuesday to discuss the new budget. Members agreed to increase funding for public ' +
  'parks and libraries. The mayor said the plan would be paid for by savings in administration. A final vote ' +
  'is expected next month, after a period of public consultation.';

const spec = (api: Api): CallSpec =>
  callSpec({
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    api,
    document: 3,
    prompt: `Summarize this document:\n${DOCUMENT}`,
    inferenceConfig: { temperature: 0.1, maxTokens: 40, topP: 0.9 },
  });

const client = (transport: Transport) => {
  const bench = clients.get(transport);
  if (bench === undefined) throw new Error(`no ${transport} client`);
  return bench.client;
};

const truth = (record: CallRecord) => {
  const entry = emulator.groundTruthFor(record.requestId ?? '');
  if (entry === undefined) throw new Error(`no ground truth for ${record.requestId}`);
  return entry;
};

describe.each(['http1', 'http2'] as const)('over %s', (transport) => {
  test('Converse and ConverseStream: same answer; latency and TTFT at least what was scheduled', async () => {
    const converse = (await callModel(client(transport), spec('converse'))) as OkCall;
    const stream = (await callModel(client(transport), spec('converse-stream'))) as OkCall;
    for (const record of [converse, stream]) {
      expect(record).toMatchObject({ status: 'ok', attempts: 1, retryDelayMs: 0, httpStatus: 200 });
      expect(record.outputTokens).toBeGreaterThan(1);
      expect(record.stopReason).toMatch(/^(end_turn|max_tokens)$/);
      expect(record.attemptMs).toHaveLength(1);
      const entry = truth(record);
      expect(entry.protocol).toBe(transport);
      expect(record.inputTokens).toBe(entry.inputTokens);
      expect(record.outputTokens).toBe(entry.outputTokens);
      expect(record.latencyMs).toBeGreaterThanOrEqual(
        (entry.scheduledTotalMs ?? Number.NaN) - TIMER_SLACK_MS,
      );
      expect(record.latencyMs).toBeGreaterThanOrEqual(record.attemptMs[0] ?? Number.NaN);
      expect(record.serverLatencyMs).toBe(Math.round(40 + (record.outputTokens - 1)));
    }
    expect(stream.text).toBe(converse.text);
    expect(stream.text.length).toBeGreaterThan(0);
    expect(converse).not.toHaveProperty('ttftMs');
    expect(converse).not.toHaveProperty('deltas');
    const ttft = stream.ttftMs ?? Number.NaN;
    expect(ttft).toBeGreaterThanOrEqual((truth(stream).scheduledTtftMs ?? Number.NaN) - TIMER_SLACK_MS);
    expect(ttft).toBeLessThan(stream.latencyMs);
    expect(stream.deltas).toBeGreaterThanOrEqual(1);
    // The stream's last attempt lasts until its last event, not until its headers: it started before
    // the first delta arrived and ended with the call.
    expect(stream.attemptMs[0]).toBeGreaterThanOrEqual(stream.latencyMs - ttft);
    expect(stream.attemptMs[0]).toBeLessThanOrEqual(stream.latencyMs);
  });

  test('throttled once by the emulator, then served: two attempts', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.02);
    faults.push({
      kind: 'http-error',
      status: 429,
      errorType: 'ThrottlingException',
      message: 'Rate exceeded',
    });
    const record = await callModel(client(transport), spec('converse-stream'));
    expect(record).toMatchObject({ status: 'ok', attempts: 2, retryDelayMs: 20, httpStatus: 200 });
    expect(record.attemptMs).toHaveLength(2);
  });

  test('a mid-stream exception: error record with the text and deltas received before it', async () => {
    faults.push({
      kind: 'stream-exception',
      afterEvents: 3,
      exceptionType: 'modelStreamErrorException',
      message: 'The model stopped.',
    });
    const record = (await callModel(client(transport), spec('converse-stream'))) as ErrorCall;
    expect(record).toMatchObject({
      status: 'error',
      errorKind: 'ModelStreamErrorException',
      errorMessage: 'The model stopped.',
      httpStatus: 200,
      attempts: 1,
      deltas: 2,
    });
    expect(record.partialText?.length).toBeGreaterThan(0);
    expect(record.ttftMs).toBeLessThan(record.latencyMs as number);
  });

  test.each(['bad-crc', 'truncate'] as const)('a corrupt frame (%s): kind stream', async (mode) => {
    faults.push({ kind: 'corrupt-frame', afterEvents: 2, mode });
    const record = (await callModel(client(transport), spec('converse-stream'))) as ErrorCall;
    expect(record).toMatchObject({ status: 'error', errorKind: 'stream', deltas: 1, attempts: 1 });
  });

  test('with redactTexts (texts to cut), a record holds no response text, whole or partial', async () => {
    const redacted = { ...spec('converse-stream'), textsToCut: indexTexts([spec('converse').prompt]) };
    const ok = (await callModel(client(transport), redacted)) as OkCall;
    expect(ok).toMatchObject({ status: 'ok', text: '' });
    expect(ok.outputTokens).toBeGreaterThan(1);
    expect(ok.deltas).toBeGreaterThan(1);
    faults.push({
      kind: 'stream-exception',
      afterEvents: 3,
      exceptionType: 'modelStreamErrorException',
      message: 'The model stopped.',
    });
    const failed = (await callModel(client(transport), redacted)) as ErrorCall;
    expect(failed).toMatchObject({ status: 'error', errorKind: 'ModelStreamErrorException', deltas: 2 });
    expect(failed).not.toHaveProperty('partialText');
  });

  test('a connection dropped mid-stream: kind network, deltas counted', async () => {
    faults.push({ kind: 'drop', afterEvents: 2 });
    const record = (await callModel(client(transport), spec('converse-stream'))) as ErrorCall;
    expect(record).toMatchObject({ status: 'error', errorKind: 'network', attempts: 1, httpStatus: 200 });
    // The delta written just before the drop may arrive in the same read as the reset, and Node then
    // discards it: 0 or 1 deltas, never more, and partial text exactly when a delta arrived.
    expect([0, 1]).toContain(record.deltas);
    expect(record.partialText === undefined).toBe(record.deltas === 0);
  });

  test('the deadline passes while the stream is being read: kind timeout', async () => {
    faults.push({ kind: 'stall', ms: 5_000, afterEvents: 2 });
    const record = (await callModel(client(transport), {
      ...spec('converse-stream'),
      timeoutMs: 300,
    })) as ErrorCall;
    expect(record).toMatchObject({
      status: 'error',
      errorKind: 'timeout',
      errorMessage: 'deadline passed',
      deltas: 1,
    });
    expect(record.latencyMs).toBeGreaterThanOrEqual(300 - TIMER_SLACK_MS);
    expect(record.partialText?.length).toBeGreaterThan(0);
  });
});

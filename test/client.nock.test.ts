import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import nock from 'nock';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { callModel } from '../src/harness/call.ts';
import { type BenchClient, createBedrockClient } from '../src/harness/client.ts';
import { ClientOptionsError } from '../src/harness/errors.ts';
import type { ErrorCall, OkCall } from '../src/records/call-record.ts';
import { callIdentity, callSpec, clientAt } from './helpers/calls.ts';

// nock intercepts the SDK only through the HTTP/1.1 handler (DESIGN.md): these tests use transport http1.
const ORIGIN = 'http://bedrock.test';
const MODEL = 'amazon.nova-micro-v1:0';
const PATH = `/model/${encodeURIComponent(MODEL)}/converse`;

const spec = callSpec({
  modelId: MODEL,
  invocation: 2,
  document: 7,
  prompt: 'Summarize: the quick brown fox.',
});

const okBody = {
  output: { message: { role: 'assistant', content: [{ text: 'A fox ' }, { text: 'jumps.' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 12, outputTokens: 3, totalTokens: 15, cacheReadInputTokens: 4 },
  metrics: { latencyMs: 321 },
};

const errorHeaders = (type: string) => ({
  'x-amzn-errortype': type,
  'x-amzn-requestid': `req-${type}`,
});

// Node's timers run on libuv's loop clock, truncated to whole ms: a timer can fire up to 1 ms early
// by performance.now(). Real-time "observed >= scheduled" checks allow that much.
const TIMER_SLACK_MS = 1;

let bench: BenchClient;

beforeAll(() => {
  nock.disableNetConnect();
  bench = clientAt(ORIGIN, { retryAttempts: 3 });
});

afterEach(() => {
  vi.restoreAllMocks();
  nock.abortPendingRequests();
  nock.cleanAll();
});

afterAll(() => {
  bench.destroy();
  nock.enableNetConnect();
  nock.restore();
});

describe('Converse through nock', () => {
  test('ok: every field of the record', async () => {
    let sent: Record<string, unknown> | undefined;
    const scope = nock(ORIGIN)
      .post(PATH, (body) => {
        sent = body;
        return true;
      })
      .matchHeader('authorization', /Credential=converse-bench\//)
      .reply(200, okBody, { 'x-amzn-requestid': 'req-1' });
    const before = performance.now();
    const record = (await callModel(bench.client, spec)) as OkCall;
    const after = performance.now();
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Summarize: the quick brown fox.' }] }],
      inferenceConfig: { temperature: 0.1, maxTokens: 64, topP: 0.9 },
    });
    expect(record).toEqual({
      ...callIdentity({ modelId: MODEL, invocation: 2, document: 7 }),
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      startMs: expect.any(Number),
      latencyMs: expect.any(Number),
      attempts: 1,
      retryDelayMs: 0,
      attemptMs: [expect.any(Number)],
      auth: 'sigv4',
      httpStatus: 200,
      requestId: 'req-1',
      status: 'ok',
      inputTokens: 12,
      outputTokens: 3,
      cacheReadTokens: 4,
      stopReason: 'end_turn',
      serverLatencyMs: 321,
      text: 'A fox jumps.',
      // nock answers through a real ClientRequest on a fresh (mock) socket: every wire stamp is seen.
      wire: {
        attemptStartMs: 0,
        protocol: 'http1',
        reusedConnection: false,
        connectMs: expect.any(Number),
        sentMs: expect.any(Number),
        headersMs: expect.any(Number),
        lastByteMs: expect.any(Number),
      },
    });
    expect(record.startMs).toBeGreaterThanOrEqual(before);
    expect(record.startMs + record.latencyMs).toBeLessThanOrEqual(after);
    expect(record.latencyMs).toBeGreaterThanOrEqual(record.attemptMs[0] ?? Number.NaN);
  });

  test('optimized: performanceConfig is sent and the served mode recorded; system prompt sent', async () => {
    let sent: Record<string, unknown> | undefined;
    nock(ORIGIN)
      .post(PATH, (body) => {
        sent = body;
        return true;
      })
      .reply(200, { ...okBody, performanceConfig: { latency: 'optimized' } });
    const record = await callModel(bench.client, {
      ...spec,
      latencyMode: 'optimized',
      system: 'Be brief.',
      scheduledStartMs: performance.now() - 5,
    });
    expect(sent?.performanceConfig).toEqual({ latency: 'optimized' });
    expect(sent?.system).toEqual([{ text: 'Be brief.' }]);
    expect(record).toMatchObject({ status: 'ok', latencyMode: 'optimized', latencyModeServed: 'optimized' });
    expect(record.queueDelayMs).toBeGreaterThanOrEqual(5);
    expect(record.queueDelayMs).toBe(record.startMs - (record.scheduledStartMs ?? Number.NaN));
  });

  test('throttled once, then served: two attempts and the SDK retry delay', async () => {
    // The standard strategy's jitter: 0.05 x the 1000 ms throttling base = 50 ms.
    vi.spyOn(Math, 'random').mockReturnValue(0.05);
    nock(ORIGIN)
      .post(PATH)
      .reply(429, { message: 'Too many requests' }, errorHeaders('ThrottlingException'))
      .post(PATH)
      .reply(200, okBody, { 'x-amzn-requestid': 'req-2' });
    const record = await callModel(bench.client, spec);
    expect(record).toMatchObject({
      status: 'ok',
      attempts: 2,
      retryDelayMs: 50,
      httpStatus: 200,
      requestId: 'req-2',
    });
    expect(record.attemptMs).toHaveLength(2);
    expect(record.latencyMs).toBeGreaterThanOrEqual(
      50 + (record.attemptMs[0] ?? 0) + (record.attemptMs[1] ?? 0),
    );
  });

  test('400 ValidationException: an error record with kind, status, message and request id', async () => {
    nock(ORIGIN)
      .post(PATH)
      .reply(
        400,
        { message: 'The provided model identifier is invalid.' },
        errorHeaders('ValidationException'),
      );
    const record = (await callModel(bench.client, spec)) as ErrorCall;
    expect(record).toMatchObject({
      status: 'error',
      errorKind: 'ValidationException',
      errorMessage: 'The provided model identifier is invalid.',
      httpStatus: 400,
      requestId: 'req-ValidationException',
      attempts: 1,
      retryDelayMs: 0,
    });
    expect(record.attemptMs).toHaveLength(1);
    expect(record).not.toHaveProperty('ttftMs');
    expect(record).not.toHaveProperty('deltas');
  });

  test('408 ModelTimeoutException is not retried', async () => {
    const scope = nock(ORIGIN)
      .post(PATH)
      .reply(408, { message: 'Model has timed out.' }, errorHeaders('ModelTimeoutException'))
      .post(PATH)
      .reply(200, okBody);
    const record = await callModel(bench.client, spec);
    expect(record).toMatchObject({
      status: 'error',
      errorKind: 'ModelTimeoutException',
      httpStatus: 408,
      attempts: 1,
    });
    expect(scope.pendingMocks()).toHaveLength(1);
  });

  test('the deadline: a response slower than timeoutMs gives kind timeout', async () => {
    nock(ORIGIN).post(PATH).delay(5_000).reply(200, okBody);
    const record = await callModel(bench.client, { ...spec, timeoutMs: 50 });
    expect(record).toMatchObject({ status: 'error', errorKind: 'timeout', errorMessage: 'deadline passed' });
    expect(record.latencyMs).toBeGreaterThanOrEqual(50 - TIMER_SLACK_MS);
  });

  test('the deadline covers retry delays: timed out while waiting to retry', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.9);
    nock(ORIGIN).post(PATH).reply(429, { message: 'slow down' }, errorHeaders('ThrottlingException'));
    const record = await callModel(bench.client, { ...spec, timeoutMs: 300 });
    expect(record).toMatchObject({ status: 'error', errorKind: 'timeout', attempts: 1, httpStatus: 429 });
    expect(record.latencyMs).toBeGreaterThanOrEqual(300 - TIMER_SLACK_MS);
    expect(record.retryDelayMs).toBe(0);
  });

  test('an interrupted run: kind aborted', async () => {
    nock(ORIGIN).post(PATH).delay(5_000).reply(200, okBody);
    const interrupt = new AbortController();
    const pending = callModel(bench.client, { ...spec, signal: interrupt.signal });
    setTimeout(() => interrupt.abort(), 20);
    expect(await pending).toMatchObject({
      status: 'error',
      errorKind: 'aborted',
      errorMessage: 'run interrupted',
    });
  });
});

/** A client of the nock origin for `target`, destroyed (and the environment restored) after `use`. */
async function withClient(
  target: 'emulator' | 'bedrock',
  use: (made: BenchClient) => Promise<void>,
): Promise<void> {
  const made = createBedrockClient({
    target,
    endpoint: ORIGIN,
    region: 'us-east-1',
    transport: 'http1',
    retryAttempts: 1,
  });
  try {
    await use(made);
  } finally {
    made.destroy();
    vi.unstubAllEnvs();
  }
}

describe('createBedrockClient', () => {
  test('describes itself; standard retries, never adaptive, even when the environment asks', async () => {
    vi.stubEnv('AWS_RETRY_MODE', 'adaptive');
    vi.stubEnv('AWS_MAX_ATTEMPTS', '9');
    const made = createBedrockClient({
      target: 'bedrock',
      region: 'eu-west-1',
      transport: 'http1',
      retryAttempts: 2,
    });
    try {
      expect(made.describe).toEqual({
        target: 'bedrock',
        endpoint: undefined,
        region: 'eu-west-1',
        transport: 'http1',
        retryMode: 'standard',
        maxAttempts: 2,
      });
      const strategy = await made.client.config.retryStrategy();
      expect((strategy as { mode?: string }).mode).toBe('standard');
      expect(await made.client.config.maxAttempts()).toBe(2);
      expect(made.client.config.requestHandler).toBeInstanceOf(NodeHttpHandler);
    } finally {
      made.destroy();
      vi.unstubAllEnvs();
    }
  });

  test('http2 uses the HTTP/2 handler', () => {
    const made = createBedrockClient({
      target: 'emulator',
      endpoint: ORIGIN,
      region: 'us-east-1',
      transport: 'http2',
      retryAttempts: 1,
    });
    expect(made.client.config.requestHandler).toBeInstanceOf(NodeHttp2Handler);
    made.destroy();
  });

  test('the emulator signs with the fixed credentials even when a bearer token is in the environment', async () => {
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', 'users-own-token');
    await withClient('emulator', async (made) => {
      const scope = nock(ORIGIN)
        .post(PATH)
        .matchHeader('authorization', /^AWS4-HMAC-SHA256 Credential=converse-bench\//)
        .reply(200, okBody);
      expect(await callModel(made.client, spec)).toMatchObject({ status: 'ok', auth: 'sigv4' });
      expect(scope.isDone()).toBe(true);
    });
  });

  test('Bedrock with a Bedrock API key in the environment: the SDK sends it as a bearer token, recorded as the kind only', async () => {
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', 'ABSKusers-own-api-key');
    await withClient('bedrock', async (made) => {
      const scope = nock(ORIGIN)
        .post(PATH)
        .matchHeader('authorization', 'Bearer ABSKusers-own-api-key')
        .reply(200, okBody);
      const record = await callModel(made.client, spec);
      expect(record).toMatchObject({ status: 'ok', auth: 'bearer' });
      expect(JSON.stringify(record)).not.toContain('users-own-api-key');
      expect(scope.isDone()).toBe(true);
    });
  });

  test('Bedrock without an API key signs with SigV4, recorded as sigv4', async () => {
    vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'example-secret');
    await withClient('bedrock', async (made) => {
      const scope = nock(ORIGIN)
        .post(PATH)
        .matchHeader('authorization', /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\//)
        .reply(200, okBody);
      expect(await callModel(made.client, spec)).toMatchObject({ status: 'ok', auth: 'sigv4' });
      expect(scope.isDone()).toBe(true);
    });
  });

  test.each([
    [
      { target: 'emulator' as const },
      'createBedrockClient: target emulator needs an endpoint; start the emulator and pass its url',
    ],
    [
      { target: 'bedrock' as const, endpoint: 'bedrock.local:80' },
      'createBedrockClient: endpoint "bedrock.local:80" must be an http:// or https:// URL',
    ],
    [
      { target: 'bedrock' as const, retryAttempts: 0 },
      'createBedrockClient: retryAttempts 0 must be a whole number >= 1',
    ],
  ])('bad options: %j', (opts, text) => {
    const make = () =>
      createBedrockClient({ region: 'us-east-1', transport: 'http1', retryAttempts: 3, ...opts });
    expect(make).toThrow(ClientOptionsError);
    expect(make).toThrow(text);
  });
});

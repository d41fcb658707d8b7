import http from 'node:http';
import { BedrockRuntimeClient, type BedrockRuntimeClientConfig } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { CallSpec } from '../../src/harness/call.ts';
import { type BenchClient, type ClientOptions, createBedrockClient } from '../../src/harness/client.ts';
import type { CallIdentity, OkCall } from '../../src/records/call-record.ts';
import type { Transport } from '../../src/records/options.ts';

/** What tests hand to callModel and the scheduler: one measured call of a model, then each test's changes. */
export function callIdentity(overrides: Partial<CallIdentity> = {}): CallIdentity {
  return {
    modelId: 'amazon.nova-micro-v1:0',
    region: 'us-east-1',
    latencyMode: 'standard',
    serviceTier: 'default',
    api: 'converse',
    phase: 'measure',
    experiment: 0,
    invocation: 0,
    document: 0,
    ...overrides,
  };
}

export function callSpec(overrides: Partial<CallSpec> = {}): CallSpec {
  return {
    ...callIdentity(),
    prompt: 'Hello',
    inferenceConfig: { temperature: 0.1, maxTokens: 64, topP: 0.9 },
    timeoutMs: 10_000,
    ...overrides,
  };
}

/** An ok call of `callSpec()` as the harness records it (900 ms, 30 tokens in, 80 out), then each test's changes. */
export function okCallOf(overrides: Partial<OkCall> = {}): OkCall {
  return {
    ...callSpec(),
    status: 'ok',
    timestamp: '2026-12-01T00:00:00.000Z',
    startMs: 0,
    latencyMs: 900,
    attempts: 1,
    retryDelayMs: 0,
    attemptMs: [900],
    inputTokens: 30,
    outputTokens: 80,
    stopReason: 'end_turn',
    text: 'answer',
    ...overrides,
  };
}

/** A client of the emulator (or a nock origin) at `endpoint`: HTTP/1.1, no retry, unless overridden. */
export function clientAt(endpoint: string, overrides: Partial<ClientOptions> = {}): BenchClient {
  return createBedrockClient({
    target: 'emulator',
    endpoint,
    region: 'us-east-1',
    transport: 'http1',
    retryAttempts: 1,
    ...overrides,
  });
}

/**
 * A plain SDK client (no harness) of the emulator at `endpoint`, with fake keys and no retry unless
 * overridden: http1 through a keep-alive agent, http2 through the SDK's default handler.
 */
export function sdkClient(
  endpoint: string,
  transport: Transport = 'http2',
  overrides: Partial<BedrockRuntimeClientConfig> = {},
): BedrockRuntimeClient {
  return new BedrockRuntimeClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    maxAttempts: 1,
    ...(transport === 'http1'
      ? { requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ keepAlive: true }) }) }
      : {}),
    ...overrides,
  });
}

/** A loopback "Bedrock" answering one Converse call with a one-word, one-token reply. */
export function answerConverse(response: http.ServerResponse): void {
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    JSON.stringify({
      output: { message: { role: 'assistant', content: [{ text: 'ready' }] } },
      stopReason: 'end_turn',
      usage: { inputTokens: 5, outputTokens: 1, totalTokens: 6 },
      metrics: { latencyMs: 1 },
    }),
  );
}

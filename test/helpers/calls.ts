import type { CallSpec } from '../../src/harness/call.ts';
import type { CallIdentity } from '../../src/harness/call-record.ts';
import { type BenchClient, type ClientOptions, createBedrockClient } from '../../src/harness/client.ts';

/** What tests hand to callModel and the scheduler: one measured call of a model, then each test's changes. */
export function callIdentity(overrides: Partial<CallIdentity> = {}): CallIdentity {
  return {
    modelId: 'amazon.nova-micro-v1:0',
    region: 'us-east-1',
    latencyMode: 'standard',
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

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import {
  PreflightError,
  type PreflightInput,
  preflightMessage,
  preflightModel,
} from '../src/harness/preflight.ts';
import type { ErrorCall } from '../src/records/call-record.ts';
import { errorCall } from './fixtures/report-records.ts';

/**
 * The preflight call through a client built for target `bedrock` (the user's credential chain, read
 * from the environment) pointed at the emulator's endpoint: the emulator answers 403
 * AccessDeniedException for ids containing `no-access` and 400 ValidationException for unknown ids.
 */

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, planner: fixedPlanner({ ttftMs: 5, tokensPerSecond: 1000 }) });
});

afterAll(async () => {
  await emulator.close();
});

/** Only these variables decide which credentials the SDK's default chain finds. */
const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_BEARER_TOKEN_BEDROCK',
  'AWS_ROLE_ARN',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
];

beforeEach(() => {
  for (const name of CREDENTIAL_VARIABLES) vi.stubEnv(name, undefined);
  // No shared files, no instance metadata: nothing outside this test can supply credentials.
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/converse-bench/credentials');
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/converse-bench/config');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
});

afterEach(() => {
  vi.unstubAllEnvs();
});

function withKeys(): void {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDPREFLIGHTTEST');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'preflight-test-secret');
}

function input(modelId: string, overrides: Partial<PreflightInput['client']> = {}): PreflightInput {
  return {
    client: {
      target: 'bedrock',
      endpoint: emulator.url,
      region: 'us-east-1',
      transport: 'http1',
      retryAttempts: 1,
      ...overrides,
    },
    modelId,
    latencyMode: 'standard',
    serviceTier: 'default',
    promptCache: 'off',
    temperature: 0.1,
    topP: 0.9,
    timeoutMs: 10_000,
  };
}

describe('preflightModel against the emulator, target bedrock', () => {
  test('a model the account may call: one 1-token Converse call, then it resolves', async () => {
    withKeys();
    const before = emulator.groundTruth().length;
    await expect(preflightModel(input('amazon.nova-micro-v1:0'))).resolves.toBeUndefined();
    const calls = emulator.groundTruth().slice(before);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({
      modelId: 'amazon.nova-micro-v1:0',
      api: 'converse',
      status: 200,
      outputTokens: 1,
      outcome: 'completed',
    });
  });

  test('no access to the model (403 AccessDeniedException): fails with the fix', async () => {
    withKeys();
    const error = await preflightModel(input('anthropic.claude-no-access-v1:0')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      /^preflight anthropic\.claude-no-access-v1:0 in us-east-1: no access to this model \(AccessDeniedException: .+\); enable it under Bedrock > Model access/,
    );
  });

  test('an id Bedrock does not know (400 ValidationException): names the tracking file', async () => {
    withKeys();
    await expect(preflightModel(input('acme.not-a-model-v9:0'))).rejects.toThrow(
      /^preflight acme\.not-a-model-v9:0 in us-east-1: request rejected \(ValidationException: .+\); check the model id in the tracking file/,
    );
  });

  test('no credentials anywhere: CredentialsProviderError, before any request is sent', async () => {
    const before = emulator.groundTruth().length;
    await expect(preflightModel(input('amazon.nova-micro-v1:0'))).rejects.toThrow(
      /^preflight amazon\.nova-micro-v1:0 in us-east-1: no AWS credentials found \(CredentialsProviderError: .+\); set AWS_PROFILE/,
    );
    expect(emulator.groundTruth().length).toBe(before);
  });

  test('an empty region: fails before building a client', async () => {
    withKeys();
    await expect(preflightModel(input('amazon.nova-micro-v1:0', { region: ' ' }))).rejects.toThrow(
      new PreflightError(
        'amazon.nova-micro-v1:0: no AWS region: set AWS_REGION (or CONVERSE_BENCH_REGION) to the region to benchmark in',
      ),
    );
  });

  test('nothing listening at the endpoint: kind network, with the endpoint to check', async () => {
    withKeys();
    const closed = await startEmulator({ port: 0 });
    const url = closed.url;
    await closed.close();
    await expect(preflightModel(input('amazon.nova-micro-v1:0', { endpoint: url }))).rejects.toThrow(
      /^preflight amazon\.nova-micro-v1:0 in us-east-1: Bedrock did not answer \(network: .*\); check the network/,
    );
  });
});

describe('preflightMessage', () => {
  const failed = (errorKind: string, errorMessage: string): ErrorCall =>
    errorCall({ modelId: 'm.x-v1:0', region: 'eu-west-1', phase: 'warmup', errorKind, errorMessage });

  test.each([
    [
      'Error',
      'Region is missing',
      'preflight m.x-v1:0 in eu-west-1: no AWS region (Error: Region is missing)',
    ],
    ['ExpiredTokenException', 'expired', 'preflight m.x-v1:0 in eu-west-1: AWS rejected the credentials'],
    ['UnrecognizedClientException', 'bad token', 'AWS rejected the credentials'],
    ['ResourceNotFoundException', 'Model not found', 'model not found (ResourceNotFoundException: Model'],
    ['timeout', 'deadline passed', 'Bedrock did not answer (timeout: deadline passed)'],
    ['ThrottlingException', 'slow down', 'failed (ThrottlingException: slow down); fix it before'],
  ])('%s: %s', (kind, message, expected) => {
    expect(preflightMessage(failed(kind, message))).toContain(expected);
  });
});

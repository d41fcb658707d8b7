import nock from 'nock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test, vi } from 'vitest';
import { PreflightError, type PreflightInput, preflightModel } from '../src/harness/preflight.ts';

// The preflight call as it reaches Bedrock's own endpoint (no endpoint override), intercepted by nock
// through the HTTP/1.1 handler: request shape, SigV4 with the user's credentials, error mapping.
const ORIGIN = 'https://bedrock-runtime.eu-west-1.amazonaws.com';
const MODEL = 'eu.anthropic.claude-3-haiku-20240307-v1:0';
const PATH = `/model/${encodeURIComponent(MODEL)}/converse`;

const input = (
  latencyMode: PreflightInput['latencyMode'] = 'standard',
  promptCache: PreflightInput['promptCache'] = 'off',
): PreflightInput => ({
  client: { target: 'bedrock', region: 'eu-west-1', transport: 'http1', retryAttempts: 1 },
  modelId: MODEL,
  serviceTier: 'default',
  promptCache,
  latencyMode,
  temperature: 0.2,
  topP: 0.8,
  timeoutMs: 10_000,
});

const errorReply = (status: number, type: string, message: string) =>
  [status, { message }, { 'x-amzn-errortype': type, 'x-amzn-requestid': `req-${type}` }] as const;

beforeAll(() => {
  nock.disableNetConnect();
});

beforeEach(() => {
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDPREFLIGHTNOCK');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'preflight-nock-secret');
  vi.stubEnv('AWS_SESSION_TOKEN', undefined);
  vi.stubEnv('AWS_PROFILE', undefined);
  vi.stubEnv('AWS_BEARER_TOKEN_BEDROCK', undefined);
});

afterEach(() => {
  vi.unstubAllEnvs();
  nock.abortPendingRequests();
  nock.cleanAll();
});

afterAll(() => {
  nock.enableNetConnect();
  nock.restore();
});

describe('preflightModel through nock', () => {
  test('one signed 1-token Converse request with the run sampling settings and latency mode', async () => {
    let sent: unknown;
    const scope = nock(ORIGIN)
      .post(PATH, (body) => {
        sent = body;
        return true;
      })
      .matchHeader('authorization', /Credential=AKIDPREFLIGHTNOCK\/\d{8}\/eu-west-1\/bedrock\//)
      .reply(200, {
        output: { message: { role: 'assistant', content: [{ text: 'Ready' }] } },
        stopReason: 'max_tokens',
        usage: { inputTokens: 9, outputTokens: 1, totalTokens: 10 },
        metrics: { latencyMs: 120 },
        performanceConfig: { latency: 'optimized' },
      });
    await preflightModel(input('optimized'));
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Reply with one word: ready.' }] }],
      inferenceConfig: { temperature: 0.2, maxTokens: 1, topP: 0.8 },
      performanceConfig: { latency: 'optimized' },
    });
  });

  test('with prompt caching, the request reaching Bedrock carries the cachePoint and its TTL', async () => {
    let sent: unknown;
    const scope = nock(ORIGIN)
      .post(PATH, (body) => {
        sent = body;
        return true;
      })
      .reply(200, {
        output: { message: { role: 'assistant', content: [{ text: 'Ready' }] } },
        stopReason: 'max_tokens',
        usage: {
          inputTokens: 9,
          outputTokens: 1,
          totalTokens: 10,
          cacheReadInputTokens: 0,
          cacheWriteInputTokens: 0,
        },
        metrics: { latencyMs: 120 },
      });
    await preflightModel(input('standard', '1h'));
    expect(scope.isDone()).toBe(true);
    expect(sent).toEqual({
      messages: [
        {
          role: 'user',
          content: [{ text: 'Reply with one word: ready.' }, { cachePoint: { type: 'default', ttl: '1h' } }],
        },
      ],
      inferenceConfig: { temperature: 0.2, maxTokens: 1, topP: 0.8 },
    });
  });

  test.each([
    [
      errorReply(
        403,
        'AccessDeniedException',
        "You don't have access to the model with the specified model ID.",
      ),
      /no access to this model \(AccessDeniedException: You don't have access/,
    ],
    [
      errorReply(404, 'ResourceNotFoundException', 'Model not found in this region.'),
      /model not found \(ResourceNotFoundException: Model not found in this region\.\); check the id/,
    ],
    [
      errorReply(400, 'ValidationException', 'The provided model identifier is invalid.'),
      /request rejected \(ValidationException: The provided model identifier is invalid\.\)/,
    ],
    [
      errorReply(
        403,
        'UnrecognizedClientException',
        'The security token included in the request is invalid.',
      ),
      /AWS rejected the credentials \(UnrecognizedClientException: /,
    ],
  ])('HTTP %# maps to a PreflightError with the fix', async (reply, expected) => {
    nock(ORIGIN)
      .post(PATH)
      .reply(...reply);
    const error = await preflightModel(input()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toMatch(
      new RegExp(`^preflight ${MODEL.replace(/\./g, '\\.')} in eu-west-1: `),
    );
    expect((error as Error).message).toMatch(expected);
  });
});

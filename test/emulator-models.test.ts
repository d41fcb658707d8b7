import { EventStreamCodec } from '@smithy/core/event-streams';
import { expect, test } from 'vitest';
import { breakCrc, encodeEvent, encodeException, truncateFrame } from '../src/emulator/event-stream.ts';
import { FixedPlannerError, fixedPlanner } from '../src/emulator/fixed-planner.ts';
import { GroundTruthRing } from '../src/emulator/ground-truth.ts';
import { baseModelId, DEFAULT_MODELS, resolveModel } from '../src/emulator/models.ts';
import type { PlanRequest } from '../src/emulator/plan.ts';
import { matchRoute } from '../src/emulator/routes.ts';

test.each([
  ['amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0'],
  ['us.amazon.nova-lite-v1:0', 'amazon.nova-lite-v1:0'],
  ['apac.anthropic.claude-3-haiku-20240307-v1:0', 'anthropic.claude-3-haiku-20240307-v1:0'],
  [
    'arn:aws:bedrock:eu-west-1::foundation-model/mistral.mistral-small-2402-v1:0',
    'mistral.mistral-small-2402-v1:0',
  ],
  [
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-1-8b-instruct-v1:0',
    'meta.llama3-1-8b-instruct-v1:0',
  ],
  ['arn:aws-us-gov:bedrock:us-gov-west-1::foundation-model/amazon.nova-pro-v1:0', 'amazon.nova-pro-v1:0'],
  ['arn:aws:bedrock:us-east-1:123456789012:foundation-model/amazon.nova-pro-v1:0', undefined],
  ['arn:aws:bedrock:us-east-1::inference-profile/us.amazon.nova-pro-v1:0', undefined],
  ['Amazon.Nova', undefined],
  ['nova', undefined],
  ['', undefined],
])('baseModelId(%s) = %s', (id, base) => {
  expect(baseModelId(id)).toBe(base);
});

test('resolveModel: known, unknown, and no-access ids', () => {
  expect(resolveModel('us.amazon.nova-micro-v1:0', DEFAULT_MODELS)).toEqual({
    status: 'ok',
    baseId: 'amazon.nova-micro-v1:0',
    info: { maxOutputTokens: 10000 },
  });
  // A context-length variant is its base model; a model the catalogue does not list is invalid,
  // even from a provider it knows (Bedrock: "The provided model identifier is invalid.").
  expect(resolveModel('anthropic.claude-3-haiku-20240307-v1:0:200k', DEFAULT_MODELS)).toEqual({
    status: 'ok',
    baseId: 'anthropic.claude-3-haiku-20240307-v1:0:200k',
    info: { maxOutputTokens: 4096 },
  });
  expect(resolveModel('amazon.nova-ultra-v9:0', DEFAULT_MODELS)).toEqual({ status: 'invalid' });
  expect(resolveModel('acme.nova-mega-v1:0', DEFAULT_MODELS)).toEqual({ status: 'invalid' });
  expect(resolveModel('toString', DEFAULT_MODELS)).toEqual({ status: 'invalid' });
  expect(resolveModel('anthropic.no-access-v1:0', DEFAULT_MODELS)).toEqual({
    status: 'no-access',
    baseId: 'anthropic.no-access-v1:0',
  });
});

test('routes decode the model id and ignore the query string', () => {
  expect(matchRoute('/model/us.amazon.nova-lite-v1%3A0/converse-stream?x=1')).toEqual({
    kind: 'model',
    api: 'converse-stream',
    modelId: 'us.amazon.nova-lite-v1:0',
  });
  expect(matchRoute('/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A%3Afoundation-model%2Fa.b/converse')).toEqual({
    kind: 'model',
    api: 'converse',
    modelId: 'arn:aws:bedrock:us-east-1::foundation-model/a.b',
  });
  expect(matchRoute('/model/%E0%A4%A/converse')).toMatchObject({ modelId: '%E0%A4%A' });
  expect(matchRoute('/_emulator/requests/abc')).toEqual({ kind: 'ground-truth-entry', requestId: 'abc' });
  expect(matchRoute('/model/x/invoke')).toEqual({ kind: 'unknown' });
});

test('ground truth ring keeps the newest entries, oldest first, and forgets evicted ids', () => {
  const ring = new GroundTruthRing(3);
  for (let i = 1; i <= 5; i++) {
    ring.add({ requestId: `r${i}`, protocol: 'http1', receivedMs: i, outcome: 'completed' });
  }
  expect(ring.list().map((e) => e.requestId)).toEqual(['r3', 'r4', 'r5']);
  expect(ring.get('r2')).toBeUndefined();
  expect(ring.get('r4')?.receivedMs).toBe(4);
});

test('fixed planner: scaled TTFT and even gaps, one fewer than the tokens', () => {
  const request: PlanRequest = {
    modelId: 'amazon.nova-lite-v1:0',
    api: 'converse-stream',
    latencyMode: 'optimized',
    serviceTier: 'default',
    inputTokens: 100,
    outputTokens: 5,
    headers: {},
    receivedMs: 0,
  };
  expect(fixedPlanner({ ttftMs: 200, tokensPerSecond: 50, timeScale: 0.5 })(request)).toEqual({
    ttftMs: 100,
    interTokenMs: [10, 10, 10, 10],
    latencyModeServed: 'standard',
    serviceTierServed: 'default',
    reportedLatencyMs: 140,
  });
  // No notion of which models offer a tier: it serves the tier asked for, at its one fixed speed.
  expect(fixedPlanner()({ ...request, serviceTier: 'flex' })).toMatchObject({ serviceTierServed: 'flex' });
  expect(fixedPlanner()({ ...request, outputTokens: 0 })).toMatchObject({ ttftMs: 300, interTokenMs: [] });
  // The standalone emulator's default planner acts out a request's fault header, as its docs say.
  const withFault = (spec: string) =>
    fixedPlanner()({ ...request, headers: { 'x-emulator-fault': spec } }).fault;
  expect(withFault('error=ModelTimeoutException')).toMatchObject({
    status: 408,
    errorType: 'ModelTimeoutException',
  });
  expect(withFault('stall=2000')).toEqual({ kind: 'stall', ms: 2000 });
  expect(withFault('bogus')).toMatchObject({ status: 400, errorType: 'ValidationException' });
  expect(fixedPlanner()(request).fault).toBeUndefined();
  expect(() => fixedPlanner({ tokensPerSecond: 0 })).toThrow(FixedPlannerError);
  expect(() => fixedPlanner({ ttftMs: -1 })).toThrow(
    'fixedPlanner: ttftMs must be a non-negative finite number, got -1.',
  );
});

test('event frames decode with the SDK codec; corrupted ones do not', () => {
  const codec = new EventStreamCodec(
    (bytes) => new TextDecoder().decode(bytes),
    (text) => new TextEncoder().encode(text),
  );
  const frame = encodeEvent('contentBlockDelta', { delta: { text: 'Hi' }, contentBlockIndex: 0 });
  const message = codec.decode(frame);
  expect(message.headers).toEqual({
    ':event-type': { type: 'string', value: 'contentBlockDelta' },
    ':content-type': { type: 'string', value: 'application/json' },
    ':message-type': { type: 'string', value: 'event' },
  });
  expect(JSON.parse(new TextDecoder().decode(message.body))).toEqual({
    delta: { text: 'Hi' },
    contentBlockIndex: 0,
  });
  const exception = codec.decode(encodeException('throttlingException', 'Slow down.'));
  expect(exception.headers[':exception-type']).toEqual({ type: 'string', value: 'throttlingException' });
  expect(exception.headers[':message-type']).toEqual({ type: 'string', value: 'exception' });
  expect(() => codec.decode(breakCrc(frame))).toThrow(/checksum/);
  expect(truncateFrame(frame).length).toBe(Math.floor(frame.length / 2));
});

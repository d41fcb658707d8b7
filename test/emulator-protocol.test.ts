import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  type ConverseCommandOutput,
  ConverseStreamCommand,
  type ConverseStreamOutput,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { countTokens } from '../src/emulator/tokenizer.ts';
import { sdkClient } from './helpers/calls.ts';

const DOCUMENT = [
  'The city council approved a new budget for public transport on Monday.',
  'The budget adds twelve electric buses and extends night service on three routes.',
  'Council members said public transport ridership grew by a fifth last year.',
  'Opponents argued the budget ignores road repairs in the northern districts.',
  'The mayor promised a separate plan for road repairs before the winter.',
  'Electric buses will start running on the busiest routes in the spring.',
  'Transport officials expect the new buses to cut fuel costs by a third.',
  'A public hearing on the remaining budget items is scheduled for next month.',
].join(' ');

const prompt = (text: string) => `Summarize the document.\n<document>\n${text}\n</document>`;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, planner: fixedPlanner({ ttftMs: 5, tokensPerSecond: 1000 }) });
});
afterAll(() => emulator.close());

function client(transport: 'http1' | 'http2'): BedrockRuntimeClient {
  // The SDK's default retry settings (maxAttempts unset).
  return sdkClient(emulator.url, transport, { maxAttempts: undefined });
}

function input(overrides: Partial<ConverseCommandInput> = {}): ConverseCommandInput {
  return {
    modelId: 'amazon.nova-lite-v1:0',
    messages: [{ role: 'user', content: [{ text: prompt(DOCUMENT) }] }],
    ...overrides,
  };
}

async function streamEvents(c: BedrockRuntimeClient, request: ConverseCommandInput) {
  const start = performance.now();
  const response = await c.send(new ConverseStreamCommand(request));
  const events: ConverseStreamOutput[] = [];
  let ttftMs: number | undefined;
  for await (const event of response.stream ?? []) {
    if (event.contentBlockDelta?.delta?.text && ttftMs === undefined) ttftMs = performance.now() - start;
    events.push(event);
  }
  const text = events.map((e) => e.contentBlockDelta?.delta?.text ?? '').join('');
  return {
    events,
    text,
    ttftMs,
    requestId: response.$metadata.requestId,
    latencyMs: performance.now() - start,
  };
}

const textOf = (response: ConverseCommandOutput): string =>
  response.output?.message?.content?.[0]?.text ?? '';

describe.each(['http1', 'http2'] as const)('emulator protocol over %s', (transport) => {
  let c: BedrockRuntimeClient;
  beforeAll(() => {
    c = client(transport);
  });
  afterAll(() => c.destroy());

  test('Converse answers in Bedrock shape with realistic usage and the planned latency', async () => {
    const response = await c.send(new ConverseCommand(input()));
    const text = textOf(response);
    expect(response.output?.message?.role).toBe('assistant');
    expect(text.length).toBeGreaterThan(40);
    expect(DOCUMENT).toContain(text.split('. ')[0]);
    expect(response.stopReason).toBe('end_turn');
    const usage = response.usage;
    expect(usage?.inputTokens).toBe(countTokens(prompt(DOCUMENT)));
    expect(usage?.outputTokens).toBe(countTokens(text));
    expect(usage?.totalTokens).toBe((usage?.inputTokens ?? 0) + (usage?.outputTokens ?? 0));
    // Fixed planner: 5 ms to the first token, then 1 ms per token.
    expect(response.metrics?.latencyMs).toBe(Math.round(5 + ((usage?.outputTokens ?? 0) - 1)));
    expect(response.performanceConfig).toBeUndefined();
    expect(response.$metadata.httpStatusCode).toBe(200);
    expect(response.$metadata.requestId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  test('ConverseStream sends events in Bedrock order and its deltas join to the Converse text', async () => {
    const converse = await c.send(new ConverseCommand(input()));
    const stream = await streamEvents(c, input());
    const kinds = stream.events.map((e) => Object.keys(e).find((k) => k !== '$unknown'));
    const deltas = kinds.filter((k) => k === 'contentBlockDelta').length;
    expect(kinds).toEqual([
      'messageStart',
      ...new Array(deltas).fill('contentBlockDelta'),
      'contentBlockStop',
      'messageStop',
      'metadata',
    ]);
    expect(stream.events[0]?.messageStart?.role).toBe('assistant');
    expect(stream.text).toBe(textOf(converse));
    // One delta per token for plain English text.
    expect(deltas).toBe(converse.usage?.outputTokens);
    expect(stream.events.at(-2)?.messageStop?.stopReason).toBe('end_turn');
    const metadata = stream.events.at(-1)?.metadata;
    expect(metadata?.usage).toEqual(converse.usage);
    expect(metadata?.metrics?.latencyMs).toBe(converse.metrics?.latencyMs);
  });

  test('the same request gets the same text', async () => {
    const a = await c.send(new ConverseCommand(input()));
    const b = await c.send(new ConverseCommand(input()));
    expect(textOf(b)).toBe(textOf(a));
    expect(b.usage).toEqual(a.usage);
  });

  test('maxTokens truncates the answer with stopReason max_tokens, streamed and not', async () => {
    const full = textOf(await c.send(new ConverseCommand(input())));
    const request = input({ inferenceConfig: { maxTokens: 5 } });
    const response = await c.send(new ConverseCommand(request));
    expect(response.stopReason).toBe('max_tokens');
    expect(response.usage?.outputTokens).toBe(5);
    expect(full.startsWith(textOf(response))).toBe(true);
    expect(textOf(response).length).toBeLessThan(full.length);
    const stream = await streamEvents(c, request);
    expect(stream.text).toBe(textOf(response));
    expect(stream.events.filter((e) => e.contentBlockDelta)).toHaveLength(5);
    expect(stream.events.at(-2)?.messageStop?.stopReason).toBe('max_tokens');
  });

  test('a stop sequence cuts the answer before it with stopReason stop_sequence', async () => {
    const full = textOf(await c.send(new ConverseCommand(input())));
    const stop = full.split(' ')[4] ?? '';
    const request = input({ inferenceConfig: { stopSequences: ['NEVER-THERE', stop] } });
    const response = await c.send(new ConverseCommand(request));
    expect(response.stopReason).toBe('stop_sequence');
    expect(textOf(response)).toBe(full.slice(0, full.indexOf(stop)));
    expect((await streamEvents(c, request)).text).toBe(textOf(response));
  });

  test('system prompts and earlier turns count as input; the last user message is summarized', async () => {
    const single = await c.send(new ConverseCommand(input()));
    const multi = await c.send(
      new ConverseCommand(
        input({
          system: [{ text: 'You are a careful news editor.' }],
          messages: [
            {
              role: 'user',
              content: [{ text: prompt('An older document about something else entirely. It is short.') }],
            },
            { role: 'assistant', content: [{ text: 'It is short.' }] },
            { role: 'user', content: [{ text: prompt(DOCUMENT) }] },
          ],
        }),
      ),
    );
    expect(textOf(multi)).toBe(textOf(single));
    const older = prompt('An older document about something else entirely. It is short.');
    const extra = ['You are a careful news editor.', older, 'It is short.'].map(countTokens);
    expect(multi.usage?.inputTokens).toBe((single.usage?.inputTokens ?? 0) + extra.reduce((a, b) => a + b));
  });

  test('performanceConfig.latency is answered with the mode served', async () => {
    const request = input({ performanceConfig: { latency: 'optimized' } });
    const response = await c.send(new ConverseCommand(request));
    // The fixed planner serves standard latency to every model.
    expect(response.performanceConfig).toEqual({ latency: 'standard' });
    const stream = await streamEvents(c, request);
    expect(stream.events.at(-1)?.metadata?.performanceConfig).toEqual({ latency: 'standard' });
  });

  test.each([
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-3-5-haiku-20241022-v1:0',
    'global.amazon.nova-micro-v1:0',
    'arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-8b-instruct-v1:0',
    'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.amazon.nova-lite-v1:0',
  ])('accepts the model id form %s', async (modelId) => {
    const response = await c.send(new ConverseCommand(input({ modelId })));
    expect(response.stopReason).toBe('end_turn');
    expect(emulator.groundTruthFor(response.$metadata.requestId ?? '')?.modelId).toBe(modelId);
  });

  test('ground truth: scheduled times, stamps no earlier than scheduled, and client TTFT no shorter', async () => {
    const stream = await streamEvents(c, input());
    const entry = emulator.groundTruthFor(stream.requestId ?? '');
    expect(entry).toMatchObject({
      api: 'converse-stream',
      protocol: transport,
      status: 200,
      outcome: 'completed',
    });
    if (!entry?.firstTokenMs || !entry.lastByteMs || entry.scheduledTtftMs === undefined)
      throw new Error('stamps');
    expect(entry.scheduledTtftMs).toBe(5);
    expect(entry.scheduledTotalMs).toBe(5 + (entry.outputTokens ?? 0) - 1);
    expect(entry.firstTokenMs - entry.receivedMs).toBeGreaterThanOrEqual(entry.scheduledTtftMs);
    expect(entry.lastByteMs - entry.receivedMs).toBeGreaterThanOrEqual(entry.scheduledTotalMs ?? 0);
    expect(stream.ttftMs).toBeGreaterThanOrEqual(entry.scheduledTtftMs);
    expect(stream.latencyMs).toBeGreaterThanOrEqual(entry.scheduledTotalMs ?? 0);

    const converse = await c.send(new ConverseCommand(input()));
    const started = emulator.groundTruthFor(converse.$metadata.requestId ?? '');
    if (!started?.firstTokenMs) throw new Error('stamps');
    expect(started.firstTokenMs - started.receivedMs).toBeGreaterThanOrEqual(started.scheduledTotalMs ?? 0);
  });
});

describe('emulator routes', () => {
  test('schedule headers and ground truth over HTTP, by id and as a list', async () => {
    const response = await fetch(`${emulator.url}/model/amazon.nova-micro-v1%3A0/converse`, {
      method: 'POST',
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: prompt(DOCUMENT) }] }] }),
    });
    expect(response.status).toBe(200);
    const id = response.headers.get('x-amzn-requestid') ?? '';
    const total = Number(response.headers.get('x-emulator-scheduled-total-ms'));
    expect(response.headers.get('x-emulator-scheduled-ttft-ms')).toBe('5');
    const body = (await response.json()) as { usage: { outputTokens: number } };
    expect(total).toBe(5 + body.usage.outputTokens - 1);

    const entry = (await (await fetch(`${emulator.url}/_emulator/requests/${id}`)).json()) as Record<
      string,
      unknown
    >;
    expect(entry).toMatchObject({
      requestId: id,
      modelId: 'amazon.nova-micro-v1:0',
      api: 'converse',
      protocol: 'http1',
    });
    const list = (await (await fetch(`${emulator.url}/_emulator/requests`)).json()) as {
      requestId: string;
    }[];
    expect(list.at(-1)?.requestId).toBe(id);
    expect(emulator.groundTruth().at(-1)?.requestId).toBe(id);
  });

  test('health answers ok; an unknown request id is a 404', async () => {
    const health = await fetch(`${emulator.url}/_emulator/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', inFlight: 1 });
    const missing = await fetch(`${emulator.url}/_emulator/requests/nope`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-amzn-errortype')).toBe('ResourceNotFoundException');
  });
});

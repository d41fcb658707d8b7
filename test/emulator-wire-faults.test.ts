import {
  type BedrockRuntimeClient,
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { type Fault, fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { sdkClient } from './helpers/calls.ts';

/** Every fault kind of plan.ts, acted out on the wire and observed through the real SDK. */

const base = fixedPlanner({ ttftMs: 5, tokensPerSecond: 1000 });
let fault: Fault | undefined;

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, planner: (r) => ({ ...base(r), ...(fault ? { fault } : {}) }) });
});
afterAll(() => emulator.close());
afterEach(() => {
  fault = undefined;
});

const INPUT: ConverseCommandInput = {
  modelId: 'amazon.nova-micro-v1:0',
  messages: [
    {
      role: 'user',
      content: [{ text: 'Trains run on rails across the plain. Rails carry trains fast. Plains are wide.' }],
    },
  ],
};

/** Event names received before the stream ended or threw, and what it threw. */
async function stream(c: BedrockRuntimeClient) {
  const events: string[] = [];
  const start = performance.now();
  let ttftMs: number | undefined;
  let requestId: string | undefined;
  try {
    const response = await c.send(new ConverseStreamCommand(INPUT));
    requestId = response.$metadata.requestId;
    for await (const event of response.stream ?? []) {
      if (event.contentBlockDelta && ttftMs === undefined) ttftMs = performance.now() - start;
      events.push(Object.keys(event)[0] ?? '');
    }
    return { events, ttftMs, requestId, error: undefined };
  } catch (error) {
    return { events, ttftMs, requestId, error: error as Error };
  }
}

async function converse(c: BedrockRuntimeClient) {
  try {
    return { response: await c.send(new ConverseCommand(INPUT)), error: undefined };
  } catch (error) {
    return { response: undefined, error: error as Error & { $metadata?: { httpStatusCode?: number } } };
  }
}

describe.each(['http1', 'http2'] as const)('planned faults over %s', (transport) => {
  let c: BedrockRuntimeClient;
  beforeAll(() => {
    c = sdkClient(emulator.url, transport);
  });
  afterAll(() => c.destroy());

  test.each([
    ['modelStreamErrorException', 'ModelStreamErrorException', 3],
    ['throttlingException', 'ThrottlingException', 1],
    ['internalServerException', 'InternalServerException', 0],
  ])('a %s after k events: for await throws %s after exactly k events', async (exceptionType, name, k) => {
    fault = {
      kind: 'stream-exception',
      afterEvents: k,
      exceptionType,
      message: 'Planned mid-stream failure.',
    };
    const result = await stream(c);
    expect(result.error?.name).toBe(name);
    expect(result.error?.message).toBe('Planned mid-stream failure.');
    expect(result.events).toHaveLength(k);
    expect(result.events[0] ?? 'messageStart').toBe('messageStart');
    // With k = 0 the SDK throws from send() itself, before handing out the request id.
    const entry = result.requestId
      ? emulator.groundTruthFor(result.requestId)
      : emulator.groundTruth().at(-1);
    expect(entry).toMatchObject({ status: 200, errorType: exceptionType });
  });

  test('a stream exception planned for Converse becomes the matching HTTP error', async () => {
    fault = {
      kind: 'stream-exception',
      afterEvents: 2,
      exceptionType: 'modelStreamErrorException',
      message: 'Oops.',
    };
    const { error } = await converse(c);
    expect(error?.name).toBe('ModelStreamErrorException');
    expect(error?.$metadata?.httpStatusCode).toBe(424);
  });

  test('a stall before the response delays the first token by its length', async () => {
    fault = { kind: 'stall', ms: 40 };
    const result = await stream(c);
    expect(result.error).toBeUndefined();
    const entry = emulator.groundTruthFor(result.requestId ?? '');
    expect(entry?.scheduledTtftMs).toBe(45);
    expect(result.ttftMs).toBeGreaterThanOrEqual(45);
    expect((entry?.firstTokenMs ?? 0) - (entry?.receivedMs ?? 0)).toBeGreaterThanOrEqual(45);
  });

  test('a stall during the stream delays the events after it, and Converse by its length', async () => {
    fault = { kind: 'stall', ms: 30, afterEvents: 3 };
    const result = await stream(c);
    expect(result.error).toBeUndefined();
    expect(result.events.at(-1)).toBe('metadata');
    const entry = emulator.groundTruthFor(result.requestId ?? '');
    // The first delta is event 2, before the stall; the last token is after it.
    expect(entry?.scheduledTtftMs).toBe(5);
    expect(entry?.scheduledTotalMs).toBe(5 + (entry?.outputTokens ?? 0) - 1 + 30);
    expect((entry?.lastByteMs ?? 0) - (entry?.receivedMs ?? 0)).toBeGreaterThanOrEqual(
      entry?.scheduledTotalMs ?? 0,
    );

    const { response } = await converse(c);
    const converseEntry = emulator.groundTruthFor(response?.$metadata.requestId ?? '');
    expect(converseEntry?.scheduledTotalMs).toBe(entry?.scheduledTotalMs);
  });

  test('a drop before the response fails the call without a status', async () => {
    fault = { kind: 'drop' };
    const result = await stream(c);
    expect(result.error).toBeDefined();
    expect(result.events).toEqual([]);
    const { error } = await converse(c);
    expect(error).toBeDefined();
    expect(error?.$metadata?.httpStatusCode).toBeUndefined();
    expect(
      emulator
        .groundTruth()
        .slice(-2)
        .map((e) => [e.outcome, e.status]),
    ).toEqual([
      ['dropped', undefined],
      ['dropped', undefined],
    ]);
  });

  test('a drop after k events makes for await throw after k events', async () => {
    fault = { kind: 'drop', afterEvents: 3 };
    const result = await stream(c);
    expect(result.error).toBeDefined();
    expect(result.events).toEqual(['messageStart', 'contentBlockDelta', 'contentBlockDelta']);
    expect(emulator.groundTruthFor(result.requestId ?? '')?.outcome).toBe('dropped');
  });

  test.each([
    ['truncate', 'Truncated event message received.'],
    ['bad-crc', 'The message checksum'],
  ] as const)('a %s frame after k events makes the stream fail to decode', async (mode, message) => {
    fault = { kind: 'corrupt-frame', afterEvents: 2, mode };
    const result = await stream(c);
    expect(result.events).toEqual(['messageStart', 'contentBlockDelta']);
    expect(result.error?.message).toContain(message);
  });

  test('a truncate fault cuts a Converse body short; a bad CRC does not apply to JSON', async () => {
    fault = { kind: 'corrupt-frame', afterEvents: 2, mode: 'truncate' };
    expect((await converse(c)).error).toBeDefined();
    fault = { kind: 'corrupt-frame', afterEvents: 2, mode: 'bad-crc' };
    expect((await converse(c)).response?.stopReason).toBe('end_turn');
  });
});

test.each(['http1', 'http2'] as const)(
  'close() cuts in-flight streams over %s, so nothing hangs',
  async (transport) => {
    const slow = await startEmulator({ port: 0, planner: fixedPlanner({ ttftMs: 5, tokensPerSecond: 1 }) });
    const c = sdkClient(slow.url, transport);
    const response = await c.send(new ConverseStreamCommand(INPUT));
    const events: string[] = [];
    // Settled into a value at once, so the failure is never an unhandled rejection while close() runs.
    const reading = (async () => {
      for await (const event of response.stream ?? []) events.push(Object.keys(event)[0] ?? '');
    })().then(
      () => 'ended cleanly',
      (error: unknown) => error,
    );
    while (events.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    await slow.close();
    expect(await reading).toBeInstanceOf(Error);
    expect(events).toEqual(['messageStart', 'contentBlockDelta']);
    expect(slow.groundTruth().at(-1)?.outcome).toBe('aborted');
    c.destroy();
  },
);

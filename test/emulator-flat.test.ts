import { ConverseCommand, ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { sdkClient } from './helpers/calls.ts';

/**
 * The emulator keeps no state per request once it is answered: what it holds stays bounded however
 * many requests it serves (npm run bench:emulator measures the rate; this checks the state).
 */

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    planner: fixedPlanner({ ttftMs: 0, tokensPerSecond: 1e6 }),
    groundTruthCapacity: 50,
  });
});
afterAll(() => emulator.close());

const input = {
  modelId: 'amazon.nova-micro-v1:0',
  messages: [
    { role: 'user' as const, content: [{ text: 'Rails carry trains fast across the wide plain.' }] },
  ],
  inferenceConfig: { maxTokens: 5 },
};

const inFlight = async (): Promise<number> =>
  ((await (await fetch(`${emulator.url}/_emulator/health`)).json()) as { inFlight: number }).inFlight;

describe('a long run leaves nothing behind in the emulator', () => {
  test('after 300 answered calls (both APIs, 8 at a time) only the health request is in flight', async () => {
    const client = sdkClient(emulator.url);
    for (let round = 0; round < 300 / 8; round++) {
      await Promise.all(
        Array.from({ length: 8 }, async (_, i) => {
          if (i % 2 === 0) return client.send(new ConverseCommand(input));
          const out = await client.send(new ConverseStreamCommand(input));
          for await (const _event of out.stream ?? []);
        }),
      );
    }
    client.destroy();
    expect(await inFlight()).toBe(1);
  });

  test('ground truth keeps only its capacity, the most recent first evicted last', async () => {
    const entries = emulator.groundTruth();
    expect(entries).toHaveLength(50);
    const last = entries.at(-1);
    expect(last && emulator.groundTruthFor(last.requestId)?.requestId).toBe(last?.requestId);
    expect(emulator.groundTruthFor(entries[0]?.requestId ?? '')).toBeDefined();
  });

  test('a client that goes away mid-stream leaves nothing in flight', async () => {
    const slow = await startEmulator({ port: 0, planner: fixedPlanner({ ttftMs: 0, tokensPerSecond: 20 }) });
    try {
      const client = sdkClient(slow.url);
      const abort = new AbortController();
      const out = await client.send(
        new ConverseStreamCommand({ ...input, inferenceConfig: { maxTokens: 50 } }),
        {
          abortSignal: abort.signal,
        },
      );
      const iterator = out.stream?.[Symbol.asyncIterator]();
      await iterator?.next();
      abort.abort();
      await iterator?.next().catch(() => undefined);
      client.destroy();
      const health = async (): Promise<number> =>
        ((await (await fetch(`${slow.url}/_emulator/health`)).json()) as { inFlight: number }).inFlight;
      await expect.poll(health, { timeout: 5000 }).toBe(1);
    } finally {
      await slow.close();
    }
  });
});

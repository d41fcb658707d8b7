import { resolve } from 'node:path';
import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { describe, expect, test } from 'vitest';
import type { TestProject } from 'vitest/node';
import setup, { type ConverseBenchContext, newRunId, snapshotEnv } from '../src/vitest/global-setup.ts';
import { sdkClient } from './helpers/calls.ts';

function fakeProject(benchmark: boolean) {
  const provided: ConverseBenchContext[] = [];
  const project = {
    config: { root: resolve(import.meta.dirname, '..'), benchmark: { enabled: benchmark } },
    provide: (_key: string, value: ConverseBenchContext) => provided.push(value),
  } as unknown as TestProject;
  return { project, provided };
}

const health = async (endpoint: string): Promise<number> =>
  (await fetch(`${endpoint}/_emulator/health`)).status;

describe('global setup', () => {
  test('idempotent: a second call shares the run and the emulator, which closes at the last teardown', async () => {
    const a = fakeProject(true);
    const b = fakeProject(true);
    const teardownA = await setup(a.project);
    const teardownB = await setup(b.project);
    const [ctx] = a.provided;
    expect(b.provided).toEqual(a.provided);
    expect(ctx?.runId).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(ctx?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const endpoint = ctx?.endpoint as string;
    expect(await health(endpoint)).toBe(200);
    await teardownA();
    expect(await health(endpoint)).toBe(200);
    await teardownB();
    await expect(health(endpoint)).rejects.toThrow();
  });

  test('CONVERSE_BENCH_EMULATOR_FAULTS makes the embedded emulator inject faults for every model', async () => {
    process.env.CONVERSE_BENCH_EMULATOR_FAULTS = 'error=ModelTimeoutException';
    const p = fakeProject(true);
    const teardown = await setup(p.project);
    delete process.env.CONVERSE_BENCH_EMULATOR_FAULTS;
    try {
      const client = sdkClient(p.provided[0]?.endpoint as string);
      const call = client.send(
        new ConverseCommand({
          modelId: 'amazon.nova-micro-v1:0',
          messages: [{ role: 'user', content: [{ text: 'Summarize: a test.' }] }],
        }),
      );
      await expect(call).rejects.toMatchObject({
        name: 'ModelTimeoutException',
        $metadata: { httpStatusCode: 408 },
      });
      client.destroy();
    } finally {
      await teardown();
    }
  });

  test('a bad CONVERSE_BENCH_EMULATOR_FAULTS is one line naming the variable, for every model test to fail with', async () => {
    process.env.CONVERSE_BENCH_EMULATOR_FAULTS = 'explode';
    try {
      const p = fakeProject(true);
      const teardown = await setup(p.project);
      expect(p.provided[0]?.setupError).toMatch(/^CONVERSE_BENCH_EMULATOR_FAULTS: fault "explode"/);
      expect(p.provided[0]?.endpoint).toBeUndefined();
      await teardown();
    } finally {
      delete process.env.CONVERSE_BENCH_EMULATOR_FAULTS;
    }
  });

  test('does nothing for a project that is not a benchmark project (plain `vitest run`)', async () => {
    const p = fakeProject(false);
    const teardown = await setup(p.project);
    expect(p.provided).toEqual([]);
    await teardown();
  });

  test('snapshotEnv keeps only CONVERSE_BENCH_* and AWS_REGION; run ids sort by start time', () => {
    expect(
      snapshotEnv({
        CONVERSE_BENCH_TARGET: 'emulator',
        AWS_REGION: 'eu-west-1',
        HOME: '/root',
        AWS_SECRET_ACCESS_KEY: 's',
      }),
    ).toEqual({
      CONVERSE_BENCH_TARGET: 'emulator',
      AWS_REGION: 'eu-west-1',
    });
    expect(newRunId(new Date('2026-11-27T08:45:12.345Z'))).toMatch(/^20261127-084512-[0-9a-f]{4}$/);
  });
});

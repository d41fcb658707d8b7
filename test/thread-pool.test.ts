import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import type { CallSpec } from '../src/harness/call.ts';
import { arrivalTimes, splitSchedule } from '../src/harness/scheduler.ts';
import { runOnThreads } from '../src/harness/thread-pool.ts';
import type { LoadShape } from '../src/records/options.ts';
import { callSpec } from './helpers/calls.ts';

const open: Extract<LoadShape, { kind: 'open' }> = { kind: 'open', rate: 50, arrival: 'poisson', seed: 11 };

describe('splitSchedule', () => {
  test('closed loop: calls dealt in turn, concurrency shared out as evenly as whole numbers allow', () => {
    const shares = splitSchedule([0, 1, 2, 3, 4, 5, 6], 2, { concurrency: 5, load: { kind: 'closed' } }, 0);
    expect(shares).toEqual([
      { specs: [0, 2, 4, 6], concurrency: 3 },
      { specs: [1, 3, 5], concurrency: 2 },
    ]);
    // Never more shares than calls in flight.
    expect(splitSchedule([0, 1, 2], 4, { concurrency: 1, load: { kind: 'closed' } }, 0)).toEqual([
      { specs: [0, 1, 2], concurrency: 1 },
    ]);
  });

  test('open loop: the merged arrivals are exactly the one-thread schedule (same seed, same times)', () => {
    const calls = Array.from({ length: 9 }, (_, i) => i);
    const shares = splitSchedule(calls, 3, { concurrency: 1, load: open, maxInFlight: 4 }, 1000);
    const merged = shares
      .flatMap((share) => share.specs.map((spec, j) => [spec, share.arrivals?.[j]] as const))
      .sort(([a], [b]) => a - b)
      .map(([, at]) => at);
    expect(merged).toEqual(arrivalTimes(9, open, 1000));
    expect(shares.map((s) => s.specs)).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
    expect(shares.map((s) => s.maxInFlight)).toEqual([2, 1, 1]);
  });
});

test('a worker thread shifted by the time origins reads the main thread time line', async () => {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const shift = performance.timeOrigin - workerData.originMs;
    parentPort.on('message', () => parentPort.postMessage(performance.now() + shift));
  `;
  const worker = new Worker(code, { eval: true, workerData: { originMs: performance.timeOrigin } });
  try {
    const deltas: number[] = [];
    for (let i = 0; i < 5; i++) {
      const before = performance.now();
      const theirs = await new Promise<number>((resolve) => {
        worker.once('message', resolve);
        worker.postMessage('now');
      });
      const after = performance.now();
      // The thread's reading falls between ours, up to the time origins' microsecond rounding.
      expect(theirs).toBeGreaterThanOrEqual(before - 0.01);
      expect(theirs).toBeLessThanOrEqual(after + 0.01);
      deltas.push(after - before);
    }
    expect(deltas).toHaveLength(5);
  } finally {
    await worker.terminate();
  }
});

describe('runOnThreads against the emulator', () => {
  let emulator: RunningEmulator;
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, planner: fixedPlanner({ ttftMs: 5, tokensPerSecond: 2000 }) });
  });
  afterAll(() => emulator.close());

  const specs = (count: number, warmups: number): CallSpec[] => [
    ...Array.from({ length: warmups }, (_, i) =>
      callSpec({
        phase: 'warmup',
        invocation: i,
        api: 'converse-stream',
        prompt: 'Rails carry trains fast.',
      }),
    ),
    ...Array.from({ length: count }, (_, i) =>
      callSpec({ invocation: 0, document: i, api: 'converse-stream', prompt: `Document ${i % 3}: rails.` }),
    ),
  ];
  const client = () => ({
    target: 'emulator' as const,
    endpoint: emulator.url,
    region: 'us-east-1',
    transport: 'http1' as const,
    retryAttempts: 1,
  });

  test('closed loop on 2 threads: every call one record, reported as it completes, warmups first', async () => {
    const seen: string[] = [];
    const { records, threads } = await runOnThreads(
      specs(40, 2),
      { workers: 2, client: client() },
      {
        concurrency: 8,
        delayBetweenMs: 0,
        load: { kind: 'closed' },
        onRecord: (r) => seen.push(`${r.phase}:${r.document}`),
      },
    );
    expect(records).toHaveLength(42);
    expect(records.every((r) => r.status === 'ok')).toBe(true);
    expect(seen).toEqual(records.map((r) => `${r.phase}:${r.document}`));
    expect(seen.slice(0, 2)).toEqual(['warmup:0', 'warmup:0']);
    expect(new Set(records.filter((r) => r.phase === 'measure').map((r) => r.document)).size).toBe(40);
    expect(threads).toHaveLength(2);
    expect(threads.every((t) => t.wallMs > 0 && t.cpuUserMs + t.cpuSystemMs > 0)).toBe(true);
    // Start times are on this thread's time line.
    const now = performance.now();
    expect(
      records.every((r) => r.startMs > now - 60_000 && r.startMs + (r.latencyMs ?? Number.NaN) <= now),
    ).toBe(true);
  });

  test('open loop on 3 threads: the scheduled starts are the one-thread arrival process, in order', async () => {
    const { records } = await runOnThreads(
      specs(24, 0),
      { workers: 3, client: client() },
      {
        concurrency: 1,
        delayBetweenMs: 0,
        load: open,
      },
    );
    const measured = records.filter((r) => r.phase === 'measure').sort((a, b) => a.document - b.document);
    const starts = measured.map((r) => r.scheduledStartMs as number);
    const t0 = starts[0] as number;
    expect(starts.map((s) => s - t0)).toEqual(arrivalTimes(24, open, t0).map((s) => s - t0));
    // No call starts before it is due (queue delay is never negative).
    expect(measured.every((r) => (r.queueDelayMs ?? -1) >= 0)).toBe(true);
  });

  test('an abort ends every thread: calls not made are aborted rows, none missing', async () => {
    const abort = new AbortController();
    const slow = await startEmulator({
      port: 0,
      planner: fixedPlanner({ ttftMs: 200, tokensPerSecond: 50 }),
    });
    try {
      const running = runOnThreads(
        specs(30, 0),
        { workers: 2, client: { ...client(), endpoint: slow.url } },
        { concurrency: 2, delayBetweenMs: 0, load: { kind: 'closed' }, signal: abort.signal },
      );
      setTimeout(() => abort.abort(), 400);
      const { records } = await running;
      expect(records).toHaveLength(30);
      expect(records.some((r) => r.status === 'error' && r.errorKind === 'aborted')).toBe(true);
    } finally {
      await slow.close();
    }
  });
});

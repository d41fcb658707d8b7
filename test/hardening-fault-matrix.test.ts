import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { parseFaultSpec } from '../src/emulator/faults.ts';
import { startEmulator } from '../src/emulator/index.ts';
import { createPlanner } from '../src/emulator/planner.ts';
import { parseProfiles } from '../src/emulator/profiles.ts';
import { type CallSpec, callModel } from '../src/harness/call.ts';
import { realClock } from '../src/harness/clock.ts';
import { runSchedule } from '../src/harness/scheduler.ts';
import type { Api, CallRecord } from '../src/records/call-record.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

/**
 * The fault matrix: the real harness (createBedrockClient + callModel + runSchedule) against every
 * fault the emulator injects, at 1, 16 and 64 calls in flight. Each case has its own emulator (faults
 * as the run's `--fault` rules, so counters start fresh) and its own client (the SDK's retry quota is
 * per client). Every scheduled call must come back as exactly one record with the expected status,
 * error kind and attempt count, and nothing may reject unhandled.
 */

const MODEL = 'amazon.nova-micro-v1:0';
// 20 ms TTFT and 2000 tokens/s before the time scale: every healthy call takes a few ms.
const PROFILES = parseProfiles(
  JSON.stringify({
    default: {
      source: 'hardening test',
      ttft: { medianMs: 20, sigma: 0, perInputTokenMs: 0 },
      outputSpeed: { medianTokensPerSecond: 2000, sigma: 0 },
      tokenJitter: 0,
      maxOutputTokens: 4096,
    },
    models: {},
  }),
  'hardening profiles',
);
const TIME_SCALE = 0.5;
/** Deadline of the stall cases; the others get room for the SDK's throttling back-off (up to 3 s). */
const DEADLINE_MS = 1_000;
const ROOMY_DEADLINE_MS = 30_000;
/** Standard retry mode, 3 attempts: the shipped default. */
const ATTEMPTS = 3;

const PROMPT =
  'Summarize this document:\nThe council met on Tuesday. Members agreed to fund parks and libraries. ' +
  'The mayor said savings in administration would pay for it. A vote is expected next month.';

interface Expected {
  status: 'ok' | 'error';
  errorKind?: string;
  /** Attempts of every record (when the SDK's retry quota is not exhausted). */
  attempts: number;
}

interface Case {
  fault: string;
  api: Api;
  expect: Expected;
}

const ok = (attempts = 1): Expected => ({ status: 'ok', attempts });
const failed = (errorKind: string, attempts: number): Expected => ({ status: 'error', errorKind, attempts });

const CASES: Case[] = [
  { fault: 'slow=4', api: 'converse-stream', expect: ok() },
  { fault: 'slow=4', api: 'converse', expect: ok() },
  { fault: 'throttle', api: 'converse', expect: failed('ThrottlingException', ATTEMPTS) },
  {
    fault: 'error=ModelNotReadyException',
    api: 'converse',
    expect: failed('ModelNotReadyException', ATTEMPTS),
  },
  {
    fault: 'error=ServiceUnavailableException',
    api: 'converse-stream',
    expect: failed('ServiceUnavailableException', ATTEMPTS),
  },
  {
    fault: 'error=InternalServerException',
    api: 'converse',
    expect: failed('InternalServerException', ATTEMPTS),
  },
  { fault: 'error=ModelTimeoutException', api: 'converse', expect: failed('ModelTimeoutException', 1) },
  { fault: 'error=ModelErrorException', api: 'converse-stream', expect: failed('ModelErrorException', 1) },
  { fault: 'error=AccessDeniedException', api: 'converse', expect: failed('AccessDeniedException', 1) },
  {
    fault: 'error=ResourceNotFoundException',
    api: 'converse',
    expect: failed('ResourceNotFoundException', 1),
  },
  { fault: 'error=ValidationException', api: 'converse-stream', expect: failed('ValidationException', 1) },
  {
    fault: 'stream-exception=modelStreamErrorException@3',
    api: 'converse-stream',
    expect: failed('ModelStreamErrorException', 1),
  },
  {
    fault: 'stream-exception=throttlingException@2',
    api: 'converse-stream',
    expect: failed('ThrottlingException', 1),
  },
  {
    fault: 'stream-exception=internalServerException@4',
    api: 'converse-stream',
    expect: failed('InternalServerException', 1),
  },
  { fault: 'stall=100000', api: 'converse', expect: failed('timeout', 1) },
  { fault: 'stall=100000@3', api: 'converse-stream', expect: failed('timeout', 1) },
  { fault: 'drop', api: 'converse', expect: failed('network', ATTEMPTS) },
  { fault: 'drop@3', api: 'converse-stream', expect: failed('network', 1) },
  { fault: 'corrupt=bad-crc@2', api: 'converse-stream', expect: failed('stream', 1) },
  { fault: 'truncate@3', api: 'converse-stream', expect: failed('stream', 1) },
];

function specs(count: number, api: Api, timeoutMs: number): CallSpec[] {
  return Array.from({ length: count }, (_, i) =>
    callSpec({
      modelId: MODEL,
      api,
      invocation: i,
      prompt: PROMPT,
      inferenceConfig: { temperature: 0.1, maxTokens: 30, topP: 0.9 },
      timeoutMs,
    }),
  );
}

async function runCase(fault: string, api: Api, concurrency: number, calls: number): Promise<CallRecord[]> {
  const emulator = await startEmulator({
    port: 0,
    planner: createPlanner({
      profiles: PROFILES,
      timeScale: TIME_SCALE,
      faults: parseFaultSpec(fault, 'fault matrix'),
    }),
  });
  const bench = clientAt(emulator.url, { retryAttempts: ATTEMPTS });
  try {
    const timeoutMs = fault.startsWith('stall') ? DEADLINE_MS : ROOMY_DEADLINE_MS;
    return await runSchedule(specs(calls, api, timeoutMs), (spec) => callModel(bench.client, spec), {
      concurrency,
      delayBetweenMs: 0,
      load: { kind: 'closed' },
      clock: realClock,
    });
  } finally {
    bench.destroy();
    await emulator.close();
  }
}

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

/**
 * The SDK's retry quota (standard mode: one token bucket per client, drained by every retry, refilled
 * only by successes) runs dry when every call keeps failing with a retryable error at 64 in flight:
 * later calls then fail after fewer attempts. Their records say so; nothing is lost or miscounted.
 */
function quotaCanRunDry(want: Expected, calls: number): boolean {
  return want.status === 'error' && want.attempts > 1 && calls > 16;
}

describe.concurrent.each([1, 16, 64])('at %i calls in flight', (concurrency) => {
  // Enough calls to keep every worker busy; one in flight runs 3 (retries back off for up to seconds).
  const calls = concurrency === 1 ? 3 : concurrency;

  test.concurrent.each(CASES)(
    '$fault on $api: one record per call, kind and attempts',
    async ({ fault, api, expect: want }) => {
      const records = await runCase(fault, api, concurrency, calls);
      expect(records.map((r) => r.invocation).sort((a, b) => a - b)).toEqual(
        Array.from({ length: calls }, (_, i) => i),
      );
      for (const record of records) {
        expect(record.status).toBe(want.status);
        if (record.status === 'error') {
          expect(record.errorKind).toBe(want.errorKind);
          expect(record.errorMessage).not.toBe('');
        }
        expect(record.attemptMs).toHaveLength(record.attempts);
        expect(record.latencyMs).toBeGreaterThan(0);
      }
      const attempts = records.map((r) => r.attempts);
      if (quotaCanRunDry(want, calls)) {
        for (const n of attempts) expect(n).toBeGreaterThanOrEqual(1);
        for (const n of attempts) expect(n).toBeLessThanOrEqual(want.attempts);
        expect(attempts.reduce((a, b) => a + b, 0)).toBeGreaterThan(calls);
      } else {
        expect(attempts).toEqual(Array.from({ length: calls }, () => want.attempts));
      }
    },
    60_000,
  );

  test.concurrent.each([
    { fault: 'throttle-first=2', throttled: 2 },
    { fault: 'throttle-burst=2/1000000', throttled: 2 },
  ])(
    '$fault: every call succeeds; the throttled attempts are counted as retries',
    async ({ fault, throttled }) => {
      const records = await runCase(fault, 'converse-stream', concurrency, calls);
      expect(records).toHaveLength(calls);
      expect(records.every((r) => r.status === 'ok')).toBe(true);
      expect(records.reduce((sum, r) => sum + r.attempts, 0)).toBe(calls + throttled);
      for (const r of records) {
        expect(r.attemptMs).toHaveLength(r.attempts);
        if (r.attempts > 1) expect(r.retryDelayMs).toBeGreaterThan(0);
        else expect(r.retryDelayMs).toBe(0);
      }
    },
    60_000,
  );
});

test('a deadline that passes during the first attempt still counts that attempt', async () => {
  const [record] = await runCase('stall=100000', 'converse', 1, 1);
  expect(record).toMatchObject({ status: 'error', errorKind: 'timeout', attempts: 1 });
  expect(record?.attemptMs).toHaveLength(1);
  // Observed >= scheduled (Node's timers may fire up to 1 ms early by the high-resolution clock).
  expect(record?.latencyMs).toBeGreaterThanOrEqual(DEADLINE_MS - 1);
  expect(record?.attemptMs[0]).toBeGreaterThan(0);
  expect(record?.attemptMs[0]).toBeLessThanOrEqual(record?.latencyMs ?? 0);
});

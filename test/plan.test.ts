import { describe, expect, test } from 'vitest';
import { apisFor, buildPlan, plannedCallCount, worstCaseMs } from '../src/plan/calls.ts';

describe('buildPlan', () => {
  test('warmup first, then every experiment x invocation x document, in that nesting', () => {
    const plan = buildPlan({
      apis: ['converse'],
      warmupCalls: 3,
      experimentCounts: 2,
      invocationsPerScenario: 2,
      documents: 2,
    });
    expect(plan).toHaveLength(3 + 2 * 2 * 2);
    expect(plan.slice(0, 3)).toEqual([
      { api: 'converse', phase: 'warmup', experiment: 0, invocation: 0, document: 0 },
      { api: 'converse', phase: 'warmup', experiment: 0, invocation: 1, document: 1 },
      { api: 'converse', phase: 'warmup', experiment: 0, invocation: 2, document: 0 },
    ]);
    expect(plan.slice(3).map((c) => `${c.experiment}${c.invocation}${c.document}`)).toEqual([
      '000',
      '001',
      '010',
      '011',
      '100',
      '101',
      '110',
      '111',
    ]);
    expect(plan.slice(3).every((c) => c.phase === 'measure')).toBe(true);
  });

  test('several APIs are interleaved per document, warmups per API', () => {
    const plan = buildPlan({
      apis: apisFor('both'),
      warmupCalls: 1,
      experimentCounts: 1,
      invocationsPerScenario: 1,
      documents: 2,
    });
    expect(plan.map((c) => `${c.phase}:${c.api}:${c.document}`)).toEqual([
      'warmup:converse:0',
      'warmup:converse-stream:0',
      'measure:converse:0',
      'measure:converse-stream:0',
      'measure:converse:1',
      'measure:converse-stream:1',
    ]);
  });

  test('exactly the configured number of calls, matching plannedCallCount', () => {
    for (const input of [
      {
        apis: apisFor('converse'),
        warmupCalls: 0,
        experimentCounts: 1,
        invocationsPerScenario: 1,
        documents: 10,
      },
      {
        apis: apisFor('both'),
        warmupCalls: 2,
        experimentCounts: 3,
        invocationsPerScenario: 4,
        documents: 10,
      },
      {
        apis: apisFor('converse-stream'),
        warmupCalls: 5,
        experimentCounts: 1,
        invocationsPerScenario: 1,
        documents: 1,
      },
    ]) {
      expect(buildPlan(input)).toHaveLength(plannedCallCount(input));
    }
    expect(
      plannedCallCount({
        apis: apisFor('both'),
        warmupCalls: 2,
        experimentCounts: 3,
        invocationsPerScenario: 4,
        documents: 10,
      }),
    ).toBe(244);
  });

  test('no documents, no calls', () => {
    expect(
      buildPlan({
        apis: ['converse'],
        warmupCalls: 2,
        experimentCounts: 1,
        invocationsPerScenario: 1,
        documents: 0,
      }),
    ).toEqual([]);
  });

  test('apisFor', () => {
    expect(apisFor('converse')).toEqual(['converse']);
    expect(apisFor('converse-stream')).toEqual(['converse-stream']);
    expect(apisFor('both')).toEqual(['converse', 'converse-stream']);
  });
});

describe('worstCaseMs: the Vitest timeout follows the real schedule', () => {
  const base = {
    warmupCalls: 500,
    experimentCounts: 1,
    invocationsPerScenario: 1,
    timeoutSeconds: 2,
    delayBetweenCalls: 0.5,
    numParallelCalls: 10,
    load: { kind: 'closed' as const },
    maxInFlight: undefined,
    target: 'emulator' as const,
    timeScale: 1,
    duration: undefined,
    sweep: undefined,
  };

  test('warmups run one at a time, measured calls numParallelCalls at a time', () => {
    // 500 warmups x 2.5 s one by one, then 10 measured calls in one round of 10: 1,250 s + 2.5 s.
    expect(worstCaseMs(base, ['converse'], 10)).toBe(1_252_500);
    // Both APIs: 1,000 warmups and 20 measured calls in 2 rounds.
    expect(worstCaseMs(base, ['converse', 'converse-stream'], 10)).toBe(2_505_000);
  });

  test('open loop: warmups, then the schedule (or the cap) and the last call', () => {
    const open = {
      ...base,
      warmupCalls: 2,
      load: { kind: 'open' as const, rate: 4, arrival: 'constant' as const, seed: 1 },
    };
    // 2 x 2.5 s of warmups, 10 calls at 4/s span 2.5 s, and the last may take 2.5 s.
    expect(worstCaseMs(open, ['converse'], 10)).toBe(10_000);
    // With one call in flight at most, the 10 calls take up to 10 x 2.5 s.
    expect(worstCaseMs({ ...open, maxInFlight: 1 }, ['converse'], 10)).toBe(32_500);
  });

  test('an empty dataset plans nothing', () => {
    expect(worstCaseMs(base, ['converse'], 0)).toBe(0);
  });
});

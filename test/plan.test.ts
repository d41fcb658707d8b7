import { describe, expect, test } from 'vitest';
import { apisFor, buildPlan, plannedCallCount } from '../src/plan/calls.ts';

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

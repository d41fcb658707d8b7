import { expect } from 'vitest';
import { formatDuration, formatRate } from '../format/numbers.ts';
import type { CallRecord } from '../records/call-record.ts';
import { measuredCalls, okMeasuredCalls } from '../records/metrics.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import { mean } from '../stats/distribution.ts';
import { quantile, sortAscending } from '../stats/quantile.ts';

/**
 * Latency matchers for a model's calls: `expect(result).toHaveP90Below(2000)`. The subject is a
 * CallRecord[] or anything with `records: CallRecord[]` (what benchModel returns). Latency figures
 * are over ok measured calls (warmup excluded), the error rate over all measured calls. "Below" means
 * at or below, as budgets do: a limit that is met passes.
 */
export interface LatencyMatchers<R = unknown> {
  /** P90 of end-to-end latency (ms) at or below `ms`. */
  toHaveP90Below(ms: number): R;
  toHaveP99Below(ms: number): R;
  toHaveMeanBelow(ms: number): R;
  /** Failed / all measured calls at or below `rate` (0.05 = 5%). */
  toHaveErrorRateBelow(rate: number): R;
  /** Streaming: P90 of time to first token (ms) at or below `ms`. */
  toHaveTtftP90Below(ms: number): R;
  /** A budget or regression CheckOutcome that did not fail (`inconclusive` passes); its line is the message. */
  toPassCheck(): R;
}

declare module 'vitest' {
  interface Matchers<R, T> extends LatencyMatchers<R> {}
}

interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function recordsOf(subject: unknown): CallRecord[] {
  if (Array.isArray(subject)) return subject as CallRecord[];
  if (
    typeof subject === 'object' &&
    subject !== null &&
    Array.isArray((subject as { records?: unknown }).records)
  ) {
    return (subject as { records: CallRecord[] }).records;
  }
  throw new TypeError('converse-bench matchers expect a CallRecord[] or a benchModel result ({ records })');
}

const okLatencies = (records: CallRecord[]): number[] => okMeasuredCalls(records).map((r) => r.latencyMs);
const okTtfts = (records: CallRecord[]): number[] => okMeasuredCalls(records).flatMap((r) => r.ttftMs ?? []);

function limitResult(
  label: string,
  values: number[],
  figure: (v: number[]) => number,
  limit: number,
): MatcherResult {
  if (values.length === 0) {
    return {
      pass: false,
      message: () => `expected ${label} at or below ${formatDuration(limit)}, but no call succeeded`,
    };
  }
  const value = figure(values);
  const pass = value <= limit;
  const over = `over ${values.length} calls`;
  return {
    pass,
    message: () =>
      `expected ${label} ${formatDuration(value)} ${over} ${pass ? 'not ' : ''}to be at or below ${formatDuration(limit)}`,
  };
}

const p = (q: number) => (values: number[]) => quantile(sortAscending(values), q);

export const latencyMatchers = {
  toPassCheck(subject: CheckOutcome): MatcherResult {
    const pass = subject.status !== 'fail';
    return { pass, message: () => `${subject.name} ${pass ? 'did not fail' : 'failed'}: ${subject.line}` };
  },
  toHaveP90Below(subject: unknown, ms: number): MatcherResult {
    return limitResult('P90 latency', okLatencies(recordsOf(subject)), p(0.9), ms);
  },
  toHaveP99Below(subject: unknown, ms: number): MatcherResult {
    return limitResult('P99 latency', okLatencies(recordsOf(subject)), p(0.99), ms);
  },
  toHaveMeanBelow(subject: unknown, ms: number): MatcherResult {
    return limitResult('mean latency', okLatencies(recordsOf(subject)), mean, ms);
  },
  toHaveTtftP90Below(subject: unknown, ms: number): MatcherResult {
    return limitResult('TTFT P90', okTtfts(recordsOf(subject)), p(0.9), ms);
  },
  toHaveErrorRateBelow(subject: unknown, rate: number): MatcherResult {
    const calls = measuredCalls(recordsOf(subject));
    const failed = calls.filter((r) => r.status === 'error').length;
    const value = calls.length === 0 ? 0 : failed / calls.length;
    const pass = value <= rate;
    return {
      pass,
      message: () =>
        `expected error rate ${formatRate(value)} (${failed} of ${calls.length} calls) ${pass ? 'not ' : ''}to be at or below ${formatRate(rate)}`,
    };
  },
};

let registered = false;

/** Adds the matchers to Vitest's `expect` (once per worker). */
export function registerLatencyMatchers(): void {
  if (registered) return;
  expect.extend(latencyMatchers);
  registered = true;
}

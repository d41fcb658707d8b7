import { describe, expect, it } from 'vitest';
import { judgeFamily, runVerdictLine } from '../src/gate/family.ts';
import { type RegressionOptions, regressionChecksOf } from '../src/gate/regression.ts';
import {
  type PullRequestScenario,
  simulateConfidentBudget,
  simulatePullRequests,
} from '../src/gate/simulation.ts';
import type { CheckOutcome } from '../src/records/run-record.ts';
import { LATENCY_SHAPES } from '../src/stats/latency-shapes.ts';
import { normalQuantile } from '../src/stats/special.ts';

/** An "ideal" log-normal sample: the quantiles at (i + 0.5) / n, median 1200 ms, sigma 0.35. */
function idealSample(n: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => scale * 1200 * Math.exp(0.35 * normalQuantile((i + 0.5) / n)));
}

const OPTS: RegressionOptions = { tolerance: 0.1, errorRateTolerance: 0.02, confidence: 0.95 };
const noErrors = (n: number) => ({
  baselineFailed: 0,
  baselineCalls: n,
  candidateFailed: 0,
  candidateCalls: n,
});

function checks(n: number, scale: number, opts: RegressionOptions = OPTS, failed = 0): CheckOutcome[] {
  return regressionChecksOf(
    {
      latency: { baselineRuns: [idealSample(n)], candidate: idealSample(n, scale) },
      errors: { ...noErrors(n), candidateFailed: failed },
    },
    opts,
  ).map((g) => g.check);
}

describe('regression checks judged as one family', () => {
  it('fails a confident regression, passes an unchanged model, says 0 vs 0 errors is no change', () => {
    const { checks: judged, verdict } = judgeFamily([...checks(300, 1.5), ...checks(300, 1)]);
    expect(judged.map((c) => [c.status, c.line])).toEqual([
      [
        'fail',
        'P90 2.81 s vs baseline 1.87 s: x1.50 (95% bounds 1.37..1.64, pooled-P90 test), tolerance x1.10, 300 / 300 calls: regressed (p 1.9e-8, Holm over 2 tests at 5%)',
      ],
      [
        'pass',
        'error rate 0.0% vs baseline 0.0% (0 of 300 vs 0 of 300 calls), tolerance +2.0 pts: no change',
      ],
      [
        'pass',
        'P90 1.87 s vs baseline 1.87 s: x1.00 (95% bounds 0.92..1.09, pooled-P90 test), tolerance x1.10, 300 / 300 calls: no regression (p 0.038 that it is over the tolerance <= 5%)',
      ],
      [
        'pass',
        'error rate 0.0% vs baseline 0.0% (0 of 300 vs 0 of 300 calls), tolerance +2.0 pts: no change',
      ],
    ]);
    expect(verdict).toEqual({
      verdict: 'fail',
      checks: 4,
      failed: 1,
      passed: 3,
      inconclusive: 0,
      tests: 2,
      alpha: 0.05,
    });
    expect(runVerdictLine(verdict)).toBe(
      'verdict: fail: 1 of 4 checks failed, 3 passed, 0 inconclusive (2 tests as one family, Holm at 5%)',
    );
  });

  it('says 10 calls a side are too few to judge a P90, and how many would, instead of a collapsed bound', () => {
    const { checks: judged } = judgeFamily(checks(10, 3));
    expect(judged[0]).toMatchObject({
      status: 'inconclusive',
      line: "P90 5.30 s vs baseline 1.77 s: x3.00 (too few calls for 95% bounds, pooled-P90 test), tolerance x1.10, 10 / 10 calls: inconclusive: 10 calls a side are too few to judge P90 at this run's level (5% / 1 test); 23 would",
    });
  });

  it('names the calls a side that would decide an undecided check with 80% power', () => {
    const { checks: judged } = judgeFamily(checks(100, 1.2));
    expect(judged[0]?.status).toBe('inconclusive');
    expect(judged[0]?.line).toMatch(
      /x1\.20 .*: inconclusive \(p 0\.24\); about [\d,]+ calls a side would decide it 80% of the time, if the estimate is the truth$/,
    );
  });

  it('corrects across the family: a check that fails alone passes no verdict among seven', () => {
    const alone = judgeFamily(checks(300, 1.11, { ...OPTS, tolerance: 0 }).slice(0, 1));
    expect(alone.verdict.failed).toBe(1);
    // p 0.020: under 5% alone, over 5% / 7 in a family of seven.
    expect(alone.checks[0]?.test?.pFail).toBeCloseTo(0.02024851604018652, 12);
    const others = Array.from(
      { length: 6 },
      () => checks(300, 1, { ...OPTS, tolerance: 0 })[0] as CheckOutcome,
    );
    const family = judgeFamily([...checks(300, 1.11, { ...OPTS, tolerance: 0 }).slice(0, 1), ...others]);
    expect(family.checks[0]?.status).toBe('inconclusive');
  });

  it("does not judge latency at a time scale, nor within the client's own noise, but judges errors", () => {
    const scaled = judgeFamily(
      checks(300, 1.5, { ...OPTS, latencyNotJudged: 'not judged at time scale 0.02' }, 30),
    );
    expect(scaled.checks.map((c) => [c.status, c.line.split(': ').at(-1)])).toEqual([
      ['inconclusive', 'inconclusive (not judged at time scale 0.02)'],
      ['fail', 'regressed (p 4.3e-10, Holm over 1 test at 5%)'],
    ]);
    const noisy = judgeFamily(checks(300, 1.01, { ...OPTS, tolerance: 0, clientNoiseMs: 53 }));
    expect(noisy.checks[0]?.line).toMatch(
      /inconclusive \(client busy: P90 moved 19 ms, within the client's event-loop delay P99 of 53 ms\)$/,
    );
    const busy = judgeFamily(
      checks(300, 1.5, { ...OPTS, clientBusy: 'client busy: client CPU 95% of one core > 80%' }),
    );
    expect(busy.checks[0]?.status).toBe('inconclusive');
    expect(busy.verdict.tests).toBe(0);
  });

  it('compares against a history with the t prediction test, named in the line', () => {
    const [p90] = regressionChecksOf(
      {
        latency: {
          baselineRuns: [0.95, 1, 1.05, 0.98, 1.02].map((f) => idealSample(100, f)),
          candidate: idealSample(100, 1.5),
        },
        errors: noErrors(100),
      },
      OPTS,
    );
    expect(p90?.check.line).toMatch(
      /^P90 2\.80 s vs baseline 1\.86 s: x1\.50 \(95% bounds [\d.]+\.\.[\d.]+, t test over 5 baseline runs\), tolerance x1\.10, 100 \/ 500 calls/,
    );
    expect(judgeFamily([p90?.check as CheckOutcome]).checks[0]?.status).toBe('fail');
  });
});

/**
 * Fast subset of `npm run simulate:gate`: whole pull requests of 7 models through the gate's code.
 * An uncorrected family (7 checks at 5% each) fails about 30% of unchanged pull requests; these
 * bounds would catch that, and a gate that never fails would miss the power bound.
 */
describe('the gate by simulation (fast subset of scripts/simulate-gate.ts)', () => {
  const base: Omit<PullRequestScenario, 'shape'> = {
    api: 'converse',
    models: 7,
    calls: 400,
    baselineRuns: 1,
    drift: 0,
    effect: 1,
    tolerance: 0.1,
  };

  it.each(LATENCY_SHAPES)(
    '%s: unchanged pull requests rarely fail, a model 1.5x slower is flagged',
    (shape) => {
      const aa = simulatePullRequests({ ...base, shape }, { trials: 120, seed: 3 });
      expect(aa.failed).toBeLessThanOrEqual(8);
      const slow = simulatePullRequests({ ...base, shape, effect: 1.5 }, { trials: 40, seed: 4 });
      expect(slow.flagged).toBeGreaterThanOrEqual(32);
    },
  );

  it('a 5-run history under 5% drift keeps unchanged pull requests passing (api both)', () => {
    const aa = simulatePullRequests(
      { ...base, shape: 'log-normal', api: 'both', calls: 200, baselineRuns: 5, drift: 0.05 },
      { trials: 80, seed: 5 },
    );
    expect(aa.failed).toBeLessThanOrEqual(6);
  });

  it('the default 10-call plan gates nothing: every P90 check is inconclusive', () => {
    const r = simulatePullRequests(
      { ...base, shape: 'log-normal', calls: 10, effect: 3 },
      { trials: 20, seed: 6 },
    );
    expect([r.failed, r.inconclusive]).toEqual([0, 20 * 7]);
  });

  it('confident budgets at the true P90 fail at most 5% of runs at every n', () => {
    for (const n of [1, 5, 10, 30, 100]) {
      const r = simulateConfidentBudget('slow-tail-mixture', n, { trials: 400, seed: n });
      expect(r.failed / r.trials).toBeLessThanOrEqual(0.07);
    }
  });
});

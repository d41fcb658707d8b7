import { describe, expect, it } from 'vitest';
import { regressionCheck } from '../src/gate/regression.ts';
import { simulateScenario, wilsonInterval } from '../src/stats/gate-simulation.ts';
import { normalQuantile } from '../src/stats/special.ts';

/** An "ideal" log-normal sample: the quantiles at (i + 0.5) / n, median 1200 ms, sigma 0.35. */
function idealSample(n: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => scale * 1200 * Math.exp(0.35 * normalQuantile((i + 0.5) / n)));
}

describe('regressionCheck', () => {
  it('fails a confident regression with a line a reviewer can read', () => {
    expect(
      regressionCheck({ tolerance: 0.1, baseline: idealSample(300), candidate: idealSample(120, 1.35) }),
    ).toEqual({
      name: 'regression p90 latencyMs',
      status: 'fail',
      line: 'P90 2.55 s vs baseline 1.88 s: ratio 1.36 (95% bounds 1.22..1.51) > 1.10: regressed over 120 / 300 calls (candidate / baseline)',
    });
  });

  it('passes no change and improvements', () => {
    const same = regressionCheck({ tolerance: 0.1, baseline: idealSample(300), candidate: idealSample(300) });
    expect(same.status).toBe('pass');
    expect(same.line).toBe(
      'P90 1.88 s vs baseline 1.88 s: ratio 1.00 (95% bounds 0.92..1.08) within 0.91..1.10: no regression over 300 / 300 calls (candidate / baseline)',
    );
    const faster = regressionCheck({
      tolerance: 0.1,
      baseline: idealSample(300),
      candidate: idealSample(300, 0.7),
    });
    expect(faster.status).toBe('pass');
    expect(faster.line).toContain('ratio 0.70 (95% bounds 0.65..0.76) < 0.91: improved');
  });

  it('reports inconclusive, not failed, with the sample size that would decide', () => {
    const c = regressionCheck({
      tolerance: 0.1,
      baseline: idealSample(30),
      candidate: idealSample(30, 1.05),
    });
    expect(c.status).toBe('inconclusive');
    expect(c.line).toBe(
      'P90 2.03 s vs baseline 1.94 s: ratio 1.05 (95% bounds 0.79..1.39) spans 1.10: inconclusive over 30 / 30 calls (candidate / baseline); about 1076 calls a side would decide',
    );
  });

  it('names the metric and the baseline history', () => {
    const c = regressionCheck({
      metric: 'ttftMs',
      tolerance: 0.1,
      baseline: [idealSample(50, 0.3), idealSample(50, 0.33)],
      candidate: idealSample(50, 0.3),
    });
    expect(c.name).toBe('regression p90 ttftMs');
    expect(c.line).toMatch(
      /^TTFT P90 574 ms vs baseline 599 ms: .* over 50 \/ 100 calls \(candidate \/ baseline, 2 baseline runs\)/,
    );
  });

  it('is inconclusive when a side has no successful calls', () => {
    expect(regressionCheck({ tolerance: 0.1, baseline: idealSample(30), candidate: [] })).toEqual({
      name: 'regression p90 latencyMs',
      status: 'inconclusive',
      line: 'P90: the candidate has no successful calls to compare',
    });
  });
});

describe('the gate by simulation (fast subset of scripts/simulate-gate.ts)', () => {
  const aa = { effect: 1, shape: 'scale', drift: 0, baselineRuns: 1 } as const;

  it('keeps A/A false alarms at the nominal 5% even with no tolerance, and near 0 with 10%', () => {
    const strict = simulateScenario({ ...aa, n: 30 }, { trials: 300, seed: 11, tolerance: 0 });
    expect(strict.regressedRate).toBeLessThanOrEqual(0.06);
    expect(strict.wilson[0]).toBeLessThan(0.05);
    const tolerant = simulateScenario({ ...aa, n: 30 }, { trials: 300, seed: 12, tolerance: 0.1 });
    expect(tolerant.wilson[1]).toBeLessThanOrEqual(0.06);
  });

  it('catches larger regressions more often, for whole-distribution and tail-only shifts', () => {
    for (const shape of ['scale', 'tail'] as const) {
      const rates = [1, 1.15, 1.3, 1.5].map(
        (effect, i) =>
          simulateScenario({ ...aa, shape, effect, n: 30 }, { trials: 200, seed: 20 + i, tolerance: 0 })
            .regressedRate,
      );
      for (let i = 1; i < rates.length; i++) expect(rates[i]).toBeGreaterThan(rates[i - 1] as number);
    }
  });

  it('a baseline history holds false alarms down under run-to-run drift', () => {
    const drifting = { ...aa, drift: 0.05, n: 100 };
    const single = simulateScenario(
      { ...drifting, baselineRuns: 1 },
      { trials: 300, seed: 31, tolerance: 0 },
    );
    const history = simulateScenario(
      { ...drifting, baselineRuns: 10 },
      { trials: 300, seed: 32, tolerance: 0 },
    );
    expect(history.regressedRate).toBeLessThan(single.regressedRate);
    expect(history.wilson[0]).toBeLessThan(0.05);
  });

  it('computes Wilson intervals', () => {
    // 10 / 100 at 95%: 0.0552..0.1744 (hand-worked from the score formula)
    const [lo, hi] = wilsonInterval(10, 100);
    expect(lo).toBeCloseTo(0.05522, 4);
    expect(hi).toBeCloseTo(0.17437, 4);
  });
});

import { describe, expect, it } from 'vitest';
import { budgetCheck, compareQuantile } from '../src/stats/compare.ts';
import { StatsInputError } from '../src/stats/errors.ts';
import { harrellDavis, harrellDavisWeights } from '../src/stats/harrell-davis.ts';
import { incompleteBeta, logGamma, normalQuantile, studentTQuantile } from '../src/stats/special.ts';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

/** An "ideal" log-normal sample: the quantiles at (i + 0.5) / n, median 1200 ms, sigma 0.35. */
function idealSample(n: number, scale = 1): number[] {
  return Array.from({ length: n }, (_, i) => scale * 1200 * Math.exp(0.35 * normalQuantile((i + 0.5) / n)));
}

describe('special functions (scipy literals)', () => {
  it('incompleteBeta matches scipy.special.betainc', () => {
    // betainc(27.9, 3.1, 0.9), betainc(271.8, 30.2, 0.89), betainc(0.5, 0.5, 0.3)
    expect(rel(incompleteBeta(0.9, 27.9, 3.1), 0.43602356411442733)).toBeLessThan(1e-12);
    expect(rel(incompleteBeta(0.89, 271.8, 30.2), 0.2697864921773895)).toBeLessThan(1e-12);
    expect(rel(incompleteBeta(0.3, 0.5, 0.5), 0.36901011956554536)).toBeLessThan(1e-12);
    expect(incompleteBeta(0.5, 2, 3)).toBeCloseTo(0.6875, 15);
    expect(incompleteBeta(0, 2, 3)).toBe(0);
    expect(incompleteBeta(1, 2, 3)).toBe(1);
  });

  it('logGamma, normalQuantile and studentTQuantile match scipy', () => {
    // gammaln(0.3), gammaln(1000.5), ndtri(0.95), t.ppf(0.95, 9)
    expect(rel(logGamma(0.3), 1.0957979948180756)).toBeLessThan(1e-14);
    expect(rel(logGamma(1000.5), 5908.674175848678)).toBeLessThan(1e-14);
    expect(rel(normalQuantile(0.95), 1.6448536269514722)).toBeLessThan(1e-15);
    expect(normalQuantile(0.5)).toBe(0);
    expect(rel(studentTQuantile(0.95, 9), 1.833112932656237)).toBeLessThan(1e-13);
  });

  it('rejects arguments outside their domain', () => {
    expect(() => incompleteBeta(1.5, 1, 1)).toThrow(StatsInputError);
    expect(() => normalQuantile(1)).toThrow(/strictly within 0..1/);
  });
});

describe('Harrell-Davis with Maritz-Jarrett standard error', () => {
  it('matches scipy.stats.mstats.hdquantiles and the weighted moments', () => {
    // hdquantiles([1, 2, 3, 4], [0.9]); se = sqrt(sum(w * (x - hd)**2)) with w = diff(betainc(a, b, arange(n + 1) / n))
    const small = harrellDavis([1, 2, 3, 4], 0.9);
    expect(rel(small.estimate, 3.867169868764453)).toBeLessThan(1e-13);
    expect(rel(small.se, 0.38388393107279317)).toBeLessThan(1e-12);
    const x = Array.from({ length: 40 }, (_, i) => 1000 + 37 * i + ((i * i) % 11));
    const e = harrellDavis(x, 0.9);
    expect(rel(e.estimate, 2317.978416761583)).toBeLessThan(1e-13);
    expect(rel(e.se, 70.4467468696437)).toBeLessThan(1e-12);
    const median = harrellDavis([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.5);
    expect(median.estimate).toBeCloseTo(5.5, 13);
    expect(rel(median.se, 1.4719406598181117)).toBeLessThan(1e-12);
  });

  it('weights sum to 1 and a single value has no spread', () => {
    const w = harrellDavisWeights(300, 0.9);
    expect(w.reduce((s, v) => s + v, 0)).toBeCloseTo(1, 14);
    expect(harrellDavis([7], 0.9)).toEqual({ estimate: 7, se: 0, n: 1 });
  });

  it('rejects q at 0 or 1, empty and unsorted input', () => {
    expect(() => harrellDavis([1, 2], 1)).toThrow(/strictly within/);
    expect(() => harrellDavis([], 0.9)).toThrow(StatsInputError);
    expect(() => harrellDavis([2, 1], 0.9)).toThrow(/not sorted/);
  });
});

describe('compareQuantile', () => {
  const opts = { q: 0.9, tolerance: 0.1, confidence: 0.95 };

  it('calls a large slowdown regressed, an equal sample no-change, a large speed-up improved', () => {
    const base = idealSample(300);
    const slow = compareQuantile(base, idealSample(300, 1.3), opts);
    expect(slow.verdict).toBe('regressed');
    expect(slow.ratio).toBeCloseTo(1.3, 12);
    expect(slow.lower).toBeGreaterThan(1.1);
    expect(slow.lower).toBeLessThan(slow.ratio);
    expect(slow.upper).toBeGreaterThan(slow.ratio);
    expect(slow.neededN).toBeUndefined();
    const same = compareQuantile(base, base, opts);
    expect(same).toMatchObject({
      verdict: 'no-change',
      ratio: 1,
      baselineN: 300,
      candidateN: 300,
      baselineRuns: 1,
    });
    expect(compareQuantile(base, idealSample(300, 0.7), opts).verdict).toBe('improved');
  });

  it('is symmetric on the log scale: bounds are exp(d -/+ z se)', () => {
    const c = compareQuantile(idealSample(100), idealSample(100, 1.2), opts);
    expect(c.lower * c.upper).toBeCloseTo(c.ratio * c.ratio, 12);
    expect(Math.log(c.upper / c.ratio)).toBeCloseTo(normalQuantile(0.95) * c.seLog, 12);
  });

  it('says inconclusive with the calls per side that would decide, and that many do decide', () => {
    const c = compareQuantile(idealSample(30), idealSample(30, 1.25), opts);
    expect(c.verdict).toBe('inconclusive');
    expect(c.neededN).toBeGreaterThan(30);
    const n = Math.ceil((c.neededN as number) * 1.2);
    expect(compareQuantile(idealSample(n), idealSample(n, 1.25), opts).verdict).toBe('regressed');
  });

  it('pools a baseline history and adds its run-to-run drift to the variance', () => {
    const factors = [0.85, 1.12, 1, 0.9, 1.18, 1.05, 0.82, 1.02, 0.97, 1.09];
    const history = factors.map((f) => idealSample(100, f));
    const candidate = idealSample(100, 1.2);
    const single = compareQuantile([idealSample(100)], candidate, { ...opts, tolerance: 0 });
    const withHistory = compareQuantile(history, candidate, { ...opts, tolerance: 0 });
    expect(withHistory.baselineRuns).toBe(10);
    expect(withHistory.baselineN).toBe(1000);
    expect(single.driftVariance).toBe(0);
    expect(withHistory.driftVariance).toBeGreaterThan(0);
    expect(withHistory.seLog).toBeGreaterThan(Math.sqrt(withHistory.driftVariance));
    // One run says regressed; the history shows runs differ this much anyway
    expect(single.verdict).toBe('regressed');
    expect(withHistory.verdict).toBe('inconclusive');
  });

  it('rejects empty sides, non-positive quantiles and bad options', () => {
    expect(() => compareQuantile([], [1], opts)).toThrow(/baseline has no samples/);
    expect(() => compareQuantile([[], []], [1], opts)).toThrow(/baseline has no samples/);
    expect(() => compareQuantile([1, 2], [], opts)).toThrow(/candidate has no samples/);
    expect(() => compareQuantile([-3, -2, -1], [1, 2], opts)).toThrow(/positive samples/);
    expect(() => compareQuantile([1], [1], { ...opts, tolerance: -0.1 })).toThrow(StatsInputError);
    expect(() => compareQuantile([1], [1], { ...opts, confidence: 95 })).toThrow(/confidence/);
  });
});

describe('budgetCheck', () => {
  it('point mode compares the type 7 quantile with the limit', () => {
    expect(budgetCheck([4, 1, 3, 2], 0.9, 3.7, 'point')).toEqual({ estimate: 3.7, passed: true });
    expect(budgetCheck([4, 1, 3, 2], 0.9, 3.6, 'point')).toEqual({ estimate: 3.7, passed: false });
  });

  it('confident mode fails only when the lower bound is over the limit', () => {
    const lower = 3.867169868764453 - 1.6448536269514722 * 0.38388393107279317;
    const loose = budgetCheck([1, 2, 3, 4], 0.9, 3.5, 'confident');
    expect(loose.passed).toBe(true);
    expect(rel(loose.estimate, 3.867169868764453)).toBeLessThan(1e-13);
    expect(rel(loose.lower as number, lower)).toBeLessThan(1e-12);
    expect(budgetCheck([1, 2, 3, 4], 0.9, 3.2, 'confident').passed).toBe(false);
  });

  it('rejects an empty sample', () => {
    expect(() => budgetCheck([], 0.9, 1, 'point')).toThrow(StatsInputError);
  });
});

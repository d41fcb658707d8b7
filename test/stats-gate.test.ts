import { describe, expect, it } from 'vitest';
import { StatsInputError } from '../src/stats/errors.ts';
import { holmRejections } from '../src/stats/holm.ts';
import { budgetTest, minCallsForBudget } from '../src/stats/quantile-budget.ts';
import { minCallsPerSide, pooledPMin, quantileTest } from '../src/stats/quantile-test.ts';
import {
  incompleteBeta,
  logGamma,
  normalCdf,
  normalQuantile,
  studentTQuantile,
  studentTUpperTail,
} from '../src/stats/special.ts';
import { binomialLower, hypergeometricLower, hypergeometricUpper } from '../src/stats/tails.ts';

const rel = (actual: number, expected: number): number => Math.abs(actual - expected) / Math.abs(expected);

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
    // t.sf(2.5, 4), norm.cdf(-3), norm.cdf(2)
    expect(rel(studentTUpperTail(2.5, 4), 0.03338327240599407)).toBeLessThan(1e-12);
    expect(rel(normalCdf(-3), 0.0013498980316300933)).toBeLessThan(1e-6);
    expect(rel(normalCdf(2), 0.9772498680518208)).toBeLessThan(1e-7);
  });

  it('hypergeometric and binomial tails match scipy.stats', () => {
    // hypergeom(600, 60, 300).sf(44), .cdf(20); hypergeom(20, 2, 10).cdf(0); hypergeom(82, 8, 41).sf(7)
    expect(rel(hypergeometricUpper(45, 600, 60, 300), 2.9419518217712534e-5)).toBeLessThan(1e-11);
    expect(rel(hypergeometricLower(20, 600, 60, 300), 0.004624480598831459)).toBeLessThan(1e-11);
    expect(rel(hypergeometricLower(0, 20, 2, 10), 0.2368421052631579)).toBeLessThan(1e-13);
    expect(rel(hypergeometricUpper(8, 82, 8, 41), 0.002680816604867238)).toBeLessThan(1e-11);
    // binom(300, 0.9).cdf(259), binom(10, 0.9).cdf(7), binom(10, 0.9).cdf(0)
    expect(rel(binomialLower(259, 300, 0.9), 0.025387760068739103)).toBeLessThan(1e-11);
    expect(rel(binomialLower(7, 10, 0.9), 0.07019082639999996)).toBeLessThan(1e-12);
    expect(rel(binomialLower(0, 10, 0.9), 1e-10)).toBeLessThan(1e-12);
    expect(binomialLower(10, 10, 0.9)).toBe(1);
    expect(() => hypergeometricUpper(1, 10, 11, 5)).toThrow(StatsInputError);
  });

  it('rejects arguments outside their domain', () => {
    expect(() => incompleteBeta(1.5, 1, 1)).toThrow(StatsInputError);
    expect(() => normalQuantile(1)).toThrow(/strictly within 0..1/);
  });
});

describe('quantileTest, one baseline run: the pooled-P90 test', () => {
  const opts = { q: 0.9, tolerance: 0, confidence: 0.95 };
  const range = (from: number, to: number): number[] =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('counts the candidate among the pooled top 10%: hypergeometric p-values worked by hand', () => {
    // 40 pooled values, the top 4 all the candidate's: C(20, 4) / C(40, 4) = 4845 / 91390.
    const t = quantileTest(range(1, 20), range(11, 30), opts);
    expect(t.method).toBe('pooled-quantile');
    expect(rel(t.pRegressed, 4845 / 91390)).toBeLessThan(1e-12);
    expect(t.pWithin).toBe(1);
    expect(t.pMin).toBe(t.pRegressed);
    // Type 7 P90s, as the summary shows them: 18.1 and 28.1.
    expect([t.baseline, t.candidate]).toEqual([18.1, 28.1]);
    expect(t.ratio).toBeCloseTo(28.1 / 18.1, 14);
    // Dividing by 1.1 leaves every candidate value above the baseline's: the same counts.
    expect(quantileTest(range(1, 20), range(11, 30), { ...opts, tolerance: 0.1 }).pRegressed).toBe(
      t.pRegressed,
    );
  });

  it("splits ties at the threshold evenly: one of the two values above it is the candidate's", () => {
    // Pooled 1..10 twice: the threshold is 9, above it one 10 of each side; P(H >= 1) = 1 - 45/190.
    const t = quantileTest(range(1, 10), range(1, 10), opts);
    expect(rel(t.pRegressed, 1 - 45 / 190)).toBeLessThan(1e-13);
    expect(rel(t.pWithin, 1 - 45 / 190)).toBeLessThan(1e-13);
  });

  it('bounds the ratio by inverting the test, around the type 7 ratio', () => {
    const ideal = (n: number, scale = 1): number[] =>
      Array.from({ length: n }, (_, i) => scale * 1200 * Math.exp(0.35 * normalQuantile((i + 0.5) / n)));
    const t = quantileTest(ideal(300), ideal(300, 1.5), { ...opts, tolerance: 0.1 });
    expect(t.ratio).toBeCloseTo(1.5, 12);
    expect(t.lower).toBeGreaterThan(1.3);
    expect(t.lower).toBeLessThan(1.5);
    expect(t.upper).toBeGreaterThan(1.5);
    expect(t.upper).toBeLessThan(1.7);
    expect(t.pRegressed).toBeLessThan(1e-6);
    // Sparsity standard error of ln(ratio): √(2 · 0.09 / 300) / (φ(z90) / 0.35) for a log-normal.
    const exact =
      Math.sqrt((2 * 0.09) / 300) /
      (Math.exp(-(normalQuantile(0.9) ** 2) / 2) / Math.sqrt(2 * Math.PI) / 0.35);
    expect(Math.abs((t.seLog as number) / exact - 1)).toBeLessThan(0.05);
  });

  it('cannot decide on a handful of calls: the smallest p-value, and the calls that could', () => {
    // 10 a side: at most the 2 pooled top values are both the candidate's, C(10, 2) / C(20, 2).
    expect(rel(pooledPMin(10, 10, 0.9), 45 / 190)).toBeLessThan(1e-13);
    const t = quantileTest(range(1, 10), range(101, 110), opts);
    expect(t.pRegressed).toBe(t.pMin);
    expect(t.lower).toBeUndefined();
    // The figure for a family of 28 checks at 5%: about 41 a side (43 with this rounding).
    expect(minCallsPerSide(0.9, 0.05 / 28)).toBe(43);
    expect(pooledPMin(43, 43, 0.9)).toBeLessThanOrEqual(0.05 / 28);
    expect(pooledPMin(42, 42, 0.9)).toBeGreaterThan(0.05 / 28);
  });

  it('rejects empty sides, non-positive samples and bad options', () => {
    expect(() => quantileTest([], [1], opts)).toThrow(/at least one sample/);
    expect(() => quantileTest([[], []], [1], opts)).toThrow(/at least one sample/);
    expect(() => quantileTest([0, 2], [1], opts)).toThrow(/must be > 0/);
    expect(() => quantileTest([1], [1], { ...opts, tolerance: -0.1 })).toThrow(StatsInputError);
    expect(() => quantileTest([1], [1], { ...opts, confidence: 95 })).toThrow(/confidence/);
  });
});

describe("quantileTest, a history: the t prediction test on runs' log P90", () => {
  it("matches scipy.stats.t on the runs' type 7 P90s", () => {
    // Runs 1..10 scaled 1, 1.1, 0.9 (P90 9.1 each unscaled), candidate 1.5x. With numpy:
    // y = log(9.1 * [1, 1.1, 0.9]); d = log(9.1 * 1.5) - y.mean(); se = y.std(ddof=1) * sqrt(4/3)
    // t.sf((d - log(1.1)) / se, 2) and exp(d -/+ t.ppf(0.95, 2) * se)
    const run = (f: number): number[] => Array.from({ length: 10 }, (_, i) => f * (i + 1));
    const t = quantileTest([run(1), run(1.1), run(0.9)], run(1.5), {
      q: 0.9,
      tolerance: 0.1,
      confidence: 0.95,
    });
    expect(t.method).toBe('history-t');
    expect(rel(t.pRegressed, 0.056909205235536775)).toBeLessThan(1e-9);
    expect(rel(t.pRegressed + t.pWithin, 1)).toBeLessThan(1e-15);
    expect(rel(t.lower as number, 1.072907476405719)).toBeLessThan(1e-9);
    expect(rel(t.upper as number, 2.111203595095192)).toBeLessThan(1e-9);
    expect([t.baselineRuns, t.baselineN, t.pMin]).toEqual([3, 30, 0]);
  });
});

describe('holmRejections', () => {
  it('steps down: alpha / m, then alpha / (m - 1), and stops at the first p over its level', () => {
    // m = 4: 0.01 <= 0.0125, 0.016 <= 0.0167, 0.03 > 0.025 stops, so 0.04 is kept too.
    expect(holmRejections([0.03, 0.01, 0.04, 0.016], 0.05)).toEqual([false, true, false, true]);
    expect(holmRejections([0.02, 0.02], 0.05)).toEqual([true, true]);
    expect(holmRejections([0.026, 0.5], 0.05)).toEqual([false, false]);
    expect(holmRejections([], 0.05)).toEqual([]);
  });
});

describe('budgetTest: `confident` budgets as an exact binomial test', () => {
  it('matches scipy.stats.binom; the bound is an order statistic', () => {
    // 1..20 under a limit of 15.5: 15 calls within. binom(20, .9).cdf(15), .sf(14); type 7 P90 18.1.
    const t = budgetTest(
      Array.from({ length: 20 }, (_, i) => i + 1),
      0.9,
      15.5,
    );
    expect(rel(t.pOver, 0.04317449528446335)).toBeLessThan(1e-12);
    expect(rel(t.pWithin, 0.988746865835491)).toBeLessThan(1e-12);
    expect(rel(t.pMin, 1e-20)).toBeLessThan(1e-9);
    expect(t.estimate).toBe(18.1);
    // The largest l with binom(20, .9).cdf(l - 1) <= 0.05: l = 16, the 16th value.
    expect(t.lower).toBe(16);
  });

  it('a single call over the limit can fail at 10%, never at 5%: one call cannot be confident', () => {
    expect(budgetTest([5], 0.9, 1).pOver).toBeCloseTo(0.1, 14);
    expect(minCallsForBudget(0.9, 0.05)).toBe(2);
    expect(minCallsForBudget(0.9, 0.05 / 7)).toBe(3);
    expect(() => budgetTest([], 0.9, 1)).toThrow(StatsInputError);
  });
});

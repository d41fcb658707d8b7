import { describe, expect, it } from 'vitest';
import { distribution, mean, median, sampleStd } from '../src/stats/distribution.ts';
import { StatsInputError } from '../src/stats/errors.ts';
import { quantile, quantiles } from '../src/stats/quantile.ts';
import { pairwiseSum } from '../src/stats/sum.ts';

/** Same values as the Python below: 1000 + (i % 97) * 0.1 + i * 1e-3, i = 0..n-1. */
function awkward(n: number): number[] {
  return Array.from({ length: n }, (_, i) => 1000 + (i % 97) * 0.1 + i * 1e-3);
}

describe('pairwiseSum', () => {
  it('matches numpy where a naive running sum does not', () => {
    const values = awkward(10_000);
    let naive = 0;
    for (const v of values) naive += v;
    // np.sum(a) with a = np.array([1000 + (i % 97) * 0.1 + i * 1e-3 for i in range(10000)])
    expect(pairwiseSum(values)).toBe(10097955.399999999);
    // Python's sum(a.tolist()), a left-to-right running sum
    expect(naive).toBe(10097955.400000002);
  });

  it('sums short arrays left to right and empty ones to 0', () => {
    expect(pairwiseSum([])).toBe(0);
    expect(pairwiseSum([0.1, 0.2, 0.3])).toBe(0.1 + 0.2 + 0.3);
    expect(pairwiseSum(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBe(45);
  });
});

describe('quantile (type 7, numpy two-branch interpolation)', () => {
  it('gives hand-worked values', () => {
    // index (4 - 1) * 0.9 = 2.7: 3 + 0.7 * (4 - 3)
    expect(quantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 14);
    // np.percentile([1., 2., 3., 4.], 90) prints 3.7
    expect(quantile([1, 2, 3, 4], 0.9)).toBe(3.7);
    expect(quantile([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantile([1, 2, 3, 4], 0)).toBe(1);
    expect(quantile([1, 2, 3, 4], 1)).toBe(4);
    expect(quantile([5], 0.9)).toBe(5);
  });

  it('uses b - (b - a)(1 - t) from t = 0.5, like numpy', () => {
    const sorted = [0.85, 1.94, 2.14, 3.69, 8.59];
    // np.quantile([0.85, 1.94, 2.14, 3.69, 8.59], 0.9)
    expect(quantile(sorted, 0.9)).toBe(6.63);
    // the single-branch a + (b - a) t misses numpy in the last digit
    const t = 4 * 0.9 - 3;
    expect(3.69 + (8.59 - 3.69) * t).toBe(6.630000000000001);
  });

  it('matches numpy on a long awkward sample', () => {
    // np.percentile(a, 90), np.quantile(a, 0.99) for a as in the pairwise test
    expect(quantiles(awkward(10_000), [0.9, 0.99])).toEqual([1015.2633000000001, 1018.29304]);
  });

  it('rejects bad input with a named error', () => {
    expect(() => quantile([], 0.5)).toThrow(StatsInputError);
    expect(() => quantile([1, 2], 1.5)).toThrow(/outside 0..1/);
    expect(() => quantile([2, 1], 0.5)).toThrow(/not sorted/);
    expect(() => quantiles([1, Number.NaN], [0.5])).toThrow(/index 1 is NaN/);
  });
});

describe('mean, sampleStd, median', () => {
  it('match numpy', () => {
    const values = awkward(10_000);
    // np.mean(a), np.std(a, ddof=1), np.median(a)
    expect(mean(values)).toBe(1009.7955399999998);
    expect(sampleStd(values)).toBe(4.0376319217523475);
    expect(median(values)).toBe(1009.7995);
    // np.std([1., 2., 3., 4.], ddof=1)
    expect(sampleStd([1, 2, 3, 4])).toBe(1.2909944487358056);
  });

  it('median is np.median (mean of the middle two), which can differ from the type 7 P50', () => {
    const values = [0.26, 8.45, 0.24, 9.46, 0.91, 7.94];
    // np.median(values), np.percentile(values, 50)
    expect(median(values)).toBe(4.425);
    expect(quantiles(values, [0.5])).toEqual([4.425000000000001]);
  });

  it('rejects samples too small', () => {
    expect(() => mean([])).toThrow(StatsInputError);
    expect(() => sampleStd([1])).toThrow(/at least 2/);
  });
});

describe('distribution', () => {
  it('summarizes like numpy', () => {
    const values = [0.26, 8.45, 0.24, 9.46, 0.91, 7.94];
    // np.mean, np.std(ddof=1), np.median, np.percentile(values, [50, 90, 95, 99])
    expect(distribution(values)).toEqual({
      n: 6,
      mean: 4.543333333333334,
      std: 4.495324978982795,
      min: 0.24,
      max: 9.46,
      median: 4.425,
      p50: 4.425000000000001,
      p90: 8.955,
      p95: 9.2075,
      p99: 9.409500000000001,
    });
  });

  it('is undefined for no values and has no std for one', () => {
    expect(distribution([])).toBeUndefined();
    const one = distribution([1.5]);
    expect(one).toEqual({
      n: 1,
      mean: 1.5,
      min: 1.5,
      max: 1.5,
      median: 1.5,
      p50: 1.5,
      p90: 1.5,
      p95: 1.5,
      p99: 1.5,
    });
    expect(one && 'std' in one).toBe(false);
  });
});

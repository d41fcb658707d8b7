import type { Distribution } from '../records/summary.ts';
import { assertFinite, StatsInputError } from './errors.ts';
import { quantile, sortAscending } from './quantile.ts';
import { pairwiseSum } from './sum.ts';

/** `np.mean(values)`: numpy's pairwise sum divided by n. */
export function mean(values: ArrayLike<number>): number {
  if (values.length === 0) throw new StatsInputError('mean: no values; pass at least one value');
  return pairwiseSum(values) / values.length;
}

/**
 * Sample standard deviation (ddof 1, as pandas prints), computed the way `np.std(values, ddof=1)`
 * does: the mean, then squared deviations summed pairwise, divided by n - 1, square root.
 */
export function sampleStd(values: ArrayLike<number>): number {
  const n = values.length;
  if (n < 2)
    throw new StatsInputError(`sampleStd: ${n} value(s); a sample standard deviation needs at least 2`);
  const m = mean(values);
  const squares = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - m;
    squares[i] = d * d;
  }
  return Math.sqrt(pairwiseSum(squares) / (n - 1));
}

/** `np.median(sorted)`: the middle element, or the mean of the two middle ones (not type 7's lerp). */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  if (n === 0) throw new StatsInputError('median: no values; pass at least one value');
  const half = Math.floor(n / 2);
  if (n % 2 === 1) return sorted[half] as number;
  return ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}

/** `np.median(values)` of unsorted values. */
export function median(values: ArrayLike<number>): number {
  return medianOfSorted(sortAscending(values));
}

/**
 * Summary of one metric: undefined for no values; `std` absent for a single value. Percentiles are
 * type 7 (`np.percentile`), `median` is `np.median`; they can differ in the last digit.
 */
export function distribution(values: ArrayLike<number>): Distribution | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  assertFinite(values, 'distribution');
  const sorted = sortAscending(values);
  const result: Distribution = {
    n,
    mean: mean(values),
    min: sorted[0] as number,
    max: sorted[n - 1] as number,
    median: medianOfSorted(sorted),
    p50: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    p95: quantile(sorted, 0.95),
    p99: quantile(sorted, 0.99),
  };
  if (n >= 2) result.std = sampleStd(values);
  return result;
}

import { assertFinite, assertSorted, StatsInputError } from './errors.ts';
import { incompleteBeta } from './special.ts';

/** A quantile estimate with its standard error, over `n` values. */
export interface QuantileEstimate {
  estimate: number;
  /** Maritz-Jarrett standard error of the estimate; 0 for a single value. */
  se: number;
  n: number;
}

/**
 * Harrell-Davis weights for quantile q of n sorted values: W_i = I_{i/n}(a, b) - I_{(i-1)/n}(a, b)
 * with a = q(n + 1), b = (1 - q)(n + 1), the probability that the Beta(a, b) order statistic falls
 * in the i-th slice. They sum to 1.
 */
export function harrellDavisWeights(n: number, q: number): Float64Array {
  if (!(Number.isInteger(n) && n >= 1))
    throw new StatsInputError(`harrellDavis: n = ${n}; need at least one value`);
  if (!(q > 0 && q < 1)) {
    throw new StatsInputError(`harrellDavis: quantile ${q} must be strictly within 0..1 (e.g. 0.9 for P90)`);
  }
  const a = q * (n + 1);
  const b = (1 - q) * (n + 1);
  const weights = new Float64Array(n);
  let previous = 0;
  for (let i = 1; i <= n; i++) {
    const current = i === n ? 1 : incompleteBeta(i / n, a, b);
    weights[i - 1] = current - previous;
    previous = current;
  }
  return weights;
}

/**
 * Harrell-Davis estimate of quantile q (a weighted mean of all order statistics: smoother and more
 * efficient than type 7 for the tail quantiles a gate compares), with the Maritz-Jarrett standard
 * error: the standard deviation of the order statistics under the same weights,
 * sqrt(Σ W_i (x_i - HD)²), computed around the estimate to avoid the cancellation of C2 - C1².
 * `sorted` must be ascending.
 */
export function harrellDavis(sorted: ArrayLike<number>, q: number): QuantileEstimate {
  const n = sorted.length;
  if (n === 0) throw new StatsInputError('harrellDavis: no values; pass at least one value');
  assertFinite(sorted, 'harrellDavis');
  assertSorted(sorted, 'harrellDavis');
  const weights = harrellDavisWeights(n, q);
  let estimate = 0;
  for (let i = 0; i < n; i++) estimate += (weights[i] as number) * (sorted[i] as number);
  let variance = 0;
  for (let i = 0; i < n; i++) {
    const d = (sorted[i] as number) - estimate;
    variance += (weights[i] as number) * d * d;
  }
  return { estimate, se: Math.sqrt(variance), n };
}

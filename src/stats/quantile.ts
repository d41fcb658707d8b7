import { assertFinite, assertProbability, assertSorted, StatsInputError } from './errors.ts';

/**
 * Type 7 quantile (linear interpolation between closest ranks), numpy's and pandas' default, with
 * numpy's two-branch interpolation (`_lerp` in numpy/lib/_function_base_impl.py): `a + (b - a) t`
 * below t = 0.5 and `b - (b - a)(1 - t)` from it, which rounds differently in the last digit.
 * `sorted` must be ascending and non-empty.
 */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new StatsInputError('quantile: no values; pass at least one value');
  assertProbability(q, 'quantile');
  assertSorted(sorted, 'quantile');
  return lerpAt(sorted, q);
}

/** Type 7 quantiles of unsorted `values` (sorted once, copied; the input is left as it is). */
export function quantiles(values: ArrayLike<number>, qs: readonly number[]): number[] {
  if (values.length === 0) throw new StatsInputError('quantiles: no values; pass at least one value');
  assertFinite(values, 'quantiles');
  for (const q of qs) assertProbability(q, 'quantiles');
  const sorted = sortAscending(values);
  return qs.map((q) => lerpAt(sorted, q));
}

/** A sorted copy, ascending, as float64. */
export function sortAscending(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/** numpy's `_quantile` with method 'linear', for validated input. */
function lerpAt(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  const virtual = (n - 1) * q;
  // numpy clamps indexes at or past the last one to the last element (and measures gamma from there).
  if (virtual >= n - 1) return sorted[n - 1] as number;
  const below = Math.floor(virtual);
  const a = sorted[below] as number;
  const b = sorted[below + 1] as number;
  const t = virtual - below;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * Bad input to a statistics function: an empty sample where one is required, a quantile outside
 * 0..1, a non-finite value, an unsorted array where a sorted one is required. The message names the
 * function, the argument and the fix.
 */
export class StatsInputError extends Error {
  override name = 'StatsInputError';
}

/** Throws unless every value is a finite number; `what` names the function and argument. */
export function assertFinite(values: ArrayLike<number>, what: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as number;
    if (!Number.isFinite(v)) {
      throw new StatsInputError(`${what}: value at index ${i} is ${v}; pass finite numbers only`);
    }
  }
}

/** Throws unless `values` is sorted ascending (quantile functions take sorted input to avoid re-sorting). */
export function assertSorted(values: ArrayLike<number>, what: string): void {
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) < (values[i - 1] as number)) {
      throw new StatsInputError(`${what}: values are not sorted ascending at index ${i}; sort them first`);
    }
  }
}

/** Throws unless 0 <= q <= 1. */
export function assertProbability(q: number, what: string): void {
  if (!(q >= 0 && q <= 1)) {
    throw new StatsInputError(`${what}: quantile ${q} is outside 0..1; pass e.g. 0.9 for P90`);
  }
}

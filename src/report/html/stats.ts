import { quantiles } from '../../stats/quantile.ts';

/**
 * Shapes the charts draw that the run record's summary does not hold: box-plot quartiles, shared
 * histogram bins and ECDF steps. Display only; the gate and the table use src/stats/ figures.
 */

/** [min, Q1, median, Q3, max] (type 7), as ECharts' box plot takes it; undefined for no values. */
export function fiveNumbers(values: number[]): [number, number, number, number, number] | undefined {
  if (values.length === 0) return undefined;
  const [min = 0, q1 = 0, median = 0, q3 = 0, max = 0] = quantiles(values, [0, 0.25, 0.5, 0.75, 1]);
  return [min, q1, median, q3, max];
}

/** 1, 2 or 5 times a power of ten, at least `x`: bin widths a reader can add up. */
export function niceStep(x: number): number {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 5, 10]) if (m * power >= x) return m * power;
  return 10 * power;
}

export interface Bins {
  /** Left edge of the first bin. */
  start: number;
  width: number;
  count: number;
}

/**
 * Bins shared by every histogram of a chart, so small multiples compare at a glance. About
 * sqrt(largest sample) bins, between 5 and 30.
 */
export function sharedBins(samples: number[][]): Bins | undefined {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let largest = 0;
  // Loops, not Math.min(...all): a long run's samples are past the engine's limit on arguments.
  for (const sample of samples) {
    largest = Math.max(largest, sample.length);
    for (const v of sample) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (largest === 0) return undefined;
  const target = Math.min(30, Math.max(5, Math.ceil(Math.sqrt(largest))));
  const width = niceStep((max - min) / target);
  const start = Math.floor(min / width) * width;
  const count = Math.max(1, Math.floor((max - start) / width) + 1);
  return { start, width, count };
}

export function binCounts(values: number[], bins: Bins): number[] {
  const counts = new Array<number>(bins.count).fill(0);
  for (const v of values) {
    const i = Math.min(bins.count - 1, Math.max(0, Math.floor((v - bins.start) / bins.width)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/**
 * Points a chart draws per series at most: past it, a series is thinned (ECDF steps, scatter points),
 * so a report of 100,000 calls stays a few megabytes and opens in a browser. Box plots, histograms
 * and tables are computed from every call.
 */
export const MAX_CHART_POINTS = 5000;

/**
 * Points of the empirical CDF as a step line: starts at (min, 0), rises 1/n at each value. Past
 * `maxPoints` values, only every value at evenly spaced ranks is kept (the first and the last among
 * them), so each step drawn is a true point of the ECDF, just fewer of them.
 */
export function ecdfPoints(values: number[], maxPoints = MAX_CHART_POINTS): Array<[number, number]> {
  if (values.length === 0) return [];
  const sorted = [...values].sort((x, y) => x - y);
  const n = sorted.length;
  const points: Array<[number, number]> = [[sorted[0] ?? 0, 0]];
  for (const i of evenRanks(n, maxPoints)) points.push([sorted[i] ?? 0, (i + 1) / n]);
  return points;
}

/**
 * Up to `maxPoints` items, evenly spread over the list in its order (the first and the last kept):
 * every item when there are no more. For scatter points.
 */
export function evenSample<T>(items: readonly T[], maxPoints = MAX_CHART_POINTS): T[] {
  return evenRanks(items.length, maxPoints).map((i) => items[i] as T);
}

/** 0..n-1, or `max` of them evenly spaced from 0 to n-1 when n is larger. */
function evenRanks(n: number, max: number): number[] {
  if (n <= max) return Array.from({ length: n }, (_, i) => i);
  if (max < 2) return [n - 1];
  return Array.from({ length: max }, (_, k) => Math.round((k * (n - 1)) / (max - 1)));
}

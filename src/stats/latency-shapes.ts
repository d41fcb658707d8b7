import { type Random, standardNormal } from './random.ts';

/**
 * Shapes of latency distributions the gate is simulated on (src/gate/simulation.ts), all with a
 * median near 1.2 s and a long right tail, and each a different kind of tail:
 * - `log-normal`: median 1.2 s, sigma 0.35 (the usual model of service latency);
 * - `gamma`: shape 3, scale 400 ms (mean 1.2 s; a lighter, exponential-like tail);
 * - `shifted-exponential`: 500 ms fixed plus an exponential of mean 700 ms (a floor, then memoryless);
 * - `slow-tail-mixture`: 95% log-normal (median 1.2 s, sigma 0.25), 5% slow calls (median 4 s), so
 *   the P90 sits just below a gap in the density, the hardest place to estimate a quantile.
 */
export type LatencyShape = 'log-normal' | 'gamma' | 'shifted-exponential' | 'slow-tail-mixture';

export const LATENCY_SHAPES: readonly LatencyShape[] = [
  'log-normal',
  'gamma',
  'shifted-exponential',
  'slow-tail-mixture',
];

/** Each shape's true P90, ms (scipy: lognorm, gamma.ppf(0.9, 3) * 400, 500 + 700 ln 10, brentq on the mixture's CDF). */
export const TRUE_P90_MS: Record<LatencyShape, number> = {
  'log-normal': 1879.234672258917,
  gamma: 2128.9281351336845,
  'shifted-exponential': 2111.809565095832,
  'slow-tail-mixture': 1798.2514528904649,
};

/** One latency draw, ms. */
export function drawLatency(shape: LatencyShape, random: Random): number {
  switch (shape) {
    case 'log-normal':
      return 1200 * Math.exp(0.35 * standardNormal(random));
    case 'gamma':
      // Gamma(3) is the sum of three unit exponentials: -ln(U1 U2 U3).
      return -400 * Math.log((1 - random()) * (1 - random()) * (1 - random()));
    case 'shifted-exponential':
      return 500 - 700 * Math.log(1 - random());
    case 'slow-tail-mixture':
      return random() < 0.05
        ? 4000 * Math.exp(0.3 * standardNormal(random))
        : 1200 * Math.exp(0.25 * standardNormal(random));
  }
}

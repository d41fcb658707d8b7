import { mulberry32 } from '../stats/random.ts';

export { seedFrom } from '../stats/random.ts';

/**
 * Seeded randomness for the emulator: every draw derives from a seed and a key (model id, request
 * counter, purpose), so the same requests replay the same plans whatever else runs concurrently.
 */

/** A stream of draws from one seed. */
export interface Random {
  /** Uniform in [0, 1). */
  uniform(): number;
  /** Standard normal (Box-Muller). */
  normal(): number;
  /** Log-normal with the given median and sigma (standard deviation of its natural log). */
  logNormal(median: number, sigma: number): number;
}

export function createRandom(seed: number): Random {
  const next = mulberry32(seed);
  let spare: number | undefined;
  const normal = (): number => {
    if (spare !== undefined) {
      const value = spare;
      spare = undefined;
      return value;
    }
    // 1 - u keeps the radius argument in (0, 1], so log never sees 0.
    const radius = Math.sqrt(-2 * Math.log(1 - next()));
    const angle = 2 * Math.PI * next();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
  return {
    uniform: next,
    normal,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
  };
}

/**
 * The one seeded pseudo-random source of the project (simulations, synthetic datasets, Poisson
 * arrivals, the emulator's latency draws): mulberry32, a small 32-bit generator with 2^32 states,
 * plenty for Monte Carlo rates and latency modelling (not for cryptography). The gate itself is
 * deterministic and draws nothing.
 */

/** Uniform numbers in [0, 1); same seed, same sequence, on every platform. */
export type Random = () => number;

/** Uniform numbers in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal draw (Box-Muller; 1 - u keeps the logarithm finite). */
export function standardNormal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** 32-bit seed from any parts: FNV-1a over their text, then murmur3's finalizer to spread the bits. */
export function seedFrom(...parts: ReadonlyArray<string | number>): number {
  let hash = 0x811c9dc5;
  // U+001F separates parts so ('ab', 'c') and ('a', 'bc') differ.
  const text = parts.map(String).join('\u001f');
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Summation exactly as numpy does it, so means and standard deviations agree with numpy and pandas to
 * the last digit: `np.add.reduce` starts from the identity 0 and adds `pairwise_sum` of the whole
 * contiguous array (numpy/_core/src/umath/loops_utils.h.src).
 */

/** numpy's PW_BLOCKSIZE: at or below this many elements, one unrolled block; above it, recursion. */
const BLOCK = 128;

/** Sum of `values[start .. start + n)` in numpy's pairwise order. */
function pairwise(values: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[start + i] as number;
    return res;
  }
  if (n <= BLOCK) {
    // Eight running accumulators, combined as a balanced tree, then the remainder one by one.
    let r0 = values[start] as number;
    let r1 = values[start + 1] as number;
    let r2 = values[start + 2] as number;
    let r3 = values[start + 3] as number;
    let r4 = values[start + 4] as number;
    let r5 = values[start + 5] as number;
    let r6 = values[start + 6] as number;
    let r7 = values[start + 7] as number;
    const end8 = n - (n % 8);
    let i = 8;
    for (; i < end8; i += 8) {
      const p = start + i;
      r0 += values[p] as number;
      r1 += values[p + 1] as number;
      r2 += values[p + 2] as number;
      r3 += values[p + 3] as number;
      r4 += values[p + 4] as number;
      r5 += values[p + 5] as number;
      r6 += values[p + 6] as number;
      r7 += values[p + 7] as number;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += values[start + i] as number;
    return res;
  }
  // Halve, rounded down to a multiple of the unroll factor.
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwise(values, start, n2) + pairwise(values, start + n2, n - n2);
}

/** `np.sum(values)` for float64 input, bit for bit; 0 for an empty array. */
export function pairwiseSum(values: ArrayLike<number>): number {
  return 0 + pairwise(values, 0, values.length);
}

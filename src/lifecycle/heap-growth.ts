import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what its last full collection kept, while a run's
 * outputs are written: 20%. Left to itself, on a machine with gigabytes of memory, V8 lets it grow up
 * to fourfold, so a 100,000-call run's records (~55 MB live) and the strings its CSV and run record
 * are made of (hundreds of MB, garbage as soon as written) took Vitest's main process from ~200 MiB
 * to 368-668 MiB at the end of the run. At 20%, a merge of such a run's blob peaks at 306-314 MiB
 * instead of 360-425 MiB, in the same 7-8 s (README, Long runs).
 */
export const WRITING_HEAP_GROWING_PERCENT = 20;

/** The last `--heap-growing-percent` among node flags, then NODE_OPTIONS; else 0, V8's own heuristics. */
export function ownHeapGrowingPercent(execArgv: readonly string[], nodeOptions: string | undefined): number {
  let percent = 0;
  for (const flag of [...(nodeOptions ?? '').split(/\s+/), ...execArgv]) {
    const match = /^--heap[-_]growing[-_]percent=(\d+)$/.exec(flag);
    if (match) percent = Number(match[1]);
  }
  return percent;
}

/**
 * Runs `work` (writing a run's outputs) with the old generation's growth held to
 * WRITING_HEAP_GROWING_PERCENT, then gives the process back `own` (ownHeapGrowingPercent of its flags),
 * also when `work` throws. It changes how often V8 collects, nothing else: V8 reads the flag each time
 * it sets the next limit.
 */
export function withTightHeap<T>(
  work: () => T,
  own: number,
  setFlags: (flags: string) => void = setFlagsFromString,
): T {
  setFlags(`--heap-growing-percent=${WRITING_HEAP_GROWING_PERCENT}`);
  try {
    return work();
  } finally {
    setFlags(`--heap-growing-percent=${own}`);
  }
}

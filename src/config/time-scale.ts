import type { LoadShape, ResolvedOptions } from '../records/options.ts';

/**
 * The run's time scale: against the embedded emulator (`target` emulator), `timeScale` compresses the
 * whole scenario alike, the emulator's latencies, the pause between calls, the gaps of an open-loop
 * schedule and a duration, so a run at 0.02 is the same run 50 times faster. Against Bedrock nothing is scaled (1).
 */
export function runTimeScale(options: Pick<ResolvedOptions, 'target' | 'timeScale'>): number {
  return options.target === 'emulator' ? options.timeScale : 1;
}

/**
 * The load the scheduler runs: an open loop's rate divided by the time scale (open:2 at 0.02 starts
 * 100 calls per second of real time); a closed loop as it is.
 */
export function scheduledLoad(options: Pick<ResolvedOptions, 'target' | 'timeScale' | 'load'>): LoadShape {
  const { load } = options;
  return load.kind === 'open' ? { ...load, rate: load.rate / runTimeScale(options) } : load;
}

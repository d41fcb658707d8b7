import type { ClientHealthSample } from '../records/client-health.ts';
import { CLIENT_HEALTH_LIMITS, clientHealthWarnings } from '../summary/client-health.ts';

/**
 * When the measuring client itself was busy, its latencies say little about the model: a check of
 * such a run is "inconclusive (client busy)", and a slowdown no larger than the client's own
 * event-loop delay is not judged either. Samples missing (older run records) count as healthy.
 */
export function clientBusyReason(samples: readonly (ClientHealthSample | undefined)[]): string | undefined {
  for (const sample of samples) {
    if (sample === undefined) continue;
    const [warning] = clientHealthWarnings('', sample, CLIENT_HEALTH_LIMITS);
    // `: client event-loop delay P99 53.0 ms > 10 ms: the client was busy ...`: keep the measurement.
    if (warning !== undefined) return `client busy: ${warning.split(': ')[1] ?? warning}`;
  }
  return undefined;
}

/** The worse event-loop delay P99 of the runs compared, ms; undefined when none was recorded. */
export function clientNoiseMs(samples: readonly (ClientHealthSample | undefined)[]): number | undefined {
  const p99s = samples.flatMap((s) => (s === undefined ? [] : [s.eventLoopDelayMs.p99]));
  return p99s.length === 0 ? undefined : Math.max(...p99s);
}

/** A time-scaled emulator run measures a shrunken model: its latencies are never judged. */
export function timeScaleReason(target: string, timeScale: number | undefined): string | undefined {
  return target === 'emulator' && timeScale !== undefined && timeScale !== 1
    ? `not judged at time scale ${timeScale}`
    : undefined;
}

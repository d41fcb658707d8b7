import type { ClientHealthSample, RunClientHealth } from '../records/client-health.ts';

/** Above these, the summary warns that the client may be distorting the numbers. */
export interface ClientHealthLimits {
  /** Event-loop delay P99, ms. @default 10 */
  eventLoopDelayP99Ms: number;
  /** CPU time / wall clock, as a share of one core. @default 0.8 */
  cpuShareOfOneCore: number;
}

export const CLIENT_HEALTH_LIMITS: ClientHealthLimits = { eventLoopDelayP99Ms: 10, cpuShareOfOneCore: 0.8 };

/** CPU time over wall clock, as a share of one core; 0 for an empty span. */
export function cpuShare(sample: ClientHealthSample): number {
  return sample.wallMs > 0 ? (sample.cpuUserMs + sample.cpuSystemMs) / sample.wallMs : 0;
}

/** One line per limit the sample is over, prefixed with `who` (e.g. the model test's name). Pure. */
export function clientHealthWarnings(
  who: string,
  sample: ClientHealthSample,
  limits: ClientHealthLimits = CLIENT_HEALTH_LIMITS,
): string[] {
  const warnings: string[] = [];
  const p99 = sample.eventLoopDelayMs.p99;
  if (p99 > limits.eventLoopDelayP99Ms) {
    warnings.push(
      `${who}: client event-loop delay P99 ${p99.toFixed(1)} ms > ${limits.eventLoopDelayP99Ms} ms: ` +
        'the client was busy and latencies may be inflated; lower the concurrency or rate, or free the CPU',
    );
  }
  const share = cpuShare(sample);
  if (share > limits.cpuShareOfOneCore) {
    warnings.push(
      `${who}: client CPU ${(share * 100).toFixed(0)}% of one core > ${(limits.cpuShareOfOneCore * 100).toFixed(0)}%: ` +
        'the client may be the bottleneck; lower the concurrency or rate',
    );
  }
  return warnings;
}

/**
 * The run's client health from each model test's sample: CPU times added up, event-loop delay as the
 * worst test's figures (percentiles of separate spans do not merge), and every test's warnings.
 * Undefined when no test recorded a sample (e.g. a run rebuilt from an old journal).
 */
export function aggregateClientHealth(
  samples: readonly { who: string; sample: ClientHealthSample }[],
  limits: ClientHealthLimits = CLIENT_HEALTH_LIMITS,
): RunClientHealth | undefined {
  if (samples.length === 0) return undefined;
  const worst = (of: (s: ClientHealthSample) => number): number =>
    Math.max(...samples.map(({ sample }) => of(sample)));
  return {
    cpuUserMs: samples.reduce((sum, { sample }) => sum + sample.cpuUserMs, 0),
    cpuSystemMs: samples.reduce((sum, { sample }) => sum + sample.cpuSystemMs, 0),
    eventLoopDelayMs: {
      p50: worst((s) => s.eventLoopDelayMs.p50),
      p99: worst((s) => s.eventLoopDelayMs.p99),
      max: worst((s) => s.eventLoopDelayMs.max),
    },
    warnings: samples.flatMap(({ who, sample }) => clientHealthWarnings(who, sample, limits)),
  };
}

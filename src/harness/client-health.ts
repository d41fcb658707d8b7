import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { RunContext } from '../report/run-record.ts';

/**
 * Client health while measuring: the measuring process's CPU time and its event-loop delay. A client
 * short of CPU, or an event loop blocked by other work, delays reading responses and so inflates
 * latencies; these figures let a reader tell.
 */
export interface ClientHealthSample {
  /** Wall clock the sample covers, ms. */
  wallMs: number;
  /** CPU time of the whole measuring process over that span (process.cpuUsage), ms. */
  cpuUserMs: number;
  cpuSystemMs: number;
  /** How late the event loop ran a timer, ms (perf_hooks.monitorEventLoopDelay, resolution removed). */
  eventLoopDelayMs: { p50: number; p99: number; max: number };
}

/** Above these, the summary warns that the client may be distorting the numbers. */
export interface ClientHealthLimits {
  /** Event-loop delay P99, ms. @default 10 */
  eventLoopDelayP99Ms: number;
  /** CPU time / wall clock, as a share of one core. @default 0.8 */
  cpuShareOfOneCore: number;
}

export const CLIENT_HEALTH_LIMITS: ClientHealthLimits = { eventLoopDelayP99Ms: 10, cpuShareOfOneCore: 0.8 };

/** Timer period of the delay histogram, ms: one wake-up per period, a negligible cost on the loop. */
const RESOLUTION_MS = 10;

export interface ClientHealthMonitor {
  /** Stops measuring and returns what was seen since start. */
  stop(): ClientHealthSample;
}

/** Starts measuring CPU time and event-loop delay; call `stop()` once the calls are done. */
export function startClientHealth(): ClientHealthMonitor {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  return {
    stop() {
      const cpu = process.cpuUsage(cpu0);
      const wallMs = performance.now() - t0;
      histogram.disable();
      // Recorded values are whole timer periods (resolution + lateness); no value when the span was short.
      const late = (ns: number): number =>
        histogram.count === 0 ? 0 : Math.max(0, ns / 1e6 - RESOLUTION_MS);
      return {
        wallMs,
        cpuUserMs: cpu.user / 1000,
        cpuSystemMs: cpu.system / 1000,
        eventLoopDelayMs: {
          p50: late(histogram.percentile(50)),
          p99: late(histogram.percentile(99)),
          max: late(histogram.max),
        },
      };
    },
  };
}

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
): RunContext['client'] {
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

import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ClientHealthSample } from '../records/client-health.ts';
import { threadCpuWaitNs } from './cpu-wait.ts';

/**
 * Measures the measuring process's CPU time and event-loop delay while a model's calls run (the
 * sample's shape and meaning: src/records/client-health.ts; warnings and the run's aggregate:
 * src/summary/client-health.ts).
 */

/** Timer period of the delay histogram, ms: one wake-up per period, a negligible cost on the loop. */
const RESOLUTION_MS = 10;

export interface ClientHealthMonitor {
  /** Stops measuring and returns what was seen since start. */
  stop(): ClientHealthSample;
}

/**
 * Starts measuring CPU time, event-loop delay and run-queue wait; call `stop()` once the calls are done.
 * The delay and the wait are always this thread's (its event loop's); the CPU time is the whole
 * process's, or with `cpu: 'thread'` this thread's alone (a worker thread measuring its own share).
 */
export function startClientHealth(cpu: 'process' | 'thread' = 'process'): ClientHealthMonitor {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  const usage = (since?: NodeJS.CpuUsage): NodeJS.CpuUsage =>
    cpu === 'thread' ? process.threadCpuUsage(since) : process.cpuUsage(since);
  const cpu0 = usage();
  const wait0 = threadCpuWaitNs();
  const t0 = performance.now();
  return {
    stop() {
      const cpu = usage(cpu0);
      const wait = threadCpuWaitNs();
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
        ...(wait0 === undefined || wait === undefined ? {} : { cpuWaitMs: (wait - wait0) / 1e6 }),
      };
    },
  };
}

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
  /**
   * How long the event loop's thread was ready to run but waited for a core, ms: the kernel's run-queue
   * wait (`/proc/thread-self/schedstat`, Linux only; absent elsewhere and in records from before 0.2).
   * A large share of `wallMs` means the machine had no core free for the client when it had work.
   */
  cpuWaitMs?: number;
}

/** A whole run's client health, from every model test's sample, with the warnings they raised. */
export interface RunClientHealth {
  cpuUserMs: number;
  cpuSystemMs: number;
  eventLoopDelayMs: { p50: number; p99: number; max: number };
  warnings: string[];
}

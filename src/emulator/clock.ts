import { setTimeout as delay } from 'node:timers/promises';

/**
 * The emulator's monotonic clock: process.hrtime in ms. Comparable between processes on one machine,
 * so a harness in another process can check its own timings against the emulator's stamps.
 */
export function nowMs(): number {
  return Number(process.hrtime.bigint() / 1000n) / 1000;
}

/**
 * Waits until the clock reaches `targetMs`; false when aborted first. Targets are absolute (from the
 * request's receive time), so timer lateness never accumulates; timers that fire a little early (libuv
 * rounds to whole ms) wait again, so the target is never missed on the early side.
 */
export async function sleepUntil(targetMs: number, signal: AbortSignal): Promise<boolean> {
  for (;;) {
    if (signal.aborted) return false;
    const remaining = targetMs - nowMs();
    if (remaining <= 0) return true;
    try {
      await delay(Math.max(1, Math.ceil(remaining)), undefined, { signal });
    } catch {
      return false;
    }
  }
}

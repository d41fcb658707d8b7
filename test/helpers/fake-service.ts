import type { FakeClock } from '../../src/harness/clock.ts';
import type { Exec, SpecIdentity } from '../../src/harness/scheduler.ts';
import type { CallRecord, OkCall } from '../../src/records/call-record.ts';

/**
 * An executor for runSchedule on a fake clock: each call takes `durationMs(spec)` of fake time and
 * answers ok; it logs when calls start and counts the most in flight at once.
 */
export function fakeService(clock: FakeClock, durationMs: (s: SpecIdentity) => number) {
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const exec: Exec<SpecIdentity> = async (s) => {
    const startMs = clock.now();
    starts.push(startMs);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    await clock.sleep(durationMs(s));
    inFlight--;
    const record: OkCall = {
      ...s,
      status: 'ok',
      timestamp: '2026-11-27T00:00:00.000Z',
      startMs,
      latencyMs: clock.now() - startMs,
      attempts: 1,
      retryDelayMs: 0,
      attemptMs: [clock.now() - startMs],
      inputTokens: 10,
      outputTokens: 5,
      stopReason: 'end_turn',
      text: 'x',
    };
    return record;
  };
  return { exec, starts, maxInFlight: () => maxInFlight };
}

/** Runs every fake timer, then the schedule's records. */
export async function drive(clock: FakeClock, run: Promise<CallRecord[]>): Promise<CallRecord[]> {
  await clock.runAll();
  return run;
}

import { describe, expect, test } from 'vitest';
import { startClientHealth } from '../src/harness/client-health.ts';
import { realClock } from '../src/harness/clock.ts';
import { type Exec, runSchedule, type SpecIdentity } from '../src/harness/scheduler.ts';
import type { OkCall } from '../src/records/call-record.ts';
import type { ClientHealthSample } from '../src/records/client-health.ts';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { renderSummaryTable } from '../src/report/summary-table.ts';
import { aggregateClientHealth, clientHealthWarnings, cpuShare } from '../src/summary/client-health.ts';
import { modelInfo, okCall, SOURCE_ID, sampleInputs } from './fixtures/report-records.ts';
import { callIdentity } from './helpers/calls.ts';

const sample = (overrides: Partial<ClientHealthSample> = {}): ClientHealthSample => ({
  wallMs: 1000,
  cpuUserMs: 300,
  cpuSystemMs: 100,
  eventLoopDelayMs: { p50: 0.2, p99: 2, max: 5 },
  ...overrides,
});

describe('client health warnings', () => {
  test('none for a healthy client', () => {
    expect(cpuShare(sample())).toBe(0.4);
    expect(clientHealthWarnings('m', sample())).toEqual([]);
  });

  test('event-loop delay P99 over 10 ms, and CPU over 80% of one core, each warn with the fix', () => {
    const busy = sample({
      cpuUserMs: 700,
      cpuSystemMs: 150,
      eventLoopDelayMs: { p50: 1, p99: 12.34, max: 40 },
    });
    expect(clientHealthWarnings('m|converse|standard', busy)).toEqual([
      'm|converse|standard: client event-loop delay P99 12.3 ms > 10 ms: the client was busy and latencies may be inflated; lower the concurrency or rate, or free the CPU',
      'm|converse|standard: client CPU 85% of one core > 80%: the client may be the bottleneck; lower the concurrency or rate',
    ]);
  });

  test('aggregation adds CPU times, keeps the worst delays and every warning', () => {
    const client = aggregateClientHealth([
      { who: 'a', sample: sample() },
      { who: 'b', sample: sample({ cpuUserMs: 50, eventLoopDelayMs: { p50: 3, p99: 20, max: 30 } }) },
    ]);
    expect(client).toMatchObject({
      cpuUserMs: 350,
      cpuSystemMs: 200,
      eventLoopDelayMs: { p50: 3, p99: 20, max: 30 },
    });
    expect(client?.warnings).toHaveLength(1);
    expect(client?.warnings[0]).toMatch(/^b: client event-loop delay P99 20\.0 ms/);
    expect(aggregateClientHealth([])).toBeUndefined();
  });
});

const spec = (i: number): SpecIdentity => callIdentity({ modelId: SOURCE_ID, document: i });

/** Blocks the event loop for `blockMs` (a busy loop), then waits `waitMs` on a timer: a client doing other work. */
function blockingExec(blockMs: number, waitMs: number): Exec<SpecIdentity> {
  return async (s) => {
    const startMs = performance.now();
    while (performance.now() - startMs < blockMs) {
      // busy: nothing else on this event loop runs
    }
    await new Promise((resolve) => setTimeout(resolve, waitMs));
    const record: OkCall = okCall({ ...s, startMs, latencyMs: performance.now() - startMs });
    return record;
  };
}

describe('a client that blocks its event loop', () => {
  test('is seen by the monitor and warned about in the summary', async () => {
    const health = startClientHealth();
    const specs = Array.from({ length: 6 }, (_, i) => spec(i));
    const records = await runSchedule(specs, blockingExec(60, 5), {
      concurrency: 2,
      delayBetweenMs: 0,
      load: { kind: 'closed' },
      clock: realClock,
    });
    const measured = health.stop();
    // The 10 ms delay timer falls due at most 10 ms into a 60 ms busy loop and runs after it: >= 50 ms late.
    expect(measured.eventLoopDelayMs.max).toBeGreaterThanOrEqual(40);
    expect(measured.eventLoopDelayMs.p99).toBeGreaterThan(10);
    expect(measured.wallMs).toBeGreaterThanOrEqual(6 * 60);

    const inputs = sampleInputs();
    inputs.models = [
      { model: { ...modelInfo(SOURCE_ID, 'converse'), clientHealth: measured }, records, checks: [] },
    ];
    const run = buildRunRecord(inputs);
    expect(run.context.client?.warnings.some((w) => w.includes('event-loop delay P99'))).toBe(true);
    expect(run.models[0]?.clientHealth).toEqual(measured);
    const lines = renderSummaryTable(run, { color: false }).split('\n');
    expect(lines[1]).toMatch(
      /^WARNING anthropic\.claude-3-haiku-20240307-v1:0\|converse\|standard: client event-loop delay P99/,
    );
  });
});

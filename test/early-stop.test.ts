import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { FakeClock } from '../src/harness/clock.ts';
import { earlyStop } from '../src/harness/early-stop.ts';
import { type Exec, runSchedule, type SpecIdentity } from '../src/harness/scheduler.ts';
import type { CallRecord, ErrorCall } from '../src/records/call-record.ts';
import type { LoadShape } from '../src/records/options.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { isInterrupted } from '../src/report/build-run-record.ts';
import { rebuildFromJournal } from '../src/report/rebuild-from-journal.ts';
import { callIdentity } from './helpers/calls.ts';
import { drive } from './helpers/fake-service.ts';
import { childEnv, FIXTURE_DATA_ENV, vitestBench } from './helpers/subprocess.ts';

const spec = (i: number, phase: 'warmup' | 'measure' = 'measure'): SpecIdentity =>
  callIdentity({ modelId: 'm', phase, document: i });

/** Each call takes 100 ms of fake time; `fails(i)` decides which calls (by start order) fail. */
function service(clock: FakeClock, fails: (i: number) => boolean) {
  let started = 0;
  const exec: Exec<SpecIdentity> = async (s) => {
    const i = started++;
    const startMs = clock.now();
    await clock.sleep(100);
    const base = {
      ...s,
      timestamp: '2026-12-01T00:00:00.000Z',
      startMs,
      latencyMs: 100,
      attempts: 1,
      retryDelayMs: 0,
      attemptMs: [100],
    };
    return fails(i)
      ? ({ ...base, status: 'error', errorKind: 'AccessDeniedException', errorMessage: 'no' } as ErrorCall)
      : { ...base, status: 'ok', inputTokens: 1, outputTokens: 2, stopReason: 'end_turn', text: 'x' };
  };
  return { exec, started: () => started };
}

async function run(fails: (i: number) => boolean, calls: number, load: LoadShape, concurrency = 1) {
  const clock = new FakeClock();
  const stop = earlyStop(calls);
  const svc = service(clock, fails);
  const specs = [spec(0, 'warmup'), ...Array.from({ length: 11 }, (_, i) => spec(i))];
  const records = await drive(
    clock,
    runSchedule(specs, svc.exec, {
      concurrency,
      delayBetweenMs: 0,
      load,
      clock,
      onRecord: (r) => stop.observe(r),
      shouldStop: () => stop.stopped,
    }),
  );
  return { records, stop, started: svc.started() };
}

describe('early stop', () => {
  test('the first 5 calls (warmup included) all failed: no further call starts, the reason names the kinds', async () => {
    const { records, stop, started } = await run(() => true, 5, { kind: 'closed' });
    expect(started).toBe(5);
    expect(records).toHaveLength(5);
    expect(stop.stopped).toBe(true);
    expect(stop.reason).toBe('its first 5 calls all failed (AccessDeniedException x5)');
  });

  test('one success among the first 5 and the model runs to the end, failing or not', async () => {
    const { records, stop } = await run((i) => i !== 3, 5, { kind: 'closed' });
    expect(records).toHaveLength(12);
    expect(stop.stopped).toBe(false);
    expect(stop.reason).toBeUndefined();
  });

  test('0 never stops', async () => {
    const { records, stop } = await run(() => true, 0, { kind: 'closed' });
    expect(records).toHaveLength(12);
    expect(stop.stopped).toBe(false);
  });

  test('calls in flight when it stops finish as rows; closed loop at 4 and open loop alike', async () => {
    // 4 workers: the warmup fails alone, then 4 start at once and fail together; the first three of
    // them to end (failures 2..4) each let their worker start one more call before the fifth ends.
    const closed = await run(() => true, 5, { kind: 'closed' }, 4);
    expect(closed.started).toBe(8);
    expect(closed.records).toHaveLength(8);
    // Open loop at 50/s (a call every 20 ms, each 100 ms long): calls already started finish as rows.
    const open = await run(() => true, 3, { kind: 'open', rate: 50, arrival: 'constant', seed: 1 });
    expect(open.stop.stopped).toBe(true);
    expect(open.records.length).toBe(open.started);
    expect(open.started).toBeGreaterThan(3);
    expect(open.started).toBeLessThan(12);
  });
});

/** The rule in a real `vitest bench` of the fixture project, every call refused by the emulator. */
describe('early stop in vitest bench', () => {
  test('one line saying why, exit 1, rows for the calls made, the rest skipped in the run record', {
    timeout: 120_000,
  }, async () => {
    const outDir = mkdtempSync(join(tmpdir(), 'cb-early-stop-'));
    const run = await vitestBench(
      resolve(import.meta.dirname, 'fixtures/project'),
      childEnv({
        ...FIXTURE_DATA_ENV,
        CONVERSE_BENCH_OUTPUT_DIR: outDir,
        CONVERSE_BENCH_BUDGETS_FILE: 'none',
        CONVERSE_BENCH_EMULATOR_FAULTS: 'error=AccessDeniedException',
        CONVERSE_BENCH_EARLY_STOP_CALLS: '2',
      }),
      90_000,
    );
    const output = run.stdout + run.stderr;
    expect(run.code, output).toBe(1);
    expect(output).toContain(
      'amazon.nova-micro-v1:0 converse: stopped early: its first 2 calls all failed (AccessDeniedException x2); 3 of 5 planned calls not made (fix the cause, or set earlyStopCalls to 0 to make them anyway)',
    );
    expect(output).toContain(
      'stopped early: its first 2 calls all failed (AccessDeniedException x2); 3 of 5 planned calls skipped',
    );
    const files = readdirSync(outDir);
    const record = JSON.parse(
      readFileSync(join(outDir, files.find((f) => f.startsWith('run-')) as string), 'utf8'),
    ) as RunRecord;
    const [model] = record.models;
    expect(model?.earlyStop).toEqual({
      plannedCalls: 5,
      skippedCalls: 3,
      reason: 'its first 2 calls all failed (AccessDeniedException x2)',
    });
    expect(model?.calls.map((c: CallRecord) => [c.phase, c.status])).toEqual([
      ['warmup', 'error'],
      ['measure', 'error'],
    ]);
    // planned = rows + skipped: not an interrupted run.
    expect(record.context.interrupted).toBe(false);
    const csv = (prefix: string) =>
      readFileSync(join(outDir, files.find((f) => f.startsWith(prefix)) as string), 'utf8')
        .trim()
        .split('\n');
    expect(csv('document_summarization_')).toHaveLength(2);
    expect(csv('warmup_document_summarization_')).toHaveLength(2);
    // The journal keeps the early stop: a rebuild knows the calls were skipped, not lost.
    const journal = join(outDir, files.find((f) => f.startsWith('journal-')) as string);
    const { inputs } = rebuildFromJournal([journal], { rootDir: outDir, now: '2026-12-01T00:00:00.000Z' });
    expect(inputs.models[0]?.model.earlyStop).toEqual(model?.earlyStop);
    expect(isInterrupted(inputs)).toBe(false);
  });
});

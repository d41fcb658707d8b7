import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { formatSeconds } from '../src/format/numbers.ts';
import { openJournal } from '../src/report/journal.ts';
import { ProgressBoard, renderProgress } from '../src/report/progress.ts';
import { quantiles } from '../src/stats/quantile.ts';
import { watchProgress } from '../src/vitest/progress.ts';
import { errorCall, modelInfo, okCall, SOURCE_ID, warmupCall } from './fixtures/report-records.ts';
import { childEnv, FIXTURE_DATA_ENV, vitestBench } from './helpers/subprocess.ts';

const T0 = Date.parse('2026-11-02T10:15:30.250Z');
const info = modelInfo(SOURCE_ID, 'converse', { scheduledCalls: 6 });

/** A watch on a fresh journal path, its output, and a fake wall clock set with `at(ms after T0)`. */
function watching(tty: boolean) {
  const path = join(mkdtempSync(join(tmpdir(), 'cb-progress-')), 'journal-run.jsonl');
  const out: string[] = [];
  let now = T0;
  const watch = watchProgress({
    journal: () => path,
    write: (t) => out.push(t),
    tty,
    tickMs: 3_600_000,
    now: () => now,
  });
  return { path, out, watch, at: (ms: number) => (now = T0 + ms) };
}

describe('progress lines', () => {
  test('calls done of planned, ok and failed, elapsed, ETA from the pace so far, running P50 / P90', () => {
    const board = new ProgressBoard();
    board.addModel(info);
    board.addCall(info.key, warmupCall({ timestamp: '2026-11-02T10:15:30.250Z' }));
    board.addCall(info.key, okCall({ latencyMs: 1000 }));
    board.addCall(info.key, errorCall({ latencyMs: 50 }));
    board.addCall(info.key, okCall({ latencyMs: 2000 }));
    const model = board.latest();
    if (model === undefined) throw new Error('no model');
    // 4 of 6 in 8 s: 2 s a call, 2 left: 4 s. P50 / P90 of 1000, 2000 (the warmup is not counted).
    expect(renderProgress(model, T0 + 8000)).toBe(
      `${SOURCE_ID} converse 4/6 calls, ok 3, failed 1, elapsed 8.0s, ETA 4.0s, P50 1.500 s, P90 1.900 s`,
    );
    expect(renderProgress({ ...model, done: 6 }, T0 + 125_000)).toContain('elapsed 2m05s, ETA done');
    expect(renderProgress({ ...model, done: 0, latenciesMs: [] }, T0)).toContain('ETA -, P50 - s, P90 - s');
  });

  test('read from the journal as it grows: a plain line every 5 s, and the last line of a finished model', async () => {
    const { path, out, watch, at } = watching(false);
    watch.tick();
    expect(out).toEqual([]);
    const journal = openJournal(path);
    journal.append(warmupCall({ timestamp: '2026-11-02T10:15:30.250Z' }), info);
    journal.append(okCall({ latencyMs: 1000 }), info);
    // A line still being written is left for the next read.
    const third = `${JSON.stringify({ type: 'call', key: info.key, record: okCall({ latencyMs: 3000 }) })}\n`;
    writeFileSync(path, third.slice(0, 20), { flag: 'a' });
    at(1000);
    watch.tick();
    at(3000);
    watch.tick();
    expect(out).toEqual([
      `converse-bench: ${SOURCE_ID} converse 2/6 calls, ok 2, failed 0, elapsed 1.0s, ETA 2.0s, P50 1.000 s, P90 1.000 s\n`,
    ]);
    writeFileSync(path, third.slice(20), { flag: 'a' });
    at(6000);
    watch.tick();
    expect(out[1]).toContain('3/6 calls, ok 3');
    for (let i = 0; i < 3; i++) journal.append(okCall({ latencyMs: 2000 }), info);
    await journal.close();
    at(7000);
    watch.stop();
    // Measured latencies 1000, 3000, 2000, 2000, 2000: P90 at rank 3.6 of 0..4 is 2000 + 0.6 x 1000.
    expect(out[2]).toBe(
      `converse-bench: ${SOURCE_ID} converse 6/6 calls, ok 6, failed 0, elapsed 7.0s, ETA done, P50 2.000 s, P90 2.600 s\n`,
    );
    expect(out).toHaveLength(3);
  });

  test('on a terminal a line every 2 s (Vitest prints each write above its live window)', async () => {
    const { path, out, watch, at } = watching(true);
    const journal = openJournal(path);
    journal.append(okCall(), info);
    watch.tick();
    at(1999);
    journal.append(okCall(), info);
    watch.tick();
    at(2000);
    watch.tick();
    await journal.close();
    watch.stop();
    expect(out.map((t) => t.match(/ (\d\/6) calls/)?.[1])).toEqual(['1/6', '2/6']);
    expect(out.every((t) => t.endsWith('\n') && !t.includes('\r'))).toBe(true);
  });
});

/** The latencies in ms of the measured rows of the one per-call CSV in `folder`. */
function measuredLatenciesMs(folder: string): number[] {
  const csv = readdirSync(folder).filter((f) => f.startsWith('document_summarization_'));
  expect(csv).toHaveLength(1);
  const rows: Record<string, string>[] = parse(readFileSync(join(folder, csv[0] ?? ''), 'utf8'), {
    columns: true,
  });
  return rows.filter((r) => r.phase === 'measure').map((r) => Number(r.latency_ms));
}

describe('progress in vitest bench', () => {
  const PROJECT = resolve(import.meta.dirname, 'fixtures/project');
  const loudOutputs = mkdtempSync(join(tmpdir(), 'cb-progress-out-'));
  const bench = (extra: Record<string, string>, outputs = mkdtempSync(join(tmpdir(), 'cb-progress-out-'))) =>
    vitestBench(
      PROJECT,
      childEnv({
        ...FIXTURE_DATA_ENV,
        CONVERSE_BENCH_OUTPUT_DIR: outputs,
        CONVERSE_BENCH_BUDGETS_FILE: 'none',
        ...extra,
      }),
      90_000,
    );

  test('stderr (not a terminal) gets each model line; --quiet silences it', {
    timeout: 120_000,
  }, async () => {
    const [loud, quiet] = await Promise.all([
      bench({}, loudOutputs),
      bench({ CONVERSE_BENCH_QUIET: 'true' }),
    ]);
    expect(loud.code, loud.stdout + loud.stderr).toBe(0);
    // The last line's P50 / P90 are those of the run's measured calls (type 7, to the millisecond).
    const [p50, p90] = quantiles(measuredLatenciesMs(loudOutputs), [0.5, 0.9]).map(formatSeconds);
    expect(loud.stderr).toMatch(
      new RegExp(
        `converse-bench: amazon\\.nova-micro-v1:0 converse 5/5 calls, ok 5, failed 0, elapsed \\d+\\.\\ds, ETA done, P50 ${p50} s, P90 ${p90} s\n`,
      ),
    );
    expect(quiet.code, quiet.stdout + quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('calls, ok');
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { CLI_MAIN, childEnv, FIXTURE_DATA_ENV, run as runChild, VITEST } from './helpers/subprocess.ts';

/**
 * Real runs interrupted in subprocesses: `vitest bench --run` on test/fixtures/hardening/project (one
 * model, 100 calls of ~100 ms, 2 in flight) is signalled once its journal holds N completed calls.
 * SIGINT goes to the whole process group (a terminal's Ctrl-C), SIGTERM to Vitest alone (a CI time-out,
 * `kill`): both must leave a CSV, log and run record marked interrupted with every call the journal
 * holds. After SIGKILL nothing is written, and `converse-bench rebuild` makes the same from the journal.
 */
const PROJECT = resolve(import.meta.dirname, 'fixtures/hardening/project');

function benchEnv(outDir: string): Record<string, string> {
  return childEnv({
    ...FIXTURE_DATA_ENV,
    CONVERSE_BENCH_OUTPUT_DIR: outDir,
    CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: '50',
    CONVERSE_BENCH_WARMUP_CALLS: '1',
    CONVERSE_BENCH_NUM_PARALLEL_CALLS: '2',
  });
}

/** Journal lines that are calls (the first line names the model). */
function journalCalls(outDir: string): number {
  const file = readdirSync(outDir).find((f) => f.startsWith('journal-'));
  if (file === undefined) return 0;
  return readFileSync(join(outDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"type":"call"')).length;
}

/** Journaled calls that failed. */
function journalFailures(outDir: string): number {
  const file = readdirSync(outDir).find((f) => f.startsWith('journal-'));
  if (file === undefined) return 0;
  return readFileSync(join(outDir, file), 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{"type":"call"') && line.includes('"status":"error"')).length;
}

async function waitForCalls(outDir: string, calls: number, child: ChildProcess): Promise<void> {
  while (journalCalls(outDir) < calls) {
    if (child.exitCode !== null) throw new Error(`bench exited early with ${child.exitCode}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Interrupted {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  outDir: string;
  callsAtSignal: number;
}

async function interruptRun(
  signal: NodeJS.Signals,
  afterCalls: number,
  group: boolean,
): Promise<Interrupted> {
  const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-interrupt-'));
  // Its own process group, so a group signal reaches Vitest and its workers as a terminal's would.
  const child = spawn(process.execPath, [VITEST, 'bench', '--run'], {
    cwd: PROJECT,
    env: benchEnv(outDir),
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on('exit', (code, sig) => done({ code, signal: sig })),
  );
  try {
    await waitForCalls(outDir, afterCalls, child);
    const callsAtSignal = journalCalls(outDir);
    process.kill(group ? -(child.pid as number) : (child.pid as number), signal);
    const { code, signal: by } = await exited;
    // The workers of a killed Vitest go with it; give a straggler a moment before counting.
    if (group) await new Promise((r) => setTimeout(r, 50));
    return { code, signal: by, stderr, outDir, callsAtSignal };
  } finally {
    if (child.exitCode === null && child.signalCode === null) process.kill(-(child.pid as number), 'SIGKILL');
  }
}

function outputFile(outDir: string, prefix: string): string {
  const file = readdirSync(outDir).find((f) => f.startsWith(prefix));
  if (file === undefined) throw new Error(`no ${prefix}* in ${outDir}: ${readdirSync(outDir).join(', ')}`);
  return join(outDir, file);
}

/** Rows of the CSV named `prefix*`, 0 when there is none. */
function csvRows(outDir: string, prefix: string): number {
  if (!readdirSync(outDir).some((f) => f.startsWith(prefix))) return 0;
  return (parse(readFileSync(outputFile(outDir, prefix), 'utf8'), { columns: true, bom: true }) as unknown[])
    .length;
}

/**
 * Rows of the per-call CSVs (measured and warmup), the run record's calls and its interrupted flag,
 * and the log's first lines.
 */
function countOutputs(outDir: string) {
  outputFile(outDir, 'document_summarization_');
  const run = JSON.parse(readFileSync(outputFile(outDir, 'run-'), 'utf8')) as {
    context: { interrupted: boolean };
    models: { calls: { status: string }[] }[];
  };
  const log = readFileSync(outputFile(outDir, 'model_latency_benchmarking-'), 'utf8');
  return {
    csvRows: csvRows(outDir, 'document_summarization_') + csvRows(outDir, 'warmup_document_summarization_'),
    runCalls: run.models.reduce((sum, m) => sum + m.calls.length, 0),
    failedCalls: run.models.reduce((sum, m) => sum + m.calls.filter((c) => c.status === 'error').length, 0),
    interrupted: run.context.interrupted,
    logSaysInterrupted: log.includes('INTERRUPTED'),
  };
}

describe.concurrent('interrupted runs', () => {
  test.each([
    { signal: 'SIGINT' as const, afterCalls: 3, group: true, code: 130 },
    { signal: 'SIGTERM' as const, afterCalls: 12, group: false, code: 143 },
    { signal: 'SIGTERM' as const, afterCalls: 1, group: true, code: 143 },
  ])(
    '$signal after $afterCalls calls (group: $group): outputs hold every call completed before it, marked interrupted',
    {
      timeout: 60_000,
    },
    async ({ signal, afterCalls, group, code }) => {
      const run = await interruptRun(signal, afterCalls, group);
      expect(run.code, run.stderr).toBe(code);
      const journaled = journalCalls(run.outDir);
      const counted = countOutputs(run.outDir);
      // Every call completed before the signal is in every output, and the outputs agree.
      expect(counted.csvRows).toBeGreaterThanOrEqual(run.callsAtSignal);
      // No call failed, in the outputs or the journal: the interrupt makes no error rows (the emulator's
      // own process, in the group too, stays until Vitest has gone).
      expect(counted).toEqual({
        csvRows: counted.runCalls,
        runCalls: counted.runCalls,
        failedCalls: 0,
        interrupted: true,
        logSaysInterrupted: true,
      });
      // A call in flight at the signal (2 at most) may still reach the journal while Vitest winds
      // down with a SIGTERM to itself alone; `rebuild` recovers it. Nothing else is missing.
      expect(journaled - counted.csvRows).toBeGreaterThanOrEqual(0);
      expect(journalFailures(run.outDir)).toBe(0);
      expect(journaled - counted.csvRows).toBeLessThanOrEqual(2);
      expect(run.stderr).toContain(
        `converse-bench: run interrupted by ${signal}; outputs hold the ${counted.csvRows} calls completed`,
      );
      expect(run.stderr).not.toMatch(/\n\s+at /);
    },
  );

  test('SIGKILL leaves only the journal; `converse-bench rebuild` writes the outputs from it', {
    timeout: 60_000,
  }, async () => {
    const run = await interruptRun('SIGKILL', 5, true);
    expect(run.signal).toBe('SIGKILL');
    expect(readdirSync(run.outDir).filter((f) => f.startsWith('run-'))).toEqual([]);
    const journal = outputFile(run.outDir, 'journal-');
    const journaled = journalCalls(run.outDir);
    expect(journaled).toBeGreaterThanOrEqual(5);
    // The bench file's plan came first: what a rebuild needs to tell a whole run from a cut one.
    expect(JSON.parse(readFileSync(journal, 'utf8').split('\n')[0] ?? '')).toMatchObject({
      type: 'plan',
      tests: [{ api: 'converse', scheduledCalls: 101 }],
    });
    const rebuilt = await runChild(
      process.execPath,
      [CLI_MAIN, 'rebuild', '--output-dir', run.outDir, journal],
      {
        cwd: PROJECT,
        env: benchEnv(run.outDir),
        timeout: 30_000,
      },
    );
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(countOutputs(run.outDir)).toEqual({
      csvRows: journaled,
      runCalls: journaled,
      failedCalls: 0,
      interrupted: true,
      logSaysInterrupted: true,
    });
    expect(existsSync(journal)).toBe(true);
  });
});

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, describe, expect, it } from 'vitest';
import { readRunRecord } from '../src/data/read-run-record.ts';
import { SOURCE_ID } from './fixtures/report-records.ts';
import { childEnv, runOk, VITEST } from './helpers/subprocess.ts';

/** Drives the reporter through real `vitest bench` runs of a fixture project, in subprocesses. */
const dir = mkdtempSync(join(tmpdir(), 'report-reporter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CONFIG = resolve('test/fixtures/reporter/vitest.config.ts');
const STAMP = '20261102_101529';

async function vitest(args: string[], env: Record<string, string>): Promise<string> {
  const { stdout } = await runOk(process.execPath, [VITEST, ...args, '--config', CONFIG], {
    env: childEnv(env),
    timeout: 60_000,
  });
  return stdout;
}

describe('ConverseBenchReporter in vitest bench', () => {
  it('writes the CSV, log and run record from the artifacts and prints the summary', async () => {
    const out = join(dir, 'direct');
    const stdout = await vitest(['bench', '--run'], { REPORTER_OUT: out });
    const record = readRunRecord(join(out, `run-${STAMP}.json`));
    expect(
      record.models.map((model) => [
        model.key,
        model.calls.length,
        model.summary.failed,
        model.checks.length,
      ]),
    ).toEqual([[`${SOURCE_ID}|converse|standard`, 3, 1, 1]]);
    expect(record.context.interrupted).toBe(false);
    expect(record.context.versions.vitest).toBe('5.1.1');
    const log = readFileSync(join(out, `model_latency_benchmarking-${STAMP}.log`), 'utf8');
    expect(log.split('\n').filter((line) => line.includes(' INFO call '))).toHaveLength(3);
    const csvFile = stdout.match(/\s(\S*\/document_summarization_\S+\.csv)/)?.[1] ?? '';
    const rows = parse(readFileSync(csvFile, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(rows.map((row) => [row.phase, row.status, row.model_response])).toEqual([
      ['measure', 'success', ''],
      ['measure', 'error', ''],
    ]);
    const warmupFile = stdout.match(/\S*\/warmup_document_summarization_\S+\.csv/)?.[0] ?? '';
    const warmup = parse(readFileSync(warmupFile, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(warmup.map((row) => [row.phase, row.status])).toEqual([['warmup', 'success']]);
    expect(stdout).toContain('PASS budget p90 latencyMs: P90 1.235 s <= budget 2.000 s over 1 calls');
    expect(stdout).toContain(`converse-bench wrote:\n  ${csvFile}\n`);
    expect(stdout).not.toContain('\u001b[1m');
  });

  it('builds the same outputs again from a merge of blob reports', async () => {
    const blobs = join(dir, 'blobs');
    await vitest(['bench', '--run', '--reporter=blob', `--outputFile=${join(blobs, 'blob-1.json')}`], {
      REPORTER_OUT: join(dir, 'unused'),
    });
    expect(existsSync(join(dir, 'unused'))).toBe(false);
    await vitest([`--merge-reports=${blobs}`], { REPORTER_OUT: join(dir, 'merged') });
    const merged = readRunRecord(join(dir, 'merged', `run-${STAMP}.json`));
    const direct = readRunRecord(join(dir, 'direct', `run-${STAMP}.json`));
    expect(merged.models).toEqual(direct.models);
    // git state may move between the runs while others commit; the rest of the context may not.
    expect({ ...merged.context, git: {} }).toEqual({ ...direct.context, git: {} });
  });

  it('leaves a run without converse-bench artifacts alone', async () => {
    const out = join(dir, 'plain');
    const stdout = await vitest(['bench', '--run'], { REPORTER_OUT: out, REPORTER_BENCH: 'plain.bench.ts' });
    expect(existsSync(out)).toBe(false);
    expect(stdout).not.toContain('converse-bench wrote:');
  });
});

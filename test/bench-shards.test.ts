import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, expect, test } from 'vitest';
import { childEnv, runOk, VITEST } from './helpers/subprocess.ts';

/**
 * Scale-out as a user does it: the same fixture project run once, and run as two shards
 * (`vitest bench --shard=i/2 --reporter=blob`) joined with `vitest --merge-reports`. The merged
 * outputs must hold the same rows (keys) with the same non-timing columns as the single run.
 */
const PROJECT = resolve(import.meta.dirname, 'fixtures/shards');
const dir = mkdtempSync(join(tmpdir(), 'bench-shards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function vitest(args: string[], outputDir: string): Promise<void> {
  const env = childEnv({
    CONVERSE_BENCH_EMULATOR_PROFILES_FILE: 'data/profiles.json',
    CONVERSE_BENCH_DATASET_FILE: '../project/data/documents.csv',
    CONVERSE_BENCH_TRACKING_FILE: 'data/tracking.csv',
    // No budgets, on purpose (a missing budgets file is an error).
    CONVERSE_BENCH_BUDGETS_FILE: 'none',
    CONVERSE_BENCH_OUTPUT_DIR: outputDir,
    CONVERSE_BENCH_DELAY_BETWEEN_CALLS: '0',
  });
  await runOk(process.execPath, [VITEST, ...args], { cwd: PROJECT, env, timeout: 90_000 });
}

/** Rows of every CSV of a folder, keyed, with the columns that do not depend on timing. */
function rowsOf(folder: string): Map<string, Record<string, string>> {
  const rows = new Map<string, Record<string, string>>();
  for (const file of readdirSync(folder).filter((name) => /document_summarization_.*\.csv$/.test(name))) {
    for (const row of parse(readFileSync(join(folder, file), 'utf8'), { columns: true }) as Record<
      string,
      string
    >[]) {
      const key = [row.model, row.api, row.phase, row.experiment, row.invocation, row.document_index].join(
        '|',
      );
      expect(rows.has(key), `duplicate row ${key}`).toBe(false);
      rows.set(key, {
        file: file.replace(/_\d{8}_\d{6}\.csv$/, ''),
        status: row.status ?? '',
        model_response: row.model_response ?? '',
        model_input_tokens: row.model_input_tokens ?? '',
        model_output_tokens: row.model_output_tokens ?? '',
        stop_reason: row.stop_reason ?? '',
        attempts: row.attempts ?? '',
        inference_profile: row.inference_profile ?? '',
        region: row.region ?? '',
      });
    }
  }
  return rows;
}

test('two merged shards give the same CSV rows and non-timing columns as one run', {
  timeout: 180_000,
}, async () => {
  const single = join(dir, 'single');
  const merged = join(dir, 'merged');
  const blobs = join(dir, 'blobs');
  await vitest(['bench', '--run'], single);
  for (const shard of [1, 2]) {
    await vitest(
      [
        'bench',
        '--run',
        `--shard=${shard}/2`,
        '--reporter=blob',
        `--outputFile=${join(blobs, `blob-${shard}.json`)}`,
      ],
      merged,
    );
  }
  await vitest([`--merge-reports=${blobs}`], merged);

  const one = rowsOf(single);
  // 2 documents x 2 invocations + 1 warmup, for nova-micro (Converse) and claude-haiku (both APIs).
  expect(one.size).toBe(3 * 5);
  expect(rowsOf(merged)).toEqual(one);
});

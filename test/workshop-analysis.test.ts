import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { describe, expect, test } from 'vitest';
import { childEnv, ROOT, run, vitestBench } from './helpers/subprocess.ts';

/**
 * The workshop's own analysis and chart cells (test/fixtures/workshop/analysis_cells.py, the notebook's
 * code made to run headless), unchanged, on the outputs of this repository's own `vitest bench` in the
 * workshop's configuration (api converse, no sweep) with some calls failing: per model it must count
 * exactly the calls converse-bench's summary counts and print the same statistics, never read a
 * warmup row, and draw its four charts. Needs Debian's python3-pandas and python3-matplotlib (`.ci/run`
 * installs them); skipped with a notice only outside CI when they are missing.
 */

const PYTHON = '/usr/bin/python3';
const CELLS = resolve(import.meta.dirname, 'fixtures/workshop/analysis_cells.py');
const inCi = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const hasPandas =
  existsSync(PYTHON) &&
  (await run(PYTHON, ['-c', 'import pandas, matplotlib'], { env: childEnv() })).code === 0;
if (!hasPandas && !inCi) {
  console.warn(
    'workshop-analysis.test.ts: SKIPPED, no pandas and matplotlib for /usr/bin/python3 (apt-get install python3-pandas python3-matplotlib)',
  );
}

/** converse-bench's summary rows: model -> [ok, mean, median, P90, min, max, std] as printed. */
function summaryRows(stdout: string, models: readonly string[]): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of stdout.split('\n')) {
    const cells = line.trim().split(/\s+/);
    const model = cells[0] ?? '';
    // model, api, mode, tier, ok, failed, mean, median, P90, min, max, std, ...
    if (models.includes(model) && cells[1] === 'converse' && cells.length >= 12) {
      rows.set(model, [cells[4], ...cells.slice(6, 12)] as string[]);
    }
  }
  return rows;
}

/** The analysis cell's lines: model -> [samples, mean, median, P90, min, max, std]. */
function workshopRows(stdout: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  const pattern =
    /^(\S+): samples (\d+) mean ([\d.]+)s median ([\d.]+)s P90 ([\d.]+)s min ([\d.]+)s max ([\d.]+)s std ([\d.]+)s$/;
  for (const line of stdout.split('\n')) {
    const match = pattern.exec(line);
    if (match) rows.set(match[1] as string, match.slice(2));
  }
  return rows;
}

describe.skipIf(!hasPandas && !inCi)("the workshop's analysis on converse-bench's outputs", () => {
  test('counts the calls the summary counts, prints the same statistics and draws its charts', {
    timeout: 240_000,
  }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'cb-workshop-'));
    const bench = await vitestBench(
      ROOT,
      childEnv({
        CONVERSE_BENCH_OUTPUT_DIR: out,
        CONVERSE_BENCH_TIME_SCALE: '0.05',
        // Some failed calls (not retried), so the filter on status decides what is counted.
        CONVERSE_BENCH_EMULATOR_FAULTS: 'error=ModelErrorException~0.2',
        CONVERSE_BENCH_BUDGETS_FILE: 'none',
      }),
      180_000,
    );
    expect(bench.code, bench.stdout + bench.stderr).toBe(0);

    const csvs = readdirSync(out).filter((name) => /^document_summarization_.*\.csv$/.test(name));
    const models = csvs.flatMap((name) =>
      (parse(readFileSync(join(out, name), 'utf8'), { columns: true }) as Record<string, string>[]).map(
        (row) => row.model as string,
      ),
    );
    const modelIds = [...new Set(models)];
    expect(modelIds).toHaveLength(7);
    expect(readdirSync(out).filter((name) => name.startsWith('warmup_document_summarization_'))).toHaveLength(
      7,
    );

    const chart = join(out, 'workshop-charts.png');
    const analysis = await run(PYTHON, [CELLS, out, chart], { env: childEnv() });
    expect(analysis.code, analysis.stdout + analysis.stderr).toBe(0);
    // 7 models x 10 measured calls, the failed ones included (the cell counts every row it read).
    expect(analysis.stdout).toContain('samples: 70\n');

    const ours = summaryRows(bench.stdout, modelIds);
    const theirs = workshopRows(analysis.stdout);
    expect([...ours.keys()].sort()).toEqual([...modelIds].sort());
    expect(Object.fromEntries(theirs)).toEqual(Object.fromEntries(ours));
    // Failures happened and were left out of both alike.
    const failed = [...ours.values()].reduce((sum, cells) => sum + 10 - Number(cells[0]), 0);
    expect(failed).toBeGreaterThan(0);

    // The chart cell drew a real PNG of its four panels (15 x 10 inches at 100 dpi).
    const png = readFileSync(chart);
    expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1500, 1000]);
    expect(png.length).toBeGreaterThan(50_000);
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { afterAll, describe, expect, test } from 'vitest';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { CSV_CHUNK_CHARS, CSV_CHUNK_ROWS, csvChunks } from '../src/report/csv.ts';
import { logChunks } from '../src/report/log.ts';
import { CSV_COLUMNS, toCsvRow } from '../src/report/rows.ts';
import { runRecordChunks } from '../src/report/run-record-json.ts';
import { writeOutputs } from '../src/report/sink.ts';
import { errorCall, okCall, sampleInputs, streamedCall } from './fixtures/report-records.ts';

/** Long runs are written in chunks; the files must be byte for byte what one-shot rendering gives. */

const dir = mkdtempSync(join(tmpdir(), 'converse-bench-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The sample run with `extra` more calls on its first model (over several chunks). */
function longRun(extra: number) {
  const inputs = sampleInputs();
  const first = inputs.models[0];
  if (first === undefined) throw new Error('sample inputs have no model');
  for (let i = 0; i < extra; i++) {
    const call =
      i % 7 === 0 ? errorCall({ document: i % 3 }) : i % 2 ? streamedCall() : okCall({ document: i % 3 });
    first.records.push({ ...call, invocation: i, latencyMs: 1000 + i / 3 });
  }
  return inputs;
}

describe('chunked outputs', () => {
  test('the run record text is JSON.stringify(run, null, 2) to the byte, for several models and an empty one', () => {
    const inputs = longRun(1234);
    const run = buildRunRecord(inputs);
    const text = [...runRecordChunks(run)].join('');
    expect(text).toBe(`${JSON.stringify(run, null, 2)}\n`);
    const empty = { ...run, models: run.models.map((m) => ({ ...m, calls: [] })) };
    expect([...runRecordChunks(empty)].join('')).toBe(`${JSON.stringify(empty, null, 2)}\n`);
    expect([...runRecordChunks(run)].length).toBeGreaterThan(3);
  });

  test('the CSV in chunks is the one-shot CSV: one header, formula guard on, every row', () => {
    const inputs = longRun(2500);
    const context = { transport: 'http1' as const, documents: [], redactTexts: false };
    const rows = (inputs.models[0]?.records ?? []).map((r) =>
      toCsvRow({ ...r, modelId: r.status === 'error' ? '=HYPERLINK("x")' : r.modelId }, context),
    );
    const chunks = [...csvChunks(rows)];
    expect(rows.length).toBeGreaterThan(25 * CSV_CHUNK_ROWS);
    expect(chunks.length).toBe(Math.ceil(rows.length / CSV_CHUNK_ROWS));
    const oneShot = stringify(
      // The hostile model id is the only text here that starts like a formula.
      rows.map((row) =>
        CSV_COLUMNS.map((column) => (row[column] === '=HYPERLINK("x")' ? `'=HYPERLINK("x")` : row[column])),
      ),
      { header: true, columns: [...CSV_COLUMNS] },
    );
    expect(chunks.join('')).toBe(oneShot);
    expect(oneShot).toContain(`\n"'=HYPERLINK(""x"")",`);
    expect([...csvChunks([])].join('')).toBe(`${CSV_COLUMNS.join(',')}\n`);
  });

  test('rows with long texts end a chunk before CSV_CHUNK_CHARS characters pile up, to the same bytes', () => {
    const context = { transport: 'http1' as const, documents: [], redactTexts: false };
    // 8,000 characters a row: four rows reach CSV_CHUNK_CHARS (32,000), so 10 rows are chunks of 4, 4, 2.
    const rows = Array.from({ length: 10 }, (_, i) =>
      toCsvRow(okCall({ invocation: i, text: `${i}`.repeat(8000) }), context),
    );
    const chunks = [...csvChunks(rows)];
    expect(CSV_CHUNK_CHARS).toBe(32_000);
    expect(chunks).toHaveLength(3);
    expect(chunks.join('')).toBe(
      stringify(
        rows.map((row) => CSV_COLUMNS.map((column) => row[column])),
        { header: true, columns: [...CSV_COLUMNS] },
      ),
    );
  });

  test('the sink writes chunks to the same bytes as a string, and the log keeps every call line', () => {
    const run = buildRunRecord(longRun(4100));
    const [chunked, whole] = writeOutputs(dir, [
      { name: 'run-a.json', content: () => runRecordChunks(run) },
      { name: 'run-b.json', content: `${JSON.stringify(run, null, 2)}\n` },
    ]);
    expect(readFileSync(chunked as string, 'utf8')).toBe(readFileSync(whole as string, 'utf8'));
    const log = [...logChunks(run)].join('');
    const calls = run.models.reduce((n, m) => n + m.calls.length, 0);
    expect(log.split('\n').filter((line) => / INFO call /.test(line))).toHaveLength(calls);
  });
});

import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, type CsvRow } from './rows.ts';

/**
 * Rows per chunk of CSV text: large enough that stringifying is cheap, small enough that a chunk's rows
 * die young instead of piling up in V8's old space (100,000 calls written alone: about 500 MB peak with
 * chunks of 1,000 rows and of 500 run-record calls, about 300 MB with 100 of each).
 */
export const CSV_CHUNK_ROWS = 100;

/**
 * A chunk also ends once its rows' text cells reach this many characters (rows that keep documents and
 * responses are several KB each). A string over V8's large-object size (~128 KiB) is allocated in old
 * space and freed only by a full collection, so a run's CSV of big chunks piles up there: 100,000 calls
 * with texts kept, about 600 MB of CSV, made Vitest's main process 600 MiB with 100-row chunks.
 */
export const CSV_CHUNK_CHARS = 32_000;

function textLength(row: CsvRow): number {
  let length = 0;
  for (const column of CSV_COLUMNS) {
    const value = row[column];
    if (typeof value === 'string') length += value.length;
  }
  return length;
}

/**
 * A spreadsheet runs a cell as a formula when it starts with one of these signs, also after leading
 * whitespace (spaces, tabs, line feeds): LibreOffice and Excel both skip it. The fullwidth forms count too.
 */
const FORMULA_START = /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;

/** External text (model ids, documents, error messages) made inert with a leading quote. */
export function guardFormula(cell: unknown): unknown {
  return typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/**
 * Rows as CSV text with a header, in chunks (their concatenation is the whole file), every text cell
 * guarded against formulas (numbers are left alone).
 */
export function* csvChunks(rows: Iterable<CsvRow>): Generator<string> {
  let batch: CsvRow[] = [];
  let header = true;
  const flush = (): string => {
    const text = stringify(
      batch.map((row) => CSV_COLUMNS.map((column) => guardFormula(row[column]))),
      { header, columns: [...CSV_COLUMNS] },
    );
    header = false;
    batch = [];
    return text;
  };
  let chars = 0;
  for (const row of rows) {
    batch.push(row);
    chars += textLength(row);
    if (batch.length === CSV_CHUNK_ROWS || chars >= CSV_CHUNK_CHARS) {
      chars = 0;
      yield flush();
    }
  }
  if (batch.length > 0 || header) yield flush();
}

/** Rows as one CSV text with a header. */
export function renderCsv(rows: readonly CsvRow[]): string {
  return [...csvChunks(rows)].join('');
}

import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, type CsvRow } from './rows.ts';

/** Rows per chunk of CSV text: large enough that stringifying is cheap, small enough to stay flat. */
const CHUNK_ROWS = 1000;

/**
 * Rows as CSV text with a header, in chunks (their concatenation is the whole file). Formula guard on:
 * model ids, documents and error messages are external text, and a cell starting with `=`, `+`, `-`,
 * `@`, tab or CR must not run in a spreadsheet.
 */
export function* csvChunks(rows: Iterable<CsvRow>): Generator<string> {
  let batch: CsvRow[] = [];
  let header = true;
  const flush = (): string => {
    const text = stringify(
      batch.map((row) => CSV_COLUMNS.map((column) => row[column])),
      { header, columns: [...CSV_COLUMNS], escape_formulas: true },
    );
    header = false;
    batch = [];
    return text;
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length === CHUNK_ROWS) yield flush();
  }
  if (batch.length > 0 || header) yield flush();
}

/** Rows as one CSV text with a header. */
export function renderCsv(rows: readonly CsvRow[]): string {
  return [...csvChunks(rows)].join('');
}

import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, type CsvRow } from './rows.ts';

/**
 * Rows as CSV text with a header. Formula guard on: model ids, documents and error messages are
 * external text, and a cell starting with `=`, `+`, `-`, `@`, tab or CR must not run in a spreadsheet.
 */
export function renderCsv(rows: readonly CsvRow[]): string {
  return stringify(
    rows.map((row) => CSV_COLUMNS.map((column) => row[column])),
    { header: true, columns: [...CSV_COLUMNS], escape_formulas: true },
  );
}

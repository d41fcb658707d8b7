import { stringify } from 'csv-stringify/sync';
import { CSV_COLUMNS, type CsvRow } from './rows.ts';

/**
 * A spreadsheet runs a cell as a formula when it starts with one of these signs, also after leading
 * whitespace (spaces, tabs, line feeds): LibreOffice and Excel both skip it. The fullwidth forms count too.
 */
const FORMULA_START = /^[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|^[\t\r\n]/;

/** External text (model ids, documents, error messages) made inert with a leading quote. */
function guardFormula(cell: unknown): unknown {
  return typeof cell === 'string' && FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Rows as CSV text with a header, every text cell guarded against formulas (numbers are left alone). */
export function renderCsv(rows: readonly CsvRow[]): string {
  return stringify(
    rows.map((row) => CSV_COLUMNS.map((column) => guardFormula(row[column]))),
    { header: true, columns: [...CSV_COLUMNS] },
  );
}

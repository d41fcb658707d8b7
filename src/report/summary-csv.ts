import { stringify } from 'csv-stringify/sync';
import type { RunRecord } from '../records/run-record.ts';
import { guardFormula } from './csv.ts';
import { summaryTable } from './summary-table.ts';

/**
 * The printed summary table as CSV, a row per model (and API, latency mode, sweep level), with the
 * same columns and cells (seconds to 3 decimals); no value is an empty cell, as in the per-call CSV,
 * where the printout shows `-`. Every cell goes through the per-call CSV's formula guard: model ids
 * are external text.
 */
export function renderSummaryCsv(run: RunRecord): string {
  const { header, rows } = summaryTable(run);
  const cells = rows.map((row) => row.map((cell) => (cell === '-' ? '' : guardFormula(cell))));
  return stringify(cells, { header: true, columns: header });
}

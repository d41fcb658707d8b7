import { stringify } from 'csv-stringify/sync';

/** The dataset CSV (`document,referenceResponse`) for rows of text, as loadDataset reads it back. */
export function writeDatasetCsv(rows: readonly { document: string; referenceResponse: string }[]): string {
  // Documents are external text: guard against spreadsheet formulas when the CSV is opened in a sheet.
  return stringify(
    rows.map((row) => [row.document, row.referenceResponse]),
    { header: true, columns: ['document', 'referenceResponse'], escape_formulas: true },
  );
}

import { createHash } from 'node:crypto';
import { readCsvTable } from './csv-table.ts';
import { DatasetError } from './errors.ts';

/**
 * The documents to summarize (the workshop's document_sample_10.csv): columns `document` and
 * `referenceResponse`; other columns are ignored.
 */

/** Longest document accepted, in characters (UTF-16 code units): about 40k words, well past any prompt
 * a latency benchmark needs, and a guard against a whole book pasted into one cell. */
export const DOCUMENT_CHAR_LIMIT = 200_000;

export interface DatasetDocument {
  /** 0-based row index: the `document` field of a call record. */
  index: number;
  document: string;
  /** May be empty: reference summaries are kept for reports, not needed to measure speed. */
  referenceResponse: string;
  /** 1-based file line the row starts on. */
  line: number;
}

export interface Dataset {
  /** The path as given. */
  path: string;
  documents: DatasetDocument[];
  /** sha256 (hex) of the documents' texts in order; see datasetFingerprint. */
  fingerprint: string;
}

const COLUMNS = { required: ['document', 'referenceResponse'], optional: [] } as const;

export function loadDataset(path: string): Dataset {
  const table = readCsvTable(path, COLUMNS);
  const documents = table.rows.map(({ cells, line }, index): DatasetDocument => {
    const document = cells.document ?? '';
    if (document.trim() === '') {
      throw new DatasetError(
        path,
        line,
        'column "document" is empty; write the document text or remove the row',
      );
    }
    if (document.length > DOCUMENT_CHAR_LIMIT) {
      throw new DatasetError(
        path,
        line,
        `column "document" has ${document.length} characters, over the limit of ${DOCUMENT_CHAR_LIMIT}; shorten it or split it into several rows`,
      );
    }
    return { index, document, referenceResponse: cells.referenceResponse ?? '', line };
  });
  return { path, documents, fingerprint: datasetFingerprint(documents.map((d) => d.document)) };
}

/**
 * sha256 (hex) of the documents in order, each preceded by its UTF-8 byte length so that no two
 * different lists hash alike. Independent of the file's encoding details (BOM, quoting), of other
 * columns and of reference summaries: only what is sent to the model counts.
 */
export function datasetFingerprint(documents: readonly string[]): string {
  const hash = createHash('sha256');
  for (const document of documents) {
    hash.update(`${Buffer.byteLength(document, 'utf8')}:`);
    hash.update(document, 'utf8');
  }
  return hash.digest('hex');
}

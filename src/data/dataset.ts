import { createHash } from 'node:crypto';
import { loadConversations } from './conversations.ts';
import { readCsvTable } from './csv-table.ts';
import { type Dataset, type DatasetDocument, DOCUMENT_CHAR_LIMIT } from './dataset-rows.ts';
import { DatasetError } from './errors.ts';

/**
 * The documents to summarize (the workshop's document_sample_10.csv): columns `document` and
 * `referenceResponse`; other columns are ignored. A `.jsonl` file is the conversation form instead
 * (src/data/conversations.ts): a whole multi-turn conversation per line.
 */

export { type Dataset, type DatasetDocument, DOCUMENT_CHAR_LIMIT } from './dataset-rows.ts';

const COLUMNS = { required: ['document', 'referenceResponse'], optional: [] } as const;

export function loadDataset(path: string): Dataset {
  if (path.toLowerCase().endsWith('.jsonl')) return loadConversations(path);
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

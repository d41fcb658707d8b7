import type { Turn } from '../records/call-record.ts';

/** What a loaded dataset holds, in either form (CSV documents, or JSON-lines conversations). */

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
  /** Conversation form: the turns before the last user turn (whose text is `document`), in order. */
  history?: Turn[];
}

export interface Dataset {
  /** The path as given. */
  path: string;
  documents: DatasetDocument[];
  /** sha256 (hex) of the documents' texts in order; see datasetFingerprint. */
  fingerprint: string;
}

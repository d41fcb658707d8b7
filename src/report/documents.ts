import { resolve } from 'node:path';
import { loadDataset } from '../data/dataset.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { DocumentText } from './rows.ts';

/** The dataset rows a model's calls refer to by index, for joining texts into the CSV. */
export type DocumentLookup = (model: ModelRunInfo) => readonly DocumentText[];

/**
 * Loads each model's dataset once (paths relative to `rootDir`). When the file is gone or no longer
 * matches the fingerprint the run measured with, the text cells stay empty and a warning says why,
 * rather than joining the wrong texts. Redacted models never load it.
 */
export function datasetDocuments(rootDir: string, warnings: string[]): DocumentLookup {
  const cache = new Map<string, readonly DocumentText[]>();
  return (model) => {
    if (model.options.redactTexts) return [];
    const path = resolve(rootDir, model.options.datasetFile);
    const cached = cache.get(`${path}\n${model.datasetFingerprint}`);
    if (cached) return cached;
    let documents: readonly DocumentText[] = [];
    try {
      const dataset = loadDataset(path);
      if (dataset.fingerprint === model.datasetFingerprint) documents = dataset.documents;
      else
        warnings.push(`${path} changed since ${model.key} was measured: document texts left out of the CSV`);
    } catch (error) {
      warnings.push(`document texts left out of the CSV: ${(error as Error).message}`);
    }
    cache.set(`${path}\n${model.datasetFingerprint}`, documents);
    return documents;
  };
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFingerprint } from '../src/data/dataset.ts';
import { datasetDocuments } from '../src/report/documents.ts';
import { modelInfo, SOURCE_ID } from './fixtures/report-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'report-documents-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, 'docs.csv'), 'document,referenceResponse\nOne,R1\nTwo,R2\n');

const fingerprint = datasetFingerprint(['One', 'Two']);
const model = (overrides: Parameters<typeof modelInfo>[2], redactTexts = false) =>
  modelInfo(
    SOURCE_ID,
    'converse',
    { datasetFingerprint: fingerprint, ...overrides },
    { datasetFile: 'docs.csv', redactTexts },
  );

describe('datasetDocuments', () => {
  it('loads the dataset the run measured with, relative to the root', () => {
    const warnings: string[] = [];
    const documents = datasetDocuments(dir, warnings)(model({}));
    expect(documents.map((d) => [d.document, d.referenceResponse])).toEqual([
      ['One', 'R1'],
      ['Two', 'R2'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('leaves texts out, with a warning, when the dataset changed or is gone', () => {
    const warnings: string[] = [];
    const lookup = datasetDocuments(dir, warnings);
    expect(lookup(model({ datasetFingerprint: 'other' }))).toEqual([]);
    expect(lookup(model({ datasetFingerprint: 'other' }))).toEqual([]);
    expect(warnings).toEqual([
      `${join(dir, 'docs.csv')} changed since ${SOURCE_ID}|converse|standard was measured: document texts left out of the CSV`,
    ]);
    const missing = modelInfo(SOURCE_ID, 'converse', {}, { datasetFile: 'gone.csv' });
    expect(datasetDocuments(dir, warnings)(missing)).toEqual([]);
    expect(warnings[1]).toMatch(/^document texts left out of the CSV: .*gone\.csv/);
  });

  it('does not even read the dataset for a redacted model', () => {
    const warnings: string[] = [];
    expect(datasetDocuments(dir, warnings)(model({ datasetFingerprint: 'other' }, true))).toEqual([]);
    expect(warnings).toEqual([]);
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { DOCUMENT_CHAR_LIMIT, datasetFingerprint, loadDataset } from '../src/data/dataset.ts';
import { DatasetError } from '../src/data/errors.ts';

const fixture = (name: string) => `test/fixtures/data/${name}`;
const tmp = mkdtempSync(join(tmpdir(), 'converse-bench-data-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function tempFile(name: string, content: string | Buffer): string {
  const path = join(tmp, name);
  writeFileSync(path, content);
  return path;
}

function errorOf(path: string): DatasetError {
  try {
    loadDataset(path);
  } catch (error) {
    expect(error).toBeInstanceOf(DatasetError);
    return error as DatasetError;
  }
  throw new Error(`expected ${path} to be rejected`);
}

describe('loadDataset', () => {
  test('accepts a UTF-8 byte-order mark and keeps quoted commas', () => {
    const dataset = loadDataset(fixture('dataset-bom.csv'));
    expect(dataset.path).toBe('test/fixtures/data/dataset-bom.csv');
    expect(dataset.documents).toEqual([
      { index: 0, document: 'A short note about the harbor.', referenceResponse: 'A note.', line: 2 },
      { index: 1, document: 'Second, with a comma', referenceResponse: 'Two.', line: 3 },
    ]);
  });

  test('reads CRLF files, multi-line cells and extra columns, with the line each row starts on', () => {
    const dataset = loadDataset(fixture('dataset-crlf.csv'));
    expect(dataset.documents).toEqual([
      { index: 0, document: 'Line one\r\nline two', referenceResponse: 'Ref one', line: 2 },
      { index: 1, document: 'Plain', referenceResponse: 'Ref two', line: 5 },
    ]);
  });

  test('mixed line endings leave no stray carriage returns in cells', () => {
    const path = tempFile('mixed.csv', 'document,referenceResponse\r\nA,B\nC,D\r\nE,F\n');
    expect(loadDataset(path).documents.map((d) => [d.document, d.referenceResponse, d.line])).toEqual([
      ['A', 'B', 2],
      ['C', 'D', 3],
      ['E', 'F', 4],
    ]);
  });

  test('fingerprint: sha256 of the documents alone, stable across BOM and other columns', () => {
    const withBom = loadDataset(fixture('dataset-bom.csv'));
    const plain = loadDataset(
      tempFile(
        'no-bom.csv',
        'document,referenceResponse,x\nA short note about the harbor.,other,1\n"Second, with a comma",,2\n',
      ),
    );
    expect(plain.fingerprint).toBe(withBom.fingerprint);
    expect(withBom.fingerprint).toBe(
      datasetFingerprint(['A short note about the harbor.', 'Second, with a comma']),
    );
    expect(datasetFingerprint(['ab', 'c'])).not.toBe(datasetFingerprint(['a', 'bc']));
    // sha256("1:a") worked out with `printf '1:a' | sha256sum`.
    expect(datasetFingerprint(['a'])).toBe(
      '4162fddd39a3e4225e8e2392eced237fbeb34e6e218b5647d27bd4d2b9c0da24',
    );
  });

  test('missing file', () => {
    expect(errorOf(fixture('nope.csv')).message).toBe(
      'test/fixtures/data/nope.csv: no such file; check the path (relative paths start at the project root)',
    );
  });

  test('a directory', () => {
    expect(errorOf('test/fixtures/data').message).toBe(
      'test/fixtures/data: is a directory; give the path of a .csv file',
    );
  });

  test('empty file', () => {
    expect(errorOf(fixture('dataset-empty.csv')).message).toBe(
      'test/fixtures/data/dataset-empty.csv: file is empty; write a header line (document,referenceResponse) and one row per line',
    );
  });

  test('header only', () => {
    expect(errorOf(fixture('dataset-header-only.csv')).message).toBe(
      'test/fixtures/data/dataset-header-only.csv: has a header but no rows; add at least one row below the header',
    );
  });

  test('missing column, naming the columns found and a near match', () => {
    expect(errorOf(fixture('dataset-missing-column.csv')).message).toBe(
      'test/fixtures/data/dataset-missing-column.csv line 1: missing column "document" (found: Document, summary); rename "Document" to "document"',
    );
    expect(errorOf(fixture('dataset-wrong-column.csv')).message).toBe(
      'test/fixtures/data/dataset-wrong-column.csv line 1: missing column "document" (found: text, referenceResponse); write a header line (document,referenceResponse) and one row per line',
    );
  });

  test('wrong delimiter: semicolons and tabs', () => {
    expect(errorOf(fixture('dataset-semicolon.csv')).message).toBe(
      'test/fixtures/data/dataset-semicolon.csv line 1: the header is separated by semicolons, not commas; save the file as comma-separated CSV',
    );
    expect(errorOf(fixture('dataset-tabs.csv')).message).toBe(
      'test/fixtures/data/dataset-tabs.csv line 1: the header is separated by tabs, not commas; save the file as comma-separated CSV',
    );
  });

  test('unbalanced quotes: the line the unclosed cell starts on', () => {
    const error = errorOf(fixture('dataset-unclosed-quote.csv'));
    expect(error.message).toBe(
      'test/fixtures/data/dataset-unclosed-quote.csv line 3: a quoted cell starting in this row is never closed; add the closing double quote (write "" for a quote inside a cell)',
    );
    expect(error.line).toBe(3);
    expect(error.cause).toBeInstanceOf(Error);
  });

  test('a stray quote inside an unquoted cell', () => {
    expect(errorOf(fixture('dataset-stray-quote.csv')).message).toBe(
      'test/fixtures/data/dataset-stray-quote.csv line 3: stray double quote in a cell; wrap the whole cell in double quotes and double every quote inside it',
    );
  });

  test('a row with more cells than the header, named by the line it starts on', () => {
    expect(errorOf(fixture('dataset-field-count.csv')).message).toBe(
      'test/fixtures/data/dataset-field-count.csv line 3: has 3 cells but the header has 2; wrap cells that contain commas in double quotes',
    );
  });

  test('empty document cell, counted in file lines (after a multi-line cell and a blank line)', () => {
    const error = errorOf(fixture('dataset-empty-document.csv'));
    expect(error.message).toBe(
      'test/fixtures/data/dataset-empty-document.csv line 5: column "document" is empty; write the document text or remove the row',
    );
    expect(error.file).toBe('test/fixtures/data/dataset-empty-document.csv');
    expect(error.line).toBe(5);
  });

  test('binary content: NUL bytes', () => {
    const path = tempFile(
      'binary.csv',
      Buffer.from('document,referenceResponse\nok,ok\n\x00\x01\x02,x\n', 'latin1'),
    );
    expect(errorOf(path).message).toBe(
      `${path} line 3: contains NUL bytes, so it is binary, not CSV text; export the data as CSV UTF-8`,
    );
  });

  test('invalid UTF-8 (a Latin-1 file), with its line and offset', () => {
    const path = tempFile(
      'latin1.csv',
      Buffer.from('document,referenceResponse\nCaf\xe9 menu,Menu\n', 'latin1'),
    );
    expect(errorOf(path).message).toBe(
      `${path} line 2: invalid UTF-8 (byte 0xe9 at offset 30); save the file as UTF-8`,
    );
  });

  test('UTF-16 files are named as such', () => {
    const path = tempFile(
      'utf16.csv',
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('document', 'utf16le')]),
    );
    expect(errorOf(path).message).toBe(`${path}: is UTF-16 encoded; save it as UTF-8 (Excel: "CSV UTF-8")`);
  });

  test(`a document over ${DOCUMENT_CHAR_LIMIT} characters`, () => {
    const huge = 'word '.repeat(DOCUMENT_CHAR_LIMIT / 5 + 1);
    const path = tempFile('huge.csv', `document,referenceResponse\nshort,ok\n${huge},ref\n`);
    expect(errorOf(path).message).toBe(
      `${path} line 3: column "document" has 200005 characters, over the limit of 200000; shorten it or split it into several rows`,
    );
    const atLimit = tempFile(
      'at-limit.csv',
      `document,referenceResponse\n${'x'.repeat(DOCUMENT_CHAR_LIMIT)},ref\n`,
    );
    expect(loadDataset(atLimit).documents[0]?.document.length).toBe(DOCUMENT_CHAR_LIMIT);
  });

  test('errors are user errors (the CLI prints them without a stack)', () => {
    expect(errorOf(fixture('dataset-empty.csv')).userError).toBe(true);
  });
});

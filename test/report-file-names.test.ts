import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  csvFileName,
  fileTimestamp,
  journalFileName,
  logFileName,
  OutputPathError,
  outputPath,
  runRecordFileName,
  safeFilePart,
} from '../src/report/file-names.ts';

const SAFE = /^[A-Za-z0-9._-]+$/;

describe('safeFilePart', () => {
  it('keeps a plain model id as it is', () => {
    expect(safeFilePart('amazon.nova-lite-v1_0')).toBe('amazon.nova-lite-v1_0');
  });

  it('cleans an ARN and adds a short hash because it changed', () => {
    const part = safeFilePart(
      'arn:aws:bedrock:us-east-1:123:inference-profile/us.anthropic.claude-3-5-haiku-20241022-v1:0',
    );
    expect(part).toMatch(
      /^arn_aws_bedrock_us-east-1_123_inference-profile_us.anthropic.claude-3-5-haiku-20241022-v1_0_[0-9a-f]{8}$/,
    );
  });

  it('never yields .. nor a path separator', () => {
    for (const id of ['../../etc', '..', '.', '/etc/passwd', 'a/../b', 'a\\..\\b', '...']) {
      const part = safeFilePart(id);
      expect(part).toMatch(SAFE);
      expect(part).not.toContain('..');
      expect(part.startsWith('.')).toBe(false);
    }
    expect(safeFilePart('../../etc')).toMatch(/^etc_[0-9a-f]{8}$/);
  });

  it('handles unicode, and two ids that clean alike stay apart', () => {
    expect(safeFilePart('modèle-日本')).toMatch(/^mod_le-_[0-9a-f]{8}$/);
    expect(safeFilePart('a:b')).not.toBe(safeFilePart('a/b'));
    expect(safeFilePart('a_b')).toBe('a_b');
    expect(safeFilePart('a:b')).not.toBe('a_b');
    expect(safeFilePart('日本')).toMatch(/^[0-9a-f]{8}$/);
  });

  it('caps the length and still tells long ids apart', () => {
    const long = `us.${'x'.repeat(300)}`;
    expect(safeFilePart(long).length).toBeLessThanOrEqual(120 + 9);
    expect(safeFilePart(`${long}1`)).not.toBe(safeFilePart(`${long}2`));
  });
});

describe('file names', () => {
  it('stamps names with the run start, YYYYMMDD-HHMMSS in UTC', () => {
    expect(fileTimestamp('2026-11-02T10:15:30.250Z')).toBe('20261102-101530');
    expect(fileTimestamp('2026-11-02T23:59:59.999-02:00')).toBe('20261103-015959');
    expect(() => fileTimestamp('yesterday')).toThrow(RangeError);
  });

  it('names the workshop files', () => {
    expect(csvFileName('amazon.nova-lite-v1', '20261102-101530')).toBe(
      'document_summarization_amazon.nova-lite-v1_20261102-101530.csv',
    );
    expect(logFileName('20261102-101530')).toBe('model_latency_benchmarking-20261102-101530.log');
    expect(runRecordFileName('20261102-101530')).toBe('run-20261102-101530.json');
    expect(journalFileName('20261102-101530-ab12')).toBe('journal-20261102-101530-ab12.jsonl');
  });

  it('keeps every output inside the output folder', () => {
    expect(outputPath('out', csvFileName('../../etc', 't'))).toBe(
      resolve('out', `document_summarization_${safeFilePart('../../etc')}_t.csv`),
    );
    expect(() => outputPath('out', '../x.csv')).toThrow(OutputPathError);
    expect(() => outputPath('out', '/tmp/x.csv')).toThrow(OutputPathError);
    expect(() => outputPath('out', '')).toThrow(OutputPathError);
  });
});

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  csvFileName,
  fileTimestamp,
  journalFileName,
  logFileName,
  modelFilePart,
  OutputPathError,
  outputPath,
  runRecordFileName,
  safeFilePart,
  takenNameSuffix,
  warmupCsvFileName,
} from '../src/report/file-names.ts';
import { writeOutputs } from '../src/report/sink.ts';

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
  it("stamps names with the run start, the workshop's %Y%m%d_%H%M%S, in UTC", () => {
    expect(fileTimestamp('2026-11-02T10:15:30.250Z')).toBe('20261102_101530');
    expect(fileTimestamp('2026-11-02T23:59:59.999-02:00')).toBe('20261103_015959');
    expect(() => fileTimestamp('yesterday')).toThrow(RangeError);
  });

  it('names the workshop files, with the model id as the workshop wrote it (every ":" a "-")', () => {
    expect(csvFileName('amazon.nova-micro-v1:0', '20261102_101530')).toBe(
      'document_summarization_amazon.nova-micro-v1-0_20261102_101530.csv',
    );
    expect(csvFileName('us.meta.llama3-2-1b-instruct-v1:0:128k', 't')).toBe(
      'document_summarization_us.meta.llama3-2-1b-instruct-v1-0-128k_t.csv',
    );
    expect(warmupCsvFileName('amazon.nova-micro-v1:0', 't')).toBe(
      'warmup_document_summarization_amazon.nova-micro-v1-0_t.csv',
    );
    expect(logFileName('20261102_101530')).toBe('model_latency_benchmarking-20261102_101530.log');
    expect(runRecordFileName('20261102_101530')).toBe('run-20261102_101530.json');
    expect(journalFileName('20261102-101530-ab12')).toBe('journal-20261102-101530-ab12.jsonl');
  });

  it('falls back to the safe part, with its hash, only for an id that is not a safe file name', () => {
    const arn = 'arn:aws:bedrock:us-east-1:123:inference-profile/us.amazon.nova-lite-v1:0';
    expect(modelFilePart(arn)).toBe(safeFilePart(arn));
    expect(modelFilePart(arn)).toMatch(/_[0-9a-f]{8}$/);
    for (const id of ['../x', 'a..b', '-x', 'x.', 'a b', `m${'x'.repeat(120)}`]) {
      expect(modelFilePart(id)).toBe(safeFilePart(id));
    }
    expect(modelFilePart('anthropic.claude-3-haiku-20240307-v1:0')).toBe(
      'anthropic.claude-3-haiku-20240307-v1-0',
    );
  });

  it('suffixes a taken name before its extension, so the glob still matches it', () => {
    expect(takenNameSuffix('document_summarization_a-b_t.csv', 2)).toBe('document_summarization_a-b_t-2.csv');
    expect(takenNameSuffix('run-t.json', 3)).toBe('run-t-3.json');
    expect(takenNameSuffix('noext', 2)).toBe('noext-2');
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

describe('writeOutputs', () => {
  it('creates every file exclusively: a name taken (on disk or in the same run) gets -2, -3, ...', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cb-sink-'));
    try {
      const first = writeOutputs(dir, [{ name: 'run-t.json', content: 'one' }]);
      const again = writeOutputs(dir, [
        { name: 'run-t.json', content: 'two' },
        { name: 'run-t.json', content: 'three' },
      ]);
      expect([...first, ...again]).toEqual(
        ['run-t.json', 'run-t-2.json', 'run-t-3.json'].map((n) => join(dir, n)),
      );
      expect(readdirSync(dir).sort()).toEqual(['run-t-2.json', 'run-t-3.json', 'run-t.json']);
      expect(readFileSync(join(dir, 'run-t.json'), 'utf8')).toBe('one');
      expect(readFileSync(join(dir, 'run-t-3.json'), 'utf8')).toBe('three');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

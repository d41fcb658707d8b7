import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRunRecord, RunRecordError, readRunRecord } from '../src/data/read-run-record.ts';
import { RUN_RECORD_SCHEMA } from '../src/records/run-record.ts';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { writeOutputs } from '../src/report/sink.ts';
import { contextLine } from '../src/report/summary-table.ts';
import { CANDIDATE_ID, ENVIRONMENT, SOURCE_ID, sampleInputs } from './fixtures/report-records.ts';

const dir = mkdtempSync(join(tmpdir(), 'report-run-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('buildRunRecord', () => {
  const run = buildRunRecord(sampleInputs());

  it('puts the context first: run, span from the calls, target, versions, fingerprints', () => {
    expect(run.schema).toBe(RUN_RECORD_SCHEMA);
    expect(run.context).toEqual({
      runId: 'run-1',
      startedAt: '2026-11-02T10:15:29.000Z',
      // last call: 10:15:42.500 + 2.4 s
      endedAt: '2026-11-02T10:15:44.900Z',
      interrupted: false,
      target: 'emulator',
      endpoint: 'http://127.0.0.1:4010',
      region: 'us-east-1',
      transport: 'http1',
      ...ENVIRONMENT,
      fingerprints: {
        dataset: 'dataset-sha',
        prompts: { [SOURCE_ID]: `prompt-${SOURCE_ID}`, [CANDIDATE_ID]: `prompt-${CANDIDATE_ID}` },
      },
      timeScale: 1,
    });
  });

  it('summarizes each model over measured calls and keeps every call without its text', () => {
    const [source, candidate] = run.models;
    expect(source).toMatchObject({
      key: `${SOURCE_ID}|converse|standard`,
      role: 'source',
      benchFile: 'bench/model.bench.ts',
    });
    expect(source?.summary).toMatchObject({
      calls: 2,
      warmupCalls: 1,
      ok: 1,
      failed: 1,
      errorsByKind: { ThrottlingException: 1 },
    });
    expect(source?.calls.map((call) => call.phase)).toEqual(['warmup', 'measure', 'measure']);
    expect(source?.calls.map((call) => (call.status === 'ok' ? call.text : 'error'))).toEqual([
      '',
      '',
      'error',
    ]);
    expect(source?.checks).toEqual([
      { name: 'budget p90 latencyMs', status: 'pass', line: 'P90 1.235 s <= budget 2.000 s over 1 calls' },
    ]);
    expect(candidate?.summary.latencyMs?.p90).toBe(2360);
  });

  it('is interrupted when a model has fewer rows than scheduled, or when Vitest stopped', () => {
    const inputs = sampleInputs();
    const first = inputs.models[0];
    if (first) first.model.scheduledCalls = 4;
    expect(buildRunRecord(inputs).context.interrupted).toBe(true);
    expect(buildRunRecord({ ...sampleInputs(), stopped: true }).context.interrupted).toBe(true);
  });

  it('falls back to the given time when no call was recorded', () => {
    const empty = buildRunRecord({ ...sampleInputs(), models: [] });
    expect([empty.context.startedAt, empty.context.endedAt]).toEqual([
      '2026-11-02T11:00:00.000Z',
      '2026-11-02T11:00:00.000Z',
    ]);
    expect(empty.context.endpoint).toBe('emulator (embedded)');
  });
});

describe('readRunRecord', () => {
  it('reads back what the sink wrote', () => {
    const run = buildRunRecord(sampleInputs());
    const [path] = writeOutputs(dir, [{ name: 'run-20261102-101529.json', content: JSON.stringify(run) }]);
    expect(readRunRecord(path as string)).toEqual(run);
  });

  it('refuses another schema version, naming the file and the fix', () => {
    const path = join(dir, 'old.json');
    writeFileSync(
      path,
      JSON.stringify({ ...buildRunRecord(sampleInputs()), schema: 'converse-bench/run-record@0' }),
    );
    expect(() => readRunRecord(path)).toThrow(RunRecordError);
    expect(() => readRunRecord(path)).toThrow(
      `${path}: schema converse-bench/run-record@0, expected ${RUN_RECORD_SCHEMA}; rebuild it with this version (converse-bench rebuild <journal>) or use a matching converse-bench`,
    );
    expect(() => parseRunRecord('{"models": []}', 'x.json')).toThrow(/^x\.json: no schema field, expected/);
  });

  it('refuses corrupt JSON and a missing file with one line each', () => {
    const path = join(dir, 'torn.json');
    writeFileSync(path, '{"schema": "converse-bench/run-record@1", "context": {');
    expect(() => readRunRecord(path)).toThrow(
      new RegExp(`^${path}: not valid JSON \\(.*\\); rerun the benchmark or pick another run record$`),
    );
    expect(() => readRunRecord(join(dir, 'missing.json'))).toThrow(
      /^cannot read run record .*missing\.json: ENOENT.*; check the path$/,
    );
    expect(() => parseRunRecord(`{"schema":"${RUN_RECORD_SCHEMA}"}`, 'y.json')).toThrow(
      'y.json: run record without "context" or "models"',
    );
  });

  it('refuses a record missing what report and compare read: calls, fingerprints', () => {
    const run = buildRunRecord(sampleInputs());
    type Loose = { models: Record<string, unknown>[]; context: Record<string, unknown> };
    const without = (edit: (copy: Loose) => void): string => {
      const copy = JSON.parse(JSON.stringify(run));
      edit(copy);
      return JSON.stringify(copy);
    };
    expect(() =>
      parseRunRecord(
        without((r) => delete r.models[1]?.calls),
        'z.json',
      ),
    ).toThrow(
      'z.json: run record without "models[1].calls" or its "summary"; rebuild it from its journal (converse-bench rebuild <journal>) or pick another run record',
    );
    expect(() =>
      parseRunRecord(
        without((r) => delete r.context.fingerprints),
        'z.json',
      ),
    ).toThrow('z.json: run record without "context.fingerprints" (dataset and prompts); rebuild it');
    expect(parseRunRecord(JSON.stringify(run), 'z.json')).toEqual(run);
  });
});

describe('the auth kind', () => {
  it('records how the calls were signed, never the credential, and the summary line says it', () => {
    const inputs = sampleInputs();
    const first = inputs.models[0];
    if (first === undefined) throw new Error('no model');
    first.records = first.records.map((r, i) => ({ ...r, auth: i === 0 ? 'bearer' : 'sigv4' }));
    const run = buildRunRecord(inputs);
    expect(run.context.auth).toBe('bearer+sigv4');
    expect(contextLine(run.context)).toContain('| transport http1 | auth bearer+sigv4 |');
    expect(buildRunRecord(sampleInputs()).context.auth).toBeUndefined();
  });
});

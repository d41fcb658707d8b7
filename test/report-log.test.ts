import { describe, expect, it } from 'vitest';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { callLine, errorLine, renderLog } from '../src/report/log.ts';
import { renderSummaryTable, verdictLine } from '../src/report/summary-table.ts';
import { errorCall, okCall, SOURCE_ID, sampleInputs, streamedCall } from './fixtures/report-records.ts';

describe('log lines', () => {
  it('writes an ok call with its time, model, plan indexes, latency, tokens and attempts', () => {
    expect(callLine(okCall())).toBe(
      `2026-11-02T10:15:30.250Z INFO call ${SOURCE_ID} converse measure exp 0 inv 0 doc 1 ok latency_ms 1234.500 ttft_ms - in 812 out 190 attempts 1`,
    );
  });

  it('writes TTFT of a streamed call', () => {
    expect(callLine(streamedCall())).toContain(
      ' converse-stream measure exp 0 inv 0 doc 0 ok latency_ms 2000.000 ttft_ms 400.000 in 812 out 101 ',
    );
  });

  it('writes the cache class and cache tokens of a call that reported prompt cache usage', () => {
    expect(callLine(okCall({ inputTokens: 12, cacheReadTokens: 800, cacheWriteTokens: 0 }))).toContain(
      ' ok latency_ms 1234.500 ttft_ms - in 12 out 190 cache_class read cache_read_tokens 800 cache_write_tokens 0 attempts 1',
    );
    expect(callLine(okCall({ cacheReadTokens: 0, cacheWriteTokens: 800 }))).toContain(
      ' in 812 out 190 cache_class write cache_read_tokens 0 cache_write_tokens 800 attempts 1',
    );
  });

  it('writes a failed call with its kind and message, and an ERROR line for it', () => {
    const record = errorCall({ errorMessage: 'line one\nline two' });
    expect(callLine(record)).toBe(
      `2026-11-02T10:15:32.000Z INFO call ${SOURCE_ID} converse measure exp 0 inv 1 doc 0 error latency_ms 1450.250 ttft_ms - error ThrottlingException "line one\\nline two" attempts 3`,
    );
    expect(errorLine(record)).toBe(
      `2026-11-02T10:15:32.000Z ERROR ${SOURCE_ID} converse exp 0 inv 1 doc 0 ThrottlingException http 429 after 3 attempt(s): "line one\\nline two"`,
    );
    expect(errorLine(okCall())).toBeUndefined();
  });
});

describe('renderLog', () => {
  const run = buildRunRecord(sampleInputs());
  const log = renderLog(run);
  const lines = log.split('\n');

  it('starts with the context', () => {
    expect(lines.slice(0, 7)).toEqual([
      'converse-bench run run-1',
      'started 2026-11-02T10:15:29.000Z ended 2026-11-02T10:15:44.900Z',
      'target emulator endpoint http://127.0.0.1:4010 region us-east-1 transport http1 timeScale 1',
      'versions node v22.23.3 sdk 3.1164.0 vitest 5.1.1 converse-bench 0.1.0',
      'git commit 0123456789abcdef0123456789abcdef01234567 branch main dirty false',
      'host linux x64 2 x Test CPU',
      'dataset sha256 dataset-sha',
    ]);
    expect(lines[7]).toMatch(
      /^model .*\|converse\|standard role source bench bench\/model.bench.ts calls 3 /,
    );
  });

  it('has every call in start order, every error once more, then the summary table and the verdict', () => {
    const calls = lines.filter((line) => line.includes(' INFO call '));
    expect(calls.map((line) => line.slice(0, 24))).toEqual([
      '2026-11-02T10:15:29.000Z',
      '2026-11-02T10:15:30.250Z',
      '2026-11-02T10:15:32.000Z',
      '2026-11-02T10:15:40.000Z',
      '2026-11-02T10:15:42.500Z',
    ]);
    expect(lines.filter((line) => line.includes(' ERROR '))).toHaveLength(1);
    expect(
      log.endsWith(`${renderSummaryTable(run, { color: false })}\n${verdictLine(run, { color: false })}\n`),
    ).toBe(true);
    expect(log.trimEnd().split('\n').at(-1)).toBe(
      'verdict: fail: 1 of 2 checks failed, 1 passed, 0 inconclusive (no statistical tests)',
    );
    expect(log).not.toContain('\u001b[');
  });

  it('says when the run was interrupted', () => {
    expect(renderLog(buildRunRecord({ ...sampleInputs(), stopped: true })).split('\n')[1]).toBe(
      'started 2026-11-02T10:15:29.000Z ended 2026-11-02T10:15:44.900Z INTERRUPTED: not every scheduled call completed',
    );
  });
});

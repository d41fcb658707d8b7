import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { renderSummaryCsv } from '../src/report/summary-csv.ts';
import { contextLine, renderSummaryTable, summaryTable, verdictLine } from '../src/report/summary-table.ts';
import { CANDIDATE_ID, modelInfo, okCall, SOURCE_ID, sampleInputs } from './fixtures/report-records.ts';

describe('renderSummaryTable', () => {
  it('starts with the context, then a row per model in seconds, then failures and checks', () => {
    const text = renderSummaryTable(buildRunRecord(sampleInputs()), { color: false });
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'target emulator (http://127.0.0.1:4010) | region us-east-1 | transport http1 | Node v22.23.3 | SDK 3.1164.0 | commit 0123456789ab (main)',
    );
    expect(lines[1]?.split(/\s{2,}/)).toEqual([
      'model',
      'api',
      'mode',
      'tier',
      'ok',
      'failed',
      'mean s',
      'median s',
      'P90 s',
      'min s',
      'max s',
      'std s',
      'tokens in',
      'tokens out',
      'TTFT P90 s',
      'client P50 ms',
      'P90 vs source',
      'est. cost/call',
      'est. cost',
      'ITL P50 ms',
      'tok/s P50',
      'throughput tok/s',
    ]);
    // Warmup (3 s) excluded; the throttled call counted as failed, not timed.
    expect(lines[2]?.split(/\s+/)).toEqual([
      SOURCE_ID,
      'converse',
      'standard',
      'default',
      '1',
      '1',
      '1.234',
      '1.234',
      '1.234',
      '1.234',
      '1.234',
      '-',
      '812.0',
      '190.0',
      '-',
      '-',
      'source',
      // The fixture's models have no price: cost unknown, never a guess.
      'unknown',
      'unknown',
      '-',
      '-',
      // 190 tokens over 1000 ms (ok start) to 4200.25 ms (the failed call's end).
      '59.4',
    ]);
    // 2.0 s and 2.4 s: P90 = 2.0 + 0.9 * 0.4, std = 0.4 / sqrt(2); TTFT 400 and 500 ms.
    expect(lines[3]?.split(/\s+/)).toEqual([
      CANDIDATE_ID,
      'converse-stream',
      'standard',
      'default',
      '2',
      '0',
      '2.200',
      '2.200',
      '2.360',
      '2.000',
      '2.400',
      '0.283',
      '812.0',
      '101.0',
      '0.490',
      '-',
      '-',
      'unknown',
      'unknown',
      '17.5',
      '57.6',
      '84.2',
    ]);
    expect(lines.slice(4)).toEqual([
      `cost of the run: unknown (${SOURCE_ID}|converse|standard: no price for ${SOURCE_ID} in us-east-1; ${CANDIDATE_ID}|converse-stream|standard: no price for ${CANDIDATE_ID} in us-east-1): ` +
        'add the missing prices to the price table (pricesFile)',
      '',
      `  ${SOURCE_ID} converse standard`,
      '    failed: ThrottlingException 1',
      '    PASS budget p90 latencyMs: P90 1.235 s <= budget 2.000 s over 1 calls',
      `  ${CANDIDATE_ID} converse-stream standard`,
      // Its calls ran on an open-loop schedule (2.5 ms queue delay each).
      '    response time from the scheduled start: P50 2.203 s, P90 2.362 s, P99 2.398 s; queue delay P90 0.003 s, max 0.003 s',
      '    FAIL budget p90 latencyMs: P90 2.360 s > budget 2.000 s over 2 calls',
      '',
    ]);
    // The run's one verdict is not the table's: it comes last, after the files written.
    expect(text).not.toContain('verdict');
  });

  it('gives each candidate its P90 ratio to the source model through the same API', () => {
    const inputs = sampleInputs();
    const candidate = modelInfo(CANDIDATE_ID, 'converse');
    inputs.models.push({
      model: candidate,
      records: [okCall({ modelId: CANDIDATE_ID, latencyMs: 2469 })],
      checks: [],
    });
    const lines = renderSummaryTable(buildRunRecord(inputs), { color: false }).split('\n');
    expect(lines[4]?.split(/\s+/).at(-6)).toBe('2.00x');
  });

  it('colours only when asked', () => {
    const run = buildRunRecord(sampleInputs());
    expect(renderSummaryTable(run, { color: false })).not.toContain('\u001b[');
    const colored = renderSummaryTable(run, { color: true });
    expect(colored).toContain('\u001b[31mFAIL\u001b[0m');
    expect(colored).toContain('\u001b[32mPASS\u001b[0m');
  });

  it('adds a level column when the run swept, and the same table as CSV', () => {
    const inputs = sampleInputs();
    const [first] = inputs.models;
    if (first === undefined) throw new Error('no model');
    first.model.sweepLevel = { kind: 'concurrency', level: 4, label: 'concurrency=4' };
    const run = buildRunRecord(inputs);
    const table = summaryTable(run);
    expect(table.header.slice(0, 6)).toEqual(['model', 'api', 'mode', 'tier', 'level', 'ok']);
    expect(table.rows.map((row) => row[4])).toEqual(['concurrency=4', '-']);
    expect(table.textColumns).toBe(5);
    const csv = parse(renderSummaryCsv(run), { columns: true }) as Record<string, string>[];
    expect(csv.map((row) => [row.model, row.level, row['P90 s']])).toEqual([
      [SOURCE_ID, 'concurrency=4', '1.234'],
      [CANDIDATE_ID, '', '2.360'],
    ]);
    expect(Object.keys(csv[0] ?? {})).toEqual(table.header);
  });

  it('ends with the one verdict: the gate verdict over every check, fail on an early stop, never a pass without checks', () => {
    const inputs = sampleInputs();
    const run = buildRunRecord(inputs);
    expect(verdictLine(run, { color: false })).toBe(
      'verdict: fail: 1 of 2 checks failed, 1 passed, 0 inconclusive (no statistical tests)',
    );
    expect(verdictLine(run, { color: true })).toBe(
      '\u001b[31mverdict: fail: 1 of 2 checks failed, 1 passed, 0 inconclusive (no statistical tests)\u001b[0m',
    );
    const passing = structuredClone(inputs);
    for (const model of passing.models) model.checks = model.checks.filter((c) => c.status === 'pass');
    expect(verdictLine(buildRunRecord(passing), { color: false })).toBe(
      'verdict: pass: 0 of 1 checks failed, 1 passed, 0 inconclusive (no statistical tests)',
    );
    const unchecked = structuredClone(inputs);
    for (const model of unchecked.models) model.checks = [];
    expect(verdictLine(buildRunRecord(unchecked), { color: false })).toBe(
      'verdict: no checks: nothing was judged (no budget or baseline applied to this run)',
    );
    const [first] = unchecked.models;
    if (first)
      first.model.earlyStop = { plannedCalls: 11, skippedCalls: 6, reason: 'its first 5 calls all failed' };
    expect(verdictLine(buildRunRecord({ ...unchecked, stopped: true }), { color: false })).toBe(
      'verdict: fail: nothing was judged (no budget or baseline applied to this run); 1 model run stopped early; interrupted',
    );
  });

  it('says so when no call was recorded', () => {
    const inputs = { ...sampleInputs(), models: [] };
    expect(renderSummaryTable(buildRunRecord(inputs), { color: false }).split('\n').slice(1)).toEqual([
      'no converse-bench calls were recorded',
      '',
    ]);
  });

  it('marks an interrupted run and a dirty checkout in the context line', () => {
    const run = buildRunRecord({ ...sampleInputs(), stopped: true });
    run.context.git.dirty = true;
    expect(contextLine(run.context)).toMatch(/commit 0123456789ab \(main, dirty\) \| INTERRUPTED$/);
    run.context.git = {};
    expect(contextLine(run.context)).toContain('| commit unknown |');
  });
});

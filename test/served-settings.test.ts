import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { createPlanner } from '../src/emulator/planner.ts';
import { loadProfiles } from '../src/emulator/profiles.ts';
import { callModel } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import type { Api, CallRecord, LatencyMode } from '../src/records/call-record.ts';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { renderRunMarkdown } from '../src/report/markdown-summary.ts';
import { renderSummaryTable } from '../src/report/summary-table.ts';
import { latencyModeLabel, latencyModeWarning } from '../src/summary/served.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { ENVIRONMENT, modelInfo } from './fixtures/report-records.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

// What the service says it served, through the unmodified SDK against the emulator and its shipped
// profiles: Nova Lite offers no optimized latency, Nova Pro does.
let emulator: RunningEmulator;
let bench: BenchClient;

beforeAll(async () => {
  const profiles = loadProfiles('data/emulator-profiles.json');
  emulator = await startEmulator({ port: 0, planner: createPlanner({ profiles, timeScale: 0.01 }) });
  bench = clientAt(emulator.url);
});

afterAll(async () => {
  bench.destroy();
  await emulator.close();
});

async function calls(modelId: string, api: Api, latencyMode: LatencyMode, n: number): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  for (let invocation = 0; invocation < n; invocation++) {
    records.push(
      await callModel(
        bench.client,
        callSpec({ modelId, api, latencyMode, invocation, prompt: 'Summarize: a b c.' }),
      ),
    );
  }
  return records;
}

describe('served latency mode', () => {
  it.each(['converse', 'converse-stream'] as const)('labels %s calls by the mode served', async (api) => {
    const asked = await calls('amazon.nova-lite-v1:0', api, 'optimized', 2);
    expect(asked.map((r) => r.status === 'ok' && r.latencyModeServed)).toEqual(['standard', 'standard']);
    const model = { modelId: 'amazon.nova-lite-v1:0', api, latencyMode: 'optimized' as const };
    const summary = summarizeCalls(asked);
    expect(summary.latencyModeServed).toEqual({ standard: 2 });
    expect(latencyModeLabel({ ...model, summary })).toBe('standard (asked optimized)');
    expect(latencyModeWarning({ ...model, summary })).toBe(
      `amazon.nova-lite-v1:0 ${api}: latency mode optimized requested, served standard on 2 of 2 calls`,
    );

    const served = summarizeCalls(await calls('amazon.nova-pro-v1:0', api, 'optimized', 1));
    expect(served.latencyModeServed).toEqual({ optimized: 1 });
    const pro = { modelId: 'amazon.nova-pro-v1:0', api, latencyMode: 'optimized' as const, summary: served };
    expect(latencyModeLabel(pro)).toBe('optimized');
    expect(latencyModeWarning(pro)).toBeUndefined();
  });

  it('says when an optimized request was never confirmed, and a standard one needs no confirming', () => {
    const summary = summarizeCalls([]);
    expect(latencyModeLabel({ modelId: 'm', api: 'converse', latencyMode: 'optimized', summary })).toBe(
      'optimized (unconfirmed)',
    );
    expect(latencyModeLabel({ modelId: 'm', api: 'converse', latencyMode: 'standard', summary })).toBe(
      'standard',
    );
  });

  it('puts the served mode in the summary table and the markdown summary, with the warning', async () => {
    const records = await calls('amazon.nova-lite-v1:0', 'converse', 'optimized', 1);
    const run = buildRunRecord({
      runId: 'run-1',
      models: [
        {
          model: modelInfo('amazon.nova-lite-v1:0', 'converse', {
            latencyMode: 'optimized',
            scheduledCalls: 1,
          }),
          records,
          checks: [],
        },
      ],
      environment: ENVIRONMENT,
      fallbackTime: '2026-12-01T00:00:00.000Z',
      stopped: false,
    });
    const warning =
      'amazon.nova-lite-v1:0 converse: latency mode optimized requested, served standard on 1 of 1 calls';
    const table = renderSummaryTable(run, { color: false }).split('\n');
    expect(table[1]).toBe(`WARNING ${warning}`);
    expect(table[3]?.split(/\s{2,}/).slice(0, 4)).toEqual([
      'amazon.nova-lite-v1:0',
      'converse',
      'standard (asked optimized)',
      'default',
    ]);
    const markdown = renderRunMarkdown(run);
    expect(markdown).toContain(`> **Warning**: ${warning}`);
    expect(markdown).toContain('| amazon.nova-lite-v1:0 | converse | standard (asked optimized) | default |');
  });
});

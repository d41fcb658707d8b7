import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { fixedPlanner, type RunningEmulator, startEmulator } from '../src/emulator/index.ts';
import { callModel } from '../src/harness/call.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import { afterMs, clientWorkMs, connectMs, receiveMs, sendMs, waitMs } from '../src/records/metrics.ts';
import { toCsvRow } from '../src/report/rows.ts';
import { quantile, sortAscending } from '../src/stats/quantile.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

/**
 * Phase timings of real calls (the unmodified SDK over HTTP to the emulator): what each phase holds,
 * that the phases of a one-attempt call add up to its latency, and what the wire could not have
 * beaten (the emulator's schedule). No assertion on how long the client took.
 */

const TTFT_MS = 40;
const TOKENS_PER_SECOND = 200;
let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({
    port: 0,
    planner: fixedPlanner({ ttftMs: TTFT_MS, tokensPerSecond: TOKENS_PER_SECOND }),
  });
});
afterAll(() => emulator.close());

function phases(record: CallRecord) {
  return {
    send: sendMs(record),
    connect: connectMs(record),
    wait: waitMs(record),
    receive: receiveMs(record),
    after: afterMs(record),
  };
}

function sum(record: CallRecord): number {
  const p = phases(record);
  return (p.send ?? 0) + (p.connect ?? 0) + (p.wait ?? 0) + (p.receive ?? 0) + (p.after ?? 0);
}

describe.each(['http1', 'http2'] as const)('phases over %s', (transport) => {
  test('Converse then ConverseStream on one client: every phase observed, adding up to the latency', async () => {
    const client = clientAt(emulator.url, { transport });
    try {
      const records: CallRecord[] = [];
      for (const api of ['converse', 'converse-stream', 'converse'] as const) {
        records.push(
          await callModel(
            client.client,
            callSpec({ api, inferenceConfig: { temperature: 0.1, maxTokens: 12, topP: 0.9 } }),
          ),
        );
      }
      for (const record of records) {
        expect(record.status).toBe('ok');
        expect(record.wire?.protocol).toBe(transport);
        const p = phases(record);
        for (const value of [p.send, p.wait, p.receive, p.after]) expect(value).toBeGreaterThanOrEqual(0);
        expect(sum(record)).toBeCloseTo(record.latencyMs ?? Number.NaN, 9);
        expect(clientWorkMs(record)).toBe((p.send ?? 0) + (p.after ?? 0));
        const truth = emulator.groundTruthFor(record.requestId ?? '');
        // The service's time sits inside the wait (Converse: the whole answer) or the receive (stream).
        if (record.api === 'converse')
          expect(p.wait).toBeGreaterThanOrEqual(truth?.scheduledTotalMs ?? Infinity);
        else
          expect((p.wait ?? 0) + (p.receive ?? 0)).toBeGreaterThanOrEqual(
            truth?.scheduledTotalMs ?? Infinity,
          );
      }
      // The summary's client figure is over the same per-call definition.
      const work = records.map((r) => clientWorkMs(r) as number);
      expect(summarizeCalls(records).clientWorkMs?.p50).toBe(quantile(sortAscending(work), 0.5));
      if (transport === 'http1') {
        // The first call opened the keep-alive connection; the next ones reused it.
        expect(records.map((r) => r.wire?.reusedConnection)).toEqual([false, true, true]);
        expect(connectMs(records[0] as CallRecord)).toBeGreaterThanOrEqual(0);
        expect(records.slice(1).map(connectMs)).toEqual([undefined, undefined]);
      } else {
        expect(records.map(connectMs)).toEqual([undefined, undefined, undefined]);
      }
    } finally {
      client.destroy();
    }
  });
});

test('the CSV carries each phase; a call that never reached the wire leaves them empty', async () => {
  const client = clientAt(emulator.url, { transport: 'http1' });
  try {
    const ok = await callModel(
      client.client,
      callSpec({ inferenceConfig: { temperature: 0.1, maxTokens: 5, topP: 0.9 } }),
    );
    const row = toCsvRow(ok, { transport: 'http1', documents: [], redactTexts: true });
    expect(row.send_ms).toBe(sendMs(ok));
    expect(row.wait_ms).toBe(waitMs(ok));
    expect(row.receive_ms).toBe(receiveMs(ok));
    expect(row.after_ms).toBe(afterMs(ok));
    expect(row.connection_reused).toBe('false');
  } finally {
    client.destroy();
  }
  const unreachable = clientAt('http://127.0.0.1:1', { transport: 'http1' });
  try {
    const failed = await callModel(
      unreachable.client,
      callSpec({ inferenceConfig: { temperature: 0.1, maxTokens: 5, topP: 0.9 } }),
    );
    expect(failed.status).toBe('error');
    const row = toCsvRow(failed, { transport: 'http1', documents: [], redactTexts: true });
    expect([row.send_ms, row.wait_ms, row.receive_ms, row.after_ms]).toEqual(['', '', '', '']);
  } finally {
    unreachable.destroy();
  }
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { startEmulator } from '../src/emulator/index.ts';
import type { PlanRequest, ResponsePlan } from '../src/emulator/plan.ts';
import { callModel } from '../src/harness/call.ts';
import { redactSecrets } from '../src/harness/redact.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import { buildOutputs, outputText } from '../src/report/build-outputs.ts';
import { openJournal } from '../src/report/journal.ts';
import { ENVIRONMENT, modelInfo } from './fixtures/report-records.ts';
import { callSpec, clientAt } from './helpers/calls.ts';

/**
 * A server that echoes the request's headers in its error message (as a misconfigured proxy might):
 * the client signs with planted credentials (SigV4 with a session token, or a Bedrock bearer token),
 * the echo comes back as the error, and no planted value may reach the record, the journal or any
 * output built from them.
 */
const PLANTED = {
  AWS_ACCESS_KEY_ID: 'AKIAPLANTEDECHO00001',
  AWS_SECRET_ACCESS_KEY: 'plantedEchoSecret/eeeeeeeeeeeeeeeeeeeeeeee',
  AWS_SESSION_TOKEN: 'plantedEchoSession-ffffffffffffffffffff',
  AWS_BEARER_TOKEN_BEDROCK: 'plantedEchoBearer-gggggggggggggggggggg',
};
const MODEL = 'amazon.nova-micro-v1:0';

function echoHeaders(request: PlanRequest): ResponsePlan {
  return {
    ttftMs: 0,
    interTokenMs: [],
    latencyModeServed: 'standard',
    serviceTierServed: 'default',
    reportedLatencyMs: 0,
    fault: {
      kind: 'http-error',
      status: 400,
      errorType: 'ValidationException',
      // The credential-bearing headers first, so they fall within the recorded message's length.
      message: `bad request, you sent ${JSON.stringify({
        authorization: request.headers.authorization,
        'x-amz-security-token': request.headers['x-amz-security-token'],
        ...request.headers,
      })}`,
    },
  };
}

let emulator: Awaited<ReturnType<typeof startEmulator>>;
const saved = { ...process.env };
const dir = mkdtempSync(join(tmpdir(), 'secrets-echo-'));
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, planner: echoHeaders });
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  for (const name of Object.keys(PLANTED)) delete process.env[name];
  Object.assign(process.env, saved);
});

async function echoedCall(env: Partial<typeof PLANTED>): Promise<CallRecord> {
  Object.assign(process.env, env);
  // Target bedrock (the credential chain), endpoint the echoing emulator.
  const client = clientAt(emulator.url, { target: 'bedrock' });
  try {
    return await callModel(
      client.client,
      callSpec({
        modelId: MODEL,
        prompt: 'Summarize: nothing to see.',
        inferenceConfig: { temperature: 0, maxTokens: 16, topP: 1 },
      }),
    );
  } finally {
    client.destroy();
  }
}

/** Every text a run would write from these records: CSV, log, run record, summary, report, journal. */
async function everyOutput(records: CallRecord[], name: string): Promise<string> {
  const model = modelInfo(MODEL, 'converse', { scheduledCalls: records.length });
  const journalPath = join(dir, `${name}.jsonl`);
  const journal = openJournal(journalPath);
  for (const record of records) journal.append(record, model);
  await journal.close();
  const { files } = buildOutputs(
    {
      runId: name,
      models: [{ model, records, checks: [] }],
      stopped: false,
      environment: ENVIRONMENT,
      fallbackTime: '2026-11-27T00:00:00.000Z',
    },
    () => [],
    { echartsSource: '/* charts */' },
  );
  return [...files.map(outputText), readFileSync(journalPath, 'utf8')].join('\n');
}

describe('credentials echoed back by a server never reach an output', () => {
  test('SigV4 with a session token', async () => {
    const { AWS_BEARER_TOKEN_BEDROCK: _bearer, ...sigv4 } = PLANTED;
    const record = await echoedCall(sigv4);
    expect(record).toMatchObject({ status: 'error', errorKind: 'ValidationException', httpStatus: 400 });
    // The echo really came back (and was cut down), so the search below means something.
    const message = record.status === 'error' ? record.errorMessage : '';
    expect(message).toContain('"authorization":"[redacted]","x-amz-security-token":"[redacted]"');
    const text = await everyOutput([record], 'sigv4');
    for (const secret of Object.values(sigv4)) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/Signature=[0-9a-f]{16}/);
  });

  test('a Bedrock API key (bearer token)', async () => {
    const record = await echoedCall(PLANTED);
    const message = record.status === 'error' ? record.errorMessage : '';
    expect(message).toContain('[redacted]');
    const text = await everyOutput([record], 'bearer');
    for (const secret of Object.values(PLANTED)) expect(text).not.toContain(secret);
  });
});

test('redactSecrets cuts signatures, tokens and key ids, and leaves ordinary text alone', () => {
  expect(
    redactSecrets(
      'authorization: AWS4-HMAC-SHA256 Credential=AKIAABCDEFGHIJKLMNOP/20261127/us-east-1/bedrock/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd',
    ),
  ).toBe('authorization: [redacted]');
  expect(redactSecrets('{"authorization":"Bearer abc.def","x-amz-security-token":"tok/en+="}')).toBe(
    '{"authorization":"[redacted]","x-amz-security-token":"[redacted]"}',
  );
  expect(redactSecrets('key ASIAABCDEFGHIJKLMNOP expired')).toBe('key [redacted key id] expired');
  expect(redactSecrets('Too many requests, please wait before trying again.')).toBe(
    'Too many requests, please wait before trying again.',
  );
});

import { ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../src/emulator/index.ts';
import type { PlanRequest } from '../src/emulator/plan.ts';
import { createPlanner } from '../src/emulator/planner.ts';
import { loadProfiles } from '../src/emulator/profiles.ts';
import { callModel } from '../src/harness/call.ts';
import type { BenchClient } from '../src/harness/client.ts';
import type { Api, CallRecord, ServiceTier } from '../src/records/call-record.ts';
import { serviceTierLabel, serviceTierWarning } from '../src/summary/served.ts';
import { summarizeCalls } from '../src/summary/summarize-calls.ts';
import { callSpec, clientAt, sdkClient } from './helpers/calls.ts';
import { startProfiledEmulator } from './helpers/emulator.ts';

// Service tiers through the unmodified SDK against the emulator and its shipped profiles: Nova Pro
// offers priority and flex (as AWS lists it), Nova Lite does not.
const profiles = loadProfiles('data/emulator-profiles.json');
let emulator: RunningEmulator;
let bench: BenchClient;

beforeAll(async () => {
  emulator = await startProfiledEmulator(profiles);
  bench = clientAt(emulator.url);
});

afterAll(async () => {
  bench.destroy();
  await emulator.close();
});

const call = (modelId: string, api: Api, serviceTier: ServiceTier): Promise<CallRecord> =>
  callModel(
    bench.client,
    callSpec({ modelId, api, serviceTier, prompt: 'Summarize: the cat sat on the mat.' }),
  );

describe.each(['converse', 'converse-stream'] as const)('service tiers through %s', (api) => {
  it.each(['priority', 'flex', 'reserved'] as const)('records %s requested and served', async (tier) => {
    const record = await call('us.amazon.nova-pro-v1:0', api, tier);
    expect(record).toMatchObject({ status: 'ok', serviceTier: tier, serviceTierServed: tier });
  });

  it('records the tier served when the model does not offer the one requested, and warns', async () => {
    const records = [await call('amazon.nova-lite-v1:0', api, 'priority')];
    expect(records[0]).toMatchObject({ status: 'ok', serviceTier: 'priority', serviceTierServed: 'default' });
    const model = {
      modelId: 'amazon.nova-lite-v1:0',
      api,
      latencyMode: 'standard' as const,
      options: { serviceTier: 'priority' },
      summary: summarizeCalls(records),
    };
    expect(model.summary.serviceTierServed).toEqual({ default: 1 });
    expect(serviceTierLabel(model)).toBe('default (asked priority)');
    expect(serviceTierWarning(model)).toBe(
      `amazon.nova-lite-v1:0 ${api}: service tier priority requested, served default on 1 of 1 calls`,
    );
  });

  it('sends no serviceTier for the default tier, and the service reports none', async () => {
    const record = await call('amazon.nova-pro-v1:0', api, 'default');
    expect(record.status).toBe('ok');
    expect(record.status === 'ok' && record.serviceTierServed).toBeUndefined();
    const summary = summarizeCalls([record]);
    expect(
      serviceTierLabel({
        modelId: 'm',
        api,
        latencyMode: 'standard',
        options: { serviceTier: 'default' },
        summary,
      }),
    ).toBe('default');
  });
});

it('refuses a tier Bedrock does not have: 400 ValidationException naming the field', async () => {
  const c = sdkClient(emulator.url, 'http1');
  const error = await c
    .send(
      new ConverseCommand({
        modelId: 'amazon.nova-pro-v1:0',
        messages: [{ role: 'user', content: [{ text: 'hi' }] }],
        serviceTier: { type: 'gold' as ServiceTier },
      }),
    )
    .catch((e: Error) => e);
  expect(error).toMatchObject({
    name: 'ValidationException',
    message:
      "1 validation error detected: Value 'gold' at 'serviceTier.type' failed to satisfy constraint: Member must satisfy enum value set: [default, priority, flex, reserved]",
  });
  c.destroy();
});

describe('the emulator serves each tier at its illustrative speed', () => {
  const planner = createPlanner({ profiles, seed: 7 });
  const request = (serviceTier: ServiceTier, modelId = 'amazon.nova-pro-v1:0'): PlanRequest => ({
    modelId,
    api: 'converse-stream',
    latencyMode: 'standard',
    serviceTier,
    inputTokens: 100,
    outputTokens: 50,
    headers: {},
    receivedMs: 0,
  });
  // Each model's n-th request draws the same latency whatever its tier: ratios are exact.
  const fresh = () => createPlanner({ profiles, seed: 7 });

  it('priority: output speed x1.25 (AWS: up to 25% better OTPS), TTFT as default', () => {
    const base = fresh()(request('default'));
    const priority = fresh()(request('priority'));
    expect(priority.serviceTierServed).toBe('priority');
    expect(priority.ttftMs).toBeCloseTo(base.ttftMs, 9);
    expect((base.interTokenMs[0] ?? 0) / (priority.interTokenMs[0] ?? 1)).toBeCloseTo(1.25, 9);
  });

  it('flex: TTFT x1.5, output speed x0.8, and 2% of requests throttled; reserved as default', () => {
    const base = fresh()(request('default'));
    const flex = fresh()(request('flex'));
    expect(flex.ttftMs / base.ttftMs).toBeCloseTo(1.5, 9);
    expect((base.interTokenMs[0] ?? 0) / (flex.interTokenMs[0] ?? 1)).toBeCloseTo(0.8, 9);
    const reserved = fresh()(request('reserved'));
    expect(reserved).toMatchObject({ ttftMs: base.ttftMs, serviceTierServed: 'reserved' });

    const throttled = (tier: ServiceTier) =>
      Array.from({ length: 5000 }, () => planner(request(tier))).filter(
        (p) => p.fault?.kind === 'http-error' && p.fault.errorType === 'ThrottlingException',
      ).length;
    expect(throttled('default')).toBe(0);
    const share = throttled('flex') / 5000;
    expect(share).toBeGreaterThan(0.015);
    expect(share).toBeLessThan(0.025);
  });

  it('a model without the tier serves default at default speed', () => {
    const base = fresh()(request('default', 'amazon.nova-lite-v1:0'));
    const asked = fresh()(request('flex', 'amazon.nova-lite-v1:0'));
    expect(asked).toEqual(base);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CalibrationError,
  calibrate,
  calibratedProfileFile,
  type Estimate,
  type ModelCalibration,
} from '../src/emulator/calibrate.ts';
import { createPlanner } from '../src/emulator/planner.ts';
import { catalogueOf, parseProfiles } from '../src/emulator/profiles.ts';
import { startEmulator } from '../src/emulator/server.ts';
import { callModel } from '../src/harness/call.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import type { RunRecord } from '../src/records/run-record.ts';
import { buildRunRecord } from '../src/report/build-run-record.ts';
import { median, sampleStd } from '../src/stats/distribution.ts';
import { ENVIRONMENT, errorCall, modelInfo, streamedCall } from './fixtures/report-records.ts';
import { callSpec, clientAt } from './helpers/calls.ts';
import { CLI_MAIN, childEnv, ROOT, run } from './helpers/subprocess.ts';

const MODEL = 'amazon.nova-micro-v1:0';

/** A known profile: what the calibration must give back. */
const TRUE = {
  ttft: { medianMs: 150, sigma: 0.3, perInputTokenMs: 0.1 },
  outputSpeed: { medianTokensPerSecond: 200, sigma: 0.2 },
  tokenJitter: 0.3,
};

function profileText(faults = ''): string {
  return JSON.stringify({
    $comment: 'test profiles',
    default: {
      source: 'test default',
      ttft: { medianMs: 600, sigma: 0.3, perInputTokenMs: 0.08 },
      outputSpeed: { medianTokensPerSecond: 60, sigma: 0.2 },
      tokenJitter: 0.4,
      maxOutputTokens: 4096,
    },
    models: { [MODEL]: { source: 'the known profile', ...TRUE, maxOutputTokens: 10000, faults } },
  });
}

/** A run record of these calls, as the reporter builds it (`timeScale` absent: a Bedrock run). */
function runOf(records: CallRecord[], target: 'bedrock' | 'emulator' = 'bedrock', timeScale = 1): RunRecord {
  const model = modelInfo(
    MODEL,
    'converse-stream',
    { scheduledCalls: records.length },
    { target, timeScale },
  );
  return buildRunRecord({
    runId: 'run-calibration',
    models: [{ model, records, checks: [] }],
    stopped: false,
    environment: ENVIRONMENT,
    fallbackTime: '2026-12-01T10:00:00.000Z',
  });
}

/** Input lengths spread from 100 to 3,000 tokens, so the per-token cost can be told from the median. */
const inputTokensOf = (i: number, n: number): number => 100 + Math.round((2900 * i) / (n - 1));

/**
 * Calls acted out from the emulator's own planner (no network, no clock): each call's TTFT and token
 * gaps as planned, with the SDK's standard retries of a throttled request (3 attempts).
 */
function plannedCalls(n: number, faults: string): CallRecord[] {
  const profiles = parseProfiles(profileText(faults), 'test');
  const planner = createPlanner({ profiles, seed: 7 });
  const records: CallRecord[] = [];
  for (let i = 0; i < n; i++) {
    const inputTokens = inputTokensOf(i, n);
    const outputTokens = 30 + (i % 5) * 10;
    let attempts = 0;
    let plan: ReturnType<typeof planner> | undefined;
    while (attempts < 3) {
      attempts++;
      plan = planner({
        modelId: MODEL,
        api: 'converse-stream',
        latencyMode: 'standard',
        serviceTier: 'default',
        inputTokens,
        outputTokens,
        headers: {},
        receivedMs: i * 1000,
      });
      if (plan.fault?.kind !== 'http-error' || plan.fault.errorType !== 'ThrottlingException') break;
    }
    const fault = plan?.fault;
    if (fault?.kind === 'http-error') {
      records.push(
        errorCall({
          modelId: MODEL,
          api: 'converse-stream',
          attempts,
          errorKind: fault.errorType,
          httpStatus: fault.status,
        }),
      );
      continue;
    }
    const ttftMs = plan?.ttftMs ?? 0;
    const latencyMs = (plan?.interTokenMs ?? []).reduce((sum, gap) => sum + gap, ttftMs);
    records.push(
      streamedCall({
        modelId: MODEL,
        invocation: i,
        inputTokens,
        outputTokens,
        ttftMs,
        latencyMs,
        attempts,
        queueDelayMs: 0,
      }),
    );
  }
  return records;
}

/** |fitted - true| within `k` standard errors (plus an allowance for what measuring adds). */
function within(e: Estimate | undefined, truth: number, k: number, allowance = 0): void {
  expect(e, 'fitted').toBeDefined();
  const { value, se } = e as Estimate;
  expect(se).toBeGreaterThan(0);
  expect(Math.abs(value - truth), `${value} +- ${se} vs ${truth}`).toBeLessThanOrEqual(k * se + allowance);
}

function onlyModel(calibration: { models: ModelCalibration[] }): ModelCalibration {
  expect(calibration.models.map((m) => m.modelId)).toEqual([MODEL]);
  return calibration.models[0] as ModelCalibration;
}

describe('calibrate: fitting a known profile', () => {
  const base = parseProfiles(profileText(), 'data/emulator-profiles.json');

  it("recovers TTFT (median, sigma, ms per input token), output speed and error rates from the planner's own draws", () => {
    const records = plannedCalls(600, 'throttle~0.1,error=ModelTimeoutException~0.03');
    const m = onlyModel(calibrate(runOf(records), base, 'run.json'));
    within(m.ttftMedianMs, TRUE.ttft.medianMs, 3);
    within(m.ttftSigma, TRUE.ttft.sigma, 3);
    within(m.perInputTokenMs, TRUE.ttft.perInputTokenMs, 3);
    within(m.speedMedian, TRUE.outputSpeed.medianTokensPerSecond, 3);
    within(m.speedSigma, TRUE.outputSpeed.sigma, 3);
    // Per request, as the emulator draws them: throttled attempts (retried) and timeouts (not).
    within(m.faults.throttle, 0.1, 3);
    // A timeout is drawn only on a request the throttle rule let through: 0.9 x 0.03.
    within(m.faults['error=ModelTimeoutException'], 0.9 * 0.03, 3);
    // ...written as the profile's faults, in the emulator's fault syntax, rounded to 4 digits.
    const file = calibratedProfileFile(
      JSON.parse(profileText()),
      { models: [m], skipped: [] },
      runOf(records),
    );
    const written = parseProfiles(file, 'out.json').models.get(MODEL)?.faults ?? [];
    expect(written.map((f) => [f.action.kind, f.probability]).sort()).toEqual([
      ['error', Number(m.faults['error=ModelTimeoutException']?.value.toPrecision(4))],
      ['throttle', Number(m.faults.throttle?.value.toPrecision(4))],
    ]);
    // Standard errors shrink as 1 / sqrt(calls): a tenth of the calls, about three times the error.
    const small = onlyModel(calibrate(runOf(plannedCalls(60, '')), base, 'run.json'));
    expect(small.ttftSigma.se / m.ttftSigma.se).toBeGreaterThan(2.5);
    expect(small.faults).toEqual({});
  });

  it('writes a profile file the emulator reads, the other models kept, each figure with its source', () => {
    const raw = JSON.parse(profileText()) as Record<string, unknown>;
    const run = runOf(plannedCalls(200, ''));
    const calibration = calibrate(run, base, 'run.json');
    const text = calibratedProfileFile(raw, calibration, run);
    const set = parseProfiles(text, 'out.json');
    const fitted = set.models.get(MODEL);
    expect(fitted?.tokenJitter).toBe(TRUE.tokenJitter);
    expect(fitted?.maxOutputTokens).toBe(10000);
    expect(fitted?.faults).toEqual([]);
    expect(fitted?.source).toMatch(
      /^Calibrated by converse-bench calibrate from run run-calibration \(target bedrock, region us-east-1, .*\), 200 streamed calls and 200 requests \(figures \+- one standard error\): TTFT median .* ms, sigma .*, .* ms per input token; output speed median .* tokens\/s, sigma .*; no errors\. tokenJitter, maxOutputTokens, serviceTiers and optimized kept from data\/emulator-profiles\.json\.$/,
    );
    expect(set.defaultProfile.source).toBe('test default');
    // Calibrating again replaces the note rather than piling notes up.
    const again = calibratedProfileFile(JSON.parse(text) as Record<string, unknown>, calibration, run);
    expect((JSON.parse(again) as { $comment: string }).$comment).toBe(
      (JSON.parse(text) as { $comment: string }).$comment,
    );
  });

  it('refuses a time-scaled emulator run; a model without enough streamed calls is skipped, saying why', () => {
    expect(() =>
      calibrate(runOf(plannedCalls(20, ''), 'emulator', 0.02), base, 'outputs/run-1.json'),
    ).toThrow(
      new CalibrationError(
        'outputs/run-1.json: run run-calibration ran the emulator at time scale 0.02: its times are not real; calibrate from a real-time run (Bedrock, or the emulator at time scale 1)',
      ),
    );
    const few = calibrate(runOf(plannedCalls(9, '')), base, 'run.json');
    expect(few).toEqual({
      models: [],
      skipped: [
        {
          modelId: MODEL,
          why: '9 successful ConverseStream calls at the standard latency mode and default tier; calibrating needs at least 10 (run with --api converse-stream or both)',
        },
      ],
    });
    // Input lengths that hardly vary: the per-token cost is kept from the base, not guessed.
    const flat = plannedCalls(50, '').map((r) => ({ ...r, inputTokens: 1000 }));
    const m = onlyModel(calibrate(runOf(flat), base, 'run.json'));
    expect(m.perInputTokenMs).toBeUndefined();
    expect(m.profile.ttft.perInputTokenMs).toBe(TRUE.ttft.perInputTokenMs);
  });
});

describe('calibrate: a round trip through the emulator', () => {
  /** Slower than the fitting test's profile, so that what the wire adds stays small beside it. */
  const KNOWN = {
    ttft: { medianMs: 1000, sigma: 0.3, perInputTokenMs: 0.3 },
    outputSpeed: { medianTokensPerSecond: 60, sigma: 0.2 },
    tokenJitter: 0.3,
  };
  const knownText = JSON.stringify({
    ...JSON.parse(profileText()),
    models: { [MODEL]: { source: 'the known profile', ...KNOWN, maxOutputTokens: 10000 } },
  });

  it('runs the emulator with a known profile at real time, calibrates from that run, and gets the profile back', {
    timeout: 120_000,
  }, async () => {
    const profiles = parseProfiles(knownText, 'known.json');
    const emulator = await startEmulator({
      port: 0,
      planner: createPlanner({ profiles, seed: 11 }),
      models: catalogueOf(profiles),
    });
    const bench = clientAt(emulator.url);
    const n = 80;
    const records: CallRecord[] = [];
    // What the wire and both event loops added to each call, from the emulator's ground truth.
    const ttftAdded: number[] = [];
    const ttftRatio: number[] = [];
    const generationStretch: number[] = [];
    try {
      // Sixteen workers through the real SDK, each starting its next call when one ends, after a
      // warmup call each (the first calls pay for connections and the emulator's tokenizer loading:
      // warmup rows, which calibrate leaves out); prompts of 100 to 3,000 tokens.
      let next = -16;
      const worker = async (): Promise<void> => {
        for (let i = next++; i < n; i = next++) {
          records.push(
            await callModel(
              bench.client,
              callSpec({
                modelId: MODEL,
                api: 'converse-stream',
                phase: i < 0 ? 'warmup' : 'measure',
                invocation: Math.max(0, i),
                prompt: `Summarize: ${'river stone '.repeat(inputTokensOf(Math.max(0, i), n) / 2)}`,
                inferenceConfig: { temperature: 0.1, maxTokens: 40, topP: 0.9 },
                timeoutMs: 60_000,
              }),
            ),
          );
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      for (const r of records) {
        const truth = r.requestId === undefined ? undefined : emulator.groundTruthFor(r.requestId);
        if (r.status !== 'ok' || r.phase !== 'measure' || r.ttftMs === undefined) continue;
        if (truth?.scheduledTtftMs === undefined) continue;
        ttftAdded.push(r.ttftMs - truth.scheduledTtftMs);
        ttftRatio.push(r.ttftMs / truth.scheduledTtftMs);
        const planned = (truth.scheduledTotalMs ?? 0) - truth.scheduledTtftMs;
        if (planned > 0) generationStretch.push((r.latencyMs - r.ttftMs) / planned);
      }
    } finally {
      bench.destroy();
      await emulator.close();
    }
    expect(records.filter((r) => r.status === 'ok' && r.phase === 'measure')).toHaveLength(n);
    const dir = mkdtempSync(join(tmpdir(), 'converse-bench-calibrate-'));
    const runFile = join(dir, 'run.json');
    const known = join(dir, 'known.json');
    const out = join(dir, 'calibrated.json');
    writeFileSync(runFile, JSON.stringify(runOf(records, 'emulator', 1)));
    writeFileSync(known, knownText);
    const cli = await run(
      process.execPath,
      [CLI_MAIN, 'calibrate', runFile, '--base', known, '--out', out, '--json'],
      {
        cwd: ROOT,
        env: childEnv(),
        timeout: 30_000,
      },
    );
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stderr).toContain(
      "measured the emulator, not Bedrock: the profiles reproduce the emulator's own",
    );
    const fitted = onlyModel(JSON.parse(cli.stdout.slice(0, cli.stdout.lastIndexOf('\nwrote ') + 1)));
    // Within three standard errors of the known profile, once what measuring added is allowed for,
    // as the emulator's ground truth shows it call by call (on a quiet machine, close to nothing):
    // on the medians, the median delay added to a TTFT and the median stretch of a stream's token
    // gaps; on the sigmas, what the spread of those per-call errors adds to a log-normal's spread.
    const added = median(ttftAdded);
    const stretch = median(generationStretch);
    const spreadAdded = (sigma: number, ratios: number[]): number =>
      Math.sqrt(sigma ** 2 + sampleStd(ratios.map(Math.log)) ** 2) - sigma;
    expect(added).toBeGreaterThanOrEqual(0);
    within(fitted.ttftMedianMs, KNOWN.ttft.medianMs, 3, added);
    within(fitted.ttftSigma, KNOWN.ttft.sigma, 3, spreadAdded(KNOWN.ttft.sigma, ttftRatio));
    within(fitted.perInputTokenMs, KNOWN.ttft.perInputTokenMs, 3);
    const speed = KNOWN.outputSpeed;
    within(
      fitted.speedMedian,
      speed.medianTokensPerSecond,
      3,
      speed.medianTokensPerSecond * Math.abs(1 - 1 / stretch),
    );
    within(fitted.speedSigma, speed.sigma, 3, spreadAdded(speed.sigma, generationStretch));
    // The file written is one the emulator reads, with the fitted figures.
    const written = parseProfiles(readFileSync(out, 'utf8'), out).models.get(MODEL);
    expect(written?.ttft.medianMs).toBe(fitted.profile.ttft.medianMs);
  });
});

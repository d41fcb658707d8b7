import { describe, expect, it } from 'vitest';
import { baseModelId } from '../src/emulator/models.ts';
import type { PlanRequest } from '../src/emulator/plan.ts';
import { createPlanner, PlannerConfigError } from '../src/emulator/planner.ts';
import { loadProfiles, ProfileError, parseProfiles, resolveProfile } from '../src/emulator/profiles.ts';
import { createRandom, seedFrom } from '../src/emulator/random.ts';

const PROFILES_FILE = 'data/emulator-profiles.json';

const profile = (overrides: Record<string, unknown> = {}) => ({
  source: 'illustrative test profile',
  ttft: { medianMs: 500, sigma: 0.3, perInputTokenMs: 0.1 },
  outputSpeed: { medianTokensPerSecond: 100, sigma: 0.2 },
  tokenJitter: 0,
  maxOutputTokens: 4096,
  ...overrides,
});

const testSet = (models: Record<string, unknown> = {}) =>
  parseProfiles(JSON.stringify({ default: profile(), models }), 'test.json');

const request = (overrides: Partial<PlanRequest> = {}): PlanRequest => ({
  modelId: 'test.model-v1:0',
  api: 'converse-stream',
  latencyMode: 'standard',
  serviceTier: 'default',
  inputTokens: 0,
  outputTokens: 11,
  headers: {},
  receivedMs: 0,
  ...overrides,
});

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: readonly number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  return Number.isInteger(mid)
    ? ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
    : (sorted[Math.floor(mid)] ?? 0);
};
const std = (values: readonly number[]) => {
  const mean = sum(values) / values.length;
  return Math.sqrt(sum(values.map((v) => (v - mean) ** 2)) / (values.length - 1));
};

describe('random', () => {
  it('replays the same draws from the same seed and differs across keys', () => {
    const a = createRandom(seedFrom(1, 'm', 0));
    const b = createRandom(seedFrom(1, 'm', 0));
    const first = [a.uniform(), a.normal(), a.logNormal(10, 0.5)];
    expect([b.uniform(), b.normal(), b.logNormal(10, 0.5)]).toEqual(first);
    expect(seedFrom('ab', 'c')).not.toBe(seedFrom('a', 'bc'));
    expect(seedFrom(1, 'm', 0)).not.toBe(seedFrom(1, 'm', 1));
  });

  it('draws standard normals (mean 0, sd 1 over 20,000 draws)', () => {
    const random = createRandom(42);
    const draws = Array.from({ length: 20_000 }, () => random.normal());
    expect(Math.abs(sum(draws) / draws.length)).toBeLessThan(0.03);
    expect(std(draws)).toBeGreaterThan(0.97);
    expect(std(draws)).toBeLessThan(1.03);
  });
});

describe('the shipped profile file', () => {
  const set = loadProfiles(PROFILES_FILE);

  it.each([
    'anthropic.claude-3-haiku-20240307-v1:0',
    'anthropic.claude-3-5-haiku-20241022-v1:0',
    'anthropic.claude-3-sonnet-20240229-v1:0',
    'amazon.nova-micro-v1:0',
    'us.amazon.nova-lite-v1:0',
    'meta.llama3-1-8b-instruct-v1:0',
    'mistral.mistral-small-2402-v1:0',
  ])('has a profile for %s, labelled illustrative', (modelId) => {
    const resolved = resolveProfile(set, modelId);
    expect(resolved.matched).toBe(true);
    expect(resolved.profile.source).toMatch(/^Illustrative/);
  });

  it('offers optimized latency only where AWS documents it', () => {
    const offers = [...set.models].filter(([, p]) => p.optimized).map(([id]) => id);
    expect(offers.sort()).toEqual([
      'amazon.nova-pro-v1:0',
      'anthropic.claude-3-5-haiku-20241022-v1:0',
      'meta.llama3-1-405b-instruct-v1:0',
      'meta.llama3-1-70b-instruct-v1:0',
    ]);
  });
});

describe('model id matching', () => {
  const set = testSet({ 'anthropic.claude-3-haiku-20240307-v1:0': profile({ maxOutputTokens: 1234 }) });

  it.each([
    'anthropic.claude-3-haiku-20240307-v1:0',
    'us.anthropic.claude-3-haiku-20240307-v1:0',
    'eu.anthropic.claude-3-haiku-20240307-v1:0',
    'apac.anthropic.claude-3-haiku-20240307-v1:0',
    'global.anthropic.claude-3-haiku-20240307-v1:0',
    'anthropic.claude-3-haiku-20240307-v1:0:200k',
    'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0',
    'arn:aws:bedrock:us-east-2:123456789012:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0',
  ])('%s uses the base model profile', (modelId) => {
    const resolved = resolveProfile(set, modelId);
    expect(resolved.matched).toBe(true);
    expect(resolved.profile.maxOutputTokens).toBe(1234);
  });

  it('uses the default profile for an unknown id and names its base id', () => {
    expect(resolveProfile(set, 'us.acme.unknown-v1:0')).toEqual({
      baseModelId: 'acme.unknown-v1:0',
      profile: set.defaultProfile,
      matched: false,
    });
    expect(baseModelId('arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0')).toBe(
      'amazon.nova-micro-v1:0',
    );
  });
});

describe('planner latency', () => {
  it('replays exactly from the same seed, per model, whatever other models interleave', () => {
    const set = testSet();
    const a = createPlanner({ profiles: set, seed: 9 });
    const b = createPlanner({ profiles: set, seed: 9 });
    const c = createPlanner({ profiles: set, seed: 10 });
    const plansA = [0, 1, 2].map(() => a(request()));
    const plansB = [0, 1, 2].map(() => {
      b(request({ modelId: 'other.model-v1:0' }));
      return b(request());
    });
    expect(plansB).toEqual(plansA);
    expect(plansA[0]).not.toEqual(plansA[1]);
    expect(c(request()).ttftMs).not.toBe(plansA[0]?.ttftMs);
  });

  it('matches the profile over 20,000 plans: TTFT median and sigma, tokens/s median and sigma', () => {
    const set = testSet();
    const planner = createPlanner({ profiles: set, seed: 3 });
    const plans = Array.from({ length: 20_000 }, () => planner(request({ outputTokens: 3 })));
    const ttft = plans.map((p) => p.ttftMs);
    // Without jitter every gap of a request is 1000 / tokens-per-second.
    const speeds = plans.map((p) => (p.interTokenMs.length * 1000) / sum(p.interTokenMs));
    expect(Math.abs(median(ttft) / 500 - 1)).toBeLessThan(0.02);
    expect(Math.abs(std(ttft.map(Math.log)) / 0.3 - 1)).toBeLessThan(0.03);
    expect(Math.abs(median(speeds) / 100 - 1)).toBeLessThan(0.02);
    expect(Math.abs(std(speeds.map(Math.log)) / 0.2 - 1)).toBeLessThan(0.03);
  });

  it('jitters token gaps with a mean-one log-normal factor of the profile sigma', () => {
    const set = testSet({
      'jitter.model-v1:0': profile({
        tokenJitter: 0.4,
        outputSpeed: { medianTokensPerSecond: 100, sigma: 0 },
      }),
    });
    const plan = createPlanner({ profiles: set })(
      request({ modelId: 'jitter.model-v1:0', outputTokens: 20_001 }),
    );
    expect(plan.interTokenMs).toHaveLength(20_000);
    expect(Math.abs(sum(plan.interTokenMs) / 20_000 / 10 - 1)).toBeLessThan(0.02);
    expect(Math.abs(std(plan.interTokenMs.map(Math.log)) / 0.4 - 1)).toBeLessThan(0.03);
  });

  it('grows TTFT by perInputTokenMs for each input token', () => {
    const set = testSet();
    const small = createPlanner({ profiles: set })(request({ inputTokens: 0 }));
    const large = createPlanner({ profiles: set })(request({ inputTokens: 2000 }));
    expect(large.ttftMs - small.ttftMs).toBeCloseTo(200, 9);
    expect(large.interTokenMs).toEqual(small.interTokenMs);
  });

  it('scales every delay by timeScale and keeps the ratios', () => {
    const set = testSet({ 'jitter.model-v1:0': profile({ tokenJitter: 0.4 }) });
    const full = createPlanner({ profiles: set, seed: 5 })(
      request({ modelId: 'jitter.model-v1:0', inputTokens: 300 }),
    );
    const fast = createPlanner({ profiles: set, seed: 5, timeScale: 0.01 })(
      request({ modelId: 'jitter.model-v1:0', inputTokens: 300 }),
    );
    expect(fast.ttftMs / full.ttftMs).toBeCloseTo(0.01, 12);
    fast.interTokenMs.forEach((gap, i) => {
      expect(gap / (full.interTokenMs[i] ?? Number.NaN)).toBeCloseTo(0.01, 12);
    });
    expect(fast.reportedLatencyMs).toBe(Math.round(fast.ttftMs + sum(fast.interTokenMs)));
  });

  it('reports the rounded modeled service time and one gap per token after the first', () => {
    const plan = createPlanner({ profiles: testSet() })(request({ outputTokens: 11 }));
    expect(plan.interTokenMs).toHaveLength(10);
    expect(plan.reportedLatencyMs).toBe(Math.round(plan.ttftMs + sum(plan.interTokenMs)));
    expect(createPlanner({ profiles: testSet() })(request({ outputTokens: 0 })).interTokenMs).toEqual([]);
  });

  it('serves optimized latency faster only where the profile offers it', () => {
    const set = testSet({
      'fast.model-v1:0': profile({ optimized: { ttftFactor: 0.8, tokensPerSecondFactor: 2 } }),
      'plain.model-v1:0': profile(),
    });
    const plan = (modelId: string, latencyMode: 'standard' | 'optimized') =>
      createPlanner({ profiles: set })(request({ modelId, latencyMode }));
    const standard = plan('us.fast.model-v1:0', 'standard');
    const optimized = plan('us.fast.model-v1:0', 'optimized');
    expect(standard.latencyModeServed).toBe('standard');
    expect(optimized.latencyModeServed).toBe('optimized');
    expect(optimized.ttftMs / standard.ttftMs).toBeCloseTo(0.8, 12);
    expect((optimized.interTokenMs[0] ?? 0) / (standard.interTokenMs[0] ?? 1)).toBeCloseTo(0.5, 12);

    const plainOptimized = plan('plain.model-v1:0', 'optimized');
    expect(plainOptimized.latencyModeServed).toBe('standard');
    expect(plainOptimized).toEqual(plan('plain.model-v1:0', 'standard'));
  });

  it('rejects a bad seed or time scale', () => {
    expect(() => createPlanner({ profiles: testSet(), timeScale: 0 })).toThrow(PlannerConfigError);
    expect(() => createPlanner({ profiles: testSet(), seed: 1.5 })).toThrow(
      'planner seed 1.5 is not an integer; pass a whole number',
    );
  });
});

describe('profile file validation', () => {
  const parse = (json: unknown) => () => parseProfiles(JSON.stringify(json), 'p.json');

  it('names the file, the JSON path and the fix', () => {
    expect(() => parseProfiles('{ "default": ', 'p.json')).toThrow(
      /^p\.json: not valid JSON \(.*\); fix the syntax$/,
    );
    expect(parse({ models: {} })).toThrow(
      'p.json: $.default is missing; add the profile used for unknown model ids',
    );
    expect(
      parse({ default: profile(), models: { 'a.b-v1:0': profile({ ttft: { medianMs: '5', sigma: 0.3 } }) } }),
    ).toThrow(
      'p.json: $.models["a.b-v1:0"].ttft.medianMs is "5", not a positive number; set a number above 0',
    );
    expect(parse({ default: profile({ tokenJitter: -1 }) })).toThrow(
      'p.json: $.default.tokenJitter is number -1, not a number >= 0; set a number of 0 or more',
    );
    expect(parse({ default: profile({ maxOutputTokens: 1.5 }) })).toThrow(
      "p.json: $.default.maxOutputTokens is number 1.5, not a whole number >= 1; set the model's output token limit",
    );
    expect(parse({ default: profile({ speed: 3 }) })).toThrow(
      'p.json: $.default.speed is not a known field; use only source, ttft, outputSpeed, tokenJitter, optimized, serviceTiers, maxOutputTokens, faults',
    );
    expect(parse({ default: profile({ source: '' }) })).toThrow(
      'p.json: $.default.source is missing; say where the figures come from (and that they are illustrative)',
    );
    expect(parse({ default: profile(), models: { 'us.a.b-v1:0': profile() } })).toThrow(
      'p.json: $.models["us.a.b-v1:0"] is keyed by a prefixed id or ARN; key it by the base model id "a.b-v1:0"',
    );
    expect(parse({ default: profile({ optimized: { ttftFactor: 0, tokensPerSecondFactor: 2 } }) })).toThrow(
      'p.json: $.default.optimized.ttftFactor is number 0, not a positive number; set a number above 0',
    );
    expect(parse([])).toThrow('p.json: $ is an array, not an object; write it as { ... }');
  });

  it('validates fault specs in the file, naming the file and the model', () => {
    expect(parse({ default: profile(), models: { 'a.b-v1:0': profile({ faults: 'throttle~2' }) } })).toThrow(
      'p.json $.models["a.b-v1:0"].faults: fault "throttle~2" has probability "2", not a number from 0 to 1; write ~0.05 for 5% of calls',
    );
  });

  it('fails to load a missing file with a ProfileError', () => {
    expect(() => loadProfiles('no/such/profiles.json')).toThrow(ProfileError);
    expect(() => loadProfiles('no/such/profiles.json')).toThrow(/^no\/such\/profiles\.json: cannot be read/);
  });
});

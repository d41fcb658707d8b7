import { UserError } from '../errors.ts';
import type { LatencyMode } from '../records/call-record.ts';
import {
  createFaultState,
  decideFault,
  type FaultRule,
  FaultSpecError,
  httpError,
  parseFaultSpec,
  type ScopedRule,
} from './faults.ts';
import type { Fault, PlanRequest, ResponsePlan } from './plan.ts';
import { type ProfileSet, resolveProfile } from './profiles.ts';
import { CACHE_READ_PREFILL_FACTOR } from './prompt-cache.ts';
import { createRandom, seedFrom } from './random.ts';
import { servedTier, TIER_EFFECTS } from './service-tiers.ts';

export interface PlannerConfig {
  profiles: ProfileSet;
  /** Seed of every draw. @default 1 */
  seed?: number;
  /** Multiplies every modeled delay (0.01 = 100 times faster), keeping ratios. @default 1 */
  timeScale?: number;
  /** Faults for every model in this run (the emulator's `--fault` flags). @default [] */
  faults?: readonly FaultRule[];
}

export type Planner = (request: PlanRequest) => ResponsePlan;

export class PlannerConfigError extends UserError {
  constructor(message: string) {
    super(message);
    this.name = 'PlannerConfigError';
  }
}

/** Header carrying per-request faults, in the fault spec syntax. */
export const FAULT_HEADER = 'x-emulator-fault';

/**
 * The emulator's planner: for each request, the modeled latency of each token and the fault to act out.
 * Plans are reproducible: each request's draws derive from the seed, the model id as requested and that
 * model's request counter, so the same sequence of requests per model replays the same plans. Latency
 * draws and fault draws use separate streams, so adding a fault never changes the latencies.
 */
export function createPlanner(config: PlannerConfig): Planner {
  const seed = config.seed ?? 1;
  const timeScale = config.timeScale ?? 1;
  if (!Number.isInteger(seed)) {
    throw new PlannerConfigError(`planner seed ${seed} is not an integer; pass a whole number`);
  }
  if (!Number.isFinite(timeScale) || timeScale <= 0) {
    throw new PlannerConfigError(
      `planner timeScale ${timeScale} is not a positive number; use e.g. 1 or 0.01`,
    );
  }
  const runRules: ScopedRule[] = scoped(config.faults ?? [], 'run');
  const counters = new Map<string, number>();
  const faultState = createFaultState();

  return (request) => {
    const index = counters.get(request.modelId) ?? 0;
    counters.set(request.modelId, index + 1);
    const { profile } = resolveProfile(config.profiles, request.modelId);

    const headerRules = readHeaderRules(request.headers[FAULT_HEADER]);
    const rules: ScopedRule[] = [
      ...(headerRules instanceof FaultSpecError ? [] : scoped(headerRules, 'header')),
      ...runRules,
      ...scoped(profile.faults, 'profile'),
    ];
    const decision = decideFault(
      rules,
      {
        api: request.api,
        modelKey: request.modelId,
        receivedMs: request.receivedMs,
        timeScale,
        draw: (ruleKey) => createRandom(seedFrom(seed, request.modelId, index, 'fault', ruleKey)).uniform(),
      },
      faultState,
    );

    const served: LatencyMode =
      request.latencyMode === 'optimized' && profile.optimized ? 'optimized' : 'standard';
    const tier = servedTier(request.serviceTier, profile.serviceTiers);
    const effect = TIER_EFFECTS[tier];
    const ttftFactor =
      (served === 'optimized' ? (profile.optimized?.ttftFactor ?? 1) : 1) * effect.ttftFactor;
    const speedFactor =
      (served === 'optimized' ? (profile.optimized?.tokensPerSecondFactor ?? 1) : 1) *
      effect.tokensPerSecondFactor;

    // Draw order is fixed (TTFT, speed, then one per gap) whatever the mode, so modes and scales compare 1:1.
    const random = createRandom(seedFrom(seed, request.modelId, index, 'latency'));
    // Input read from the prompt cache skips most of its prefill (prompt-cache.ts).
    const cachedTokens = request.cacheReadTokens ?? 0;
    const prefillTokens = request.inputTokens - cachedTokens * (1 - CACHE_READ_PREFILL_FACTOR);
    const ttftModel =
      random.logNormal(profile.ttft.medianMs, profile.ttft.sigma) +
      profile.ttft.perInputTokenMs * prefillTokens;
    const tokensPerSecond = random.logNormal(
      profile.outputSpeed.medianTokensPerSecond,
      profile.outputSpeed.sigma,
    );
    const gapMs = (1000 / (tokensPerSecond * speedFactor)) * decision.slowFactor * timeScale;
    const jitter = profile.tokenJitter;
    const interTokenMs: number[] = [];
    for (let i = 1; i < request.outputTokens; i += 1) {
      // Mean-one log-normal factor, so jitter leaves the request's average speed unchanged.
      interTokenMs.push(gapMs * Math.exp(jitter * random.normal() - (jitter * jitter) / 2));
    }
    const ttftMs = ttftModel * ttftFactor * timeScale;
    const serviceMs = interTokenMs.reduce((sum, gap) => sum + gap, ttftMs);

    const plan: ResponsePlan = {
      ttftMs,
      interTokenMs,
      latencyModeServed: served,
      serviceTierServed: tier,
      reportedLatencyMs: Math.round(serviceMs),
    };
    if (headerRules instanceof FaultSpecError) {
      plan.fault = {
        kind: 'http-error',
        status: 400,
        errorType: 'ValidationException',
        message: headerRules.message,
      };
    } else if (decision.fault) {
      plan.fault = decision.fault;
    } else if (
      effect.throttleRate > 0 &&
      createRandom(seedFrom(seed, request.modelId, index, 'tier')).uniform() < effect.throttleRate
    ) {
      plan.fault = TIER_THROTTLE;
    }
    return plan;
  };
}

/** A lower-priority tier's request turned away under load, as Bedrock's ThrottlingException. */
const TIER_THROTTLE: Fault = httpError('ThrottlingException');

function scoped(rules: readonly FaultRule[], source: string): ScopedRule[] {
  return rules.map((rule, index) => ({ rule, scope: `${source}:${index}` }));
}

/** A bad header is the client's mistake: it becomes a 400 ValidationException naming the header, not a crash. */
function readHeaderRules(value: string | undefined): FaultRule[] | FaultSpecError {
  if (value === undefined) return [];
  try {
    return parseFaultSpec(value, `${FAULT_HEADER} header`);
  } catch (error) {
    if (error instanceof FaultSpecError) return error;
    throw error;
  }
}

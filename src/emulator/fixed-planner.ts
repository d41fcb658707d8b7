import { UserError } from '../errors.ts';
import type { PlanRequest, ResponsePlan } from './plan.ts';
import { createPlanner } from './planner.ts';
import type { LatencyProfile } from './profiles.ts';

/** A fixed latency: every request gets the same TTFT and the same steady output speed. */
export interface FixedPlannerOptions {
  /** Time to first token, ms, before scaling. @default 300 */
  ttftMs?: number;
  /** Output speed after the first token, tokens per second, before scaling. @default 80 */
  tokensPerSecond?: number;
  /** Multiplies every delay (0.01 = 100 times faster). @default 1 */
  timeScale?: number;
}

export class FixedPlannerError extends UserError {
  override readonly name = 'FixedPlannerError';
}

function check(name: string, value: number, allowZero: boolean): number {
  if (!Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new FixedPlannerError(
      `fixedPlanner: ${name} must be a ${allowZero ? 'non-negative' : 'positive'} finite number, got ${value}.`,
    );
  }
  return value;
}

/**
 * The emulator's default planner: no randomness and no faults of its own, so it behaves like a steady
 * model; a request's `x-emulator-fault` header is acted out as by the realistic planner (`createPlanner`
 * in planner.ts, with seeded profiles and latency modes), which this is: one profile with no spread.
 */
export function fixedPlanner(options: FixedPlannerOptions = {}): (request: PlanRequest) => ResponsePlan {
  const timeScale = check('timeScale', options.timeScale ?? 1, true);
  const medianMs = check('ttftMs', options.ttftMs ?? 300, true);
  const tokensPerSecond = check('tokensPerSecond', options.tokensPerSecond ?? 80, false);
  const steady: LatencyProfile = {
    ttft: { medianMs, sigma: 0, perInputTokenMs: 0 },
    outputSpeed: { medianTokensPerSecond: tokensPerSecond, sigma: 0 },
    tokenJitter: 0,
    maxOutputTokens: Number.MAX_SAFE_INTEGER,
    faults: [],
    // No notion of which models offer a tier: every tier is served as asked, at the one fixed speed.
    serviceTiers: [],
    source: 'fixed latency (--ttft-ms, --tokens-per-second)',
  };
  // A time scale of 0 (everything at once) is the fixed planner's own: the realistic one wants > 0.
  const planner = createPlanner({
    profiles: { file: 'fixed planner', defaultProfile: steady, models: new Map(), catalogue: new Map() },
    timeScale: timeScale === 0 ? 1 : timeScale,
  });
  const steadyPlan = (request: PlanRequest): ResponsePlan => ({
    ...planner(request),
    serviceTierServed: request.serviceTier,
  });
  if (timeScale > 0) return steadyPlan;
  return (request) => {
    const plan = steadyPlan(request);
    return { ...plan, ttftMs: 0, interTokenMs: plan.interTokenMs.map(() => 0), reportedLatencyMs: 0 };
  };
}

import { UserError } from '../errors.ts';
import type { PlanRequest, ResponsePlan } from './plan.ts';

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
 * The emulator's default planner: no randomness and no faults, so it behaves like a steady model.
 * The realistic one (seeded profiles, latency modes, faults) is `createPlanner` in planner.ts.
 */
export function fixedPlanner(options: FixedPlannerOptions = {}): (request: PlanRequest) => ResponsePlan {
  const scale = check('timeScale', options.timeScale ?? 1, true);
  const ttftMs = check('ttftMs', options.ttftMs ?? 300, true) * scale;
  const gapMs = (1000 / check('tokensPerSecond', options.tokensPerSecond ?? 80, false)) * scale;
  return (request) => {
    const gaps = Math.max(0, request.outputTokens - 1);
    return {
      ttftMs,
      interTokenMs: new Array<number>(gaps).fill(gapMs),
      latencyModeServed: 'standard',
      serviceTierServed: request.serviceTier,
      reportedLatencyMs: Math.round(ttftMs + gaps * gapMs),
    };
  };
}

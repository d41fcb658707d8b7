import type { ResolvedOptions } from '../records/options.ts';
import { ConfigError } from './errors.ts';
import { runTimeScale } from './time-scale.ts';

/** The counts a duration replaces: set beside one, they are an error. */
export const DURATION_REPLACES = ['experimentCounts', 'invocationsPerScenario'] as const;

/**
 * Duration-bounded runs (`duration`, as k6's and GuideLLM's): each model test (API, sweep level)
 * measures for a span of time instead of a counted plan. Open loop: ceil(duration x rate) calls, a
 * count known beforehand. Closed loop: calls are drawn one by one, cycling the documents, until the
 * deadline; against Bedrock at most the test's share of `maxCalls`.
 */

/** Seconds of Node's longest timer (2^31 - 1 ms, about 24.8 days): a longer one fires at once. */
export const MAX_TIMER_SECONDS = 2_147_483;

const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
const PART = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/gy;
const PLAIN = /^(\d+(?:\.\d+)?|\.\d+)(e[+-]?\d+)?$/i;

/**
 * `300` (seconds), `90s`, `5m`, `1h30m`, `1.5h`, `500ms` -> seconds; undefined when the text is none of
 * these (a sign, a space, an unknown unit). Each unit at most once, largest first, as k6 writes them.
 */
export function parseDuration(text: string): number | undefined {
  if (PLAIN.test(text)) return Number(text);
  PART.lastIndex = 0;
  let seconds = 0;
  let previous = Number.POSITIVE_INFINITY;
  let end = 0;
  for (let match = PART.exec(text); match !== null; match = PART.exec(text)) {
    const unit = UNIT_SECONDS[match[2] as string] as number;
    if (unit >= previous) return undefined;
    previous = unit;
    seconds += Number(match[1]) * unit;
    end = PART.lastIndex;
  }
  return end === text.length && end > 0 ? seconds : undefined;
}

/** Seconds as the shortest of `45s`, `5m`, `1h30m`, `2.5s`, `250ms`. */
export function durationText(seconds: number): string {
  if (seconds < 1) return `${Number((seconds * 1000).toPrecision(6))}ms`;
  const whole = Number.isInteger(seconds);
  const h = whole ? Math.floor(seconds / 3600) : 0;
  const m = whole ? Math.floor((seconds % 3600) / 60) : 0;
  const s = whole ? seconds % 60 : Number(seconds.toPrecision(6));
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 || (h === 0 && m === 0) ? `${s}s` : ''}`;
}

export function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= MAX_TIMER_SECONDS;
}

type LoopOptions = Pick<ResolvedOptions, 'duration' | 'load' | 'sweep'>;

/** Whether the tests run closed loop: a concurrency sweep, or no sweep and a closed load. */
function closedLoop(options: Pick<ResolvedOptions, 'load' | 'sweep'>): boolean {
  return options.sweep === undefined ? options.load.kind === 'closed' : options.sweep.kind === 'concurrency';
}

/** A closed-loop duration run: its calls are not counted beforehand but drawn until a deadline. */
export function runsUntilDeadline(options: LoopOptions): boolean {
  return options.duration !== undefined && closedLoop(options);
}

/** The measured phase of one test, ms of real time: `duration` at the run's time scale. */
export function durationMs(options: Pick<ResolvedOptions, 'duration' | 'target' | 'timeScale'>): number {
  return (options.duration ?? 0) * 1000 * runTimeScale(options);
}

type CapOptions = LoopOptions & Pick<ResolvedOptions, 'target' | 'maxCalls' | 'api'>;

/**
 * A closed-loop duration run against Bedrock: the calls each of the model's tests may make, warmup
 * included, `maxCalls` shared evenly between its APIs and sweep levels (the cap counts one model).
 * Undefined when the count is planned (the cap is checked beforehand) or the target is the emulator.
 */
export function callsPerTestCap(options: CapOptions): number | undefined {
  if (options.target !== 'bedrock' || !runsUntilDeadline(options)) return undefined;
  const tests = (options.api === 'both' ? 2 : 1) * (options.sweep?.levels.length ?? 1);
  return Math.floor(options.maxCalls / tests);
}

/**
 * The combinations a duration cannot run with, as one line each: counts that a duration replaces,
 * an `allowLargeRun` that would leave a closed loop against Bedrock without a cap, and a cap that
 * leaves no measured call.
 */
export function checkDuration(
  options: CapOptions &
    Pick<ResolvedOptions, 'experimentCounts' | 'invocationsPerScenario' | 'allowLargeRun' | 'warmupCalls'>,
): void {
  const { duration } = options;
  if (duration === undefined) return;
  const shown = `duration ${durationText(duration)}`;
  for (const key of DURATION_REPLACES) {
    if (options[key] !== 1) {
      throw new ConfigError(
        `${shown} with ${key} ${options[key]}: a duration run cycles the documents until it ends instead of counting repetitions; set ${key} to 1, or leave duration unset`,
      );
    }
  }
  if (options.target !== 'bedrock' || !runsUntilDeadline(options)) return;
  if (options.allowLargeRun) {
    throw new ConfigError(
      `${shown} closed loop against Bedrock with allowLargeRun: its calls cannot be counted beforehand, so maxCalls is where it stops; raise maxCalls (now ${options.maxCalls}) instead of allowLargeRun`,
    );
  }
  const cap = callsPerTestCap(options) as number;
  if (cap <= options.warmupCalls) {
    throw new ConfigError(
      `${shown} closed loop against Bedrock: maxCalls ${options.maxCalls} leaves ${cap} calls per API and sweep level, no more than warmupCalls ${options.warmupCalls}; raise maxCalls or lower warmupCalls`,
    );
  }
}

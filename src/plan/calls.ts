import { runTimeScale } from '../config/time-scale.ts';
import type { Api, Phase } from '../records/call-record.ts';
import type { ApiMode, ResolvedOptions } from '../records/options.ts';

/** One call of a model's plan: which API, which phase, and its 0-based indexes. */
export interface PlannedCall {
  api: Api;
  phase: Phase;
  experiment: number;
  invocation: number;
  /** Row of the dataset. */
  document: number;
}

export interface PlanInput {
  apis: readonly Api[];
  warmupCalls: number;
  experimentCounts: number;
  invocationsPerScenario: number;
  /** Rows in the dataset. */
  documents: number;
}

/** The plan of `apis` over `documents` rows, with the run's counts. */
export function planInput(
  options: Pick<ResolvedOptions, 'warmupCalls' | 'experimentCounts' | 'invocationsPerScenario'>,
  apis: readonly Api[],
  documents: number,
): PlanInput {
  const { warmupCalls, experimentCounts, invocationsPerScenario } = options;
  return { apis, warmupCalls, experimentCounts, invocationsPerScenario, documents };
}

/** `both` means Converse then ConverseStream (the order their Vitest tests run in). */
export function apisFor(mode: ApiMode): Api[] {
  return mode === 'both' ? ['converse', 'converse-stream'] : [mode];
}

/** Calls the plan makes: warmup per API plus every experiment x invocation x document x API. */
export function plannedCallCount(input: PlanInput): number {
  if (input.documents < 1) return 0;
  const perApi = input.warmupCalls + input.experimentCounts * input.invocationsPerScenario * input.documents;
  return perApi * input.apis.length;
}

/** Sweep levels a model runs at: each level is a test of its own, with its own warmup. */
export function sweepLevelCount(options: Pick<ResolvedOptions, 'sweep'>): number {
  return options.sweep === undefined ? 1 : options.sweep.levels.length;
}

/**
 * Every call a model makes in a run: each API, each sweep level, warmups included. Counted, never
 * built (a plan of 1e15 calls is a number, not an array); the Bedrock cap (`maxCalls`) bounds it.
 */
export function modelCallCount(
  options: Pick<
    ResolvedOptions,
    'api' | 'sweep' | 'warmupCalls' | 'experimentCounts' | 'invocationsPerScenario'
  >,
  documents: number,
): number {
  return plannedCallCount(planInput(options, apisFor(options.api), documents)) * sweepLevelCount(options);
}

/**
 * A model's calls, in the order they are started: warmup first (per API, cycling through the
 * documents, experiment 0, invocation = warmup counter), then experiment > invocation > document, and
 * when several APIs are given they are interleaved per document so drift hits them alike.
 * (benchModel defines one Vitest test per API and so plans one API at a time.)
 */
export function buildPlan(input: PlanInput): PlannedCall[] {
  const plan: PlannedCall[] = [];
  if (input.documents < 1) return plan;
  for (const api of input.apis) {
    for (let w = 0; w < input.warmupCalls; w++) {
      plan.push({ api, phase: 'warmup', experiment: 0, invocation: w, document: w % input.documents });
    }
  }
  for (let experiment = 0; experiment < input.experimentCounts; experiment++) {
    for (let invocation = 0; invocation < input.invocationsPerScenario; invocation++) {
      for (let document = 0; document < input.documents; document++) {
        for (const api of input.apis) plan.push({ api, phase: 'measure', experiment, invocation, document });
      }
    }
  }
  return plan;
}

/** One call's deadline, ms: `timeoutSeconds`, retries and stream reading included. */
export function callDeadlineMs(options: Pick<ResolvedOptions, 'timeoutSeconds'>): number {
  return options.timeoutSeconds * 1000;
}

/** The pause before each call of a closed-loop worker, ms (`delayBetweenCalls`, at the run's time scale). */
export function delayBetweenCallsMs(
  options: Pick<ResolvedOptions, 'delayBetweenCalls' | 'target' | 'timeScale'>,
): number {
  return options.delayBetweenCalls * 1000 * runTimeScale(options);
}

/**
 * How long a plan can take when every call runs to its deadline, ms, following the scheduler: warmup
 * calls one at a time, then measured calls `numParallelCalls` at a time (closed loop), or on the
 * open-loop schedule (through the in-flight cap when there is one) plus the last call's deadline.
 */
export function worstCaseMs(
  options: Pick<
    ResolvedOptions,
    | 'warmupCalls'
    | 'experimentCounts'
    | 'invocationsPerScenario'
    | 'timeoutSeconds'
    | 'delayBetweenCalls'
    | 'numParallelCalls'
    | 'load'
    | 'maxInFlight'
    | 'target'
    | 'timeScale'
  >,
  apis: readonly Api[],
  documents: number,
): number {
  const all = plannedCallCount(planInput(options, apis, documents));
  if (all === 0) return 0;
  const warmups = options.warmupCalls * apis.length;
  const measured = all - warmups;
  const callMs = callDeadlineMs(options) + delayBetweenCallsMs(options);
  const warmupMs = warmups * callMs;
  if (options.load.kind === 'closed')
    return warmupMs + Math.ceil(measured / options.numParallelCalls) * callMs;
  const scheduleMs = (measured / options.load.rate) * 1000;
  const cappedMs = options.maxInFlight === undefined ? 0 : Math.ceil(measured / options.maxInFlight) * callMs;
  return warmupMs + Math.max(scheduleMs, cappedMs) + callMs;
}

import { callsPerTestCap, durationMs, runsUntilDeadline } from '../config/duration.ts';
import { runTimeScale, scheduledLoad } from '../config/time-scale.ts';
import type { Api, Phase } from '../records/call-record.ts';
import type { ApiMode, LoadShape, ResolvedOptions } from '../records/options.ts';

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
  /**
   * With a duration, the measured calls per API instead of the counted rounds: call i is document
   * i mod documents, invocation i div documents, experiment 0. Until a deadline (closed loop): one
   * round of the documents, which the scheduler cycles on.
   */
  measuredCalls?: number;
}

type CountOptions = Pick<
  ResolvedOptions,
  'warmupCalls' | 'experimentCounts' | 'invocationsPerScenario' | 'duration' | 'load' | 'sweep'
>;

/**
 * A duration's measured calls per API for one test: open loop ceil(duration x rate), at the rate as
 * configured, so the count is the same at every time scale (a constant rate's starts within the
 * duration; Poisson arrivals draw as many gaps); until a deadline, one round of the documents.
 * Undefined without a duration.
 */
export function durationCalls(
  options: Pick<ResolvedOptions, 'duration' | 'load' | 'sweep'>,
  documents: number,
): number | undefined {
  if (options.duration === undefined) return undefined;
  if (runsUntilDeadline(options) || options.load.kind === 'closed') return documents;
  // Rounded first: 0.1 x 30 is 3.0000000000000004 in floating point, and ceil would make it 4.
  return Math.ceil(Number((options.duration * options.load.rate).toPrecision(12)));
}

/** The plan of `apis` over `documents` rows, with the run's counts. */
export function planInput(options: CountOptions, apis: readonly Api[], documents: number): PlanInput {
  const { warmupCalls, experimentCounts, invocationsPerScenario } = options;
  const measuredCalls = durationCalls(options, documents);
  return {
    apis,
    warmupCalls,
    experimentCounts,
    invocationsPerScenario,
    documents,
    ...(measuredCalls === undefined ? {} : { measuredCalls }),
  };
}

/** `both` means Converse then ConverseStream (the order their Vitest tests run in). */
export function apisFor(mode: ApiMode): Api[] {
  return mode === 'both' ? ['converse', 'converse-stream'] : [mode];
}

/** Calls the plan makes: warmup per API plus every experiment x invocation x document x API. */
export function plannedCallCount(input: PlanInput): number {
  if (input.documents < 1) return 0;
  const measured =
    input.measuredCalls ?? input.experimentCounts * input.invocationsPerScenario * input.documents;
  return (input.warmupCalls + measured) * input.apis.length;
}

/**
 * The calls one test (an API at a sweep level) schedules, as its rows must add up to: the plan's, or
 * for a run until a deadline its warmup alone (the measured calls are counted when it ends).
 */
export function scheduledCallCount(options: CountOptions, api: Api, documents: number): number {
  if (runsUntilDeadline(options)) return documents < 1 ? 0 : options.warmupCalls;
  return plannedCallCount(planInput(options, [api], documents));
}

/**
 * The load of each of a model's tests: per sweep level (a rate level open loop at its rate, arrival
 * and seed kept from an open load; a concurrency level closed), as load/sweep.ts sets them; else the
 * options' own.
 */
function loadsOfTests(options: Pick<ResolvedOptions, 'load' | 'sweep'>): LoadShape[] {
  const { sweep, load } = options;
  if (sweep === undefined) return [load];
  if (sweep.kind === 'concurrency') return sweep.levels.map(() => ({ kind: 'closed' }));
  const arrival = load.kind === 'open' ? load.arrival : 'constant';
  const seed = load.kind === 'open' ? load.seed : 1;
  return sweep.levels.map((rate) => ({ kind: 'open', rate, arrival, seed }));
}

/**
 * Every call a model makes in a run: each API, each sweep level, warmups included. Counted, never
 * built (a plan of 1e15 calls is a number, not an array); the Bedrock cap (`maxCalls`) bounds it.
 * Undefined for a run until a deadline: its count is not known beforehand (the cap stops it).
 */
export function modelCallCount(options: CountOptions & Pick<ResolvedOptions, 'api'>, documents: number) {
  if (runsUntilDeadline(options)) return undefined;
  const apis = apisFor(options.api);
  return loadsOfTests(options).reduce(
    (sum, load) => sum + plannedCallCount(planInput({ ...options, load }, apis, documents)),
    0,
  );
}

/**
 * Against Bedrock, a run until a deadline stops each test at its share of `maxCalls`: the measured
 * calls it may start (its warmup comes off the share). Undefined: no count cap.
 */
export function measuredCallCap(
  options: Pick<
    ResolvedOptions,
    'duration' | 'load' | 'sweep' | 'target' | 'maxCalls' | 'api' | 'warmupCalls'
  >,
): number | undefined {
  const cap = callsPerTestCap(options);
  return cap === undefined ? undefined : cap - options.warmupCalls;
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
  if (input.measuredCalls !== undefined) {
    for (let i = 0; i < input.measuredCalls; i++) {
      const cycle = {
        experiment: 0,
        invocation: Math.floor(i / input.documents),
        document: i % input.documents,
      };
      for (const api of input.apis) plan.push({ api, phase: 'measure', ...cycle });
    }
    return plan;
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
 * How long a plan can take when every call runs to its deadline, ms of real time, following the
 * scheduler: warmup calls one at a time, then measured calls `numParallelCalls` at a time (closed
 * loop), or on the open-loop schedule at the time-scaled rate (through the in-flight cap when there
 * is one) plus the last call's deadline. A run until a deadline: its warmup, the duration at the
 * time scale, and the calls in flight at the deadline finishing.
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
    | 'duration'
    | 'sweep'
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
  if (runsUntilDeadline(options)) return warmupMs + durationMs(options) + callMs;
  const load = scheduledLoad(options);
  if (load.kind === 'closed') return warmupMs + Math.ceil(measured / options.numParallelCalls) * callMs;
  const scheduleMs = (measured / load.rate) * 1000;
  const cappedMs = options.maxInFlight === undefined ? 0 : Math.ceil(measured / options.maxInFlight) * callMs;
  return warmupMs + Math.max(scheduleMs, cappedMs) + callMs;
}

import { type CallIdentity, type CallRecord, type ErrorCall, identityOf } from '../records/call-record.ts';
import type { LoadShape } from '../records/options.ts';
import { mulberry32 } from '../stats/random.ts';
import type { Clock } from './clock.ts';

/** What the scheduler needs to know about a call to write its record when the call never returned one. */
export type SpecIdentity = CallIdentity;

export interface ExecContext {
  /** Open loop only: when the call was due, on the clock's time line. */
  scheduledStartMs?: number;
  signal?: AbortSignal;
}

/** Makes one call and returns its record (callModel never throws; a throw here is a harness bug). */
export type Exec<S> = (spec: S, context: ExecContext) => Promise<CallRecord>;

export interface ScheduleOptions {
  /** Closed loop: workers, each starting its next call when its previous one ended. */
  concurrency: number;
  /** Closed loop: pause before each call of a worker, ms; not part of any latency. */
  delayBetweenMs: number;
  load: LoadShape;
  clock: Clock;
  /** Aborting ends the run: calls not started and calls in flight become `aborted` records. */
  signal?: AbortSignal;
  /** Open loop: at most this many calls in flight; a call due while the cap is reached waits (queue delay). */
  maxInFlight?: number;
  /** Called with each record as it completes (journal, batching). */
  onRecord?: (record: CallRecord) => void;
  /**
   * Open loop: the measured calls' start times on the clock's time line, in order, when they were
   * computed elsewhere (a share of one schedule split across worker threads); else from `load`.
   */
  arrivals?: readonly number[];
  /**
   * Asked before each call starts: when true, no further call starts (calls in flight finish and are
   * records; the rest are never made and have no record). For an early stop, not an interrupt.
   */
  shouldStop?: () => boolean;
  /**
   * Closed loop, a duration run: the measured specs are one round of the documents, drawn in turn
   * (the run's call i is spec i mod n, its invocation i div n) until the deadline instead of once each.
   */
  until?: Until;
}

/** When a closed loop that runs until a deadline stops starting calls. */
export interface Until {
  /** How long measured calls may start, ms from the measured phase's start. */
  durationMs: number;
  /** The deadline on the clock's time line when it is set elsewhere (worker threads share one). */
  deadlineMs?: number;
  /** No further call starts once the run's call index reaches it (Bedrock's cap); unset: none. */
  maxCalls?: number;
  /**
   * Worker threads: the run's next call index, shared by every thread (a SharedArrayBuffer), so the
   * threads draw one sequence between them, as one thread would; unset: this schedule's own count.
   */
  counter?: Int32Array;
}

/**
 * Runs every spec once and returns one record per spec, in completion order. Warmup specs run first,
 * one at a time; measured specs then run closed loop (`concurrency` workers) or open loop (starts on a
 * constant or Poisson schedule regardless of earlier calls, so slow calls never delay the schedule:
 * no coordinated omission).
 */
export async function runSchedule<S extends SpecIdentity>(
  specs: readonly S[],
  exec: Exec<S>,
  opts: ScheduleOptions,
): Promise<CallRecord[]> {
  const records: CallRecord[] = [];
  const emit = (record: CallRecord): void => {
    records.push(record);
    opts.onRecord?.(record);
  };
  const run = (spec: S, scheduledStartMs?: number): Promise<CallRecord> =>
    runOne(spec, scheduledStartMs, exec, opts.clock, opts.signal);

  const warmup = specs.filter((s) => s.phase === 'warmup');
  const measure = specs.filter((s) => s.phase !== 'warmup');
  await closedLoop(warmup, 1, opts.delayBetweenMs, opts, run, emit);
  if (opts.load.kind === 'closed' && opts.until !== undefined) {
    await closedLoopUntil(measure, opts.until, opts, run, emit);
  } else if (opts.load.kind === 'closed') {
    await closedLoop(measure, opts.concurrency, opts.delayBetweenMs, opts, run, emit);
  } else {
    await openLoop(measure, opts.load, opts, run, emit);
  }
  return records;
}

async function closedLoop<S extends SpecIdentity>(
  specs: readonly S[],
  concurrency: number,
  delayBetweenMs: number,
  opts: ScheduleOptions,
  run: (spec: S) => Promise<CallRecord>,
  emit: (record: CallRecord) => void,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (;;) {
      const spec = specs[next++];
      if (!spec || opts.shouldStop?.()) return;
      if (delayBetweenMs > 0) await opts.clock.sleep(delayBetweenMs, opts.signal);
      // Asked again after the pause: a call that failed meanwhile may have stopped the run.
      if (opts.shouldStop?.()) return;
      emit(await run(spec));
    }
  };
  const workers = Math.max(1, Math.min(concurrency, specs.length));
  await Promise.all(Array.from({ length: workers }, worker));
}

/**
 * Closed loop until a deadline: `concurrency` workers draw the run's next call as each is free; a call
 * starts only before the deadline (checked again after the pause), and one in flight at the deadline
 * finishes and is a record. Calls past the cap, after an early stop or an interrupt never start.
 */
async function closedLoopUntil<S extends SpecIdentity>(
  round: readonly S[],
  until: Until,
  opts: ScheduleOptions,
  run: (spec: S) => Promise<CallRecord>,
  emit: (record: CallRecord) => void,
): Promise<void> {
  if (round.length === 0) return;
  const { clock, signal } = opts;
  const deadline = until.deadlineMs ?? clock.now() + until.durationMs;
  const cap = until.maxCalls ?? Number.POSITIVE_INFINITY;
  const open = (): boolean => clock.now() < deadline && !signal?.aborted && !opts.shouldStop?.();
  let drawn = 0;
  const { counter } = until;
  const draw = (): number => (counter === undefined ? drawn++ : Atomics.add(counter, 0, 1));
  const worker = async (): Promise<void> => {
    for (;;) {
      if (!open()) return;
      const index = draw();
      if (index >= cap) return;
      if (opts.delayBetweenMs > 0) await clock.sleep(opts.delayBetweenMs, signal);
      if (!open()) return;
      const spec = round[index % round.length] as S;
      emit(await run({ ...spec, invocation: Math.floor(index / round.length) }));
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
}

async function openLoop<S extends SpecIdentity>(
  specs: readonly S[],
  load: Extract<LoadShape, { kind: 'open' }>,
  opts: ScheduleOptions,
  run: (spec: S, scheduledStartMs: number) => Promise<CallRecord>,
  emit: (record: CallRecord) => void,
): Promise<void> {
  const { clock, signal } = opts;
  const cap = opts.maxInFlight ?? Number.POSITIVE_INFINITY;
  const starts = opts.arrivals ?? arrivalTimes(specs.length, load, clock.now());
  const inFlight = new Set<Promise<void>>();
  for (const [i, spec] of specs.entries()) {
    const scheduled = starts[i] as number;
    await clock.sleep(scheduled - clock.now(), signal);
    while (inFlight.size >= cap && !signal?.aborted) await Promise.race(inFlight);
    if (opts.shouldStop?.()) break;
    const call = run(spec, scheduled).then(emit);
    const tracked = call.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  }
  await Promise.all(inFlight);
}

/**
 * Open-loop start times, ms on the clock's time line: the first at `t0`, then gaps of 1000 / rate
 * (constant) or exponential gaps with that mean drawn from a PRNG seeded with `seed` (Poisson arrivals).
 */
export function arrivalTimes(
  count: number,
  load: Extract<LoadShape, { kind: 'open' }>,
  t0: number,
): number[] {
  const meanGap = 1000 / load.rate;
  const random = mulberry32(load.seed);
  const times: number[] = [];
  let t = t0;
  for (let i = 0; i < count; i++) {
    times.push(t);
    // 1 - random() is in (0, 1], so the log is finite.
    t += load.arrival === 'constant' ? meanGap : -Math.log(1 - random()) * meanGap;
  }
  return times;
}

/** One worker thread's part of a schedule's measured calls. */
export interface ScheduleShare<S> {
  specs: S[];
  /** Closed loop: this share's calls in flight. */
  concurrency: number;
  /** Open loop: this share's start times, a subsequence of the whole schedule's. */
  arrivals?: number[];
  /** Open loop: this share of the in-flight cap. */
  maxInFlight?: number;
  /** Closed loop until a deadline: every share has the whole round and draws from one counter. */
  until?: Until;
}

/** `total` split into `parts` whole numbers that differ by at most one, larger first. */
function evenSplit(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/**
 * Splits the measured calls of one schedule across `workers` threads. Closed loop: the calls in turn
 * (call i to share i mod n) and the concurrency as evenly as whole numbers allow, over at most
 * `concurrency` shares. Open loop: the whole schedule's arrivals are drawn once from `t0` (same seed,
 * same times as one thread would use), then dealt in turn, so the merged arrivals are exactly the
 * configured process; an in-flight cap is split like the concurrency. Closed loop until a deadline:
 * each share has the whole round and draws the run's next call from one counter the shares hold in
 * common (shared memory), to one deadline.
 */
export function splitSchedule<S>(
  measured: readonly S[],
  workers: number,
  opts: Pick<ScheduleOptions, 'concurrency' | 'load' | 'maxInFlight' | 'until'>,
  t0: number,
): ScheduleShare<S>[] {
  const load = opts.load;
  if (load.kind === 'closed') {
    const concurrency = evenSplit(opts.concurrency, Math.min(workers, Math.max(1, opts.concurrency)));
    const until = opts.until;
    if (until !== undefined) {
      // One deadline for every share, from t0, and one sequence of calls drawn between them.
      const deadlineMs = until.deadlineMs ?? t0 + until.durationMs;
      const counter = until.counter ?? new Int32Array(new SharedArrayBuffer(4));
      return concurrency.map((c) => ({
        specs: [...measured],
        concurrency: c,
        until: { ...until, deadlineMs, counter },
      }));
    }
    return concurrency.map((c, w) => ({
      specs: measured.filter((_, i) => i % concurrency.length === w),
      concurrency: c,
    }));
  }
  const arrivals = arrivalTimes(measured.length, load, t0);
  const caps = opts.maxInFlight === undefined ? undefined : evenSplit(opts.maxInFlight, workers);
  return Array.from({ length: workers }, (_, w) => {
    const share: ScheduleShare<S> = {
      specs: measured.filter((_, i) => i % workers === w),
      concurrency: 1,
      arrivals: arrivals.filter((_, i) => i % workers === w),
    };
    const cap = caps?.[w];
    if (cap !== undefined) share.maxInFlight = Math.max(1, cap);
    return share;
  });
}

const ABORTED = Symbol('aborted');

async function runOne<S extends SpecIdentity>(
  spec: S,
  scheduledStartMs: number | undefined,
  exec: Exec<S>,
  clock: Clock,
  signal: AbortSignal | undefined,
): Promise<CallRecord> {
  const start = clock.now();
  if (signal?.aborted) {
    return errorRecord(
      spec,
      start,
      undefined,
      0,
      'aborted',
      'the run was interrupted before this call started',
      scheduledStartMs,
    );
  }
  try {
    const outcome = await raceAbort(exec(spec, { scheduledStartMs, signal }), signal);
    if (outcome === ABORTED) {
      const msg = 'the run was interrupted while this call was in flight';
      return errorRecord(spec, start, clock.now() - start, 1, 'aborted', msg, scheduledStartMs);
    }
    return withSchedule(outcome, scheduledStartMs);
  } catch (error) {
    const err = error instanceof Error ? error : new Error(String(error));
    const msg = `the harness failed to make this call: ${err.message.split('\n')[0]}`;
    return errorRecord(spec, start, clock.now() - start, 1, err.name || 'Error', msg, scheduledStartMs);
  }
}

function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T | typeof ABORTED> {
  if (!signal) return work;
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Adds the open-loop fields when the executor did not set them (queue delay from the record's own start). */
function withSchedule(record: CallRecord, scheduledStartMs: number | undefined): CallRecord {
  if (scheduledStartMs === undefined || record.scheduledStartMs !== undefined) return record;
  return { ...record, scheduledStartMs, queueDelayMs: record.startMs - scheduledStartMs };
}

/** The record of a call that was never made because its measuring thread stopped, ms on the clock. */
export function unmadeCallRecord(spec: SpecIdentity, nowMs: number, why: string): ErrorCall {
  return errorRecord(spec, nowMs, 0, 0, 'aborted', why, undefined);
}

function errorRecord(
  spec: SpecIdentity,
  startMs: number,
  /** Undefined for a call that never started. */
  latencyMs: number | undefined,
  attempts: number,
  errorKind: string,
  errorMessage: string,
  scheduledStartMs: number | undefined,
): ErrorCall {
  const record: ErrorCall = {
    status: 'error',
    ...identityOf(spec),
    timestamp: new Date().toISOString(),
    startMs,
    ...(latencyMs === undefined ? {} : { latencyMs }),
    attempts,
    retryDelayMs: 0,
    attemptMs: [],
    errorKind,
    errorMessage,
  };
  return withSchedule(record, scheduledStartMs) as ErrorCall;
}

import { Worker } from 'node:worker_threads';
import type { CallRecord } from '../records/call-record.ts';
import type { ClientHealthSample } from '../records/client-health.ts';
import type { CallSpec } from './call.ts';
import type { ClientOptions } from './client.ts';
import { realClock } from './clock.ts';
import { type ScheduleOptions, splitSchedule, unmadeCallRecord } from './scheduler.ts';
import type { FromThread, ThreadData, ThreadSchedule, ThreadSpec, ToThread } from './thread-messages.ts';

/**
 * Runs one model's calls on `workers` worker threads, each with its own SDK client and event loop, so
 * decoding many streams at once is not queued on one loop. Warmup calls run first, dealt to the
 * threads in turn, one at a time on each (warmupCalls >= workers warms every thread's connection);
 * then the measured calls are split with splitSchedule: closed loop, the concurrency is shared out;
 * open loop, one arrival process drawn once and dealt in turn, so the merged arrivals are exactly the
 * configured process. Every record comes back to this thread as it completes (`onRecord`); a call a
 * failed thread never made is a record of kind `aborted`, never a missing row.
 */

export interface ThreadedCalls {
  /** Worker threads; each gets its own client. */
  workers: number;
  client: ClientOptions;
}

export interface ThreadedResult {
  records: CallRecord[];
  /** Each thread's CPU time (its own) and event-loop delay while it measured, in thread order. */
  threads: ClientHealthSample[];
  /** Why a thread stopped before its share was made, when one did. */
  failure?: string;
}

/** Lead before the first open-loop arrival, so the schedule reaches every thread before it is due. */
const START_LEAD_MS = 20;

const THREAD_FILE = new URL(
  `./call-thread.${import.meta.url.endsWith('.ts') ? 'ts' : 'js'}`,
  import.meta.url,
);

const keyOf = (c: Pick<CallRecord, 'api' | 'phase' | 'experiment' | 'invocation' | 'document'>): string =>
  `${c.api}|${c.phase}|${c.experiment}|${c.invocation}|${c.document}`;

interface Thread {
  worker: Worker;
  send(message: ToThread): void;
  /** Resolves with the thread's health sample when it finished its share; rejects when it died. */
  run(prompts: string[], specs: ThreadSpec[], schedule: ThreadSchedule): Promise<ClientHealthSample>;
}

function startThread(data: ThreadData, onRecord: (record: CallRecord) => void): Thread {
  const worker = new Worker(THREAD_FILE, { workerData: data });
  let pending: { resolve: (h: ClientHealthSample) => void; reject: (e: Error) => void } | undefined;
  let failure: Error | undefined;
  worker.on('message', (message: FromThread) => {
    if (message.type === 'record') onRecord(message.record);
    else {
      pending?.resolve(message.health);
      pending = undefined;
    }
  });
  const fail = (error: Error): void => {
    failure = error;
    pending?.reject(error);
    pending = undefined;
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the measuring thread exited (code ${code})`)));
  const send = (message: ToThread): void => worker.postMessage(message);
  return {
    worker,
    send,
    run(prompts, specs, schedule) {
      if (failure) return Promise.reject(failure);
      return new Promise((resolve, reject) => {
        pending = { resolve, reject };
        send({ type: 'run', prompts, specs, schedule });
      });
    },
  };
}

/** Every distinct prompt once, and each spec with its prompt's index. */
function threadSpecs(specs: readonly CallSpec[]): { prompts: string[]; specs: ThreadSpec[] } {
  const index = new Map<string, number>();
  const prompts: string[] = [];
  const out = specs.map(({ prompt, signal: _signal, scheduledStartMs: _scheduled, ...spec }) => {
    let i = index.get(prompt);
    if (i === undefined) {
      i = prompts.length;
      index.set(prompt, i);
      prompts.push(prompt);
    }
    return { ...spec, promptIndex: i };
  });
  return { prompts, specs: out };
}

export async function runOnThreads(
  specs: readonly CallSpec[],
  threaded: ThreadedCalls,
  opts: Omit<ScheduleOptions, 'clock'>,
): Promise<ThreadedResult> {
  const records: CallRecord[] = [];
  const made = new Set<string>();
  let stopped = false;
  const onRecord = (record: CallRecord): void => {
    made.add(keyOf(record));
    records.push(record);
    opts.onRecord?.(record);
    // An early stop: no thread starts another call.
    if (!stopped && opts.shouldStop?.() === true) {
      stopped = true;
      for (const thread of threads) thread.send({ type: 'stop' });
    }
  };
  const data: ThreadData = { originMs: performance.timeOrigin, client: threaded.client };
  const threads = Array.from({ length: threaded.workers }, () => startThread(data, onRecord));
  const abort = (): void => {
    for (const thread of threads) thread.send({ type: 'abort' });
  };
  opts.signal?.addEventListener('abort', abort, { once: true });
  const { prompts, specs: all } = threadSpecs(specs);
  const warmup = all.filter((s) => s.phase === 'warmup');
  const measured = all.filter((s) => s.phase !== 'warmup');
  const health: ClientHealthSample[] = [];
  let failure: Error | undefined;
  try {
    const warm = { concurrency: 1, delayBetweenMs: opts.delayBetweenMs, load: { kind: 'closed' as const } };
    await Promise.all(
      threads.map((thread, t) =>
        thread.run(
          prompts,
          warmup.filter((_, i) => i % threads.length === t),
          warm,
        ),
      ),
    );
    const t0 = realClock.now() + START_LEAD_MS;
    const shares = splitSchedule(stopped ? [] : measured, threads.length, opts, t0);
    const samples = await Promise.all(
      threads.map((thread, t) => {
        const share = shares[t];
        const schedule: ThreadSchedule = {
          concurrency: share?.concurrency ?? 1,
          delayBetweenMs: opts.delayBetweenMs,
          load: opts.load,
          ...(share?.arrivals === undefined ? {} : { arrivals: share.arrivals }),
          ...(share?.maxInFlight === undefined ? {} : { maxInFlight: share.maxInFlight }),
          ...(share?.until === undefined ? {} : { until: share.until }),
        };
        return thread.run(prompts, share?.specs ?? [], schedule);
      }),
    );
    health.push(...samples);
  } catch (error) {
    failure = error instanceof Error ? error : new Error(String(error));
  } finally {
    opts.signal?.removeEventListener('abort', abort);
    for (const thread of threads) {
      thread.worker.removeAllListeners('exit');
      thread.send({ type: 'close' });
    }
    await Promise.all(threads.map((thread) => thread.worker.terminate()));
  }
  const stoppedBy = failure?.message.split('\n')[0];
  if (stoppedBy !== undefined && !stopped) {
    const why = `the measuring thread stopped before this call: ${stoppedBy}`;
    // Until a deadline only the warmup is a plan: the measured calls a thread did not make are uncounted.
    const owed = opts.until === undefined ? specs : specs.filter((spec) => spec.phase === 'warmup');
    for (const spec of owed)
      if (!made.has(keyOf(spec))) onRecord(unmadeCallRecord(spec, realClock.now(), why));
  }
  return { records, threads: health, ...(stoppedBy === undefined ? {} : { failure: stoppedBy }) };
}

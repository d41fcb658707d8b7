/**
 * `npm run bench:accuracy`: how accurately and how cheaply the harness measures. The emulator runs in
 * its own process (so its work does not share the harness's event loop). At concurrency 1, 16 and 64
 * the harness (callModel + runSchedule) and a plain SDK loop (performance.now() around send() and the
 * stream, as a hand-written script would time it) take turns, round after round, on the same client
 * (HTTP/1.1 keep-alive, the same socket limit), so a busy moment of a shared machine hits both alike.
 * Every call's latency and TTFT are compared with the emulator's wire stamps (GET /_emulator/requests);
 * each figure is the median over rounds, and harness / plain the median of the per-round ratios. The
 * harness's own phase timings are printed beside them, then throughput against the plain loop.
 * Prints a table and writes the figures to outputs/accuracy-<time>.json: a report, not a test.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { ConverseStreamCommand } from '@aws-sdk/client-bedrock-runtime';
import { type CallSpec, callModel } from '../src/harness/call.ts';
import { type BenchClient, createBedrockClient } from '../src/harness/client.ts';
import { startClientHealth } from '../src/harness/client-health.ts';
import { realClock } from '../src/harness/clock.ts';
import { threadCpuWaitNs } from '../src/harness/cpu-wait.ts';
import { runSchedule } from '../src/harness/scheduler.ts';
import { runOnThreads } from '../src/harness/thread-pool.ts';
import {
  absoluteErrorSummary,
  callErrors,
  clockOffsetMs,
  type TimedCall,
  type WireStamps,
} from '../src/load/accuracy.ts';
import type { CallRecord } from '../src/records/call-record.ts';
import { afterMs, connectMs, receiveMs, sendMs, waitMs } from '../src/records/metrics.ts';
import type { LoadShape } from '../src/records/options.ts';
import { quantile, sortAscending } from '../src/stats/quantile.ts';
import { cpuMsOf, startEmulatorProcess } from './emulator-process.ts';

/** Emulator latency: fixed TTFT and output speed, so every call looks alike (about 200 ms each). */
const TTFT_MS = 100;
const TOKENS_PER_SECOND = 200;
const MAX_TOKENS = 20;
const PROMPT =
  'Summarize: The harbour bridge closed for two nights of cable inspection. Engineers found no damage and ' +
  'reopened it on schedule. Traffic moved to the ferry, which added three extra crossings each evening.';

interface Scenario {
  name: string;
  concurrency: number;
  /** Worker threads the harness side runs on (1: the script's own event loop). */
  workers: number;
  load: LoadShape;
  /** Calls per round and side. */
  calls: number;
  /** |error| p99 goal, ms. */
  goalMs: number;
}

const SCENARIOS: Scenario[] = [
  { name: 'concurrency 1', concurrency: 1, workers: 1, load: { kind: 'closed' }, calls: 40, goalMs: 1 },
  { name: 'concurrency 16', concurrency: 16, workers: 1, load: { kind: 'closed' }, calls: 320, goalMs: 3 },
  { name: 'concurrency 64', concurrency: 64, workers: 1, load: { kind: 'closed' }, calls: 640, goalMs: 3 },
  { name: '64, 2 workers', concurrency: 64, workers: 2, load: { kind: 'closed' }, calls: 640, goalMs: 3 },
  {
    name: 'open 40/s Poisson',
    concurrency: 1,
    workers: 1,
    load: { kind: 'open', rate: 40, arrival: 'poisson', seed: 7 },
    calls: 120,
    goalMs: 3,
  },
];
const THROUGHPUT_GOAL = 0.95;
/** Rounds per side; rounds alternate which side goes first. */
const ROUNDS = 6;

/** The client configuration of both sides (and of each worker thread's own client). */
const CLIENT = { target: 'emulator', region: 'us-east-1', transport: 'http1', retryAttempts: 1 } as const;

const median = (values: readonly number[]): number =>
  values.length === 0 ? Number.NaN : quantile(sortAscending(values), 0.5);

function specs(scenario: Scenario): CallSpec[] {
  return Array.from({ length: scenario.calls }, (_, i) => ({
    modelId: 'amazon.nova-micro-v1:0',
    region: 'us-east-1',
    serviceTier: 'default',
    latencyMode: 'standard' as const,
    api: 'converse-stream' as const,
    phase: 'measure' as const,
    experiment: 0,
    invocation: i,
    document: 0,
    prompt: PROMPT,
    inferenceConfig: { temperature: 0.1, maxTokens: MAX_TOKENS, topP: 0.9 },
    timeoutMs: 30_000,
  }));
}

/** The harness: on this event loop with `client`, or on worker threads each with a client of its own. */
/** Two sides of one round, the side going first alternating round by round (`a` first in even rounds). */
async function inTurn(round: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<void> {
  await (round % 2 === 0 ? a : b)();
  await (round % 2 === 0 ? b : a)();
}

/** How long a process's event loop (its main thread) has waited for a free core so far, ms (Linux). */
function cpuWaitMsOf(pid: number | undefined): number | undefined {
  const ns = pid === undefined ? undefined : threadCpuWaitNs(`/proc/${pid}/schedstat`);
  return ns === undefined ? undefined : ns / 1e6;
}

async function harnessRun(client: BenchClient, scenario: Scenario) {
  const health = startClientHealth(scenario.workers > 1 ? 'thread' : 'process');
  const t0 = performance.now();
  const schedule = { concurrency: scenario.concurrency, delayBetweenMs: 0, load: scenario.load };
  if (scenario.workers > 1) {
    const options = { ...CLIENT, endpoint: client.describe.endpoint };
    const { records, threads } = await runOnThreads(
      specs(scenario),
      { workers: scenario.workers, client: options },
      schedule,
    );
    return { records, wallMs: performance.now() - t0, health: health.stop(), threads };
  }
  const records = await runSchedule(
    specs(scenario),
    (s, ctx) => callModel(client.client, { ...s, scheduledStartMs: ctx.scheduledStartMs }),
    { ...schedule, clock: realClock },
  );
  return { records, wallMs: performance.now() - t0, health: health.stop(), threads: [] };
}

/**
 * The same calls as a bare loop: time around send() and the stream with no harness at all. Its errors
 * against the wire stamps are what the SDK and the machine cost; the harness's beyond them, its own.
 */
async function plainLoop(client: BenchClient, concurrency: number, calls: number) {
  let next = 0;
  const timed: TimedCall[] = [];
  const worker = async (): Promise<void> => {
    while (next++ < calls) {
      const startMs = performance.now();
      const output = await client.client.send(
        new ConverseStreamCommand({
          modelId: 'amazon.nova-micro-v1:0',
          messages: [{ role: 'user', content: [{ text: PROMPT }] }],
          inferenceConfig: { temperature: 0.1, maxTokens: MAX_TOKENS, topP: 0.9 },
        }),
      );
      let ttftMs: number | undefined;
      for await (const event of output.stream ?? []) {
        if (ttftMs === undefined && event.contentBlockDelta?.delta?.text)
          ttftMs = performance.now() - startMs;
      }
      const latencyMs = performance.now() - startMs;
      timed.push({ status: 'ok', requestId: output.$metadata.requestId, startMs, latencyMs, ttftMs });
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { wallMs: performance.now() - t0, timed };
}

async function stamps(url: string): Promise<WireStamps[]> {
  return (await (await fetch(`${url}/_emulator/requests`)).json()) as WireStamps[];
}

/** One side's round: |latency error| and |TTFT error| p50 / p99 against the wire, ms. */
interface RoundErrors {
  calls: number;
  latencyP50: number;
  latencyP99: number;
  ttftP50: number;
  ttftP99: number;
}

function roundErrors(timed: readonly TimedCall[], wire: readonly WireStamps[], offset: number): RoundErrors {
  const errors = callErrors(timed, wire, offset);
  const latency = absoluteErrorSummary(errors.map((e) => e.latencyMs));
  const ttft = absoluteErrorSummary(errors.flatMap((e) => e.ttftMs ?? []));
  return {
    calls: errors.length,
    latencyP50: latency.p50,
    latencyP99: latency.p99,
    ttftP50: ttft.p50,
    ttftP99: ttft.p99,
  };
}

const FIGURES = ['latencyP50', 'latencyP99', 'ttftP50', 'ttftP99'] as const;
type Figures = Record<(typeof FIGURES)[number], number>;

/** The median over rounds of each figure. */
function medians(rounds: readonly RoundErrors[]): Figures {
  return Object.fromEntries(FIGURES.map((k) => [k, median(rounds.map((r) => r[k]))])) as Figures;
}

/** The median over rounds of harness / plain, round by round. */
function ratioMedians(harness: readonly RoundErrors[], plain: readonly RoundErrors[]): Figures {
  return Object.fromEntries(
    FIGURES.map((k) => [k, median(harness.map((h, i) => h[k] / (plain[i]?.[k] ?? Number.NaN)))]),
  ) as Figures;
}

/** Medians of the harness's phases over every measured call, ms. */
function phaseMedians(records: readonly CallRecord[]) {
  const of = (metric: (r: CallRecord) => number | undefined): number =>
    median(records.flatMap((r) => metric(r) ?? []));
  return {
    sendMs: of(sendMs),
    waitMs: of(waitMs),
    receiveMs: of(receiveMs),
    afterMs: of(afterMs),
    newConnections: records.filter((r) => connectMs(r) !== undefined).length,
  };
}

const f = (n: number, digits = 3): string => (Number.isFinite(n) ? n.toFixed(digits) : '-');

async function main(): Promise<void> {
  const emulator = await startEmulatorProcess([
    '--ttft-ms',
    String(TTFT_MS),
    '--tokens-per-second',
    String(TOKENS_PER_SECOND),
  ]);
  const client = createBedrockClient({ ...CLIENT, endpoint: emulator.url });
  const offset = clockOffsetMs();
  const out = (line: string): void => {
    process.stdout.write(`${line}\n`);
  };
  const context =
    `converse-bench accuracy benchmark | Node ${process.version} | ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'} | ` +
    `emulator in its own process, fixed TTFT ${TTFT_MS} ms, ${TOKENS_PER_SECOND} tokens/s, maxTokens ${MAX_TOKENS}, ` +
    'ConverseStream over HTTP/1.1 keep-alive, the same client configuration on both sides';
  out(context);
  out(
    `errors against the wire stamps: median over ${ROUNDS} alternated rounds a side; harness/plain = median of per-round ratios`,
  );
  out('');
  out(
    'scenario           side      calls/round  |latency err| p50 / p99 ms  |TTFT err| p50 / p99 ms   phases p50 ms: send / wait / receive / after',
  );
  const report: Record<string, unknown>[] = [];
  let allMet = true;
  for (const scenario of SCENARIOS) {
    const closed = scenario.load.kind === 'closed';
    // Warm up both paths as benchModel's warmupCalls do: sockets open, code compiled; not compared.
    const warmup = Math.max(scenario.concurrency, 16) * 2;
    await harnessRun(client, { ...scenario, load: { kind: 'closed' }, calls: warmup });
    if (closed) await plainLoop(client, scenario.concurrency, warmup);
    const harnessRounds: RoundErrors[] = [];
    const plainRounds: RoundErrors[] = [];
    const harnessRecords: CallRecord[] = [];
    const eld: number[] = [];
    const cpu = { mainMs: 0, threadsMs: [] as number[], emulatorMs: 0, wallMs: 0 };
    // Run-queue waits (ready to run, no core free), ms, over the same spans; the plain side's its own.
    const wait = {
      mainMs: 0,
      threadsMs: [] as number[],
      emulatorMs: 0,
      plainMs: 0,
      plainWallMs: 0,
      plainEmulatorMs: 0,
    };
    for (let round = 0; round < ROUNDS; round++) {
      const harness = async (): Promise<void> => {
        const emulatorBefore = cpuMsOf(emulator.child.pid) ?? 0;
        const emulatorWaitBefore = cpuWaitMsOf(emulator.child.pid) ?? 0;
        const { records, health, threads, wallMs } = await harnessRun(client, scenario);
        cpu.emulatorMs += (cpuMsOf(emulator.child.pid) ?? 0) - emulatorBefore;
        wait.emulatorMs += (cpuWaitMsOf(emulator.child.pid) ?? 0) - emulatorWaitBefore;
        cpu.wallMs += wallMs;
        cpu.mainMs += health.cpuUserMs + health.cpuSystemMs;
        wait.mainMs += health.cpuWaitMs ?? 0;
        threads.forEach((t, i) => {
          cpu.threadsMs[i] = (cpu.threadsMs[i] ?? 0) + t.cpuUserMs + t.cpuSystemMs;
          wait.threadsMs[i] = (wait.threadsMs[i] ?? 0) + (t.cpuWaitMs ?? 0);
        });
        harnessRecords.push(...records);
        eld.push(
          ...(threads.length > 0
            ? threads.map((t) => t.eventLoopDelayMs.p99)
            : [health.eventLoopDelayMs.p99]),
        );
        harnessRounds.push(roundErrors(records, await stamps(emulator.url), offset));
      };
      const plain = async (): Promise<void> => {
        const emulatorWaitBefore = cpuWaitMsOf(emulator.child.pid) ?? 0;
        const waitBefore = threadCpuWaitNs() ?? 0;
        const t0 = performance.now();
        const { timed } = await plainLoop(client, scenario.concurrency, scenario.calls);
        wait.plainWallMs += performance.now() - t0;
        wait.plainMs += ((threadCpuWaitNs() ?? 0) - waitBefore) / 1e6;
        wait.plainEmulatorMs += (cpuWaitMsOf(emulator.child.pid) ?? 0) - emulatorWaitBefore;
        plainRounds.push(roundErrors(timed, await stamps(emulator.url), offset));
      };
      // An open loop has no plain counterpart (a hand-written loop has no schedule).
      if (!closed) await harness();
      else await inTurn(round, harness, plain);
    }
    const h = medians(harnessRounds);
    const phases = phaseMedians(harnessRecords);
    const complete = harnessRounds.every((r) => r.calls === scenario.calls);
    out(
      `${scenario.name.padEnd(18)} harness   ${String(scenario.calls).padStart(11)}  ${`${f(h.latencyP50)} / ${f(h.latencyP99)}`.padStart(27)}  ${`${f(h.ttftP50)} / ${f(h.ttftP99)}`.padStart(24)}   ${f(phases.sendMs)} / ${f(phases.waitMs)} / ${f(phases.receiveMs)} / ${f(phases.afterMs)}`,
    );
    const entry: Record<string, unknown> = {
      scenario: scenario.name,
      callsPerRound: scenario.calls,
      rounds: ROUNDS,
      harness: h,
      harnessRounds,
      phases,
      eventLoopDelayP99Ms: median(eld),
    };
    if (closed) {
      const p = medians(plainRounds);
      const ratio = ratioMedians(harnessRounds, plainRounds);
      out(
        `${''.padEnd(18)} plain     ${String(scenario.calls).padStart(11)}  ${`${f(p.latencyP50)} / ${f(p.latencyP99)}`.padStart(27)}  ${`${f(p.ttftP50)} / ${f(p.ttftP99)}`.padStart(24)}`,
      );
      out(
        `${''.padEnd(18)} harness/plain          ${`${f(ratio.latencyP50, 2)} / ${f(ratio.latencyP99, 2)}`.padStart(27)}  ${`${f(ratio.ttftP50, 2)} / ${f(ratio.ttftP99, 2)}`.padStart(24)}`,
      );
      Object.assign(entry, { plain: p, plainRounds, harnessOverPlain: ratio });
    }
    const met = h.latencyP99 <= scenario.goalMs && h.ttftP99 <= scenario.goalMs && complete;
    allMet &&= met;
    out(
      `${''.padEnd(18)} goal |error| p99 <= ${scenario.goalMs} ms: ${met ? 'met' : 'MISSED'}; client event-loop delay p99 ${f(median(eld), 1)} ms`,
    );
    // Where the cores' time went while the harness side measured (share of one core each).
    const share = (ms: number): string => `${((ms / cpu.wallMs) * 100).toFixed(0)}%`;
    const threadShares = cpu.threadsMs.map((ms, i) => `thread ${i + 1} ${share(ms)}`).join(', ');
    out(
      `${''.padEnd(18)} CPU while measuring (of one core): ${scenario.workers > 1 ? `main thread ${share(cpu.mainMs)}, ${threadShares}` : `harness process ${share(cpu.mainMs)}`}, emulator ${share(cpu.emulatorMs)}`,
    );
    // Where the time went that no core was free: each event loop's run-queue wait, share of its wall clock.
    const waited = (ms: number, wallMs: number): string => `${((ms / wallMs) * 100).toFixed(1)}%`;
    const harnessWaits =
      scenario.workers > 1
        ? wait.threadsMs.map((ms, i) => `thread ${i + 1} ${waited(ms, cpu.wallMs)}`).join(', ')
        : `harness loop ${waited(wait.mainMs, cpu.wallMs)}`;
    const plainWaits = closed
      ? `; plain loop ${waited(wait.plainMs, wait.plainWallMs)}, emulator then ${waited(wait.plainEmulatorMs, wait.plainWallMs)}`
      : '';
    out(
      `${''.padEnd(18)} waiting for a free core (of wall clock): ${harnessWaits}, emulator ${waited(wait.emulatorMs, cpu.wallMs)}${plainWaits}`,
    );
    Object.assign(entry, { goalMs: scenario.goalMs, goalMet: met, cpu, cpuWait: wait });
    report.push(entry);
  }
  out('');
  out(`throughput (median of ${ROUNDS} alternated rounds)`);
  out('                harness calls/s   plain loop calls/s   ratio   goal');
  const throughput: Record<string, unknown>[] = [];
  for (const concurrency of [1, 16, 64]) {
    const calls = concurrency === 1 ? 60 : concurrency * 10;
    const scenario: Scenario = {
      name: '',
      concurrency,
      workers: 1,
      load: { kind: 'closed' },
      calls,
      goalMs: 0,
    };
    const harnessRates: number[] = [];
    const plainRates: number[] = [];
    await plainLoop(client, concurrency, concurrency); // open the sockets
    for (let round = 0; round < ROUNDS; round++) {
      const plainRun = async () =>
        plainRates.push(calls / ((await plainLoop(client, concurrency, calls)).wallMs / 1000));
      const harness = async () =>
        harnessRates.push(calls / ((await harnessRun(client, scenario)).wallMs / 1000));
      await inTurn(round, plainRun, harness);
    }
    const harnessRate = median(harnessRates);
    const plainRate = median(plainRates);
    const ratio = harnessRate / plainRate;
    const met = ratio >= THROUGHPUT_GOAL;
    allMet &&= met;
    out(
      `concurrency ${String(concurrency).padEnd(3)} ${f(harnessRate, 1).padStart(15)}   ${f(plainRate, 1).padStart(18)}   ${f(ratio, 3).padStart(5)}   >= ${THROUGHPUT_GOAL}: ${met ? 'met' : 'MISSED'}`,
    );
    throughput.push({
      concurrency,
      harnessCallsPerSecond: harnessRate,
      plainCallsPerSecond: plainRate,
      ratio,
      goalMet: met,
    });
  }
  out('');
  out(allMet ? 'every goal met' : 'some goal MISSED (see above)');
  client.destroy();
  emulator.child.kill('SIGTERM');
  const dir = resolve(import.meta.dirname, '..', 'outputs');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const file = resolve(dir, `accuracy-${stamp}.json`);
  writeFileSync(file, `${JSON.stringify({ context, scenarios: report, throughput }, null, 2)}\n`);
  out(`wrote ${file}`);
}

await main();

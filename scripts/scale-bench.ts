/**
 * `npm run bench:scale -- --calls 100000`: does a long run stay flat? One model of this repository's
 * suite (amazon.nova-micro-v1:0, the embedded emulator at a small time scale) is benchmarked for about
 * N measured calls through `vitest bench` with the reporter, while every process of the run (Vitest's
 * main process with the emulator, its worker, any threads) is sampled for its resident memory. Then
 * the outputs are read back: rows in the CSV, and the median latency of the first and the last 10,000
 * measured calls. Prints the figures and writes them to outputs/scale-<time>.json: a report, not a test.
 * Options: --calls N (100000), --concurrency C (16), --workers W (1), --time-scale X (0.001), and
 * --keep-texts (responses kept in the outputs, the default of a run; unset: redactTexts, as a CI run sets it).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parser } from 'csv-parse';
import { quantile, sortAscending } from '../src/stats/quantile.ts';

const ROOT = resolve(import.meta.dirname, '..');
const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    workers: { type: 'string', default: '1' },
    'time-scale': { type: 'string', default: '0.001' },
    'keep-texts': { type: 'boolean', default: false },
  },
});
const CALLS = Number(values.calls);
const DOCUMENTS = 10;
const WINDOW = Math.min(10_000, Math.floor(CALLS / 2));

/** RSS of every descendant of `pid` (and itself), MiB, by pid, from ps. */
function treeRss(pid: number): Map<number, { command: string; mib: number }> {
  const out = new Map<number, { command: string; mib: number }>();
  let table: string;
  try {
    table = execFileSync('ps', ['-eo', 'pid=,ppid=,rss=,args='], { encoding: 'utf8' });
  } catch {
    return out;
  }
  const rows = table
    .trim()
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .flatMap((m) =>
      m ? [{ pid: Number(m[1]), ppid: Number(m[2]), rss: Number(m[3]), args: m[4] ?? '' }] : [],
    );
  const family = new Set([pid]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const row of rows) {
      if (family.has(row.ppid) && !family.has(row.pid)) {
        family.add(row.pid);
        grew = true;
      }
    }
  }
  for (const row of rows) {
    if (family.has(row.pid)) out.set(row.pid, { command: row.args.slice(0, 80), mib: row.rss / 1024 });
  }
  return out;
}

const outDir = mkdtempSync(join(tmpdir(), 'converse-bench-scale-'));
const invocations = Math.ceil(CALLS / DOCUMENTS);
const env = {
  ...process.env,
  NO_COLOR: '1',
  CONVERSE_BENCH_TIME_SCALE: values['time-scale'],
  CONVERSE_BENCH_INVOCATIONS_PER_SCENARIO: String(invocations),
  CONVERSE_BENCH_NUM_PARALLEL_CALLS: values.concurrency,
  CONVERSE_BENCH_WORKERS: values.workers,
  CONVERSE_BENCH_OUTPUT_DIR: outDir,
  CONVERSE_BENCH_REDACT_TEXTS: values['keep-texts'] ? 'false' : 'true',
};
const started = performance.now();
const child: ChildProcess = spawn(
  process.execPath,
  [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'bench', '--run', 'bench/amazon.nova-micro-v1-0.bench.ts'],
  { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] },
);
let stderr = '';
child.stderr?.on('data', (chunk: Buffer) => {
  stderr = (stderr + chunk.toString()).slice(-4000);
});
const peak = new Map<number, { command: string; mib: number }>();
const timer = setInterval(() => {
  if (child.pid === undefined) return;
  for (const [pid, sample] of treeRss(child.pid)) {
    if ((peak.get(pid)?.mib ?? 0) < sample.mib) peak.set(pid, sample);
  }
}, 250);
const code = await new Promise<number>((done) => child.once('exit', (c) => done(c ?? -1)));
clearInterval(timer);
const wallS = (performance.now() - started) / 1000;

const csv = readdirSync(outDir).find((f) => f.startsWith('document_summarization_') && f.endsWith('.csv'));
if (csv === undefined) {
  process.stderr.write(`bench:scale: no CSV in ${outDir} (vitest exit ${code})\n${stderr}\n`);
  process.exit(1);
}
// Streamed: a million calls make a CSV of several GB, past what one string (or Buffer) may hold.
let rowCount = 0;
let okMeasured = 0;
const startTimes: number[] = [];
const latencies: number[] = [];
for await (const r of createReadStream(join(outDir, csv)).pipe(parser({ columns: true })) as AsyncIterable<
  Record<string, string>
>) {
  rowCount++;
  if (r.phase !== 'measure') continue;
  if (r.status !== 'error') okMeasured++;
  if (r.latency_ms === '') continue;
  startTimes.push(Date.parse(r.timestamp ?? ''));
  latencies.push(Number(r.latency_ms));
}
// In start order (the ISO timestamp just before send()), so the windows are the run's first and last.
const order = startTimes
  .map((_, i) => i)
  .sort((a, b) => (startTimes[a] as number) - (startTimes[b] as number));
const median = (xs: number[]): number => quantile(sortAscending(xs), 0.5);
const first = median(order.slice(0, WINDOW).map((i) => latencies[i] as number));
const last = median(order.slice(-WINDOW).map((i) => latencies[i] as number));
const processes = [...peak.entries()].sort((a, b) => b[1].mib - a[1].mib);
const lines = [
  `scale: ${CALLS} measured calls asked (${invocations} x ${DOCUMENTS} documents), concurrency ${values.concurrency}, workers ${values.workers}, time scale ${values['time-scale']}, ${values['keep-texts'] ? 'responses kept' : 'redactTexts'}; vitest exit ${code}, ${wallS.toFixed(0)} s`,
  `rows in the CSV: ${rowCount} (${okMeasured} ok measured)`,
  `median latency, first ${WINDOW} measured calls: ${first.toFixed(2)} ms; last ${WINDOW}: ${last.toFixed(2)} ms; last / first ${(last / first).toFixed(2)}x`,
  'peak resident memory by process:',
  ...processes.map(([pid, p]) => `  ${p.mib.toFixed(0).padStart(6)} MiB  ${pid}  ${p.command}`),
  'outputs:',
  ...readdirSync(outDir).map((f) => `  ${f}`),
];
process.stdout.write(`${lines.join('\n')}\n`);
const dir = resolve(ROOT, 'outputs');
mkdirSync(dir, { recursive: true });
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const file = resolve(dir, `scale-${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ calls: CALLS, keepTexts: values['keep-texts'], code, wallS, rows: rowCount, medianFirstMs: first, medianLastMs: last, peakMiB: processes.map(([pid, p]) => ({ pid, ...p })) }, null, 2)}\n`,
);
process.stdout.write(`wrote ${file}\n`);

/**
 * `npm run bench:emulator`: does the emulator stay flat under a long flood? A standalone emulator (its
 * own process, fixed zero latency, so only its own work is timed) answers N raw HTTP/1.1 keep-alive
 * Converse requests at C in flight; the rate and the emulator's resident memory are printed per window
 * of W requests, with the last window's rate as a share of the first's, after a warm-up of 2,000
 * requests that is not counted (connections open, code compiled). Figures also go to
 * outputs/emulator-flood-<time>.json. A report, not a test. Options: --requests N (100000),
 * --concurrency C (16), --window W (10000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rssMiB, startEmulatorProcess } from './emulator-process.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '16' },
    window: { type: 'string', default: '10000' },
  },
});
const REQUESTS = Number(values.requests);
const CONCURRENCY = Number(values.concurrency);
const WINDOW = Number(values.window);
const WARMUP = 2_000;
for (const [name, n] of [
  ['--requests', REQUESTS],
  ['--concurrency', CONCURRENCY],
  ['--window', WINDOW],
] as const) {
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`bench:emulator: ${name} must be a whole number >= 1\n`);
    process.exit(2);
  }
}

const BODY = JSON.stringify({
  messages: [
    { role: 'user', content: [{ text: 'Summarize: the bridge reopened on schedule after two nights.' }] },
  ],
  inferenceConfig: { maxTokens: 5 },
});

interface Window {
  requests: number;
  seconds: number;
  perSecond: number;
  rssMiB: number | undefined;
}

function post(agent: Agent, url: URL): Promise<number> {
  return new Promise((done, fail) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) },
      },
      (res) => {
        res.resume();
        res.once('end', () => done(res.statusCode ?? 0));
        res.once('error', fail);
      },
    );
    req.once('error', fail);
    req.end(BODY);
  });
}

const emulator = await startEmulatorProcess(['--ttft-ms', '0', '--tokens-per-second', '1000000']);
const url = new URL('/model/amazon.nova-micro-v1%3A0/converse', emulator.url);
const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const windows: Window[] = [];
let sent = 0;
let done = 0;
let failed = 0;
let windowStart = performance.now();

async function worker(): Promise<void> {
  while (sent < REQUESTS) {
    sent++;
    const status = await post(agent, url);
    if (status !== 200) failed++;
    done++;
    if (done % WINDOW === 0) {
      const now = performance.now();
      const seconds = (now - windowStart) / 1000;
      windows.push({
        requests: WINDOW,
        seconds,
        perSecond: WINDOW / seconds,
        rssMiB: rssMiB(emulator.child.pid),
      });
      windowStart = now;
    }
  }
}

async function warmup(count: number): Promise<void> {
  let left = count;
  const one = async (): Promise<void> => {
    while (left-- > 0) await post(agent, url);
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, one));
}

await warmup(WARMUP);
windowStart = performance.now();
await Promise.all(Array.from({ length: CONCURRENCY }, worker));
agent.destroy();
emulator.child.kill('SIGTERM');

const first = windows[0];
const last = windows.at(-1);
const ratio = first && last ? last.perSecond / first.perSecond : Number.NaN;
const lines = [
  `emulator flood: ${REQUESTS} requests, ${CONCURRENCY} in flight, HTTP/1.1 keep-alive, zero model latency, ${failed} not 200`,
  'window   requests/s   emulator RSS MiB',
  ...windows.map(
    (w, i) =>
      `${String(i + 1).padStart(6)}   ${w.perSecond.toFixed(0).padStart(10)}   ${w.rssMiB === undefined ? '-' : w.rssMiB.toFixed(0).padStart(16)}`,
  ),
  `last window / first window: ${ratio.toFixed(2)}x the rate; RSS ${first?.rssMiB?.toFixed(0) ?? '-'} -> ${last?.rssMiB?.toFixed(0) ?? '-'} MiB`,
];
process.stdout.write(`${lines.join('\n')}\n`);
const out = resolve(import.meta.dirname, '..', 'outputs');
mkdirSync(out, { recursive: true });
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
const file = resolve(out, `emulator-flood-${stamp}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ requests: REQUESTS, concurrency: CONCURRENCY, failed, windows, lastOverFirst: ratio }, null, 2)}\n`,
);
process.stdout.write(`wrote ${file}\n`);

import { appendFileSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../errors.ts';
import { benchCommand } from './bench.ts';
import { compareOutput } from './compare.ts';
import { writeHtmlReport } from './report.ts';

const HELP = `usage: converse-bench gate [bench options]              run every bench file, then compare with the baseline
       converse-bench gate --shard I/N [bench options]  run shard I of N into a blob report (no comparison)
       converse-bench gate --merge DIR                  merge the shards' blob reports in DIR, then compare

The latency gate of a pull request: the one command the CI workflow calls. Bench options are those of
\`converse-bench bench\` (e.g. --num-parallel-calls 8 --target bedrock).

Environment:
  CI_GATE_PRESET            bench preset (default \`gate\`; \`smoke\`; \`none\`)
  CONVERSE_BENCH_BASELINE   main-branch run record, or a folder of them (a history). Unset or missing:
                            the run is gated on its budgets only and nothing is compared.
  CONVERSE_BENCH_OUTPUT_DIR where outputs go (default outputs); the comparison is comparison.md and
                            comparison.html (both runs drawn side by side) there
  CI_GATE_BLOB_DIR          shard mode: where the blob report goes (default .vitest-reports)
  CI_GATE_ALLOW_MISMATCH    true: compare runs whose settings differ (with a warning) instead of failing
  GITHUB_STEP_SUMMARY       when set, the comparison is appended to it

Exit status: 0 every budget held and nothing regressed; 1 a budget failed or a metric regressed (the
benchmark's own regression check or the comparison); 2 bad input, no run record, or runs that cannot
be compared.`;

function say(text: string): void {
  process.stderr.write(`converse-bench gate: ${text}\n`);
}

type Mode =
  | { kind: 'run' }
  | { kind: 'shard'; index: string; count: string }
  | { kind: 'merge'; dir: string };

function parseMode(args: string[]): { mode: Mode; rest: string[] } | string {
  const [first, second, ...rest] = args;
  if (first === '--shard') {
    const match = /^(\d+)\/(\d+)$/.exec(second ?? '');
    if (!match) return '--shard needs I/N, e.g. --shard 1/3';
    return { mode: { kind: 'shard', index: match[1] as string, count: match[2] as string }, rest };
  }
  if (first === '--merge') {
    if (second === undefined || !existsSync(second)) {
      return '--merge needs the folder of blob reports, e.g. --merge .vitest-reports';
    }
    return { mode: { kind: 'merge', dir: second }, rest };
  }
  return { mode: { kind: 'run' }, rest: args };
}

function runRecords(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.startsWith('run-') && name.endsWith('.json'))
    .sort()
    .map((name) => join(dir, name));
}

/** `converse-bench gate`: bench, then compare the new run record with the baseline and draw both. */
export async function gateCommand(args: string[]): Promise<number> {
  if (args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(`${HELP}\n`);
    return 0;
  }
  const parsed = parseMode(args);
  if (typeof parsed === 'string') {
    say(parsed);
    return 2;
  }
  const { mode, rest } = parsed;
  const out = process.env.CONVERSE_BENCH_OUTPUT_DIR ?? 'outputs';
  const preset = process.env.CI_GATE_PRESET ?? 'gate';
  const baseline = process.env.CONVERSE_BENCH_BASELINE;
  if (baseline !== undefined && baseline !== '' && !existsSync(baseline)) {
    say(`baseline ${baseline} not found (first run of the main branch?): gating on budgets only`);
    delete process.env.CONVERSE_BENCH_BASELINE;
  }
  const before = new Set(runRecords(out));

  const benchArgs = preset === 'none' || preset === '' ? [] : ['--preset', preset];
  benchArgs.push(...rest);
  if (mode.kind === 'shard') {
    const blobs = process.env.CI_GATE_BLOB_DIR ?? '.vitest-reports';
    const vitestArgs = [
      `--shard=${mode.index}/${mode.count}`,
      '--reporter=blob',
      `--outputFile=${join(blobs, `blob-${mode.index}-${mode.count}.json`)}`,
    ];
    // Vitest options go after `--`; add one unless the caller already did.
    if (!benchArgs.includes('--')) benchArgs.push('--');
    benchArgs.push(...vitestArgs);
  }
  const benchStatus = await benchCommand(
    mode.kind === 'merge' ? ['--', `--merge-reports=${mode.dir}`] : benchArgs,
  );
  // A shard's run record covers only its models: the merge job compares.
  if (mode.kind === 'shard') return benchStatus;
  if (benchStatus > 2) {
    say(`the benchmark itself failed (exit ${benchStatus})`);
    return 2;
  }
  const candidate = runRecords(out)
    .filter((path) => !before.has(path))
    .at(-1);
  if (candidate === undefined) {
    say(`no new run record in ${out}: the benchmark wrote nothing (exit ${benchStatus})`);
    return 2;
  }
  say(`run record: ${candidate}`);

  let compareStatus = 0;
  const comparedWith = process.env.CONVERSE_BENCH_BASELINE;
  if (comparedWith !== undefined && comparedWith !== '') {
    compareStatus = compare(comparedWith, candidate, out);
  }
  say(`benchmark exit ${benchStatus}, comparison exit ${compareStatus}`);
  return benchStatus !== 0 ? benchStatus : compareStatus;
}

/** `compare --markdown` into comparison.md (printed, and appended to the step summary), then the HTML. */
function compare(baseline: string, candidate: string, out: string): number {
  const allowMismatch = process.env.CI_GATE_ALLOW_MISMATCH === 'true' ? ['--allow-mismatch'] : [];
  let result: { text: string; code: number };
  try {
    result = compareOutput(['--markdown', ...allowMismatch, baseline, candidate]);
  } catch (error) {
    if (!isUserError(error)) throw error;
    say((error as Error).message);
    return 2;
  }
  writeFileSync(join(out, 'comparison.md'), result.text);
  process.stdout.write(result.text);
  const stepSummary = process.env.GITHUB_STEP_SUMMARY;
  if (stepSummary !== undefined && stepSummary !== '') appendFileSync(stepSummary, result.text);
  // The comparison drawn side by side: the baseline run(s) and this one in one HTML report.
  try {
    writeHtmlReport([baseline, candidate], join(out, 'comparison.html'), 'Latency comparison');
  } catch (error) {
    if (!isUserError(error)) throw error;
    say(`could not draw the comparison report: ${(error as Error).message}`);
  }
  return result.code;
}

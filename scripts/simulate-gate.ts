/**
 * Monte Carlo proof of the regression gate's statistics: A/A false alarms, power against whole-
 * distribution and tail-only P90 regressions, and run-to-run drift with a single baseline vs a history.
 *
 *   npx node scripts/simulate-gate.ts [--trials 2000] [--seed 1] [--tolerance 0,0.1]
 *
 * Prints a markdown table per tolerance to stdout, progress to stderr.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { type Scenario, type ScenarioResult, simulateScenario } from '../src/stats/gate-simulation.ts';

interface Row {
  label: string;
  scenario: Omit<Scenario, 'n'>;
}

const ROWS: Row[] = [
  { label: 'A/A', scenario: { effect: 1, shape: 'scale', drift: 0, baselineRuns: 1 } },
  {
    label: '+10% P90, whole distribution',
    scenario: { effect: 1.1, shape: 'scale', drift: 0, baselineRuns: 1 },
  },
  {
    label: '+15% P90, whole distribution',
    scenario: { effect: 1.15, shape: 'scale', drift: 0, baselineRuns: 1 },
  },
  {
    label: '+25% P90, whole distribution',
    scenario: { effect: 1.25, shape: 'scale', drift: 0, baselineRuns: 1 },
  },
  { label: '+10% P90, tail only', scenario: { effect: 1.1, shape: 'tail', drift: 0, baselineRuns: 1 } },
  { label: '+15% P90, tail only', scenario: { effect: 1.15, shape: 'tail', drift: 0, baselineRuns: 1 } },
  { label: '+25% P90, tail only', scenario: { effect: 1.25, shape: 'tail', drift: 0, baselineRuns: 1 } },
  {
    label: 'A/A, 5% drift, 1 baseline run',
    scenario: { effect: 1, shape: 'scale', drift: 0.05, baselineRuns: 1 },
  },
  {
    label: 'A/A, 5% drift, 10-run history',
    scenario: { effect: 1, shape: 'scale', drift: 0.05, baselineRuns: 10 },
  },
  {
    label: '+15% P90, 5% drift, 10-run history',
    scenario: { effect: 1.15, shape: 'scale', drift: 0.05, baselineRuns: 10 },
  },
];
const SIZES = [30, 100, 300];

function main(): void {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '2000' },
      seed: { type: 'string', default: '1' },
      tolerance: { type: 'string', default: '0,0.1' },
    },
  });
  const trials = positiveInteger(values.trials, '--trials');
  const seed = positiveInteger(values.seed, '--seed');
  const tolerances = values.tolerance.split(',').map((t) => {
    const v = Number(t);
    if (!(v >= 0)) throw new Error(`--tolerance: "${t}" is not a fraction >= 0; pass e.g. 0,0.1`);
    return v;
  });
  const started = performance.now();
  const out: string[] = [
    `Simulated gate: log-normal latency (median 1.2 s, sigma 0.35), P90, one-sided 95% bounds, ${trials} trials per cell, seed ${seed}.`,
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}, Node ${process.version}.`,
    '',
  ];
  for (const tolerance of tolerances) {
    out.push(
      `### tolerance ${tolerance} (regressed when the lower bound of the P90 ratio > ${1 + tolerance})`,
      '',
    );
    out.push(
      `| scenario | ${SIZES.map((n) => `n = ${n}`).join(' | ')} |`,
      `| --- |${SIZES.map(() => ' ---: |').join('')}`,
    );
    for (const [r, row] of ROWS.entries()) {
      const cells = SIZES.map((n, i) => {
        process.stderr.write(`tolerance ${tolerance}: ${row.label}, n = ${n}\n`);
        // A distinct, reproducible stream per cell so cells do not share draws.
        return cell(
          simulateScenario({ ...row.scenario, n }, { trials, seed: seed * 1000 + r * 10 + i, tolerance }),
        );
      });
      out.push(`| ${row.label} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  out.push(
    `Cells: share of trials called \`regressed\` (95% Wilson interval). ${((performance.now() - started) / 1000).toFixed(0)} s.`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

function cell(r: ScenarioResult): string {
  const pct = (x: number): string => (100 * x).toFixed(1);
  return `${pct(r.regressedRate)}% (${pct(r.wilson[0])}..${pct(r.wilson[1])})`;
}

function positiveInteger(text: string, flag: string): number {
  const v = Number(text);
  if (!(Number.isInteger(v) && v > 0)) throw new Error(`${flag}: "${text}" is not a positive integer`);
  return v;
}

main();

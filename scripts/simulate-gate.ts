/**
 * Monte Carlo proof of the pull-request gate, through the gate's own code (src/gate/simulation.ts):
 * whole pull requests of 7 models, judged once as one family, for four latency shapes.
 *
 *   npm run simulate:gate [-- --trials 800 --power-trials 300 --seed 1]
 *
 * Prints markdown tables to stdout (the README's and docs/gate-statistics.md's), progress to stderr:
 * 1. the share of unchanged pull requests that fail (A/A), 2. the share of their checks that end
 * inconclusive, 3. power: the share of pull requests in which a model made slower is flagged,
 * 4. `confident` budgets set at the true P90, 5. the "calls that would decide" figure re-simulated.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  type PullRequestResult,
  type PullRequestScenario,
  simulateConfidentBudget,
  simulatePullRequests,
  verifyNeededCalls,
} from '../src/gate/simulation.ts';
import { LATENCY_SHAPES } from '../src/stats/latency-shapes.ts';
import { wilsonInterval } from '../src/stats/wilson.ts';

interface Setting {
  label: string;
  calls: number;
  baselineRuns: number;
  drift: number;
}

/** The gate preset's 400 measured calls a model, against `runs` baseline runs drifting by `drift`. */
const gate = (label: string, baselineRuns: number, drift: number): Setting => ({
  label,
  calls: 400,
  baselineRuns,
  drift,
});

const DEFAULT_PLAN: Setting = {
  label: 'default plan (10 calls), 1 baseline run',
  calls: 10,
  baselineRuns: 1,
  drift: 0,
};
const GATE = gate('gate preset (400 calls), 1 baseline run', 1, 0);
const HISTORY_5 = gate('gate preset, 5-run history, 5% drift', 5, 0.05);
const HISTORY_10 = gate('gate preset, 10-run history, 5% drift', 10, 0.05);
const HISTORY_20 = gate('gate preset, 20-run history, 5% drift', 20, 0.05);
const DRIFT_1 = gate('gate preset, 1 baseline run, 5% drift (no target)', 1, 0.05);
const TOLERANCE = 0.1;
const MODELS = 7;
const APIS = ['converse', 'both'] as const;

function main(): void {
  const { values } = parseArgs({
    options: {
      trials: { type: 'string', default: '800' },
      'power-trials': { type: 'string', default: '300' },
      seed: { type: 'string', default: '1' },
    },
  });
  const trials = positiveInteger(values.trials, '--trials');
  const powerTrials = positiveInteger(values['power-trials'], '--power-trials');
  const seed = positiveInteger(values.seed, '--seed');
  const started = performance.now();
  let cell = 0;
  const run = (s: PullRequestScenario, n: number): PullRequestResult => {
    cell++;
    process.stderr.write(`${s.shape} ${s.api} calls ${s.calls} runs ${s.baselineRuns} effect ${s.effect}\n`);
    return simulatePullRequests(s, { trials: n, seed: seed * 100_000 + cell });
  };
  const scenario = (
    setting: Setting,
    shape: PullRequestScenario['shape'],
    api: 'converse' | 'both',
    effect = 1,
  ) => ({
    shape,
    api,
    models: MODELS,
    calls: setting.calls,
    baselineRuns: setting.baselineRuns,
    drift: setting.drift,
    effect,
    tolerance: TOLERANCE,
  });

  const out: string[] = [
    `Simulated pull requests: ${MODELS} models, P90 latency (and TTFT P90 for streams) and error rate gated, tolerance ${TOLERANCE}, the run's tests judged as one family (Holm at 5%); seed ${seed}.`,
    `Machine: ${os.cpus()[0]?.model ?? 'unknown CPU'} x ${os.cpus().length}, Node ${process.version}.`,
    '',
  ];
  const columns = APIS.flatMap((api) => LATENCY_SHAPES.map((shape) => ({ api, shape })));
  const head = [
    `| setting | ${columns.map((c) => `${c.shape}, ${c.api}`).join(' | ')} |`,
    `| --- |${columns.map(() => ' ---: |').join('')}`,
  ];
  const aa = [DEFAULT_PLAN, GATE, HISTORY_5, HISTORY_10, DRIFT_1].map((setting) => ({
    setting,
    results: columns.map(({ api, shape }) => run(scenario(setting, shape, api), trials)),
  }));
  out.push(`### 1. Unchanged pull requests that fail (A/A), ${trials} per cell`, '', ...head);
  for (const { setting, results } of aa) {
    out.push(`| ${setting.label} | ${results.map((r) => rate(r.failed, r.trials)).join(' | ')} |`);
  }
  out.push('', '### 2. Checks of unchanged pull requests that end inconclusive', '', ...head);
  for (const { setting, results } of aa) {
    out.push(
      `| ${setting.label} | ${results.map((r) => rate(r.inconclusive, r.checks, false)).join(' | ')} |`,
    );
  }

  out.push(
    '',
    `### 3. Power: pull requests in which the one slower model is flagged (api converse), ${powerTrials} per cell`,
    '',
    `| setting | every call slower by | ${LATENCY_SHAPES.join(' | ')} |`,
    `| --- | --- |${LATENCY_SHAPES.map(() => ' ---: |').join('')}`,
  );
  for (const setting of [GATE, HISTORY_5, HISTORY_10, HISTORY_20]) {
    for (const effect of [1.15, 1.25, 1.5]) {
      if (setting === HISTORY_20 && effect !== 1.5) continue;
      const cells = LATENCY_SHAPES.map((shape) => {
        const r = run(scenario(setting, shape, 'converse', effect), powerTrials);
        return rate(r.flagged, r.trials);
      });
      out.push(`| ${setting.label} | x${effect} | ${cells.join(' | ')} |`);
    }
  }

  const budgetTrials = trials * 4;
  const sizes = [1, 5, 10, 30, 100, 300];
  out.push(
    '',
    `### 4. \`confident\` budgets set at the true P90: runs that fail (false failures), ${budgetTrials} per cell`,
    '',
    `| shape | ${sizes.map((n) => `n = ${n}`).join(' | ')} |`,
    `| --- |${sizes.map(() => ' ---: |').join('')}`,
  );
  for (const shape of LATENCY_SHAPES) {
    const cells = sizes.map((n, i) => {
      const r = simulateConfidentBudget(shape, n, { trials: budgetTrials, seed: seed * 1000 + i });
      return rate(r.failed, r.trials);
    });
    out.push(`| ${shape} | ${cells.join(' | ')} |`);
  }

  out.push(
    '',
    `### 5. "About N calls a side would decide it 80% of the time", re-simulated (x1.3 at 100 calls, 1 baseline run, api converse), ${powerTrials} per cell`,
    '',
    '| shape | median N suggested | flagged at N calls |',
    '| --- | ---: | ---: |',
  );
  for (const shape of LATENCY_SHAPES) {
    const v = verifyNeededCalls(
      { ...scenario(GATE, shape, 'converse', 1.3), calls: 100 },
      { trials: powerTrials, seed: seed * 7 + cell++ },
    );
    const power = v.power === undefined ? '-' : rate(v.power.flagged, v.power.trials);
    out.push(`| ${shape} | ${v.suggested ?? '-'} | ${power} |`);
  }
  out.push('', `Cells: share (95% Wilson interval). ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

function rate(successes: number, trials: number, interval = true): string {
  const pct = (x: number): string => (100 * x).toFixed(1);
  if (!interval) return `${pct(successes / trials)}%`;
  const [lo, hi] = wilsonInterval(successes, trials);
  return `${pct(successes / trials)}% (${pct(lo)}..${pct(hi)})`;
}

function positiveInteger(text: string, flag: string): number {
  const v = Number(text);
  if (!(Number.isInteger(v) && v > 0)) {
    process.stderr.write(`simulate-gate: ${flag} "${text}" is not a whole number > 0\n`);
    process.exit(2);
  }
  return v;
}

main();

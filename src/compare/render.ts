import { markdownCell as cell } from '../format/markdown.ts';
import { formatMs, formatPercent, formatRate } from '../format/numbers.ts';
import { plural } from '../gate/family.ts';
import type { RunContext } from '../records/run-record.ts';
import type { ComparisonVerdict, MetricComparison, RunComparison } from './compare-runs.ts';

/** Pure renderers of a RunComparison: a plain-text table for terminals, markdown for pull requests. */

const LABELS: Record<MetricComparison['metric'], string> = {
  p50: 'P50',
  p90: 'P90',
  mean: 'mean',
  errorRate: 'error rate',
  ttftP90: 'TTFT P90',
};

const HEADER = ['model', 'metric', 'baseline', 'candidate', 'change', 'bounds', 'verdict'];

function runLabel(context: RunContext): string {
  const commit = context.git.commit ? ` ${context.git.commit.slice(0, 8)}` : '';
  const branch = context.git.branch ? ` ${context.git.branch}` : '';
  return `${context.startedAt}${branch}${commit}`;
}

function value(m: MetricComparison, side: 'baseline' | 'candidate'): string {
  const v = m[side];
  if (v === undefined) return '-';
  return m.metric === 'errorRate' ? formatRate(v) : formatMs(v);
}

function change(m: MetricComparison): string {
  if (m.effect === undefined) return '-';
  if (m.metric === 'errorRate') {
    const points = m.effect * 100;
    return `${points >= 0 ? '+' : ''}${points.toFixed(1)} pts`;
  }
  return `x${m.effect.toFixed(3)}`;
}

function bounds(m: MetricComparison): string {
  if (m.metric === 'errorRate' || !m.gated) return '-';
  if (m.lower === undefined && m.upper === undefined) return '-';
  const b = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(3));
  return `${b(m.lower)}..${b(m.upper)}`;
}

const WORD: Record<MetricComparison['verdict'], string> = {
  regressed: 'regressed',
  'no-regression': 'no regression',
  inconclusive: 'inconclusive',
  'not-gated': 'not gated',
};

function verdict(m: MetricComparison): string {
  return `${WORD[m.verdict]} (${m.candidateN}/${m.baselineN} calls)`;
}

/** Each gated check's full line (its test, p-value and what would decide), then the confident budgets. */
function checkLines(comparison: RunComparison): string[] {
  const lines = comparison.models.flatMap((model) =>
    model.metrics.flatMap((m) => (m.line === undefined ? [] : [`${model.key}: ${m.line}`])),
  );
  return [...lines, ...comparison.budgets.map((b) => `${b.key}: ${b.check.line}`)];
}

/** e.g. `verdict: regressed: 1 of 14 checks regressed, 5 no regression, 8 inconclusive (14 tests as one family, Holm at 5%)`. */
export function comparisonVerdictLine(v: ComparisonVerdict): string {
  const family =
    v.tests === 0
      ? 'no statistical tests'
      : `${plural(v.tests, 'test')} as one family, Holm at ${formatPercent(v.alpha)}%`;
  return (
    `verdict: ${v.word}: ${v.failed} of ${v.checks} checks regressed, ${v.passed} no regression, ` +
    `${v.inconclusive} inconclusive (${family})`
  );
}

function rows(comparison: RunComparison): string[][] {
  const out: string[][] = [];
  for (const model of comparison.models) {
    if (model.onlyIn !== undefined) {
      out.push([model.key, '-', '-', '-', '-', '-', `only in the ${model.onlyIn}`]);
      continue;
    }
    for (const m of model.metrics) {
      out.push([
        model.key,
        LABELS[m.metric],
        value(m, 'baseline'),
        value(m, 'candidate'),
        change(m),
        bounds(m),
        verdict(m),
      ]);
    }
  }
  return out;
}

function headLines(comparison: RunComparison): string[] {
  const runs = comparison.baselines.length;
  return [
    `baseline: ${runs === 1 ? runLabel(comparison.baselines[0] as RunContext) : `${runs} runs, ${runLabel(comparison.baselines[0] as RunContext)} .. ${runLabel(comparison.baselines[runs - 1] as RunContext)}`}`,
    `candidate: ${runLabel(comparison.candidate)}`,
    `tolerance ${formatPercent(comparison.tolerance)}% on P90s, +${formatPercent(comparison.errorRateTolerance)} pts on error rate; ${formatPercent(comparison.confidence)}% one-sided bounds; P50 and mean shown, not gated`,
    ...comparison.incompatibilities.map((problem) => `WARNING: ${problem}`),
  ];
}

export function renderComparisonText(comparison: RunComparison): string {
  const table = [HEADER, ...rows(comparison)];
  const widths = HEADER.map((_, i) => Math.max(...table.map((row) => (row[i] ?? '').length)));
  const lines = table.map((row) =>
    row
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  );
  return [
    ...headLines(comparison),
    '',
    ...lines,
    '',
    ...checkLines(comparison),
    '',
    comparisonVerdictLine(comparison.verdict),
  ].join('\n');
}

export function renderComparisonMarkdown(comparison: RunComparison): string {
  const v = comparison.verdict;
  const title =
    v.word === 'regressed'
      ? `Latency comparison: ${v.failed} regression(s)`
      : v.word === 'no regression'
        ? 'Latency comparison: no regression'
        : 'Latency comparison: inconclusive';
  return [
    `### ${title}`,
    '',
    ...headLines(comparison).map((line) => `- ${cell(line)}`),
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows(comparison).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
    ...checkLines(comparison).map((line) => `- ${cell(line)}`),
    '',
    `**${cell(comparisonVerdictLine(v))}**`,
    '',
  ].join('\n');
}

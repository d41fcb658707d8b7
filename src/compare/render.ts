import { markdownCell as cell } from '../format/markdown.ts';
import { formatMs, formatPercent, formatRate } from '../format/numbers.ts';
import type { RunContext } from '../records/run-record.ts';
import type { MetricComparison, RunComparison } from './compare-runs.ts';

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
  return m.metric === 'errorRate' ? formatRate(m[side]) : formatMs(m[side]);
}

function change(m: MetricComparison): string {
  if (m.metric === 'errorRate') {
    const points = m.effect * 100;
    return `${points >= 0 ? '+' : ''}${points.toFixed(1)} pts`;
  }
  return `x${m.effect.toFixed(3)}`;
}

function bounds(m: MetricComparison): string {
  if (m.metric === 'errorRate') return `${(m.lower * 100).toFixed(1)}..${(m.upper * 100).toFixed(1)} pts`;
  return `${m.lower.toFixed(3)}..${m.upper.toFixed(3)}`;
}

function verdict(m: MetricComparison): string {
  const n = `${m.candidateN}/${m.baselineN} calls`;
  if (m.verdict === 'inconclusive' && m.neededN !== undefined)
    return `inconclusive (${n}; ~${m.neededN} a side would decide)`;
  return `${m.verdict} (${n})`;
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
    `tolerance ${formatPercent(comparison.tolerance)}% on latency, ${formatPercent(comparison.confidence)}% one-sided bounds`,
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
  return [...headLines(comparison), '', ...lines].join('\n');
}

export function renderComparisonMarkdown(comparison: RunComparison): string {
  const regressed = comparison.models.flatMap((m) =>
    m.metrics.filter((x) => x.verdict === 'regressed').map(() => m.key),
  );
  const title =
    regressed.length > 0
      ? `Latency comparison: ${regressed.length} regression(s)`
      : 'Latency comparison: no regression';
  return [
    `### ${title}`,
    '',
    ...headLines(comparison).map((line) => `- ${cell(line)}`),
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...rows(comparison).map((row) => `| ${row.map(cell).join(' | ')} |`),
    '',
  ].join('\n');
}

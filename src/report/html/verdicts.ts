import type { MetricComparison, RunComparison } from '../../compare/compare-runs.ts';
import { escapeHtml } from './escape.ts';
import { formatNumber } from './tables.ts';

/**
 * A comparison's verdicts in the report: the banner's lines and a table with every model's gated
 * metrics (baseline, candidate, effect and its one-sided bounds, the verdict and the gate's own line),
 * each row an anchor the banner links to. Pure.
 */

const METRIC: Record<MetricComparison['metric'], string> = {
  p50: 'P50 latency (ms)',
  p90: 'P90 latency (ms)',
  mean: 'mean latency (ms)',
  errorRate: 'error rate',
  ttftP90: 'TTFT P90 (ms)',
};

export function verdictRowId(model: number, metric: number): string {
  return `verdict-${model}-${metric}`;
}

function value(metric: MetricComparison, x: number | undefined): string {
  if (x === undefined) return '';
  return metric.metric === 'errorRate' ? `${formatNumber(x * 100)}%` : formatNumber(x);
}

function effect(metric: MetricComparison): string {
  if (metric.effect === undefined) return '';
  if (metric.metric === 'errorRate')
    return `${metric.effect >= 0 ? '+' : ''}${formatNumber(metric.effect * 100)} pts`;
  const bounds =
    metric.lower === undefined || metric.upper === undefined
      ? ''
      : ` (${metric.lower.toFixed(3)}..${metric.upper.toFixed(3)})`;
  return `x${metric.effect.toFixed(3)}${bounds}`;
}

/** The banner's lines for a comparison: its verdict and links to the regressed metrics. */
export function comparisonBannerLines(comparison: RunComparison, label: (key: string) => string): string[] {
  const v = comparison.verdict;
  const lines = [
    `<strong>${escapeHtml(`Comparison: ${v.word}: ${v.failed} of ${v.checks} checks regressed, ${v.passed} no regression, ${v.inconclusive} inconclusive`)}</strong>`,
  ];
  const regressed = comparison.models.flatMap((model, m) =>
    model.metrics.flatMap((metric, i) =>
      metric.verdict === 'regressed'
        ? [
            `<a href="#${verdictRowId(m, i)}">${escapeHtml(`${label(model.key)} ${METRIC[metric.metric]}`)}</a>`,
          ]
        : [],
    ),
  );
  if (regressed.length > 0) lines.push(`Regressed: ${regressed.join(', ')}.`);
  const n = comparison.incompatibilities.length;
  if (n > 0) {
    lines.push(
      `Compared despite ${n} difference${n === 1 ? '' : 's'} in what the runs measured (<a href="#verdict-differences">listed under Verdicts</a>).`,
    );
  }
  return lines;
}

/** Every model's compared metrics, a row each (metrics that are shown but not gated say so). */
export function verdictTable(comparison: RunComparison, label: (key: string) => string): string {
  const rows = comparison.models.flatMap((model, m) => {
    if (model.onlyIn !== undefined) {
      return [
        `<tr><th scope="row">${escapeHtml(label(model.key))}</th><td colspan="5">${escapeHtml(`only in the ${model.onlyIn}: not compared`)}</td></tr>`,
      ];
    }
    return model.metrics.map(
      (metric, i) =>
        `<tr id="${verdictRowId(m, i)}" class="verdict-row-${metric.verdict}"><th scope="row">${escapeHtml(label(model.key))}</th>` +
        `<td>${escapeHtml(METRIC[metric.metric])}</td>` +
        `<td class="num">${escapeHtml(value(metric, metric.baseline))}</td>` +
        `<td class="num">${escapeHtml(value(metric, metric.candidate))}</td>` +
        `<td class="num">${escapeHtml(effect(metric))}</td>` +
        `<td>${escapeHtml(metric.verdict === 'not-gated' ? 'shown, not gated' : metric.verdict)}${metric.line === undefined ? '' : `<br><span class="note">${escapeHtml(metric.line)}</span>`}</td></tr>`,
    );
  });
  return [
    '<table class="verdicts">',
    "<caption>Baseline (the older runs) against the candidate (the newest run): one-sided bounds of the ratio at the comparison's confidence; the verdict is the gate's.</caption>",
    '<thead><tr><th scope="col">Model</th><th scope="col">Metric</th><th scope="col">Baseline</th><th scope="col">Candidate</th><th scope="col">Candidate / baseline (bounds)</th><th scope="col">Verdict</th></tr></thead>',
    `<tbody>${rows.join('\n')}</tbody>`,
    '</table>',
    ...(comparison.incompatibilities.length === 0
      ? []
      : [
          `<p class="note" id="verdict-differences">Differences between the runs: ${escapeHtml(comparison.incompatibilities.join('; '))}.</p>`,
        ]),
  ].join('\n');
}

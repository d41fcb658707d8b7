import { formatSlo } from '../config/resolve.ts';
import { markdownCell } from '../format/markdown.ts';
import { formatMs, formatRate } from '../format/numbers.ts';
import { runVerdictLine } from '../gate/family.ts';
import type { CheckOutcome, ModelRun, RunRecord } from '../records/run-record.ts';
import { latencyModeLabel, servedWarnings, serviceTierLabel } from '../summary/served.ts';
import { costCell, costTitle, runCostLine } from './cost-text.ts';
import { renderCacheMarkdown } from './render-cache.ts';
import { contextLine, reasoningNotes, toolNotes } from './summary-table.ts';

/**
 * The pull-request summary of a run, as markdown (for `$GITHUB_STEP_SUMMARY` or a comment), and the
 * GitHub Actions annotations of its failed checks. Pure renderers.
 */

const STATUS_WORD: Record<CheckOutcome['status'], string> = {
  pass: 'pass',
  fail: '**FAIL**',
  inconclusive: 'inconclusive',
};

function ms(value: number | undefined): string {
  return value === undefined ? '-' : formatMs(value);
}

function modelRow(model: ModelRun): string {
  const s = model.summary;
  const kinds = [
    ...Object.entries(s.errorsByKind).map(([kind, n]) => `${kind} ${n}`),
    ...(model.earlyStop
      ? [
          model.durationEnd === undefined
            ? `stopped early, ${model.earlyStop.skippedCalls} calls skipped`
            : 'stopped early, before its deadline',
        ]
      : []),
  ].join(', ');
  return `| ${[
    markdownCell(model.modelId),
    model.api,
    latencyModeLabel(model),
    serviceTierLabel(model),
    `${s.ok} / ${s.calls}`,
    ms(s.latencyMs?.p50),
    ms(s.latencyMs?.p90),
    ms(s.latencyMs?.mean),
    ms(s.ttftMs?.p90),
    s.clientWorkMs === undefined
      ? '-'
      : `${s.clientWorkMs.p50.toFixed(1)} / ${s.clientWorkMs.p99.toFixed(1)} ms`,
    s.calls === 0 ? '-' : formatRate(s.errorRate),
    markdownCell(kinds || '-'),
    model.goodput === undefined
      ? '-'
      : `${formatRate(model.goodput.share)} (${markdownCell(formatSlo(model.goodput.slo))} ms)`,
    costCell(s.cost, 'perCallUsd'),
    costCell(s.cost, 'totalUsd'),
  ].join(' | ')} |`;
}

export function renderRunMarkdown(run: RunRecord): string {
  const checks = run.models.flatMap((model) => model.checks.map((check) => ({ model, check })));
  const failed = checks.filter(({ check }) => check.status === 'fail').length;
  const inconclusive = checks.filter(({ check }) => check.status === 'inconclusive').length;
  const title =
    checks.length === 0
      ? 'Latency benchmark'
      : failed > 0
        ? `Latency benchmark: ${failed} check(s) failed`
        : inconclusive > 0
          ? `Latency benchmark: no check failed, ${inconclusive} inconclusive`
          : 'Latency benchmark: all checks held';
  const lines = [
    `### ${title}`,
    '',
    markdownCell(contextLine(run.context)),
    ...[...(run.context.client?.warnings ?? []), ...servedWarnings(run)].map(
      (warning) => `\n> **Warning**: ${markdownCell(warning)}`,
    ),
    '',
    `| model | api | mode | tier | ok / calls | P50 | P90 | mean | TTFT P90 | client P50 / P99 | error rate | errors | goodput | ${costTitle(run, 'cost/call')} | ${costTitle(run, 'cost')} |`,
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...run.models.map(modelRow),
  ];
  const cache = renderCacheMarkdown(run);
  if (cache.length > 0) lines.push('', ...cache);
  const cost = runCostLine(run);
  if (cost !== undefined) lines.push('', markdownCell(cost));
  // Extended thinking and tool use, as the console prints them under each model.
  const features = run.models.flatMap((model) =>
    [...reasoningNotes(model), ...toolNotes(model)].map(
      (note) => `- ${markdownCell(model.key)}: ${markdownCell(note.trim())}`,
    ),
  );
  if (features.length > 0) lines.push('', ...features);
  if (checks.length > 0) {
    lines.push('', '| model | check | result | detail |', '| --- | --- | --- | --- |');
    for (const { model, check } of checks) {
      lines.push(
        `| ${markdownCell(model.key)} | ${markdownCell(check.name)} | ${STATUS_WORD[check.status]} | ${markdownCell(check.line)} |`,
      );
    }
  }
  if (run.verdict !== undefined && checks.length > 0)
    lines.push('', `**${markdownCell(runVerdictLine(run.verdict))}**`);
  return `${lines.join('\n')}\n`;
}

/** GitHub's workflow-command escaping for annotation text. */
function escapeCommand(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** `::error title=...::line` per failed check, `::warning` per inconclusive one. */
export function renderAnnotations(run: RunRecord): string[] {
  return run.models.flatMap((model) =>
    model.checks
      .filter((check) => check.status !== 'pass')
      .map((check) => {
        const level = check.status === 'fail' ? 'error' : 'warning';
        const title = escapeCommand(`${model.modelId} ${model.api}: ${check.name}`).replace(/[,:]/g, (c) =>
          c === ',' ? '%2C' : '%3A',
        );
        return `::${level} title=${title}::${escapeCommand(check.line)}`;
      }),
  );
}

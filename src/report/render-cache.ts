import { markdownCell } from '../format/markdown.ts';
import { formatSeconds } from '../format/numbers.ts';
import { CACHE_CLASSES } from '../records/metrics.ts';
import type { ModelRun, RunRecord } from '../records/run-record.ts';

/**
 * The prompt cache table: per model (and API) that used prompt caching or a nonce, or whose calls
 * reported cache usage, one row per cache class (write, read, none; records/metrics.ts) with its calls,
 * latency P50 / P90 and (streamed) TTFT P50 / P90 in seconds, and the mean cache tokens read and
 * written. Shared by the console summary and the log (text) and the markdown summary. Pure.
 */

type CacheModel = Pick<ModelRun, 'modelId' | 'api' | 'summary'> & {
  options: { promptCache?: string; cacheBust?: boolean };
};

/** The prompt cache setting as asked: `off`, `on`, `5m` or `1h`, with `+ nonce` under cacheBust. */
export function promptCacheLabel(model: Pick<CacheModel, 'options'>): string {
  const cache = model.options.promptCache ?? 'off';
  return model.options.cacheBust === true ? `${cache} + nonce` : cache;
}

const HEADER = [
  'model',
  'api',
  'prompt cache',
  'class',
  'calls',
  'P50 s',
  'P90 s',
  'TTFT P50 s',
  'TTFT P90 s',
  'read tok',
  'write tok',
];
const TEXT_COLUMNS = 4;

const shown = (model: CacheModel): boolean =>
  model.summary.byCacheClass !== undefined ||
  (model.options.promptCache ?? 'off') !== 'off' ||
  model.options.cacheBust === true;

function rows(run: Pick<RunRecord, 'models'>): string[][] {
  return run.models.filter(shown).flatMap((model) => {
    const label = [model.modelId, model.api, promptCacheLabel(model)];
    const figures = model.summary.byCacheClass;
    if (figures === undefined) return [[...label, '-', '0', '-', '-', '-', '-', '-', '-']];
    return CACHE_CLASSES.flatMap((cls) => {
      const f = figures[cls];
      if (f === undefined) return [];
      return [
        [
          ...label,
          cls,
          String(f.calls),
          formatSeconds(f.latencyMs.p50),
          formatSeconds(f.latencyMs.p90),
          formatSeconds(f.ttftMs?.p50),
          formatSeconds(f.ttftMs?.p90),
          f.cacheReadTokensMean.toFixed(1),
          f.cacheWriteTokensMean.toFixed(1),
        ],
      ];
    });
  });
}

const TITLE =
  'prompt cache: latency and TTFT per cache class (write: cacheWriteInputTokens > 0, read: cacheReadInputTokens > 0, none: neither)';

/** Text lines for the console and the log; none when no model used or reported prompt caching. */
export function renderCacheTable(run: Pick<RunRecord, 'models'>): string[] {
  const body = rows(run);
  if (body.length === 0) return [];
  const widths = HEADER.map((title, i) => Math.max(title.length, ...body.map((r) => r[i]?.length ?? 0)));
  const format = (cells: readonly string[]): string =>
    cells
      .map((text, i) => (i < TEXT_COLUMNS ? text.padEnd(widths[i] ?? 0) : text.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [TITLE, `  ${format(HEADER)}`, ...body.map((r) => `  ${format(r)}`)];
}

/** The same table in markdown; none when no model used or reported prompt caching. */
export function renderCacheMarkdown(run: Pick<RunRecord, 'models'>): string[] {
  const body = rows(run);
  if (body.length === 0) return [];
  return [
    `**${TITLE}**`,
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${HEADER.map(() => '---').join(' | ')} |`,
    ...body.map((r) => `| ${r.map(markdownCell).join(' | ')} |`),
  ];
}

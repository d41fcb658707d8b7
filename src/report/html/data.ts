import type { SweepTable } from '../../records/load.ts';
import { okMeasuredCalls, outputTokensPerSecond } from '../../records/metrics.ts';
import type { ModelRun, RunContext, RunRecord, RunVerdict } from '../../records/run-record.ts';
import type { ModelSummary } from '../../records/summary.ts';
import { latencyModeLabel, serviceTierLabel } from '../../summary/served.ts';
import { promptCacheLabel } from '../render-cache.ts';
import { evenSample } from './stats.ts';

/**
 * What the report draws, derived once from the run records: the models (union over runs, in order of
 * first appearance, matched by `key`) and, per run and model, the ok measured calls' figures.
 */

export interface ReportRun {
  /** e.g. `run 1: main@1a2b3c4 2026-11-20 10:04`: unique, used as the series label in comparisons. */
  label: string;
  context: RunContext;
  /** The run's latency-versus-throughput tables, one per swept model; empty without a sweep. */
  sweeps: SweepTable[];
  /** The run's one verdict over its checks, when the run record has it. */
  verdict?: RunVerdict;
}

export interface ReportModel {
  key: string;
  /** Model id, plus the API and latency mode when they are not the defaults, and the sweep level. */
  label: string;
  /** The Bedrock model id alone: several series (APIs, modes, levels) can share it. */
  modelId: string;
}

/** One model in one run. Figures are over ok measured calls only, in completion order. */
export interface ReportCell {
  model: ModelRun;
  summary: ModelSummary;
  latencyMs: number[];
  /** [input tokens, latency ms] per ok measured call, at most MAX_CHART_POINTS of them (evenSample). */
  latencyByInput: Array<[number, number]>;
  /** Streamed calls only. */
  ttftMs: number[];
  /** Streamed calls with at least 2 output tokens: (outputTokens - 1) / (latency - TTFT), tokens/s. */
  outputTokensPerSecond: number[];
}

export interface ReportData {
  runs: ReportRun[];
  models: ReportModel[];
  /** cells[run][model]; undefined when that run did not benchmark that model. */
  cells: Array<Array<ReportCell | undefined>>;
  /** True when any ok measured call reported a TTFT. */
  streamed: boolean;
}

export function runLabel(context: RunContext, index: number): string {
  const branch = context.git.branch ?? 'no branch';
  const commit = context.git.commit === undefined ? 'no commit' : context.git.commit.slice(0, 7);
  const dirty = context.git.dirty === true ? '+dirty' : '';
  const when = context.startedAt.slice(0, 16).replace('T', ' ');
  return `run ${index + 1}: ${branch}@${commit}${dirty} ${when}`;
}

export function modelLabel(
  model: Pick<ModelRun, 'modelId' | 'api' | 'latencyMode' | 'summary'> &
    Partial<Pick<ModelRun, 'sweepLevel'>> & {
      options?: { serviceTier?: string; promptCache?: string; cacheBust?: boolean };
    },
): string {
  const api = model.api === 'converse-stream' ? ' (stream)' : '';
  const served = latencyModeLabel(model);
  const tier = serviceTierLabel(model);
  const mode = `${served === 'standard' ? '' : ` [${served}]`}${tier === 'default' ? '' : ` [tier ${tier}]`}`;
  const cache = model.options === undefined ? 'off' : promptCacheLabel({ options: model.options });
  const cached = cache === 'off' ? '' : ` [cache ${cache}]`;
  const level = model.sweepLevel === undefined ? '' : ` @ ${model.sweepLevel.label}`;
  return `${model.modelId}${api}${mode}${cached}${level}`;
}

function cellOf(model: ModelRun): ReportCell {
  const ok = okMeasuredCalls(model.calls);
  const streamed = ok.filter((c) => c.ttftMs !== undefined);
  return {
    model,
    summary: model.summary,
    latencyMs: ok.map((c) => c.latencyMs),
    latencyByInput: evenSample(ok).map((c) => [c.inputTokens, c.latencyMs]),
    ttftMs: streamed.map((c) => c.ttftMs ?? 0),
    outputTokensPerSecond: streamed.flatMap((c) => outputTokensPerSecond(c) ?? []),
  };
}

export function buildReportData(records: RunRecord[]): ReportData {
  const models: ReportModel[] = [];
  const index = new Map<string, number>();
  for (const record of records) {
    for (const m of record.models) {
      if (!index.has(m.key)) {
        index.set(m.key, models.length);
        models.push({ key: m.key, label: modelLabel(m), modelId: m.modelId });
      }
    }
  }
  const cells = records.map((record) => {
    const row: Array<ReportCell | undefined> = models.map(() => undefined);
    for (const m of record.models) row[index.get(m.key) ?? 0] = cellOf(m);
    return row;
  });
  return {
    runs: records.map((r, i) => ({
      label: runLabel(r.context, i),
      context: r.context,
      sweeps: r.sweeps ?? [],
    })),
    models,
    cells,
    streamed: cells.some((row) => row.some((c) => c !== undefined && c.ttftMs.length > 0)),
  };
}

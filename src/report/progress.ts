import { durationMs, runsUntilDeadline } from '../config/duration.ts';
import { formatSeconds } from '../format/numbers.ts';
import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import { quantiles } from '../stats/quantile.ts';

/**
 * A run's progress, per model and API (and sweep level), built from the journal's lines as they are
 * appended: calls done of planned, ok and failed, elapsed, an ETA and the running P50 / P90 of the
 * latency of ok measured calls. For the eye only: times are wall clock (the records' `timestamp`).
 */
export interface ModelProgress {
  key: string;
  /** `model api` (and the sweep level), as the summary names it. */
  label: string;
  planned: number;
  /**
   * A closed-loop duration run (its count not planned): how long its measured calls go, ms of real
   * time; `planned` is then its warmup alone.
   */
  durationMs?: number;
  /** Such a run recorded its end (its journal's `duration-end` line). */
  ended?: boolean;
  /** Wall-clock ms of the first measured call's start (a duration run's ETA counts from it). */
  measureStartedAtMs?: number;
  done: number;
  ok: number;
  failed: number;
  /** Latency of ok measured calls so far, ms. */
  latenciesMs: number[];
  /** Wall-clock ms of the first call's start. */
  startedAtMs?: number;
}

export class ProgressBoard {
  readonly #models = new Map<string, ModelProgress>();
  /** The key whose call arrived last. */
  #latest: string | undefined;

  addModel(model: ModelRunInfo): void {
    if (this.#models.has(model.key)) return;
    const level = model.sweepLevel ? ` ${model.sweepLevel.label}` : '';
    this.#models.set(model.key, {
      key: model.key,
      label: `${model.modelId} ${model.api}${level}`,
      planned: model.scheduledCalls,
      ...(runsUntilDeadline(model.options) ? { durationMs: durationMs(model.options) } : {}),
      done: 0,
      ok: 0,
      failed: 0,
      latenciesMs: [],
    });
  }

  addCall(key: string, record: CallRecord): void {
    const model = this.#models.get(key);
    if (model === undefined) return;
    model.done++;
    model.startedAtMs ??= Date.parse(record.timestamp);
    if (record.phase === 'measure') model.measureStartedAtMs ??= Date.parse(record.timestamp);
    if (record.status === 'ok') {
      model.ok++;
      if (record.phase === 'measure') model.latenciesMs.push(record.latencyMs);
    } else model.failed++;
    this.#latest = key;
  }

  /** A closed-loop duration run recorded its end. */
  endModel(key: string): void {
    const model = this.#models.get(key);
    if (model !== undefined) model.ended = true;
  }

  /** The model whose call arrived last. */
  latest(): ModelProgress | undefined {
    return this.#latest === undefined ? undefined : this.#models.get(this.#latest);
  }

  models(): ModelProgress[] {
    return [...this.#models.values()];
  }
}

const seconds = (ms: number): string =>
  ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1000)).padStart(2, '0')}s`
    : `${(ms / 1000).toFixed(1)}s`;

/** Whether the model has made every call: all it planned, or (a duration run) it recorded its end. */
export function progressDone(model: ModelProgress): boolean {
  return model.durationMs === undefined
    ? model.planned > 0 && model.done >= model.planned
    : model.ended === true;
}

/** A duration run's ETA: what is left of its duration since its first measured call. */
function durationEta(model: ModelProgress & { durationMs: number }, nowMs: number): string {
  if (model.ended) return 'done';
  if (model.measureStartedAtMs === undefined) return '-';
  return seconds(Math.max(0, model.durationMs - (nowMs - model.measureStartedAtMs)));
}

/**
 * One line: `amazon.nova-micro-v1:0 converse 7/11 calls, ok 7, failed 0, elapsed 9.8s, ETA 5.6s,
 * P50 0.851 s, P90 1.138 s`. The ETA is the pace so far times the calls left; for a closed-loop
 * duration run (`7 calls`, no count planned) what is left of its duration. Pure.
 */
export function renderProgress(model: ModelProgress, nowMs: number): string {
  const elapsed = model.startedAtMs === undefined ? 0 : Math.max(0, nowMs - model.startedAtMs);
  const left = Math.max(0, model.planned - model.done);
  const { durationMs } = model;
  const eta =
    durationMs !== undefined
      ? durationEta({ ...model, durationMs }, nowMs)
      : model.done === 0
        ? '-'
        : left === 0
          ? 'done'
          : seconds((elapsed / model.done) * left);
  const [p50, p90] = model.latenciesMs.length === 0 ? [] : quantiles(model.latenciesMs, [0.5, 0.9]);
  const calls = durationMs === undefined ? `${model.done}/${model.planned}` : `${model.done}`;
  return (
    `${model.label} ${calls} calls, ok ${model.ok}, failed ${model.failed}, ` +
    `elapsed ${seconds(elapsed)}, ETA ${eta}, P50 ${formatSeconds(p50)} s, P90 ${formatSeconds(p90)} s`
  );
}

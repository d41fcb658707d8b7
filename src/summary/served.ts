import type { CallRecord, OkCall } from '../records/call-record.ts';
import { okMeasuredCalls } from '../records/metrics.ts';
import type { ModelRun, RunRecord } from '../records/run-record.ts';

/** What a model asked for and what the service says it served, per setting (latency mode, ...). */
type Served = Pick<ModelRun, 'modelId' | 'api' | 'latencyMode' | 'summary'>;

/** Ok measured calls counted by the value `pick` reads off each; calls that report none are left out. */
export function countServed(
  records: readonly CallRecord[],
  pick: (record: OkCall) => string | undefined,
): Record<string, number> | undefined {
  const counts: Record<string, number> = {};
  let any = false;
  for (const record of okMeasuredCalls(records)) {
    const value = pick(record);
    if (value === undefined) continue;
    counts[value] = (counts[value] ?? 0) + 1;
    any = true;
  }
  return any ? counts : undefined;
}

/** The one value served on every reporting call, `mixed` when calls differ, undefined when none said. */
export function servedValue(counts: Record<string, number> | undefined): string | undefined {
  const values = Object.keys(counts ?? {});
  if (values.length === 0) return undefined;
  return values.length === 1 ? values[0] : 'mixed';
}

/**
 * The latency mode a model's outputs are labelled by: the mode served. When the service served another
 * mode than the one requested, the label says both (`standard (asked optimized)`); when no call reported
 * a mode, an `optimized` request is unconfirmed (`standard`, the service default, needs no confirming).
 */
export function latencyModeLabel(model: Served): string {
  const served = servedValue(model.summary.latencyModeServed);
  if (served === undefined) return model.latencyMode === 'optimized' ? 'optimized (unconfirmed)' : 'standard';
  return served === model.latencyMode ? served : `${served} (asked ${model.latencyMode})`;
}

/** A warning when any reporting call was served another latency mode than the one requested. */
export function latencyModeWarning(model: Served): string | undefined {
  const counts = model.summary.latencyModeServed;
  if (counts === undefined) return undefined;
  const reported = Object.values(counts).reduce((a, b) => a + b, 0);
  const matched = counts[model.latencyMode] ?? 0;
  if (matched === reported) return undefined;
  const other = Object.entries(counts)
    .filter(([mode]) => mode !== model.latencyMode)
    .map(([mode, n]) => `${mode} on ${n} of ${reported} calls`)
    .join(', ');
  return `${model.modelId} ${model.api}: latency mode ${model.latencyMode} requested, served ${other}`;
}

/** Every model's served-setting warnings, in model order: shown under the summary, in the log and report. */
export function servedWarnings(run: Pick<RunRecord, 'models'>): string[] {
  return run.models.flatMap((model) => latencyModeWarning(model) ?? []);
}

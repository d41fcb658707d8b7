import type { CallRecord, OkCall } from '../records/call-record.ts';
import { okMeasuredCalls } from '../records/metrics.ts';
import type { ModelRun, RunRecord } from '../records/run-record.ts';
import type { ModelSummary } from '../records/summary.ts';

/**
 * Settings the service may not honour, each recorded as requested and as served: the latency mode
 * (`performanceConfig.latency`) and the service tier (`serviceTier.type`).
 */
type Served = Pick<ModelRun, 'modelId' | 'api' | 'latencyMode' | 'summary'> & {
  /** Absent in tests and run records from before service tiers: the tier is then `default`. */
  options?: { serviceTier?: string };
};

interface ServedSetting {
  name: string;
  requested: (model: Served) => string;
  served: (summary: ModelSummary) => Record<string, number> | undefined;
  /** The service's default: a request for it needs no confirming. */
  fallback: string;
}

const LATENCY_MODE: ServedSetting = {
  name: 'latency mode',
  requested: (model) => model.latencyMode,
  served: (summary) => summary.latencyModeServed,
  fallback: 'standard',
};

const SERVICE_TIER: ServedSetting = {
  name: 'service tier',
  requested: (model) => model.options?.serviceTier ?? 'default',
  served: (summary) => summary.serviceTierServed,
  fallback: 'default',
};

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
 * What outputs are labelled by: the value served. When the service served another value than the one
 * requested, the label says both (`standard (asked optimized)`); when no call reported one, a request
 * other than the service's default is unconfirmed (`optimized (unconfirmed)`).
 */
function label(setting: ServedSetting, model: Served): string {
  const requested = setting.requested(model);
  const served = servedValue(setting.served(model.summary));
  if (served === undefined) return requested === setting.fallback ? requested : `${requested} (unconfirmed)`;
  return served === requested ? served : `${served} (asked ${requested})`;
}

/** A warning when any reporting call was served another value than the one requested. */
function warning(setting: ServedSetting, model: Served): string | undefined {
  const counts = setting.served(model.summary);
  if (counts === undefined) return undefined;
  const requested = setting.requested(model);
  const reported = Object.values(counts).reduce((a, b) => a + b, 0);
  if ((counts[requested] ?? 0) === reported) return undefined;
  const other = Object.entries(counts)
    .filter(([value]) => value !== requested)
    .map(([value, n]) => `${value} on ${n} of ${reported} calls`)
    .join(', ');
  return `${model.modelId} ${model.api}: ${setting.name} ${requested} requested, served ${other}`;
}

export const latencyModeLabel = (model: Served): string => label(LATENCY_MODE, model);
export const latencyModeWarning = (model: Served): string | undefined => warning(LATENCY_MODE, model);
export const serviceTierLabel = (model: Served): string => label(SERVICE_TIER, model);
export const serviceTierWarning = (model: Served): string | undefined => warning(SERVICE_TIER, model);

/** Every model's served-setting warnings, in model order: shown above the summary, in the log and report. */
export function servedWarnings(run: Pick<RunRecord, 'models'>): string[] {
  return run.models.flatMap((model) => [LATENCY_MODE, SERVICE_TIER].flatMap((s) => warning(s, model) ?? []));
}

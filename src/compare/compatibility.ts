import { CACHE_CLASSES } from '../records/metrics.ts';
import type { ModelRun, RunRecord } from '../records/run-record.ts';

/**
 * Why two runs may not measure the same thing. Latency depends on the documents, the prompts, the
 * output length allowed, where the calls went (target, region), the emulator's time scale, the
 * transport, the load (concurrency, load shape, in-flight cap), the APIs, the latency modes, the
 * service tiers (requested, and served per model), prompt caching (the setting and nonce asked, and
 * the cache classes each model's calls fell in), the reasoning budgets and the tool configurations: a
 * difference in any of them is a different experiment, not a regression.
 */
export function incompatibilities(baseline: RunRecord, candidate: RunRecord): string[] {
  const problems: string[] = [];
  const a = baseline.context;
  const b = candidate.context;
  const differ = (what: string, x: unknown, y: unknown): void => {
    if (JSON.stringify(x) !== JSON.stringify(y)) problems.push(`${what} differs: ${show(x)} vs ${show(y)}`);
  };
  differ('dataset', a.fingerprints.dataset, b.fingerprints.dataset);
  differ('target', a.target, b.target);
  differ('transport', a.transport, b.transport);
  differ('time scale', a.timeScale, b.timeScale);
  for (const model of candidate.models) {
    const base = baseline.models.find((m) => m.key === model.key);
    if (base === undefined) continue;
    differ(`${model.key} prompt`, promptOf(baseline, base), promptOf(candidate, model));
    differ(`${model.key} maxTokens`, base.options.maxTokens, model.options.maxTokens);
    differ(`${model.key} region`, base.region, model.region);
    differ(`${model.key} concurrency`, base.options.numParallelCalls, model.options.numParallelCalls);
    differ(`${model.key} load shape`, base.options.load, model.options.load);
    differ(`${model.key} in-flight cap`, base.options.maxInFlight, model.options.maxInFlight);
    differ(`${model.key} service tier served`, tiersServed(base), tiersServed(model));
    differ(`${model.key} cache classes`, cacheClasses(base), cacheClasses(model));
  }
  // The APIs and latency modes are part of a model's key: runs whose sets differ measured other things.
  differ('api', apis(baseline), apis(candidate));
  differ('latency mode', modes(baseline), modes(candidate));
  differ('service tier', tiers(baseline), tiers(candidate));
  differ('prompt cache', caches(baseline), caches(candidate));
  differ('reasoning budget', budgets(baseline), budgets(candidate));
  differ('tool configuration', toolConfigs(baseline), toolConfigs(candidate));
  return problems;
}

/** The distinct values of `f` over a run's models, sorted and joined: what two runs must share. */
const distinct = (run: RunRecord, f: (model: ModelRun) => string): string =>
  [...new Set(run.models.map(f))].sort().join('+');
const apis = (run: RunRecord): string => distinct(run, (m) => m.api);
const modes = (run: RunRecord): string => distinct(run, (m) => m.latencyMode);
/** Run records from before service tiers requested the default one. */
const tiers = (run: RunRecord): string => distinct(run, (m) => m.options.serviceTier ?? 'default');
/** Run records from before prompt caching asked for none. */
const caches = (run: RunRecord): string =>
  distinct(run, (m) => `${m.options.promptCache ?? 'off'}${m.options.cacheBust ? '+nonce' : ''}`);
/** The cache classes a model's calls fell in, from its summary ('' when none reported cache usage). */
const cacheClasses = (model: ModelRun): string =>
  CACHE_CLASSES.filter((cls) => model.summary.byCacheClass?.[cls] !== undefined).join('+');
/** Run records from before extended thinking had it off. */
const budgets = (run: RunRecord): string => distinct(run, (m) => String(m.options.reasoningBudget ?? 'off'));
/** Each model's tool configuration by fingerprint (`none` without). */
const toolConfigs = (run: RunRecord): string => distinct(run, (m) => m.toolConfigFingerprint ?? 'none');
/** The tiers a model's calls were served, as the service reported them ('' when it never said). */
const tiersServed = (model: ModelRun): string =>
  Object.keys(model.summary.serviceTierServed ?? {})
    .sort()
    .join('+');

function promptOf(run: RunRecord, model: ModelRun): string | undefined {
  return run.context.fingerprints.prompts[model.modelId];
}

/** Fingerprints are long: their first 16 characters tell two apart. */
function show(value: unknown): string {
  if (value === undefined) return 'unset';
  return typeof value === 'object' ? JSON.stringify(value) : String(value).slice(0, 16);
}

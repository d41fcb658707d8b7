import type { SweepLevel } from '../records/load.ts';
import type { ResolvedOptions } from '../records/options.ts';

/** The levels of `options.sweep`, in order; none without a sweep. */
export function sweepLevels(options: ResolvedOptions): SweepLevel[] {
  const sweep = options.sweep;
  if (sweep === undefined) return [];
  return sweep.levels.map((level) => ({ kind: sweep.kind, level, label: `${sweep.kind}=${level}` }));
}

/**
 * The options one level runs with: a closed loop with `numParallelCalls` at the level for a concurrency
 * level; an open-loop load at the level's rate for a rate level (arrival and seed kept from an open
 * `load`, else constant arrivals). The sweep itself is kept, so the run record says which sweep a
 * level belonged to.
 */
export function optionsAtLevel(options: ResolvedOptions, level: SweepLevel): ResolvedOptions {
  if (level.kind === 'concurrency')
    return { ...options, numParallelCalls: level.level, load: { kind: 'closed' } };
  const load = options.load;
  const arrival = load.kind === 'open' ? load.arrival : 'constant';
  const seed = load.kind === 'open' ? load.seed : 1;
  return { ...options, load: { kind: 'open', rate: level.level, arrival, seed } };
}

/**
 * `${modelId}|${api}|${latencyMode}`, with `|${tier}` for a service tier other than `default`,
 * `|${cache}` for prompt caching (cacheKeyPart), `|reasoning=${budget}` when extended thinking is on,
 * `|tools=${fingerprint}` with a tool configuration, and `|${label}` for a sweep level: unique within a
 * run, and what a baseline is matched by (so a different tier, cache, budget or tool configuration is
 * never compared).
 */
/** The settings besides the model, API and latency mode that make a model run apart; absent: off. */
export interface KeyParts {
  serviceTier?: string;
  /** cacheKeyPart's text ('' when off). */
  cache?: string;
  reasoningBudget?: string | number;
  /** The tool configuration's fingerprint. */
  tools?: string;
}

export function modelKey(
  modelId: string,
  api: string,
  latencyMode: string,
  level?: SweepLevel,
  { serviceTier = 'default', cache = '', reasoningBudget = 'off', tools }: KeyParts = {},
): string {
  const parts = [
    serviceTier === 'default' ? '' : `|${serviceTier}`,
    cache === '' ? '' : `|${cache}`,
    reasoningBudget === 'off' ? '' : `|reasoning=${reasoningBudget}`,
    tools === undefined ? '' : `|tools=${tools}`,
  ];
  const key = `${modelId}|${api}|${latencyMode}${parts.join('')}`;
  return level === undefined ? key : `${key}|${level.label}`;
}

/** The key's prompt-cache part: `cache-5m`, `cache-on+bust`, `bust`; '' when off without a nonce. */
export function cacheKeyPart(promptCache: string, cacheBust: boolean): string {
  const cache = promptCache === 'off' ? '' : `cache-${promptCache}`;
  if (!cacheBust) return cache;
  return cache === '' ? 'bust' : `${cache}+bust`;
}

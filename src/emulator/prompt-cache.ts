import { createHash } from 'node:crypto';
import { nowMs } from './clock.ts';
import type { CacheTtl, ConverseInput } from './converse-request.ts';
import { countTokens } from './tokenizer.ts';

/**
 * The emulator's prompt cache, after Bedrock's (user guide, "Prompt caching for faster model
 * inference"): one cache per model id (as requested) and prefix, a prefix being everything before a
 * `cachePoint` block (the system prompt's, then the messages'). A prefix not in the cache is written
 * (the first call after the emulator starts is a write); a later call with the same prefix within its
 * TTL reads it, and a read resets the TTL, as Bedrock's does. TTLs: 5 minutes (a cache point without
 * `ttl`, or `5m`) or 1 hour (`1h`), on the emulator's clock and at its time scale (0.01: a 5-minute
 * entry lives 3 s). A prefix is readable once its writer's prefill is done (its time to first token):
 * calls that arrive together all write. Not modelled: a model's minimum tokens per cache point (a
 * shorter prefix is cached here, while Bedrock would not cache it) and which models support caching or
 * the 1-hour TTL (every model does here).
 */

/**
 * ILLUSTRATIVE: the share of an uncached input token's prefill time (a profile's `perInputTokenMs`) that
 * a token read from the cache still costs in time to first token. AWS says prompt caching can "reduce
 * latency by up to 85%" for long cached prompts (announcement of prompt caching in Amazon Bedrock, and
 * the user guide); a tenth leaves a long prompt's TTFT at about 15-20% of the uncached one. Writing a
 * prefix costs as much as not caching it.
 */
export const CACHE_READ_PREFILL_FACTOR = 0.1;

export const CACHE_TTL_MS: Readonly<Record<CacheTtl, number>> = { '5m': 5 * 60_000, '1h': 60 * 60_000 };

/** What one request read from and wrote to the cache, as its usage reports it. */
export interface CacheUse {
  /** `cacheReadInputTokens`: the longest cached prefix. */
  readTokens: number;
  /** `cacheWriteInputTokens`: from there to the last cache point. */
  writeTokens: number;
  /** `cacheDetails`: the tokens written per TTL, 1h before 5m, as Bedrock sorts them; empty without writes. */
  details: { ttl: CacheTtl; inputTokens: number }[];
}

/** A lookup's result; `commit` stores the request's prefixes once its plan is known. */
export interface CacheLookup {
  use: CacheUse;
  /** Writes new prefixes and refreshes read ones; a written prefix is readable `prefillMs` after the lookup. */
  commit(prefillMs: number): void;
}

export interface PromptCacheOptions {
  /** The emulator's time scale: TTLs are multiplied by it. @default 1 */
  timeScale?: number;
  /** Monotonic ms; tests inject a fake one. @default the emulator's clock (clock.ts) */
  now?: () => number;
  /** Entries kept at most (the oldest written is dropped first). @default 10_000 */
  maxEntries?: number;
}

export interface PromptCache {
  /** Undefined for a request without cache points (its usage then reports no cache fields). */
  lookup(modelId: string, input: ConverseInput): CacheLookup | undefined;
  /** Entries held, expired ones included until looked up again. */
  size(): number;
}

interface Entry {
  readyAtMs: number;
  expiresAtMs: number;
}

interface Point {
  key: string;
  /** Input tokens of the whole prefix up to this cache point. */
  tokens: number;
  ttl: CacheTtl;
}

/** Each cache point's prefix (hashed with the model id), its token count and TTL, in request order. */
function pointsOf(modelId: string, input: ConverseInput): Point[] {
  const points: Point[] = [];
  for (const point of input.cachePoints) {
    const texts =
      point.section === 'system'
        ? input.system.slice(0, point.after)
        : [
            ...input.system,
            ...input.messages.slice(0, point.section).flatMap((m) => m.texts),
            ...(input.messages[point.section]?.texts.slice(0, point.after) ?? []),
          ];
    const tokens = texts.reduce((sum, text) => sum + countTokens(text), 0);
    // A cache point before any content marks no prefix.
    if (tokens === 0) continue;
    const roles =
      point.section === 'system' ? [] : input.messages.slice(0, point.section + 1).map((m) => m.role);
    const key = createHash('sha256')
      .update(JSON.stringify([modelId, point.section === 'system' ? 'system' : 'messages', roles, texts]))
      .digest('hex');
    points.push({ key, tokens, ttl: point.ttl });
  }
  return points;
}

export function createPromptCache(options: PromptCacheOptions = {}): PromptCache {
  const timeScale = options.timeScale ?? 1;
  const now = options.now ?? nowMs;
  const maxEntries = options.maxEntries ?? 10_000;
  const entries = new Map<string, Entry>();

  const live = (key: string, at: number): Entry | undefined => {
    const entry = entries.get(key);
    if (entry !== undefined && entry.expiresAtMs <= at) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  };

  return {
    size: () => entries.size,
    lookup(modelId, input) {
      if (input.cachePoints.length === 0) return undefined;
      const at = now();
      const points = pointsOf(modelId, input);
      let hit = -1;
      points.forEach((point, i) => {
        const entry = live(point.key, at);
        if (entry !== undefined && entry.readyAtMs <= at) hit = i;
      });
      const readTokens = hit < 0 ? 0 : (points[hit] as Point).tokens;
      const written: Record<CacheTtl, number> = { '1h': 0, '5m': 0 };
      let before = readTokens;
      for (const point of points.slice(hit + 1)) {
        if (point.tokens <= before) continue;
        written[point.ttl] += point.tokens - before;
        before = point.tokens;
      }
      const details = (['1h', '5m'] as const)
        .filter((ttl) => written[ttl] > 0)
        .map((ttl) => ({ ttl, inputTokens: written[ttl] }));
      return {
        use: { readTokens, writeTokens: written['1h'] + written['5m'], details },
        commit(prefillMs) {
          points.forEach((point, i) => {
            const expiresAtMs = at + CACHE_TTL_MS[point.ttl] * timeScale;
            const entry = live(point.key, at);
            if (i <= hit && entry !== undefined) {
              entry.expiresAtMs = Math.max(entry.expiresAtMs, expiresAtMs);
              return;
            }
            const readyAtMs = Math.min(entry?.readyAtMs ?? Number.POSITIVE_INFINITY, at + prefillMs);
            if (entry === undefined && entries.size >= maxEntries) {
              entries.delete(entries.keys().next().value as string);
            }
            entries.set(point.key, {
              readyAtMs,
              expiresAtMs: Math.max(entry?.expiresAtMs ?? 0, expiresAtMs),
            });
          });
        },
      };
    },
  };
}

import { parseUserJson, readUserText, UserError } from '../errors.ts';
import type { LatencyMode, ServiceTier } from '../records/call-record.ts';
import { isJsonObject } from '../records/json-object.ts';
import type { ModelPricing, Price, PriceSource, TierMultiplier, TokenPrices } from '../records/prices.ts';
import { nearestName } from './errors.ts';

/**
 * The price table (data/prices.json): Bedrock's on-demand prices per model and region, each with its
 * public source and the day it was read, user-editable, validated here with one line per mistake:
 *
 *   { "currency": "USD",
 *     "serviceTiers": { "flex": { "multiplier": null, "source": "...", "read": "2026-12-01", "verified": false } },
 *     "models": { "amazon.nova-micro-v1:0": { "us-east-1": { "standard": {
 *       "input": 0.000035, "output": 0.00014, "cacheRead": 0.00000875, "cacheWrite": null,
 *       "source": "...", "read": "2026-12-01", "verified": false } } } } }
 *
 * Prices are USD per 1,000 tokens; `null` is a price looked for and not found (the cost is then shown
 * as unknown). A model id is the base model's: cross-region profile ids (`us.`, `eu.`, ...) and
 * foundation-model ARNs are priced as their base model, at the region the call is made in (AWS:
 * cross-region inference is billed at the source region's price).
 */
export interface PriceTable {
  file: string;
  tiers: Partial<Record<ServiceTier, TierMultiplier>>;
  models: Record<string, Record<string, Partial<Record<LatencyMode, TokenPrices>>>>;
}

export class PriceTableError extends UserError {
  override name = 'PriceTableError';
}

const TOP_KEYS = ['currency', 'serviceTiers', 'models'];
const TIER_KEYS: readonly ServiceTier[] = ['priority', 'flex', 'reserved'];
const MODES: readonly LatencyMode[] = ['standard', 'optimized'];
const PRICE_KEYS = ['input', 'output', 'cacheRead', 'cacheWrite'] as const;
const SOURCE_KEYS = ['source', 'read', 'verified'] as const;
const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Reads and validates a price table; `shown` is the path as the user wrote it. */
export function loadPriceTable(path: string, shown = path): PriceTable {
  const text = readUserText(path, (code) => {
    const why = code === 'ENOENT' ? 'no such price table' : `cannot read the price table (${code})`;
    return new PriceTableError(
      `${shown}: ${why}: fix pricesFile, or leave it unset for the package's own data/prices.json`,
    );
  });
  return parsePriceTable(text, shown);
}

export function parsePriceTable(text: string, file: string): PriceTable {
  const raw = parseUserJson(text, file, ': fix the syntax', (line) => new PriceTableError(line));
  if (!isJsonObject(raw))
    throw new PriceTableError(`${file}: expected an object with "currency", "serviceTiers" and "models"`);
  checkKeys(raw, TOP_KEYS, file, true);
  if (raw.currency !== 'USD') {
    throw new PriceTableError(
      `${file} > currency: ${JSON.stringify(raw.currency)}: write "USD" (Bedrock's prices are in US dollars)`,
    );
  }
  if (!isJsonObject(raw.models))
    throw new PriceTableError(`${file} > models: expected an object keyed by model id, then region`);
  const table: PriceTable = { file, tiers: {}, models: {} };
  const tiers = raw.serviceTiers ?? {};
  if (!isJsonObject(tiers))
    throw new PriceTableError(
      `${file} > serviceTiers: expected an object keyed by tier (${TIER_KEYS.join(', ')})`,
    );
  for (const [tier, value] of Object.entries(tiers)) {
    const where = `${file} > serviceTiers > ${tier}`;
    if (tier === 'default') {
      throw new PriceTableError(
        `${where}: the Standard tier is the on-demand price itself (x1): remove this entry`,
      );
    }
    if (!TIER_KEYS.includes(tier as ServiceTier)) {
      throw new PriceTableError(
        `${where}: unknown tier: did you mean "${nearestName(tier, TIER_KEYS)}"? (tiers: ${TIER_KEYS.join(', ')})`,
      );
    }
    if (!isJsonObject(value))
      throw new PriceTableError(
        `${where}: expected an object like { "multiplier": 0.5, "source": ..., "read": ..., "verified": false }`,
      );
    checkKeys(value, ['multiplier', ...SOURCE_KEYS], where, false);
    table.tiers[tier as ServiceTier] = {
      multiplier: price(value, 'multiplier', where, true),
      ...source(value, where),
    };
  }
  for (const [model, regions] of Object.entries(raw.models)) {
    const whereModel = `${file} > models > "${model}"`;
    if (model.trim() === '' || /\s/.test(model))
      throw new PriceTableError(`${whereModel}: not a model id: write a Bedrock model id without spaces`);
    if (!isJsonObject(regions))
      throw new PriceTableError(`${whereModel}: expected an object keyed by region, e.g. "us-east-1"`);
    const byRegion: PriceTable['models'][string] = {};
    for (const [region, modes] of Object.entries(regions)) {
      const whereRegion = `${whereModel} > ${region}`;
      if (!REGION.test(region))
        throw new PriceTableError(`${whereRegion}: not an AWS region: write one like "us-east-1"`);
      if (!isJsonObject(modes))
        throw new PriceTableError(
          `${whereRegion}: expected an object keyed by latency mode ("standard", "optimized")`,
        );
      const byMode: Partial<Record<LatencyMode, TokenPrices>> = {};
      for (const [mode, value] of Object.entries(modes)) {
        const where = `${whereRegion} > ${mode}`;
        if (!MODES.includes(mode as LatencyMode)) {
          throw new PriceTableError(
            `${where}: unknown latency mode: did you mean "${nearestName(mode, MODES)}"? (modes: standard, optimized)`,
          );
        }
        byMode[mode as LatencyMode] = tokenPrices(value, where);
      }
      byRegion[region] = byMode;
    }
    table.models[model] = byRegion;
  }
  return table;
}

function tokenPrices(value: unknown, where: string): TokenPrices {
  if (!isJsonObject(value)) {
    throw new PriceTableError(
      `${where}: expected an object like { "input": 0.00025, "output": 0.00125, "cacheRead": null, "cacheWrite": null, "source": ..., "read": ..., "verified": false }`,
    );
  }
  checkKeys(value, [...PRICE_KEYS, ...SOURCE_KEYS], where, false);
  const prices = { input: 0, output: 0, cacheRead: 0, cacheWrite: 0 } as Record<
    (typeof PRICE_KEYS)[number],
    Price
  >;
  for (const key of PRICE_KEYS) prices[key] = price(value, key, where, false);
  return { ...(prices as Pick<TokenPrices, (typeof PRICE_KEYS)[number]>), ...source(value, where) };
}

/** A price (>= 0) or multiplier (> 0), or null for unknown; the key must be there. */
function price(value: Record<string, unknown>, key: string, where: string, multiplier: boolean): Price {
  if (!(key in value)) {
    throw new PriceTableError(
      `${where}: missing "${key}": write the ${multiplier ? 'multiplier' : 'price in USD per 1,000 tokens'}, or null when it is not known`,
    );
  }
  const v = value[key];
  if (v === null) return null;
  const ok = typeof v === 'number' && Number.isFinite(v) && (multiplier ? v > 0 : v >= 0);
  if (!ok) {
    throw new PriceTableError(
      `${where} > ${key}: ${JSON.stringify(v)} must be ${multiplier ? 'a number > 0 (0.5 = half the Standard price)' : 'a number of US dollars per 1,000 tokens, >= 0'}, or null when it is not known`,
    );
  }
  return v;
}

function source(value: Record<string, unknown>, where: string): PriceSource {
  const { source: text, read, verified } = value;
  if (typeof text !== 'string' || text.trim() === '') {
    throw new PriceTableError(
      `${where} > source: say where the figures come from (a public page or document)`,
    );
  }
  if (typeof read !== 'string' || !DATE.test(read) || Number.isNaN(Date.parse(`${read}T00:00:00Z`))) {
    throw new PriceTableError(
      `${where} > read: ${JSON.stringify(read)}: write the date the source was read, as YYYY-MM-DD`,
    );
  }
  if (typeof verified !== 'boolean') {
    throw new PriceTableError(
      `${where} > verified: ${JSON.stringify(verified)}: write true only when checked against AWS's current pricing page, else false`,
    );
  }
  return { source: text, read, verified };
}

function checkKeys(
  value: Record<string, unknown>,
  known: readonly string[],
  where: string,
  comments: boolean,
): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key) || (comments && key.startsWith('$'))) continue;
    throw new PriceTableError(
      `${where}: unknown key "${key}": did you mean "${nearestName(key, known)}"? (keys: ${known.join(', ')})`,
    );
  }
}

/** Geography prefixes of cross-region inference profile ids (`us.amazon.nova-lite-v1:0`). */
const PROFILE_PREFIX = /^(?:us|us-gov|eu|apac|jp|au|ca|global)\.(.+)$/;
/** A foundation-model or inference-profile ARN's model part. */
const ARN_MODEL = /^arn:aws[a-z-]*:bedrock:[a-z0-9-]*:\d*:(?:foundation-model|inference-profile)\/(.+)$/;

/** The table keys a model id may be priced under: itself, then its base model. */
function candidates(modelId: string): string[] {
  const fromArn = ARN_MODEL.exec(modelId)?.[1] ?? modelId;
  const base = PROFILE_PREFIX.exec(fromArn)?.[1] ?? fromArn;
  return [...new Set([modelId, fromArn, base])];
}

/** A model's prices in a region, or undefined when the table has none (its cost is then unknown). */
export function pricingFor(table: PriceTable, modelId: string, region: string): ModelPricing | undefined {
  for (const key of candidates(modelId)) {
    const modes = table.models[key]?.[region];
    if (modes !== undefined) return { file: table.file, tableModel: key, region, modes, tiers: table.tiers };
  }
  return undefined;
}

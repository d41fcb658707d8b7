import type { LatencyMode, ServiceTier } from './call-record.ts';

/**
 * Bedrock prices as the price table (data/prices.json, src/data/prices.ts) gives them for one model in
 * one region. A price is USD per 1,000 tokens, or `null`: looked for and not found, so any cost that
 * needs it is unknown (never guessed, never 0).
 */
export type Price = number | null;

/** Where a figure came from: the public page or document, the day it was read, and whether it was checked. */
export interface PriceSource {
  source: string;
  /** ISO date (YYYY-MM-DD) the source was read. */
  read: string;
  /** False when the figure could not be checked against AWS's own current pricing page. */
  verified: boolean;
}

/** On-demand token prices of one latency mode, USD per 1,000 tokens. */
export interface TokenPrices extends PriceSource {
  input: Price;
  output: Price;
  /** Input tokens read from the prompt cache (`cacheReadInputTokens`). */
  cacheRead: Price;
  /** Input tokens written to the prompt cache (`cacheWriteInputTokens`). */
  cacheWrite: Price;
}

/** A service tier's price as a multiple of the Standard (`default`) tier's. */
export interface TierMultiplier extends PriceSource {
  multiplier: Price;
}

/** What one model run is priced with: its table entry for its region, by latency mode, and the tiers. */
export interface ModelPricing {
  /** The file the prices were read from, as the user named it (or the package's own). */
  file: string;
  /** The table's key that matched (the model id itself, or the base model of a profile id). */
  tableModel: string;
  region: string;
  modes: Partial<Record<LatencyMode, TokenPrices>>;
  tiers: Partial<Record<ServiceTier, TierMultiplier>>;
}

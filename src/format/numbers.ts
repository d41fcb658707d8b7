/** Number formats shared by every renderer, so one figure reads the same everywhere. */

/** Seconds with two decimals from 1 s up, whole milliseconds below. */
export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

/** 0.9 -> "90", 0.995 -> "99.5". */
export function formatPercent(fraction: number): string {
  return String(Math.round(fraction * 1000) / 10);
}

/** A fraction of calls as a percentage with one decimal: 0.0125 -> "1.3%". */
export function formatRate(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** Seconds with three decimals, as the summary table's columns; `-` for a figure not observed. */
export function formatSeconds(ms: number | undefined): string {
  return ms === undefined ? '-' : (ms / 1000).toFixed(3);
}

/**
 * A duration in one unit chosen by `scale` (a budget or a limit): seconds with two decimals from 1 s up,
 * ms with one decimal below, so a check's figure and its limit read alike.
 */
export function formatDuration(ms: number, scale = ms): string {
  return scale >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** Whole numbers with thousands separators: 12345 -> "12,345". */
export function formatThousands(n: number): string {
  return n.toLocaleString('en-US');
}

/**
 * US dollars: cents from $1 up, three significant digits below (a call costs fractions of a cent):
 * 12.345 -> "$12.35", 0.00012345 -> "$0.000123", 0 -> "$0".
 */
export function formatUsd(usd: number): string {
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  return `$${usd.toLocaleString('en-US', { maximumSignificantDigits: 3, useGrouping: false })}`;
}

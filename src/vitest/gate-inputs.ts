import { resolve } from 'node:path';
import { loadRuns } from '../compare/load-runs.ts';
import { DEFAULT_PRICES } from '../config/package-files.ts';
import { loadPriceTable, type PriceTable } from '../config/prices.ts';
import { type BudgetFile, checkBudgetModels, loadBudgets, NO_BUDGETS_FILE } from '../gate/budgets.ts';
import type { ResolvedOptions } from '../records/options.ts';
import type { RunRecord } from '../records/run-record.ts';

/** What the gate judges a model against, loaded and validated when the bench file is collected. */
export interface GateInputs {
  /** Undefined when budgets are off by name (`budgetsFile: "none"`). */
  budgets: BudgetFile | undefined;
  /** The baseline run records (a history when several), when `baseline` is set. */
  baseline: RunRecord[] | undefined;
  /** Bedrock's prices (`pricesFile`, else the package's own), for costs and cost budgets. */
  prices: PriceTable;
}

/**
 * Loads the budgets file and the baseline before any call is made, so a bad file stops the run with
 * one line: bad JSON, unknown keys, wrong types, a budget for a model the tracking file does not
 * list, a baseline of another schema, a bad price table. A missing budgets file is an error unless turned off by name.
 */
export function loadGateInputs(
  root: string,
  options: ResolvedOptions,
  trackedModels: readonly string[],
): GateInputs {
  let budgets: BudgetFile | undefined;
  if (options.budgetsFile !== NO_BUDGETS_FILE) {
    budgets = loadBudgets(resolve(root, options.budgetsFile), options.budgetsFile);
    checkBudgetModels(budgets, options.budgetsFile, trackedModels, options.trackingFile);
  }
  // The regression gate reads a baseline's calls (and client health) only: an older or trimmed run
  // record without summaries or fingerprints still serves.
  const baseline =
    options.baseline === undefined ? undefined : loadRuns([resolve(root, options.baseline)], 'calls');
  const prices =
    options.pricesFile === undefined
      ? loadPriceTable(DEFAULT_PRICES, 'data/prices.json (converse-bench)')
      : loadPriceTable(resolve(root, options.pricesFile), options.pricesFile);
  return { budgets, baseline, prices };
}

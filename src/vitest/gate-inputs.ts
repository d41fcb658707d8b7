import { resolve } from 'node:path';
import { loadRuns } from '../compare/load-runs.ts';
import { type BudgetFile, checkBudgetModels, loadBudgets, NO_BUDGETS_FILE } from '../gate/budgets.ts';
import type { ResolvedOptions } from '../records/options.ts';
import type { RunRecord } from '../records/run-record.ts';

/** What the gate judges a model against, loaded and validated when the bench file is collected. */
export interface GateInputs {
  /** Undefined when budgets are off by name (`budgetsFile: "none"`). */
  budgets: BudgetFile | undefined;
  /** The baseline run records (a history when several), when `baseline` is set. */
  baseline: RunRecord[] | undefined;
}

/**
 * Loads the budgets file and the baseline before any call is made, so a bad file stops the run with
 * one line: bad JSON, unknown keys, wrong types, a budget for a model the tracking file does not
 * list, a baseline of another schema. A missing budgets file is an error unless turned off by name.
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
  return { budgets, baseline };
}

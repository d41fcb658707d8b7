import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveOptions } from '../config/resolve.ts';
import { rebuildFromJournal } from '../report/rebuild-from-journal.ts';
import { type ReportResult, writeReport } from '../report/write-report.ts';
import type { ConverseBenchContext } from './global-setup.ts';

/**
 * A run stopped by SIGINT or SIGTERM: Vitest 5 exits about 1 ms after either signal without calling
 * reporters (only a keyboard cancel in watch mode ends with `onTestRunEnd(..., 'interrupted')`), so the
 * reporter writes the outputs itself, synchronously, from the journal that the benchmark appends each
 * completed call to. Calls in flight when the signal came are not in it and are not reported.
 */

/** The journal a run writes to, from what the global setup provided (bench files may not move it). */
export function runJournalPath(context: ConverseBenchContext): string {
  const { outputDir } = resolveOptions({ env: context.env, where: 'environment' });
  return resolve(context.root, outputDir, `journal-${context.runId}.jsonl`);
}

export interface InterruptedRunResult extends ReportResult {
  journal: string;
  calls: number;
  tornLastLine: boolean;
}

/**
 * Writes every output of an interrupted run from its journal, marked interrupted; undefined when the
 * run had not started a model yet (no journal). Synchronous: the process exits right after.
 */
export function writeInterruptedRun(
  context: ConverseBenchContext,
  options: { outputDir?: string | undefined; now: string },
): InterruptedRunResult | undefined {
  const journal = runJournalPath(context);
  if (!existsSync(journal)) return undefined;
  const { inputs, tornJournals } = rebuildFromJournal([journal], { rootDir: context.root, now: options.now });
  if (inputs.models.length === 0) return undefined;
  const outputDir = options.outputDir ?? inputs.models[0]?.model.options.outputDir ?? 'outputs';
  const result = writeReport(
    { ...inputs, stopped: true },
    { rootDir: context.root, outputDir, color: false },
  );
  const calls = inputs.models.reduce((sum, model) => sum + model.records.length, 0);
  return { ...result, journal, calls, tornLastLine: tornJournals.length > 0 };
}

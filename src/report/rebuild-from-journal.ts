import { type PlannedTest, plannedTestName } from '../records/planned-test.ts';
import { ModelInputsCollector } from './assemble-inputs.ts';
import { collectEnvironment } from './environment.ts';
import { JournalError, readJournal } from './journal.ts';
import type { ReportInputs, RunEnvironment } from './report-inputs.ts';

export interface RebuiltInputs {
  inputs: ReportInputs;
  /** Journals whose last line was cut short and left out. */
  tornJournals: string[];
}

/**
 * The reporter's inputs, read back from one or more journals (several for shards). The environment is
 * the one the measuring process wrote in the journal; a journal without one gets this process's.
 */
export function rebuildFromJournal(
  paths: readonly string[],
  options: { rootDir: string; now: string },
): RebuiltInputs {
  if (paths.length === 0)
    throw new JournalError('rebuild needs at least one journal: pass outputs/journal-<runId>.jsonl');
  const collector = new ModelInputsCollector();
  let environment: RunEnvironment | undefined;
  const tornJournals: string[] = [];
  const planned: PlannedTest[] = [];
  for (const path of paths) {
    const journal = readJournal(path);
    planned.push(...journal.planned);
    if (journal.tornLastLine) tornJournals.push(path);
    environment ??= journal.environment;
    const models = new Map(journal.models.map((model) => [model.key, model]));
    for (const model of journal.models) collector.addModel(model);
    for (const { key, record } of journal.calls) {
      const model = models.get(key);
      if (model) collector.addCalls(model, [record]);
    }
    for (const { key, checks, clientHealth } of journal.checks) {
      const model = models.get(key);
      if (model === undefined) continue;
      if (clientHealth !== undefined) model.clientHealth = clientHealth;
      collector.addChecks(model, checks);
    }
  }
  const models = collector.models();
  const started = new Set(
    models.map(({ model }) => plannedTestName({ ...model, level: model.sweepLevel?.label })),
  );
  const neverStarted = [...new Set(planned.map(plannedTestName))].filter((name) => !started.has(name));
  return {
    inputs: {
      runId: collector.runId() ?? 'unknown',
      models,
      stopped: false,
      ...(neverStarted.length === 0 ? {} : { neverStarted }),
      environment: environment ?? collectEnvironment(options.rootDir),
      fallbackTime: options.now,
    },
    tornJournals,
  };
}

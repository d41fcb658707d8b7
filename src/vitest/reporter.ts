import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import { resolveOptions } from '../config/resolve.ts';
import { ownHeapGrowingPercent, withTightHeap } from '../lifecycle/heap-growth.ts';
import { holdSignals } from '../lifecycle/hold-signals.ts';
import { watchParent } from '../lifecycle/parent-watch.ts';
import { collectEnvironment } from '../report/environment.ts';
import { countJournalCalls } from '../report/journal.ts';
import type { ReportInputs } from '../report/report-inputs.ts';
import { OutputWriteError } from '../report/sink.ts';
import { writeReport } from '../report/write-report.ts';
import { gatherArtifacts } from './gather.ts';
import type { ConverseBenchContext } from './global-setup.ts';
import { runJournalPath, writeInterruptedRun } from './interrupted-run.ts';
import { type ProgressWatch, watchProgress } from './progress.ts';

export interface ConverseBenchReporterOptions {
  /** Where outputs go, relative to `rootDir`. @default the first model's `outputDir` option, else `outputs` */
  outputDir?: string;
  /** Project root: datasets and the output folder are resolved against it. @default Vitest's root */
  rootDir?: string;
  /** A file to append the markdown summary to (GitHub Actions' `$GITHUB_STEP_SUMMARY`). */
  stepSummaryFile?: string;
  /** Print failed and inconclusive checks as GitHub Actions annotations. @default false */
  githubAnnotations?: boolean;
}

/**
 * The Vitest reporter: at the end of the run (also of `vitest --merge-reports`), gathers the
 * converse-bench artifacts, writes the CSVs, log and run record through the sink, and prints the
 * summary table (plain when stdout is not a TTY), and fails the run when its one verdict
 * (src/gate/family.ts) failed. A run without converse-bench artifacts is left alone.
 */
export default class ConverseBenchReporter implements Reporter {
  readonly #options: ConverseBenchReporterOptions;
  #rootDir: string | undefined;
  #vitest: Vitest | undefined;
  #stopped = false;
  /** A shard judges only its own models: advisory; the merge judges the whole run once. */
  #shard = false;
  #progress: ProgressWatch | undefined;

  constructor(options: ConverseBenchReporterOptions = {}) {
    this.#options = options;
  }

  onInit(vitest: Vitest): void {
    this.#rootDir = vitest.config.root;
    this.#shard = vitest.config.shard !== undefined;
    this.#vitest = vitest;
    // Vitest exits ~1 ms after SIGINT/SIGTERM without calling reporters: write from the journal now.
    const onSignal = (signal: NodeJS.Signals): void => this.#stop(vitest, `by ${signal}`);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    // Started through npm, which exits on SIGTERM without passing it on: stop as if sent it.
    const unwatch = watchParent(
      () => {
        this.#stop(vitest, 'because its parent process went away');
        process.kill(process.pid, 'SIGTERM');
      },
      { throughShells: process.env.npm_lifecycle_event !== undefined },
    );
    let journal: string | null | undefined;
    this.#progress = watchProgress({
      // Settled once the global setup has provided the run's context: its journal, or null when quiet.
      journal: () => {
        journal ??= progressJournal(vitest);
        return journal ?? undefined;
      },
      write: (text) => process.stderr.write(text),
      tty: process.stderr.isTTY === true,
    });
    vitest.onClose(() => {
      this.#progress?.stop();
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      unwatch();
    });
  }

  /** Writes the interrupted run's outputs, once, with every further signal held off meanwhile. */
  #stop(vitest: Vitest, why: string): void {
    if (this.#stopped) return;
    this.#stopped = true;
    holdSignals();
    this.#progress?.stop();
    withTightHeap(() => this.#writeInterrupted(vitest, why), ownHeapGrowth());
  }

  #writeInterrupted(vitest: Vitest, why: string): void {
    const context = providedContext(vitest);
    if (context === undefined) return;
    let result: ReturnType<typeof writeInterruptedRun>;
    try {
      result = writeInterruptedRun(context, {
        outputDir: this.#options.outputDir,
        now: new Date().toISOString(),
      });
    } catch (error) {
      process.stderr.write(
        `converse-bench: run interrupted ${why}; ${notWritten(error, runJournalPath(context))}\n`,
      );
      return;
    }
    if (result === undefined) return;
    for (const warning of result.warnings) process.stderr.write(`converse-bench: ${warning}\n`);
    process.stdout.write(`\n${result.printed}`);
    process.stderr.write(
      `converse-bench: run interrupted ${why}; outputs hold the ${result.calls} calls completed ` +
        `(from ${result.journal}); calls in flight are not reported\n`,
    );
  }

  /**
   * A worker that crashed (out of memory, killed) sends none of its calls to the reporter, but its
   * journal holds them: say so, and how to make the outputs, whenever the journal has more calls.
   */
  #hintLostCalls(reported: number): void {
    const context = this.#vitest?.projects
      .map((project) => project.getProvidedContext().converseBench)
      .find((provided) => provided !== undefined);
    if (context === undefined) return;
    const journal = runJournalPath(context);
    if (!existsSync(journal)) return;
    let journaled: number;
    try {
      journaled = countJournalCalls(journal);
    } catch {
      return;
    }
    if (journaled <= reported) return;
    process.stderr.write(
      `converse-bench: the journal holds ${journaled} calls, the outputs ${reported} (a Vitest worker crashed or was killed?): rebuild them with \`converse-bench rebuild ${journal}\`\n`,
    );
    process.exitCode = 1;
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    _unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    this.#progress?.stop();
    withTightHeap(() => this.#report(testModules, reason), ownHeapGrowth());
  }

  /** Gathers the run's calls from the artifacts, writes the outputs and prints the summary. */
  #report(testModules: ReadonlyArray<TestModule>, reason: TestRunEndReason): void {
    const collector = gatherArtifacts(testModules);
    const models = collector.models();
    this.#hintLostCalls(models.reduce((sum, { records }) => sum + records.length, 0));
    if (models.length === 0) return;
    const rootDir = this.#options.rootDir ?? this.#rootDir ?? process.cwd();
    const inputs: ReportInputs = {
      runId: collector.runId() ?? 'unknown',
      models,
      stopped: reason === 'interrupted',
      environment: collectEnvironment(rootDir),
      fallbackTime: new Date().toISOString(),
    };
    const outputDir = this.#options.outputDir ?? models[0]?.model.options.outputDir ?? 'outputs';
    let result: ReturnType<typeof writeReport>;
    try {
      result = writeReport(inputs, {
        rootDir,
        outputDir,
        // Colour on a terminal, unless NO_COLOR is set to anything (https://no-color.org).
        color: process.stdout.isTTY === true && !process.env.NO_COLOR,
        stepSummaryFile: this.#options.stepSummaryFile,
        githubAnnotations: this.#options.githubAnnotations,
      });
    } catch (error) {
      // The figures were measured: show them even though no file could hold them.
      if (error instanceof OutputWriteError && error.summary) process.stdout.write(`\n${error.summary}\n`);
      const journal = resolve(rootDir, models[0]?.model.journal ?? outputDir);
      process.stderr.write(`converse-bench: ${notWritten(error, journal)}\n`);
      process.exitCode = 1;
      return;
    }
    for (const warning of result.warnings) process.stderr.write(`converse-bench: ${warning}\n`);
    process.stdout.write(`\n${result.printed}`);
    // Regressions and confident budgets fail the run here, judged together; a failed test already
    // sets the exit code, and Vitest never lowers it.
    if (result.verdict?.verdict === 'fail' && !this.#shard) process.exitCode = 1;
  }
}

/**
 * The run's journal for the progress lines: undefined until the global setup has provided the run's
 * context, then the journal, or null when quiet (or when the settings are wrong: the bench files say so).
 */
function progressJournal(vitest: Vitest): string | null | undefined {
  const context = providedContext(vitest);
  if (context === undefined) return undefined;
  try {
    return resolveOptions({ env: context.env, where: 'environment' }).quiet ? null : runJournalPath(context);
  } catch {
    return null;
  }
}

/** This process's own `--heap-growing-percent`, given back once the outputs are written. */
function ownHeapGrowth(): number {
  return ownHeapGrowingPercent(process.execArgv, process.env.NODE_OPTIONS);
}

function providedContext(vitest: Vitest): ConverseBenchContext | undefined {
  return vitest.projects
    .map((project) => project.getProvidedContext().converseBench)
    .find((provided) => provided !== undefined);
}

/** Outputs that could not be written: why, and how to make them from the journal, which has every call. */
function notWritten(error: unknown, journal: string): string {
  const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return `the outputs could not be written (${why}); every completed call is in ${journal}: rebuild them with \`converse-bench rebuild ${journal}\``;
}

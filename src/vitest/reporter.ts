import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import { holdSignals } from '../lifecycle/hold-signals.ts';
import { watchParent } from '../lifecycle/parent-watch.ts';
import { collectEnvironment } from '../report/environment.ts';
import { readJournal } from '../report/journal.ts';
import type { ReportInputs } from '../report/report-inputs.ts';
import { OutputWriteError } from '../report/sink.ts';
import { writeReport } from '../report/write-report.ts';
import { gatherArtifacts } from './gather.ts';
import { runJournalPath, writeInterruptedRun } from './interrupted-run.ts';

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
 * summary table (plain when stdout is not a TTY). A run without converse-bench artifacts is left alone.
 */
export default class ConverseBenchReporter implements Reporter {
  readonly #options: ConverseBenchReporterOptions;
  #rootDir: string | undefined;
  #vitest: Vitest | undefined;
  #stopped = false;

  constructor(options: ConverseBenchReporterOptions = {}) {
    this.#options = options;
  }

  onInit(vitest: Vitest): void {
    this.#rootDir = vitest.config.root;
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
    vitest.onClose(() => {
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
    this.#writeInterrupted(vitest, why);
  }

  #writeInterrupted(vitest: Vitest, why: string): void {
    const context = vitest.projects
      .map((project) => project.getProvidedContext().converseBench)
      .find((provided) => provided !== undefined);
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
      journaled = readJournal(journal).calls.length;
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
        color: process.stdout.isTTY === true,
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
  }
}

/** Outputs that could not be written: why, and how to make them from the journal, which has every call. */
function notWritten(error: unknown, journal: string): string {
  const why = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return `the outputs could not be written (${why}); every completed call is in ${journal}: rebuild them with \`converse-bench rebuild ${journal}\``;
}

import type { Reporter, SerializedError, TestModule, TestRunEndReason, Vitest } from 'vitest/node';
import { collectEnvironment } from '../report/environment.ts';
import type { ReportInputs } from '../report/report-inputs.ts';
import { writeReport } from '../report/write-report.ts';
import { gatherArtifacts } from './gather.ts';
import { writeInterruptedRun } from './interrupted-run.ts';

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
  /** A shard judges only its own models: advisory; the merge judges the whole run once. */
  #shard = false;

  constructor(options: ConverseBenchReporterOptions = {}) {
    this.#options = options;
  }

  onInit(vitest: Vitest): void {
    this.#rootDir = vitest.config.root;
    this.#shard = vitest.config.shard !== undefined;
    // Vitest exits ~1 ms after SIGINT/SIGTERM without calling reporters: write from the journal now.
    const onSignal = (signal: NodeJS.Signals): void => this.#writeInterrupted(vitest, signal);
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    vitest.onClose(() => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    });
  }

  #writeInterrupted(vitest: Vitest, signal: NodeJS.Signals): void {
    const context = vitest.projects
      .map((project) => project.getProvidedContext().converseBench)
      .find((provided) => provided !== undefined);
    if (context === undefined) return;
    const result = writeInterruptedRun(context, {
      outputDir: this.#options.outputDir,
      now: new Date().toISOString(),
    });
    if (result === undefined) return;
    for (const warning of result.warnings) process.stderr.write(`converse-bench: ${warning}\n`);
    process.stdout.write(`\n${result.printed}`);
    process.stderr.write(
      `converse-bench: run interrupted by ${signal}; outputs hold the ${result.calls} calls completed ` +
        `(from ${result.journal}); calls in flight are not reported\n`,
    );
  }

  onTestRunEnd(
    testModules: ReadonlyArray<TestModule>,
    _unhandledErrors: ReadonlyArray<SerializedError>,
    reason: TestRunEndReason,
  ): void {
    const collector = gatherArtifacts(testModules);
    const models = collector.models();
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
    const result = writeReport(inputs, {
      rootDir,
      outputDir,
      color: process.stdout.isTTY === true,
      stepSummaryFile: this.#options.stepSummaryFile,
      githubAnnotations: this.#options.githubAnnotations,
    });
    for (const warning of result.warnings) process.stderr.write(`converse-bench: ${warning}\n`);
    process.stdout.write(`\n${result.printed}`);
    // Regressions and confident budgets fail the run here, judged together; a failed test already
    // sets the exit code, and Vitest never lowers it.
    if (result.verdict?.verdict === 'fail' && !this.#shard) process.exitCode = 1;
  }
}

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vitest/config';
import { nodeVersionProblem } from '../config/node-version.ts';
import ConverseBenchReporter, { type ConverseBenchReporterOptions } from './reporter.ts';

/**
 * converse-bench's one Vitest integration point: `plugins: [converseBench()]` in vitest.config.ts adds
 * the benchmark provider (the harness's scheduler), the global setup (run id, embedded emulator), the
 * reporter (CSVs, log, run record, summary, HTML report) and the bench files' include pattern.
 */
export interface ConverseBenchOptions extends ConverseBenchReporterOptions {
  /** Bench files, relative to the project root. @default ['bench/**\/*.bench.ts'] */
  include?: string[];
}

/** This module's own file: `.ts` in the sources, `.js` when built. */
const HERE = fileURLToPath(import.meta.url);

/** A module next to this one, with this module's extension. */
function sibling(name: string): string {
  return fileURLToPath(new URL(`./${name}${extname(HERE)}`, import.meta.url));
}

export function converseBench(options: ConverseBenchOptions = {}): Plugin {
  const problem = nodeVersionProblem(process.version);
  if (problem !== undefined) {
    // Thrown, Vitest would print it inside a banner with the error object; the whole story is one line.
    process.stderr.write(`converse-bench: ${problem}\n`);
    process.exit(1);
  }
  const { include = ['bench/**/*.bench.ts'], ...reporterOptions } = options;
  return {
    name: 'converse-bench',
    config(user) {
      const reporter = new ConverseBenchReporter({
        // In GitHub Actions: the run's markdown summary on the job page, failed checks as annotations.
        stepSummaryFile: process.env.GITHUB_STEP_SUMMARY,
        githubAnnotations: process.env.GITHUB_ACTIONS === 'true',
        ...reporterOptions,
      });
      return {
        test: {
          globalSetup: [sibling('global-setup')],
          // Vitest's own table stays unless the project chose its reporters.
          reporters: [...(user.test?.reporters === undefined ? ['default'] : []), reporter],
          benchmark: { include, provider: sibling('provider') },
        },
      };
    },
  };
}

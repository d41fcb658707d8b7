import { defineConfig } from 'vitest/config';

/**
 * `vitest run`: the unit and integration tests in test/. `vitest bench`: one file per model in bench/,
 * run by converse-bench's provider (the harness's scheduler), with the emulator started by the global
 * setup (it acts only for the benchmark project) and the converse-bench reporter writing outputs/.
 */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['./src/vitest/global-setup.ts'],
    reporters: [
      'default',
      [
        './src/vitest/reporter.ts',
        {
          // In GitHub Actions: the run's markdown summary on the job page, failed checks as annotations.
          stepSummaryFile: process.env.GITHUB_STEP_SUMMARY,
          githubAnnotations: process.env.GITHUB_ACTIONS === 'true',
        },
      ],
    ],
    benchmark: {
      include: ['bench/**/*.bench.ts'],
      provider: './src/vitest/provider.ts',
    },
  },
});

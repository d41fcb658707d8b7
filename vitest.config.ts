import { converseBench } from 'converse-bench/vitest';
import { configDefaults, defineConfig } from 'vitest/config';

/**
 * `vitest run`: the unit and integration tests in test/. `vitest bench`: one file per model in bench/,
 * with converse-bench added as a user's repository adds it (by the package's own name, which resolves
 * to this checkout's build in dist/): its benchmark provider, the global setup that starts the
 * emulator (for the benchmark project only) and the reporter writing outputs/.
 */
export default defineConfig({
  plugins: [converseBench()],
  test: {
    include: ['test/**/*.test.ts'],
    // Hooks start emulators and load the tokenizer (about a second alone); a shared 2-core machine
    // running other suites beside these can take ten times that.
    hookTimeout: 60_000,
    // The packed tarball in a new project: `npm run test:package` (vitest.package.config.ts).
    exclude: [...configDefaults.exclude, 'test/package/**'],
  },
});

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:package` (in .ci/run): the packed tarball installed into a new project, as a user
 * would (test/package/). Apart from `npm test`: it needs the npm registry and takes a few minutes.
 */
export default defineConfig({
  test: {
    include: ['test/package/**/*.test.ts'],
    // Each step runs npm or Vitest in a child process on a machine that may be busy.
    testTimeout: 180_000,
  },
});

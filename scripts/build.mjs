/**
 * `npm run build` (also `prepare`, so `npm install` runs it): dist/ anew from src/, JavaScript and
 * declarations by TypeScript's own emit (relative `.ts` imports rewritten to `.js`). Removing dist/
 * first means every file in it is from this build, which the stale-build check relies on.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

// TypeScript's bin is not in its package exports; its package.json is, and the bin sits next to it.
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin/tsc');
rmSync('dist', { recursive: true, force: true });
try {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
} catch (error) {
  // tsc has printed its errors.
  process.exit(error.status ?? 1);
}
chmodSync('dist/cli/main.js', 0o755);

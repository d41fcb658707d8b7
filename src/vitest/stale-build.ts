import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * In converse-bench's own checkout the package runs from dist/ (built by `npm install`'s `prepare`
 * and before every npm script that uses it). A build older than a source file would measure code that
 * is no longer there: this names the newer source file, so the run can refuse. An installed package
 * has no src/ and is never stale.
 */
export function staleBuildProblem(packageRoot: string): string | undefined {
  const src = join(packageRoot, 'src');
  const built = join(packageRoot, 'dist', 'index.js');
  if (!existsSync(src) || !existsSync(built)) return undefined;
  const builtAt = statSync(built).mtimeMs;
  for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = join(entry.parentPath, entry.name);
    if (statSync(file).mtimeMs > builtAt) {
      return `dist/ is older than ${relative(packageRoot, file)}: run \`npm run build\` (npm scripts do it for you)`;
    }
  }
  return undefined;
}

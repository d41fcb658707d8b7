/** Vitest 5's own `engines` range, which converse-bench's benchmarks inherit. */
export const NODE_ENGINES = '^22.12.0 || ^24.0.0 || >=26.0.0';

/**
 * Why this Node cannot run Vitest 5 (undefined when it can). On Node 20 Vitest 5 starts, then its
 * default reporter crashes on the first failing test (`Map.groupBy is not a function`): refuse first.
 */
export function nodeVersionProblem(version: string): string | undefined {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  const supported = (major === 22 && minor >= 12) || major === 24 || major >= 26;
  if (supported) return undefined;
  return (
    `Node.js ${version} cannot run Vitest 5: it needs Node.js 22.12 or newer (${NODE_ENGINES}); ` +
    'install Node 22, or add it to the project with `npm i -D node@22` and run through `npm run` / `npx`'
  );
}

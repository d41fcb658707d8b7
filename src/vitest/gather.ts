import type { TestModule } from 'vitest/node';
import { ModelInputsCollector } from '../report/assemble-inputs.ts';
import { unpackCalls } from './artifacts.ts';

/**
 * Collects converse-bench artifacts from every test of the run. Read from `testCase.artifacts()` at
 * the end of the run because that is what `vitest --merge-reports` replays (per-artifact hooks are not).
 */
export function gatherArtifacts(testModules: readonly TestModule[]): ModelInputsCollector {
  const collector = new ModelInputsCollector();
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const artifact of testCase.artifacts()) {
        if (artifact.type === 'converse-bench:calls') {
          collector.addCalls(artifact.model, unpackCalls(artifact.packed));
        } else if (artifact.type === 'converse-bench:checks')
          collector.addChecks(artifact.model, artifact.checks);
      }
    }
  }
  return collector;
}

import type { TestModule } from 'vitest/node';
import { ModelInputsCollector } from '../report/assemble-inputs.ts';
import { withoutTexts } from '../report/without-texts.ts';
import { PackedTexts, unpackCalls } from './artifacts.ts';

/**
 * Collects converse-bench artifacts from every test of the run. Read from `testCase.artifacts()` at
 * the end of the run because that is what `vitest --merge-reports` replays (per-artifact hooks are not).
 * The records are kept without their texts; a model that keeps its texts gets them back, for the CSV,
 * from the packed batches Vitest holds anyway (PackedTexts), so a long run's responses are never all
 * unpacked at once.
 */
export function gatherArtifacts(testModules: readonly TestModule[]): ModelInputsCollector {
  const collector = new ModelInputsCollector();
  const texts = new Map<string, PackedTexts>();
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const artifact of testCase.artifacts()) {
        if (artifact.type === 'converse-bench:calls') {
          const { model, packed } = artifact;
          const records = unpackCalls(packed);
          if (!model.options.redactTexts) {
            let modelTexts = texts.get(model.key);
            if (modelTexts === undefined) {
              modelTexts = new PackedTexts();
              texts.set(model.key, modelTexts);
              collector.setTexts(model, modelTexts);
            }
            modelTexts.add(packed, records.length);
          }
          collector.addCalls(model, records.map(withoutTexts));
        } else if (artifact.type === 'converse-bench:checks')
          collector.addChecks(artifact.model, artifact.checks);
      }
    }
  }
  return collector;
}

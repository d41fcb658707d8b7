import type { TestModule } from 'vitest/node';
import { ModelInputsCollector } from '../report/assemble-inputs.ts';
import { PackedTexts, unpackRecords } from './artifacts.ts';

/**
 * Collects converse-bench artifacts from every test of the run. Read from `testCase.artifacts()` at
 * the end of the run because that is what `vitest --merge-reports` replays (per-artifact hooks are not).
 * The records are kept without their texts; a model that keeps its texts gets them back, for the CSV,
 * from the packed batches Vitest holds anyway (PackedTexts), so a long run's responses are never all
 * unpacked at once.
 */
export function gatherArtifacts(testModules: readonly TestModule[]): ModelInputsCollector {
  const collector = new ModelInputsCollector();
  const textsByModel = new Map<string, PackedTexts>();
  for (const testModule of testModules) {
    for (const testCase of testModule.children.allTests()) {
      for (const artifact of testCase.artifacts()) {
        if (artifact.type === 'converse-bench:calls') {
          const { model, packed, texts } = artifact;
          const records = unpackRecords(packed);
          if (texts !== undefined) {
            let modelTexts = textsByModel.get(model.key);
            if (modelTexts === undefined) {
              modelTexts = new PackedTexts();
              textsByModel.set(model.key, modelTexts);
              collector.setTexts(model, modelTexts);
            }
            modelTexts.add(texts, records.length);
          }
          collector.addCalls(model, records);
        } else if (artifact.type === 'converse-bench:checks')
          collector.addChecks(artifact.model, artifact.checks);
      }
    }
  }
  return collector;
}

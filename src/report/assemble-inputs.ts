import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import type { CallTexts, ModelInputs } from './report-inputs.ts';

/**
 * Groups calls and checks by model key, keeping each model's calls in the order they arrive. Models
 * come in bench-file order, then in the order they first appear (a file's tests run one after
 * another): the reporter sees files in Vitest's order and a journal in the order they ran, and both
 * must build the same run. Used for artifacts and journals alike.
 */
export class ModelInputsCollector {
  readonly #byKey = new Map<string, ModelInputs>();

  #entry(model: ModelRunInfo): ModelInputs {
    let entry = this.#byKey.get(model.key);
    if (entry === undefined) {
      entry = { model, records: [], checks: [] };
      this.#byKey.set(model.key, entry);
    }
    return entry;
  }

  addModel(model: ModelRunInfo): void {
    this.#entry(model);
  }

  addCalls(model: ModelRunInfo, records: readonly CallRecord[]): void {
    this.#entry(model).records.push(...records);
  }

  /** Where the model's responses are, when its records were added without them. */
  setTexts(model: ModelRunInfo, texts: CallTexts): void {
    this.#entry(model).texts = texts;
  }

  addChecks(model: ModelRunInfo, checks: readonly CheckOutcome[]): void {
    this.#entry(model).checks.push(...checks);
  }

  models(): ModelInputs[] {
    // A stable sort: within one bench file, first appearance decides.
    return [...this.#byKey.values()].sort((a, b) => a.model.benchFile.localeCompare(b.model.benchFile, 'en'));
  }

  /** The run id all models share (the first one's; models from one run agree). */
  runId(): string | undefined {
    return this.#byKey.values().next().value?.model.runId;
  }
}

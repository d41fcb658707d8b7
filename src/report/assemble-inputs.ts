import type { CallRecord } from '../records/call-record.ts';
import type { ModelRunInfo } from '../records/model-run-info.ts';
import type { CheckOutcome } from '../records/run-record.ts';
import type { ModelInputs } from './report-inputs.ts';

/**
 * Groups calls and checks by model key, keeping the order models first appear in and each model's
 * calls in the order they arrive. Used for artifacts and journals alike, so both build the same.
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

  addChecks(model: ModelRunInfo, checks: readonly CheckOutcome[]): void {
    this.#entry(model).checks.push(...checks);
  }

  models(): ModelInputs[] {
    return [...this.#byKey.values()];
  }

  /** The run id all models share (the first one's; models from one run agree). */
  runId(): string | undefined {
    return this.#byKey.values().next().value?.model.runId;
  }
}

import type { Api } from './call-record.ts';

/**
 * One Vitest test a bench file defines, as planned before any of them runs: journaled first, so a run
 * killed between two tests still says which tests never started (and is rebuilt as interrupted).
 */
export interface PlannedTest {
  benchFile: string;
  modelId: string;
  api: Api;
  /** The sweep level's label; absent outside a sweep. */
  level?: string;
  /** Warmup and measured calls the test will make. */
  scheduledCalls: number;
}

/** The test a model run info belongs to, as a plan line names it: model, API and sweep level. */
export function plannedTestName(test: { modelId: string; api: Api; level?: string | undefined }): string {
  return test.level === undefined
    ? `${test.modelId} ${test.api}`
    : `${test.modelId} ${test.api} ${test.level}`;
}

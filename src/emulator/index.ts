/** The Bedrock-compatible emulator: server, default planner, and the types a caller needs. */
export type { FixedPlannerOptions } from './fixed-planner.ts';
export { FixedPlannerError, fixedPlanner } from './fixed-planner.ts';
export type { GroundTruthEntry, WireProtocol } from './ground-truth.ts';
export type { ModelCatalog, ModelInfo } from './models.ts';
export { baseModelId, DEFAULT_MODELS, NO_ACCESS_MARKER } from './models.ts';
export type { Fault, PlanRequest, ResponsePlan } from './plan.ts';
export type { CacheUse, PromptCache, PromptCacheOptions } from './prompt-cache.ts';
export { CACHE_TTL_MS, createPromptCache } from './prompt-cache.ts';
export type { EmulatorOptions, RunningEmulator } from './server.ts';
export { DEFAULT_MAX_BODY_BYTES, EmulatorOptionsError, startEmulator } from './server.ts';

export type { BenchOptions, ResolvedOptions } from './config/options.ts';
export { DEFAULT_OPTIONS } from './config/options.ts';
export type { Api, CallRecord, ErrorCall, LatencyMode, OkCall, Phase } from './harness/call-record.ts';

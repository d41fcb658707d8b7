import type { CallRecord } from '../records/call-record.ts';
import { cacheClass, reportedCacheUsage } from '../records/metrics.ts';
import type { RunRecord } from '../records/run-record.ts';
import { promptCacheLabel } from './render-cache.ts';
import { renderSummaryTable, verdictLine } from './summary-table.ts';

function ms(value: number | undefined): string {
  return value === undefined ? '-' : value.toFixed(3);
}

function headerLines(run: RunRecord): string[] {
  const { context } = run;
  const lines = [
    `converse-bench run ${context.runId}`,
    `started ${context.startedAt} ended ${context.endedAt}${context.interrupted ? ' INTERRUPTED: not every scheduled call completed' : ''}`,
    `target ${context.target} endpoint ${context.endpoint} region ${context.region} transport ${context.transport}${context.auth === undefined ? '' : ` auth ${context.auth}`}${context.timeScale === undefined ? '' : ` timeScale ${context.timeScale}`}`,
    `versions node ${context.versions.node} sdk ${context.versions.sdk} vitest ${context.versions.vitest} converse-bench ${context.versions.converseBench}`,
    `git commit ${context.git.commit ?? 'unknown'} branch ${context.git.branch ?? 'unknown'} dirty ${context.git.dirty ?? 'unknown'}`,
    `host ${context.host.platform} ${context.host.arch} ${context.host.cpus} x ${context.host.cpuModel}`,
    `dataset sha256 ${context.fingerprints.dataset}`,
  ];
  for (const model of run.models) {
    const o = model.options;
    lines.push(
      `model ${model.key} role ${model.role} bench ${model.benchFile ?? '-'} calls ${model.calls.length}` +
        ` invocations ${o.invocationsPerScenario} experiments ${o.experimentCounts} parallel ${o.numParallelCalls}` +
        ` warmup ${o.warmupCalls} load ${o.load.kind === 'open' ? `open ${o.load.rate}/s ${o.load.arrival}` : 'closed'}` +
        ` retries ${o.retryAttempts} timeout ${o.timeoutSeconds}s maxTokens ${o.maxTokens} temperature ${o.temperature} topP ${o.topP}` +
        (promptCacheLabel(model) === 'off' ? '' : ` promptCache ${promptCacheLabel(model)}`),
    );
  }
  return lines;
}

/** One line per call: when, which, where in the plan, outcome, timing, tokens (and cache use), retries. */
export function callLine(record: CallRecord): string {
  const cache =
    record.status === 'ok' && reportedCacheUsage(record)
      ? ` cache_class ${cacheClass(record)} cache_read_tokens ${record.cacheReadTokens ?? 0} cache_write_tokens ${record.cacheWriteTokens ?? 0}`
      : '';
  const outcome =
    record.status === 'ok'
      ? `in ${record.inputTokens} out ${record.outputTokens}${cache}`
      : `error ${record.errorKind} ${JSON.stringify(record.errorMessage)}`;
  return (
    `${record.timestamp} INFO call ${record.modelId} ${record.api} ${record.phase}` +
    ` exp ${record.experiment} inv ${record.invocation} doc ${record.document} ${record.status}` +
    ` latency_ms ${ms(record.latencyMs)} ttft_ms ${ms(record.ttftMs)} ${outcome} attempts ${record.attempts}`
  );
}

/** The extra line a failed call gets, so errors can be found with `grep ERROR`. */
export function errorLine(record: CallRecord): string | undefined {
  if (record.status !== 'error') return undefined;
  return (
    `${record.timestamp} ERROR ${record.modelId} ${record.api} exp ${record.experiment} inv ${record.invocation}` +
    ` doc ${record.document} ${record.errorKind}${record.httpStatus === undefined ? '' : ` http ${record.httpStatus}`}` +
    ` after ${record.attempts} attempt(s): ${JSON.stringify(record.errorMessage)}`
  );
}

/** Calls of every model by start time (stable: ties keep completion order). */
function callsInTimeOrder(run: RunRecord): CallRecord[] {
  return run.models
    .flatMap((model) => model.calls)
    .map((record, index) => ({ record, index, at: Date.parse(record.timestamp) }))
    .sort((a, b) => a.at - b.at || a.index - b.index)
    .map(({ record }) => record);
}

/** Lines per chunk of the log's text. */
const CHUNK_LINES = 2000;

/**
 * `model_latency_benchmarking-{timestamp}.log`: the context, every call a line (and every error one
 * more), then the summary table. Plain text, in chunks (their concatenation is the whole file).
 */
export function* logChunks(run: RunRecord): Generator<string> {
  let lines = [...headerLines(run), ''];
  for (const record of callsInTimeOrder(run)) {
    lines.push(callLine(record));
    const error = errorLine(record);
    if (error !== undefined) lines.push(error);
    if (lines.length >= CHUNK_LINES) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  lines.push('', renderSummaryTable(run, { color: false }), verdictLine(run, { color: false }), '');
  yield lines.join('\n');
}

/** The whole log as one text. */
export function renderLog(run: RunRecord): string {
  return [...logChunks(run)].join('');
}

import { type LatencyMode, PROMPT_CACHES, type PromptCache } from '../records/call-record.ts';
import { readCsvTable } from './csv-table.ts';
import { DatasetError, TemplateError } from './errors.ts';
import { checkModelId, quoteModelId } from './model-id.ts';
import { validateTemplate } from './template.ts';

/**
 * The models to benchmark and their prompt templates (the workshop's evaluation_tracking.csv).
 * Columns: `model` and `text_prompt` required; `region`, `inference_profile` (the latency mode:
 * standard | optimized, as the workshop used it), `role` (source | candidate), `prompt_cache`
 * (off | on | 5m | 1h) and `system_prompt` (sent as the request's `system`, as written) optional, per
 * row too.
 */

export type ModelRole = 'source' | 'candidate';

export interface TrackedModel {
  /** Model id, cross-region inference profile id, or ARN, as it goes in the request path. */
  modelId: string;
  /** Validated template with `{context}`; '' only for a source row without a prompt (see skipReason). */
  promptTemplate: string;
  /** Absent: the run's region. */
  region?: string;
  /** Absent: the run's default latency mode. */
  latencyMode?: LatencyMode;
  /** Absent: the run's `promptCache` (a model that does not support caching can be set `off` here). */
  promptCache?: PromptCache;
  /** An empty or missing role cell means candidate. */
  role: ModelRole;
  /** Sent as `system: [{ text }]` with every call; absent when the cell is empty or missing. */
  systemPrompt?: string;
  /** 1-based file line of the row. */
  line: number;
  /**
   * Present only on a source row that cannot be benchmarked (not a Bedrock model, or no prompt): the
   * workshop compared against such a model without timing it. Candidates never skip: their bad rows
   * are errors.
   */
  skipReason?: string;
}

const COLUMNS = {
  required: ['model', 'text_prompt'],
  optional: ['region', 'inference_profile', 'role', 'prompt_cache', 'system_prompt'],
} as const;

const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;

export function loadTracking(path: string): TrackedModel[] {
  const { rows } = readCsvTable(path, COLUMNS);
  const models = rows.map(({ cells, line }) => parseRow(path, line, cells));
  checkOneSource(path, models);
  checkDuplicates(path, models);
  return models;
}

function parseRow(path: string, line: number, cells: Record<string, string>): TrackedModel {
  const fail = (problem: string, cause?: unknown): never => {
    throw new DatasetError(path, line, problem, cause === undefined ? undefined : { cause });
  };
  const role = parseRole(cells.role?.trim() ?? '', fail);
  const modelId = cells.model?.trim() ?? '';
  const promptTemplate = cells.text_prompt ?? '';
  const region = cells.region?.trim() ?? '';
  const latencyMode = parseLatencyMode(cells.inference_profile?.trim() ?? '', fail);
  const promptCache = parsePromptCache(cells.prompt_cache?.trim() ?? '', fail);
  const systemPrompt = cells.system_prompt ?? '';
  if (region !== '' && !REGION.test(region)) {
    fail(
      `region "${region}" is not an AWS region name; write e.g. us-east-1, or leave it empty for the run's region`,
    );
  }
  const base = {
    modelId,
    promptTemplate,
    role,
    line,
    ...(region === '' ? {} : { region }),
    ...(latencyMode === undefined ? {} : { latencyMode }),
    ...(promptCache === undefined ? {} : { promptCache }),
    // Whitespace only is no system prompt (Bedrock refuses a blank text block).
    ...(systemPrompt.trim() === '' ? {} : { systemPrompt }),
  };

  const idCheck = checkModelId(modelId);
  if (!idCheck.ok && role === 'source' && modelId !== '') {
    return { ...base, skipReason: `model ${quoteModelId(modelId)} ${idCheck.problem.split(';')[0]}` };
  }
  if (modelId === '') fail('column "model" is empty; write a Bedrock model id, inference profile id or ARN');
  if (!idCheck.ok) fail(`column "model": model ${quoteModelId(modelId)} ${idCheck.problem}`);
  if (promptTemplate.trim() === '') {
    if (role === 'source') return { ...base, promptTemplate: '', skipReason: 'no prompt template' };
    fail('column "text_prompt" is empty; write a prompt template with {context} where the document goes');
  }
  try {
    validateTemplate(promptTemplate, 'text_prompt');
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    fail(`column "text_prompt": ${error.problem}`, error);
  }
  return base;
}

function parseRole(value: string, fail: (problem: string) => never): ModelRole {
  if (value === '' || value === 'candidate') return 'candidate';
  if (value === 'source') return 'source';
  return fail(
    `role "${value}" is not source or candidate; write one of them, or leave it empty for candidate`,
  );
}

function parseLatencyMode(value: string, fail: (problem: string) => never): LatencyMode | undefined {
  if (value === '') return undefined;
  if (value === 'standard' || value === 'optimized') return value;
  if (checkModelId(value).ok) {
    return fail(
      `inference_profile "${value}" looks like a model or profile id, but this column is the latency mode; move the id to the "model" column and write standard or optimized here`,
    );
  }
  return fail(
    `inference_profile "${value}" is not a latency mode; write standard or optimized, or leave it empty`,
  );
}

function parsePromptCache(value: string, fail: (problem: string) => never): PromptCache | undefined {
  if (value === '') return undefined;
  const cache = PROMPT_CACHES.find((c) => c === value);
  if (cache !== undefined) return cache;
  return fail(
    `prompt_cache "${value}" is not a prompt cache setting; write one of ${PROMPT_CACHES.join(', ')}, or leave it empty for the run's promptCache`,
  );
}

function checkOneSource(path: string, models: TrackedModel[]): void {
  const sources = models.filter((model) => model.role === 'source');
  const [first, second] = sources;
  if (first !== undefined && second !== undefined) {
    throw new DatasetError(
      path,
      second.line,
      `a second source model (the first is at line ${first.line}); keep one row with role source and make the others candidate`,
    );
  }
}

/** Same model twice is a duplicate unless both rows name different latency modes (an empty mode
 * resolves to the run's default, so it collides with either). */
function checkDuplicates(path: string, models: TrackedModel[]): void {
  models.forEach((model, i) => {
    const earlier = models
      .slice(0, i)
      .find(
        (other) =>
          other.modelId === model.modelId &&
          (other.latencyMode === undefined ||
            model.latencyMode === undefined ||
            other.latencyMode === model.latencyMode),
      );
    if (earlier !== undefined) {
      throw new DatasetError(
        path,
        model.line,
        `model "${model.modelId}" is listed again (first at line ${earlier.line}); remove one row, or give the two rows different inference_profile values (standard, optimized)`,
      );
    }
  });
}

import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isJsonObject, type JsonObject } from '../records/json-object.ts';
import type { ToolChoiceJson, ToolConfigJson, ToolSettings, ToolSpecJson } from '../records/tool-config.ts';
import { DatasetError } from './errors.ts';

/**
 * The tool configuration file (`toolConfigFile`): a JSON Converse `toolConfig`, e.g.
 * `{ "tools": [{ "toolSpec": { "name": "record_summary", "inputSchema": { "json": { "type": "object", ... } } } }],
 *    "toolChoice": { "tool": { "name": "record_summary" } } }`.
 * Checked as Bedrock checks it, each problem one line naming the file and the JSON path.
 */

/** Bedrock's pattern for a tool name. */
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function onlyKeys(
  value: JsonObject,
  allowed: readonly string[],
  at: string,
  fail: (at: string, problem: string) => never,
): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) fail(`${at}.${key}`, `is not a field here; allowed: ${allowed.join(', ')}`);
  }
}

export function loadToolConfig(path: string, shown = path): ToolSettings {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    throw new DatasetError(shown, undefined, 'cannot be read; check the path of toolConfigFile', {
      cause: error,
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatasetError(shown, undefined, `is not JSON (${reason}); write a Converse toolConfig object`);
  }
  const config = parseToolConfig(parsed, (at, problem) => {
    throw new DatasetError(shown, undefined, `${at} ${problem}`);
  });
  const fingerprint = createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 12);
  return { file: shown, config, fingerprint };
}

/** Checks a parsed toolConfig; `fail(path, problem)` throws. */
export function parseToolConfig(
  value: unknown,
  fail: (at: string, problem: string) => never,
): ToolConfigJson {
  if (!isJsonObject(value)) fail('$', 'must be an object with "tools" (and optionally "toolChoice")');
  onlyKeys(value, ['tools', 'toolChoice'], '$', fail);
  const tools = value.tools;
  if (!Array.isArray(tools) || tools.length === 0)
    fail('$.tools', 'must be a non-empty list of { "toolSpec": ... }');
  const specs = tools.map((tool, i) => parseTool(tool, `$.tools[${i}]`, fail));
  const names = specs.map((s) => s.toolSpec.name);
  names.forEach((name, i) => {
    if (names.indexOf(name) !== i)
      fail(`$.tools[${i}].toolSpec.name`, `"${name}" is given twice; tool names must be unique`);
  });
  const config: ToolConfigJson = { tools: specs };
  if (value.toolChoice !== undefined) config.toolChoice = parseChoice(value.toolChoice, names, fail);
  return config;
}

function parseTool(tool: unknown, at: string, fail: (at: string, problem: string) => never): ToolSpecJson {
  if (!isJsonObject(tool) || !isJsonObject(tool.toolSpec))
    fail(at, 'must be { "toolSpec": { "name", "inputSchema": { "json" } } }');
  onlyKeys(tool, ['toolSpec'], at, fail);
  const spec = tool.toolSpec;
  onlyKeys(spec, ['name', 'description', 'inputSchema'], `${at}.toolSpec`, fail);
  const { name, description, inputSchema } = spec;
  if (typeof name !== 'string' || !TOOL_NAME.test(name)) {
    fail(`${at}.toolSpec.name`, 'must be 1 to 64 letters, digits, _ or -');
  }
  if (description !== undefined && (typeof description !== 'string' || description.trim() === '')) {
    fail(`${at}.toolSpec.description`, 'must be a non-empty text when given');
  }
  if (!isJsonObject(inputSchema) || !isJsonObject(inputSchema.json)) {
    fail(`${at}.toolSpec.inputSchema`, 'must be { "json": <a JSON schema object> }');
  }
  onlyKeys(inputSchema, ['json'], `${at}.toolSpec.inputSchema`, fail);
  if (inputSchema.json.type !== 'object') {
    fail(`${at}.toolSpec.inputSchema.json.type`, 'must be "object": a tool takes an object as its input');
  }
  const out: ToolSpecJson = { toolSpec: { name, inputSchema: { json: inputSchema.json } } };
  if (description !== undefined) out.toolSpec.description = description;
  return out;
}

function parseChoice(
  choice: unknown,
  names: readonly string[],
  fail: (at: string, problem: string) => never,
): ToolChoiceJson {
  const shape = 'must be one of { "auto": {} }, { "any": {} }, { "tool": { "name": ... } }';
  if (!isJsonObject(choice) || Object.keys(choice).length !== 1) fail('$.toolChoice', shape);
  if (isJsonObject(choice.auto) && Object.keys(choice.auto).length === 0) return { auto: {} };
  if (isJsonObject(choice.any) && Object.keys(choice.any).length === 0) return { any: {} };
  const tool = choice.tool;
  if (!isJsonObject(tool) || typeof tool.name !== 'string' || Object.keys(tool).length !== 1)
    fail('$.toolChoice', shape);
  if (!names.includes(tool.name)) {
    fail('$.toolChoice.tool.name', `"${tool.name}" is not one of the tools (${names.join(', ')})`);
  }
  return { tool: { name: tool.name } };
}

import { createHash } from 'node:crypto';
import { isJsonObject, type JsonObject } from '../records/json-object.ts';
import { validationError } from './bedrock-error.ts';

/**
 * Tool use as the emulator serves it. A request's `toolConfig` is checked as Bedrock checks it; the
 * model then calls a tool: the one `toolChoice.tool` names, else the first one (`any`, `auto` or no
 * choice). Its input is made from the tool's JSON schema and the document, so it is valid for the
 * schema, and the call ends with stopReason `tool_use`.
 */

const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export interface ToolRequest {
  name: string;
  schema: JsonObject;
  /** `auto` (or no choice): the model writes a sentence before the call; `any` / `tool`: only the call. */
  forced: boolean;
}

/** The tool the model will call; undefined without a toolConfig. Throws Bedrock's ValidationException. */
export function parseToolRequest(config: JsonObject | undefined): ToolRequest | undefined {
  if (config === undefined) return undefined;
  const tools = config.tools;
  if (!Array.isArray(tools) || tools.length === 0) {
    throw validationError(
      'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
    );
  }
  const specs = tools.map((tool, i) => {
    const spec = isJsonObject(tool) ? tool.toolSpec : undefined;
    if (!isJsonObject(spec))
      throw validationError(
        `Value at 'toolConfig.tools.${i + 1}.member' failed to satisfy constraint: Member must have a toolSpec`,
      );
    if (typeof spec.name !== 'string' || !TOOL_NAME.test(spec.name)) {
      throw validationError(
        `1 validation error detected: Value at 'toolConfig.tools.${i + 1}.member.toolSpec.name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_-]+`,
      );
    }
    const schema = isJsonObject(spec.inputSchema) ? spec.inputSchema.json : undefined;
    if (!isJsonObject(schema)) {
      throw validationError(
        `The input schema of tool ${spec.name} must be a JSON object (toolSpec.inputSchema.json).`,
      );
    }
    return { name: spec.name, schema };
  });
  const choice = config.toolChoice;
  if (choice === undefined || choice === null || (isJsonObject(choice) && isJsonObject(choice.auto))) {
    return { ...(specs[0] as { name: string; schema: JsonObject }), forced: false };
  }
  if (isJsonObject(choice) && isJsonObject(choice.any))
    return { ...(specs[0] as { name: string; schema: JsonObject }), forced: true };
  const named = isJsonObject(choice) && isJsonObject(choice.tool) ? choice.tool.name : undefined;
  const spec = specs.find((s) => s.name === named);
  if (spec === undefined) {
    throw validationError(
      `The tool ${String(named)} named in toolChoice is not in toolConfig.tools. Name one of the tools.`,
    );
  }
  return { ...spec, forced: true };
}

/**
 * A value valid for `schema`, filled from `text`: the first string gets the text (cut to a maxLength),
 * later ones its first words; numbers their minimum (or 1), booleans true, enums and consts their first
 * value, arrays their minimum number of items (at least 1), objects every property listed. The
 * emulator's own generator: not a full JSON Schema implementation ($ref, patterns and formats aside).
 */
export function exampleInput(schema: JsonObject, text: string): unknown {
  const strings = { used: 0 };
  return exampleFor(schema, text, strings);
}

function exampleFor(schema: unknown, text: string, strings: { used: number }): unknown {
  if (!isJsonObject(schema)) return text;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('const' in schema) return schema.const;
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(alternatives) && alternatives.length > 0)
    return exampleFor(alternatives[0], text, strings);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object': {
      const out: JsonObject = {};
      const properties = isJsonObject(schema.properties) ? schema.properties : {};
      for (const [key, property] of Object.entries(properties))
        out[key] = exampleFor(property, text, strings);
      return out;
    }
    case 'array': {
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      return Array.from({ length: count }, () => exampleFor(schema.items, text, strings));
    }
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : undefined;
      const exclusive = typeof schema.exclusiveMinimum === 'number' ? schema.exclusiveMinimum : undefined;
      const value = min ?? (exclusive === undefined ? 1 : exclusive + 1);
      return type === 'integer' ? Math.ceil(value) : value;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return stringFor(schema, text, strings);
  }
}

function stringFor(schema: JsonObject, text: string, strings: { used: number }): string {
  const words = text.split(/\s+/).filter((w) => w !== '');
  const base = strings.used === 0 ? text : words.slice(0, 3).join(' ');
  strings.used++;
  let value = base === '' ? 'none' : base;
  if (typeof schema.maxLength === 'number') value = value.slice(0, Math.max(0, schema.maxLength));
  if (typeof schema.minLength === 'number') value = value.padEnd(schema.minLength, '.');
  return value;
}

/** A Bedrock-shaped tool use id (`tooluse_` and 22 URL-safe characters), the same for the same request. */
export function toolUseId(seed: string): string {
  return `tooluse_${createHash('sha256').update(seed).digest('base64url').slice(0, 22)}`;
}

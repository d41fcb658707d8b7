/**
 * A tool configuration as Converse takes it (`toolConfig`): the tools the model may call, each a
 * `toolSpec` with a name and a JSON schema for its input, and an optional `toolChoice`. Loaded and
 * checked from the user's file by src/data/tool-config.ts.
 */

export interface ToolSpecJson {
  toolSpec: {
    name: string;
    description?: string;
    inputSchema: { json: Record<string, unknown> };
  };
}

/** `auto` (the model decides), `any` (it must call a tool) or `tool` (it must call the one named). */
export type ToolChoiceJson =
  | { auto: Record<string, never> }
  | { any: Record<string, never> }
  | { tool: { name: string } };

export interface ToolConfigJson {
  tools: ToolSpecJson[];
  toolChoice?: ToolChoiceJson;
}

/** A loaded tool configuration: what is sent, and what identifies it in outputs. */
export interface ToolSettings {
  /** The file as given. */
  file: string;
  config: ToolConfigJson;
  /** The first 12 hex digits of sha256 over the configuration's JSON: the `tool_config` column. */
  fingerprint: string;
}

/** True when the configuration makes the model call a tool (`toolChoice` `any` or `tool`). */
export function forcesToolUse(config: ToolConfigJson): boolean {
  const choice = config.toolChoice;
  return choice !== undefined && ('any' in choice || 'tool' in choice);
}

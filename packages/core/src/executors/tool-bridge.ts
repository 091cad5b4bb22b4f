import { AgentError, AgentToolCallError } from "../errors.js";
import type { Tool } from "../tools/tool.js";
import type { ToolCallOptions } from "../tools/types.js";
import type { HostMessage, RuntimeMessage, ToolWireSpec } from "./protocol.js";
import { fromWireValue, toWireValue } from "./tagged-values.js";

/**
 * The host's side of a tool call from Python: decode the arguments, call the `Tool`, encode
 * its result or its error as a `tool_result`. Throws `MalformedValueError` only when the
 * runtime sent arguments that cannot be decoded (a protocol violation).
 */
export async function answerToolCall(
  tools: ReadonlyMap<string, Tool>,
  call: Extract<RuntimeMessage, { type: "tool_call" }>,
  options: ToolCallOptions,
): Promise<HostMessage> {
  const args = call.args.map((value) => fromWireValue(value));
  const kwargs = Object.fromEntries(
    Object.entries(call.kwargs).map(([key, value]) => [key, fromWireValue(value)]),
  );
  try {
    const tool = tools.get(call.name);
    if (!tool) throw new AgentToolCallError(`Unknown tool '${shortName(call.name)}'.`, call.name);
    const value = await tool.call(toolArguments(tool, args, kwargs), options);
    return {
      type: "tool_result",
      callId: call.callId,
      ok: true,
      value: toWireValue(toolOutput(tool, value)),
    };
  } catch (error) {
    return {
      type: "tool_result",
      callId: call.callId,
      ok: false,
      error: describeToolError(call.name, error),
    };
  }
}

/** The tool as the runtime needs it: inputs in the order of the Python signature. */
export function toolWireSpec(tool: Tool): ToolWireSpec {
  const inputs = tool.inputSchema;
  const ordered: ToolWireSpec["inputs"] = {};
  for (const name of tool.parameterNames) {
    const input = inputs[name];
    if (!input) continue;
    ordered[name] = {
      type: input.type,
      description: input.description,
      ...(input.nullable ? { nullable: true } : {}),
    };
  }
  return {
    name: tool.name,
    description: tool.description,
    inputs: ordered,
    outputType: String(tool.outputType),
  };
}

/** Python's positional and keyword arguments as `Tool.call` takes them. */
function toolArguments(
  tool: Tool,
  args: unknown[],
  kwargs: Record<string, unknown>,
): unknown[] | Record<string, unknown> {
  if (args.length === 0) return kwargs;
  if (Object.keys(kwargs).length === 0) return args;
  const names = tool.parameterNames;
  const merged: Record<string, unknown> = { ...kwargs };
  args.forEach((value, index) => {
    const name = names[index];
    if (name !== undefined) merged[name] = value;
  });
  return merged;
}

/** Bytes returned by an image tool go to Python as an image. */
function toolOutput(tool: Tool, value: unknown): unknown {
  if (tool.outputType === "image" && value instanceof Uint8Array)
    return { type: "image", image: value, mediaType: "image/png" };
  return value;
}

/** Longest tool name echoed in an error: the name comes from the guest. */
const MAX_ECHOED_NAME_LENGTH = 100;

function shortName(name: string): string {
  return name.length <= MAX_ECHOED_NAME_LENGTH ? name : `${name.slice(0, MAX_ECHOED_NAME_LENGTH)}…`;
}

function describeToolError(name: string, error: unknown): { type: string; message: string } {
  // Our own agent errors (bad arguments, …) are already written for the model.
  if (AgentError.isInstance(error)) return { type: error.name, message: error.message };
  const named = shortName(name);
  if (error instanceof Error)
    return { type: error.name, message: `Tool '${named}' failed: ${error.message}` };
  return { type: "Error", message: `Tool '${named}' failed: ${String(error)}` };
}

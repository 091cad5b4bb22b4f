import { AgentToolCallError } from "../errors.js";

/**
 * The arguments of a tool call as an object. Models write them as a JSON string, sometimes
 * wrapped in a Markdown fence, with prose around, or encoded twice; all of these are accepted.
 * An empty string means no arguments. Anything else throws an `AgentToolCallError` whose message
 * is written for the model, so the agent can feed it back as an observation.
 *
 * @example
 * parseToolCallArguments('```json\n{"query": "smol"}\n```', "web_search"); // { query: "smol" }
 * parseToolCallArguments('{"query": "smol"', "web_search"); // throws AgentToolCallError
 */
export function parseToolCallArguments(argumentsValue: unknown, toolName = ""): Record<string, unknown> {
  if (argumentsValue == null) return {};
  if (typeof argumentsValue === "object" && !Array.isArray(argumentsValue)) {
    return argumentsValue as Record<string, unknown>;
  }
  if (typeof argumentsValue !== "string") throw notAnObject(argumentsValue, toolName);

  const text = stripFence(argumentsValue.trim());
  if (text === "") return {};
  let parsed: unknown;
  try {
    parsed = parseJsonLeniently(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new AgentToolCallError(
      `The arguments of your call${toolName ? ` to tool '${toolName}'` : ""} are not valid JSON (${reason}). ` +
        `You wrote: ${preview(argumentsValue)}\n` +
        `Write the arguments as one JSON object, with double-quoted keys and strings, for example {"name": "value"}.`,
      toolName,
      { cause: error },
    );
  }
  // Some models encode the object twice: "{\"query\": \"smol\"}".
  if (typeof parsed === "string") return parseToolCallArguments(parsed, toolName);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed))
    throw notAnObject(parsed, toolName);
  return parsed as Record<string, unknown>;
}

function stripFence(text: string): string {
  const fenced = /^```[\w-]*\s*\n?([\s\S]*?)\n?\s*```$/.exec(text);
  return fenced ? fenced[1]!.trim() : text;
}

/** JSON as written, or else the span from the first `{` to the last `}` (prose around the object). */
function parseJsonLeniently(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const start = text.indexOf("{");
    const end = text.lastIndexOf("}");
    if (start === -1 || end <= start || (start === 0 && end === text.length - 1)) throw error;
    return JSON.parse(text.slice(start, end + 1));
  }
}

function notAnObject(value: unknown, toolName: string): AgentToolCallError {
  return new AgentToolCallError(
    `The arguments of your call${toolName ? ` to tool '${toolName}'` : ""} must be a JSON object mapping ` +
      `each argument name to its value, but you gave ${preview(JSON.stringify(value) ?? String(value))}.`,
    toolName,
  );
}

function preview(text: string): string {
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

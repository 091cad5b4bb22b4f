import { randomUUID } from "node:crypto";
import { AgentParsingError, AgentToolCallError } from "../errors.js";
import type { ToolCall } from "../memory/steps.js";
import { type ChatMessage, type ChatMessageToolCall, messageText } from "../models/messages.js";
import { parseToolCallArguments } from "../models/tool-call-arguments.js";

/** A tool call read from the model's output, ready to run. */
export interface ParsedToolCall {
  toolCall: ToolCall;
  /** Set when the arguments could not be read: the call is answered with this error, not run. */
  argumentsError?: AgentToolCallError;
}

const CALL_EXAMPLE = '{"name": "tool_name", "arguments": {"argument_name": "value"}}';

/**
 * The tool calls of a model reply: its native tool calls, or else the JSON tool call(s) written
 * in its text. Arguments written as a JSON string are parsed; when they are not valid JSON, the
 * call carries an `argumentsError` for the model instead of failing the step.
 * Throws `AgentParsingError` when the text holds no tool call.
 */
export function toolCallsFromMessage(message: ChatMessage): ParsedToolCall[] {
  const calls =
    message.toolCalls && message.toolCalls.length > 0
      ? message.toolCalls.map(fromNativeCall)
      : parseToolCallsFromText(messageText(message)).map(fromTextCall);
  // Ids key the tool responses: they must exist and differ, which some servers do not ensure.
  const seen = new Set<string>();
  for (const call of calls) {
    let id = call.toolCall.id || `call_${randomUUID().slice(0, 8)}`;
    while (seen.has(id)) id = `${id}_${seen.size}`;
    seen.add(id);
    call.toolCall.id = id;
  }
  return calls;
}

function fromNativeCall(call: ChatMessageToolCall): ParsedToolCall {
  const name = call.function?.name ?? "";
  const rawArguments = call.function?.arguments;
  try {
    return { toolCall: { id: call.id, name, arguments: parseToolCallArguments(rawArguments, name) } };
  } catch (error) {
    if (!AgentToolCallError.isInstance(error)) throw error;
    return { toolCall: { id: call.id, name, arguments: rawArguments }, argumentsError: error };
  }
}

function fromTextCall(call: { name: string; arguments: unknown }): ParsedToolCall {
  const toolCall: ToolCall = { id: "", name: call.name, arguments: call.arguments ?? {} };
  // A string value is a JSON object encoded once more, or else a single positional argument.
  if (typeof call.arguments === "string" && /^\s*(```|\{)/.test(call.arguments)) {
    try {
      toolCall.arguments = parseToolCallArguments(call.arguments, call.name);
    } catch (error) {
      if (!AgentToolCallError.isInstance(error)) throw error;
      return { toolCall, argumentsError: error };
    }
  }
  return { toolCall };
}

/**
 * The JSON tool calls written in a text: `{"name", "arguments"}`, `{"tool_call": {…}}`, the
 * OpenAI shape `{"function": {"name", "arguments"}}`, or a list of those; inside a code fence
 * or with prose around. Every JSON value of the text that is a tool call counts.
 *
 * @example
 * parseToolCallsFromText('Action:\n```json\n{"name": "search", "arguments": {"query": "smol"}}\n```');
 * // [{ name: "search", arguments: { query: "smol" } }]
 */
export function parseToolCallsFromText(text: string): { name: string; arguments: unknown }[] {
  const { values, parseError } = findJsonValues(text);
  const calls: { name: string; arguments: unknown }[] = [];
  const otherKeys = new Set<string>();
  for (const value of values) {
    const found = callsFromJson(value);
    if (found) calls.push(...found);
    else if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      for (const key of Object.keys(value)) otherKeys.add(key);
    }
  }
  if (calls.length > 0) return calls;
  if (otherKeys.size > 0 && parseError === undefined) {
    throw new AgentParsingError(
      `The JSON in your reply is not a tool call: a call needs a "name" key, and yours has ${[...otherKeys]
        .map((key) => JSON.stringify(key))
        .join(", ")}. Write it as ${CALL_EXAMPLE}.`,
    );
  }
  if (parseError) {
    throw new AgentParsingError(
      `The JSON of the tool call in your reply is not valid (${parseError}). Write the call as one valid JSON ` +
        `object, with double-quoted keys and strings: ${CALL_EXAMPLE}.`,
    );
  }
  throw new AgentParsingError(
    "Your reply contains no tool call. Call a tool through the tool-calling interface, or reply with one JSON " +
      `object: ${CALL_EXAMPLE}. To give your answer, call final_answer.`,
  );
}

function callsFromJson(value: unknown): { name: string; arguments: unknown }[] | undefined {
  if (Array.isArray(value)) {
    const calls = value.flatMap((item) => callsFromJson(item) ?? []);
    return calls.length > 0 ? calls : undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.tool_call === "object" && object.tool_call !== null)
    return callsFromJson(object.tool_call);
  if (Array.isArray(object.tool_calls)) return callsFromJson(object.tool_calls);
  if (typeof object.name === "string") {
    return [{ name: object.name, arguments: object.arguments ?? object.parameters ?? {} }];
  }
  if (typeof object.function === "object" && object.function !== null) return callsFromJson(object.function);
  return undefined;
}

/** At most this many `{`/`[` are tried as the start of a JSON value, so no text takes long. */
const MAX_JSON_STARTS = 200;

/**
 * The JSON objects and arrays found in a text, left to right, ignoring what is around them
 * (prose, code fences). `parseError` tells why the first candidate object did not parse, if
 * one did not.
 */
export function findJsonValues(text: string): { values: unknown[]; parseError?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return { values: [JSON.parse(trimmed)] };
    } catch {
      // Fall through to the scan: there may be several values, or prose after one.
    }
  }
  const values: unknown[] = [];
  let parseError: string | undefined;
  let attempts = 0;
  let index = 0;
  while (index < text.length && attempts < MAX_JSON_STARTS) {
    const char = text[index];
    if (char !== "{" && char !== "[") {
      index += 1;
      continue;
    }
    attempts += 1;
    const end = matchingBracket(text, index);
    if (end === -1) {
      // Everything after an unclosed bracket is inside it: an object found there would be a
      // fragment (the arguments, say), not a call of its own.
      if (char === "{") parseError ??= "a '{' is never closed";
      break;
    }
    try {
      values.push(JSON.parse(text.slice(index, end + 1)));
    } catch (error) {
      if (char === "{") parseError ??= error instanceof Error ? error.message : String(error);
    }
    index = end + 1;
  }
  return parseError === undefined ? { values } : { values, parseError };
}

/** The index of the bracket closing the one at `start`, skipping JSON strings; -1 if none. */
function matchingBracket(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

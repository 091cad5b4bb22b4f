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
    // Arguments given as a Python dict in a string are read as data, like a call written in Python.
    const written = /^\s*\{\s*'/.test(call.arguments)
      ? pythonLiteralToJson(call.arguments.trim())
      : undefined;
    try {
      toolCall.arguments = parseToolCallArguments(written ?? call.arguments, call.name);
    } catch (error) {
      if (!AgentToolCallError.isInstance(error)) throw error;
      return { toolCall, argumentsError: error };
    }
  }
  return { toolCall };
}

/** The keys real models use for a call's tool name, and for its arguments, by preference. */
const NAME_KEYS = ["name", "tool_name", "action"] as const;
const ARGUMENTS_KEYS = ["arguments", "parameters", "tool_arguments", "action_input"] as const;

type TextToolCall = { name: string; arguments: unknown };

/**
 * The JSON tool calls written in a text. A call is an object naming the tool and its arguments
 * with any of the key pairs real models write (`name`/`arguments` or `parameters`,
 * `tool_name`/`tool_arguments`, `action`/`action_input`), the OpenAI shape
 * `{"function": {"name", "arguments"}}`, or a `{"tool_call": …}` / `{"tool_calls": […]}`
 * wrapper; arguments may be a JSON string. The text may hold a list of calls, a Python dict
 * literal instead of JSON (single quotes, `True`/`False`/`None`), a code fence, and prose before
 * or after. A closed `<think>` section and whatever follows an `Observation:` line (an invented
 * result) are not read.
 *
 * Guessing is worse than asking: an object with two different tool names, a list with an item
 * that is not a call, or JSON that does not parse throws an `AgentParsingError` that says why.
 *
 * @example
 * parseToolCallsFromText('Action:\n```json\n{"name": "search", "arguments": {"query": "smol"}}\n```');
 * // [{ name: "search", arguments: { query: "smol" } }]
 */
export function parseToolCallsFromText(text: string): TextToolCall[] {
  const { values, parseError } = findJsonValues(readableText(text));
  const calls: TextToolCall[] = [];
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

/** The part of a reply that can hold its call: no closed reasoning, nothing after an observation invented after the call. */
function readableText(text: string): string {
  const visible = text.replace(/<(think|thinking)>[\s\S]*?<\/\1>/gi, "\n");
  const observation = /^[ \t]*Observation:/m.exec(visible);
  // Only after a call was written: a reply may open by restating the previous observation.
  if (!observation || !/[{[]/.test(visible.slice(0, observation.index))) return visible;
  return visible.slice(0, observation.index);
}

/**
 * The calls a JSON value holds, or undefined when it holds none. Throws when it is a call
 * written ambiguously, or a list whose items are not all calls.
 */
function callsFromJson(value: unknown): TextToolCall[] | undefined {
  if (Array.isArray(value)) {
    const calls = value.map((item) => callsFromJson(item));
    if (calls.every((found) => found === undefined)) return undefined;
    const notCalls = calls.flatMap((found, index) => (found === undefined ? [index + 1] : []));
    if (notCalls.length > 0) {
      throw new AgentParsingError(
        `Your list of tool calls has ${notCalls.length === 1 ? "an item" : "items"} that ${notCalls.length === 1 ? "is" : "are"} not a tool call ` +
          `(item ${notCalls.join(", ")} of ${value.length}). Nothing was run: write each call as ${CALL_EXAMPLE}.`,
      );
    }
    return calls.flatMap((found) => found ?? []);
  }
  if (typeof value !== "object" || value === null) return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.tool_call === "object" && object.tool_call !== null)
    return callsFromJson(object.tool_call);
  if (Array.isArray(object.tool_calls)) return callsFromJson(object.tool_calls);
  const names = [
    ...new Set(NAME_KEYS.flatMap((key) => (typeof object[key] === "string" ? [object[key]] : []))),
  ];
  if (names.length > 1) {
    throw new AgentParsingError(
      `Your tool call names two tools (${names.map((name) => JSON.stringify(name)).join(" and ")}). Nothing was run: ` +
        `name one tool per call, as ${CALL_EXAMPLE}.`,
    );
  }
  if (names.length === 1) {
    const argumentsKey = ARGUMENTS_KEYS.find((key) => object[key] !== undefined);
    return [{ name: names[0]!, arguments: argumentsKey ? object[argumentsKey] : {} }];
  }
  if (typeof object.function === "object" && object.function !== null) return callsFromJson(object.function);
  return undefined;
}

/** At most this many `{`/`[` are tried as the start of a JSON value, so no text takes long. */
const MAX_JSON_STARTS = 200;

/**
 * The JSON objects and arrays found in a text, left to right, ignoring what is around them
 * (prose, code fences). A value written as a Python literal (single-quoted strings, `True`,
 * `False`, `None`) is read too. `parseError` tells why the first candidate object or list did not
 * parse, if one did not.
 */
export function findJsonValues(text: string): { values: unknown[]; parseError?: string } {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    const whole = parseJsonOrPython(trimmed);
    if (whole.ok) return { values: [whole.value] };
    // Else scan: there may be several values, or prose after one.
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
    const end = matchingBracket(text, index, isPythonLiteralStart(text, index));
    if (end === -1) {
      // Everything after an unclosed bracket is inside it: an object found there would be a
      // fragment (the arguments, say), not a call of its own.
      if (looksLikeStructure(text, index)) parseError ??= `a '${char}' is never closed`;
      break;
    }
    const parsed = parseJsonOrPython(text.slice(index, end + 1));
    if (parsed.ok) values.push(parsed.value);
    else if (looksLikeStructure(text, index)) parseError ??= parsed.error;
    index = end + 1;
  }
  return parseError === undefined ? { values } : { values, parseError };
}

/**
 * Whether the bracket at `start` opens data rather than prose in brackets ("[Step 1]",
 * "{note}"): an object whose first key is quoted, or a list of objects, strings or numbers.
 */
function looksLikeStructure(text: string, start: number): boolean {
  const after = text.slice(start + 1, start + 40).trimStart();
  return text[start] === "{" ? /^(["'}])/.test(after) : /^(["'{[\]\d-])/.test(after);
}

/** A value written with Python quotes: `{'…` or `[{'…`, so a `'` delimits strings while scanning it. */
function isPythonLiteralStart(text: string, start: number): boolean {
  return /^[[{]\s*(?:\{\s*)?'/.test(text.slice(start, start + 40));
}

type Parsed = { ok: true; value: unknown } | { ok: false; error: string };

function parseJsonOrPython(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (error) {
    const json = pythonLiteralToJson(text);
    if (json !== undefined) {
      try {
        return { ok: true, value: JSON.parse(json) };
      } catch {
        // Report the JSON error: JSON is the format the model is asked for.
      }
    }
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * A Python literal (dicts, lists, tuples, strings in either quote, numbers, True/False/None)
 * rewritten as JSON text, or undefined when it holds anything else (a name, a call, an
 * expression): only data is read, never evaluated.
 */
export function pythonLiteralToJson(text: string): string | undefined {
  let json = "";
  let index = 0;
  while (index < text.length) {
    const char = text[index]!;
    if (char === "'" || char === '"') {
      const end = pythonStringEnd(text, index);
      if (end === -1) return undefined;
      const body = text.slice(index + 1, end);
      const value = decodePythonString(body);
      if (value === undefined) return undefined;
      json += JSON.stringify(value);
      index = end + 1;
      continue;
    }
    const word = /^[A-Za-z_]\w*/.exec(text.slice(index))?.[0];
    if (word !== undefined) {
      const mapped = { True: "true", False: "false", None: "null" }[word];
      if (mapped === undefined) return undefined;
      json += mapped;
      index += word.length;
      continue;
    }
    json += char === "(" ? "[" : char === ")" ? "]" : char;
    index += 1;
  }
  // Python allows a trailing comma; JSON does not.
  return json.replace(/,(\s*[\]}])/g, "$1");
}

function pythonStringEnd(text: string, start: number): number {
  const quote = text[start];
  for (let index = start + 1; index < text.length; index++) {
    if (text[index] === "\\") index += 1;
    else if (text[index] === quote) return index;
    else if (text[index] === "\n") return -1;
  }
  return -1;
}

const PYTHON_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  "\\": "\\",
  "'": "'",
  '"': '"',
  "0": "\0",
};

function decodePythonString(body: string): string | undefined {
  let value = "";
  for (let index = 0; index < body.length; index++) {
    const char = body[index]!;
    if (char !== "\\") {
      value += char;
      continue;
    }
    const next = body[index + 1];
    if (next === undefined) return undefined;
    if (next === "u" || next === "x") {
      const digits = body.slice(index + 2, index + (next === "u" ? 6 : 4));
      if (!/^[0-9a-fA-F]+$/.test(digits) || digits.length !== (next === "u" ? 4 : 2)) return undefined;
      value += String.fromCharCode(Number.parseInt(digits, 16));
      index += 1 + digits.length;
      continue;
    }
    value += PYTHON_ESCAPES[next] ?? `\\${next}`;
    index += 1;
  }
  return value;
}

/**
 * The index of the bracket closing the one at `start`, skipping strings (double-quoted, and
 * single-quoted too in a Python literal); -1 if none.
 */
function matchingBracket(text: string, start: number, singleQuotes: boolean): number {
  let depth = 0;
  let quote: string | undefined;
  for (let index = start; index < text.length; index++) {
    const char = text[index];
    if (quote !== undefined) {
      if (char === "\\") index += 1;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || (singleQuotes && char === "'")) quote = char;
    else if (char === "{" || char === "[") depth += 1;
    else if (char === "}" || char === "]") {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

import { randomBytes } from "node:crypto";
import { z } from "zod";
import { checkJsonShape } from "./json-shape.js";
import type { WireValue } from "./tagged-values.js";

/**
 * The messages of the runtime line protocol (docs/executor-protocol.md). Host → runtime
 * messages are typed only; runtime → host messages are validated with zod, because the guest
 * owns its stdout and may forge anything.
 */
export const PROTOCOL_VERSION = 1;

/**
 * Longest line the runtime may send (8 MiB, counted in bytes before decoding). It holds a
 * tool's arguments or a run's result with a few megabytes of image in base64, and it is small
 * enough that a line within every limit below costs the host at most tens of milliseconds
 * to parse. A longer line kills the runtime: the host stops reading it at the limit.
 */
export const MAX_PROTOCOL_LINE_LENGTH = 8 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects in one message. The runtime encodes at most 100 levels
 * of Python values, and a tagged value (a dict with non-string keys, a tuple) takes up to three
 * JSON levels for one Python level: 512 leaves room for both and the message around them.
 */
export const MAX_MESSAGE_DEPTH = 512;

/**
 * Most values in one message (arrays, objects, and the `,` between elements or members). At
 * 200,000 the worst kind (empty objects) parses in about 25 ms; a 15 MB `[{},{},…]` would
 * be 5 million and cost the host gigabytes.
 */
export const MAX_MESSAGE_VALUES = 200_000;

/** Longest error message, traceback or fatal text kept from the runtime (as the runtime caps them). */
export const MAX_ERROR_TEXT_LENGTH = 10_000;

/** Longest tool name a tool call may carry (tool names are Python identifiers, short in practice). */
export const MAX_TOOL_NAME_LENGTH = 200;

/** Most names a `variables` reply lists as not carried (the runtime lists at most 1,000). */
export const MAX_UNCARRIED_VARIABLES = 1_000;

/** Longest variable name, type name or reason in a `variables` reply's list of names not carried. */
const MAX_UNCARRIED_TEXT_LENGTH = 1_000;

/** Longest request or call id (the host's ids are a letter and a counter). */
const MAX_ID_LENGTH = 100;

/** A fresh per-runtime secret: 32 lowercase hex characters. */
export function createNonce(): string {
  return randomBytes(16).toString("hex");
}

/** What starts every runtime → host protocol line of the session with this nonce. */
export function protocolPrefix(nonce: string): string {
  return `smol:${nonce} `;
}

/** One tool as the runtime needs it to build a Python function. */
export interface ToolWireSpec {
  name: string;
  description: string;
  inputs: Record<string, { type: unknown; description: string; nullable?: boolean }>;
  outputType: string;
}

export type HostMessage =
  | { type: "init"; nonce: string; authorizedImports: string[]; maxPrintOutputsLength: number }
  | { type: "define_tools"; id: string; tools: ToolWireSpec[] }
  | { type: "set_variables"; id: string; variables: Record<string, WireValue> }
  | { type: "get_variables"; id: string }
  | { type: "run"; id: string; code: string }
  | { type: "tool_result"; callId: string; ok: true; value: WireValue }
  | { type: "tool_result"; callId: string; ok: false; error: { type: string; message: string } };

const codeErrorSchema = z.object({
  type: z.string().min(1).max(200),
  message: z.string(),
  line: z.number().int().positive().optional(),
  // Longer texts are cut to MAX_ERROR_TEXT_LENGTH by the session, not refused: a real error
  // may be long, and the runtime cuts its own at the same length.
  traceback: z.string().optional(),
});

const id = z.string().min(1).max(MAX_ID_LENGTH);

export const runtimeMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    protocol: z.literal(PROTOCOL_VERSION),
    python: z.string(),
    implementation: z.string(),
    executable: z.string().optional(),
  }),
  z.object({ type: z.literal("ack"), id }),
  z.object({
    type: z.literal("tool_call"),
    callId: id,
    name: z.string().min(1).max(MAX_TOOL_NAME_LENGTH),
    args: z.array(z.unknown()),
    kwargs: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal("result"),
    id,
    output: z.unknown(),
    logs: z.string(),
    isFinalAnswer: z.boolean(),
  }),
  z.object({ type: z.literal("error"), id, error: codeErrorSchema, logs: z.string() }),
  z.object({
    type: z.literal("variables"),
    id,
    variables: z.record(z.string(), z.unknown()),
    uncarried: z
      .array(
        z.object({
          name: z.string().min(1).max(MAX_UNCARRIED_TEXT_LENGTH),
          pythonType: z.string().max(MAX_UNCARRIED_TEXT_LENGTH),
          reason: z.string().max(MAX_UNCARRIED_TEXT_LENGTH),
        }),
      )
      .max(MAX_UNCARRIED_VARIABLES),
    omitted: z.number().int().nonnegative(),
  }),
  z.object({ type: z.literal("fatal"), message: z.string() }),
]);

export type RuntimeMessage = z.infer<typeof runtimeMessageSchema>;

/**
 * The messages of every tool call and every run (`tool_call`, `ack`, `result`, `error`),
 * checked by hand: zod costs several microseconds a message, a good share of a tool call's
 * round trip. It accepts only what `runtimeMessageSchema` accepts, and returns the same object
 * (its known keys only); anything else, or anything it is unsure of, is undefined, and the
 * schema decides and explains.
 */
function frequentMessage(data: unknown): RuntimeMessage | undefined {
  if (typeof data !== "object" || data === null) return undefined;
  const message = data as Record<string, unknown>;
  switch (message.type) {
    case "tool_call": {
      const { callId, name, args, kwargs } = message;
      if (!isId(callId) || !isText(name, 1, MAX_TOOL_NAME_LENGTH) || !Array.isArray(args)) return undefined;
      if (!isPlainObject(kwargs)) return undefined;
      return { type: "tool_call", callId, name, args, kwargs };
    }
    case "ack":
      return isId(message.id) ? { type: "ack", id: message.id } : undefined;
    case "result": {
      const { id, output, logs, isFinalAnswer } = message;
      if (!isId(id) || !("output" in message) || typeof logs !== "string") return undefined;
      return typeof isFinalAnswer === "boolean"
        ? { type: "result", id, output, logs, isFinalAnswer }
        : undefined;
    }
    case "error": {
      const { id, error, logs } = message;
      if (!isId(id) || typeof logs !== "string" || !isPlainObject(error)) return undefined;
      const { type, message: text, line, traceback } = error;
      if (!isText(type, 1, 200) || typeof text !== "string") return undefined;
      if (line !== undefined && !(Number.isSafeInteger(line) && (line as number) > 0)) return undefined;
      if (traceback !== undefined && typeof traceback !== "string") return undefined;
      const codeError = {
        type,
        message: text,
        ...(line === undefined ? {} : { line: line as number }),
        ...(traceback === undefined ? {} : { traceback }),
      };
      return { type: "error", id, error: codeError, logs };
    }
    default:
      return undefined;
  }
}

function isText(value: unknown, min: number, max: number): value is string {
  return typeof value === "string" && value.length >= min && value.length <= max;
}

function isId(value: unknown): value is string {
  return isText(value, 1, MAX_ID_LENGTH);
}

/** What `JSON.parse` makes of `{…}`: an object that is not an array. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Checks parsed JSON against the protocol: the hand-written check first, then the schema. */
export function checkRuntimeMessage(
  data: unknown,
): { kind: "message"; message: RuntimeMessage } | { kind: "invalid"; problem: string } {
  const frequent = frequentMessage(data);
  if (frequent) return { kind: "message", message: frequent };
  const parsed = runtimeMessageSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    // The path may hold the guest's own keys: keep the report short.
    const where = issue?.path.length ? ` at ${issue.path.join(".").slice(0, 200)}` : "";
    return {
      kind: "invalid",
      problem: `a framed message does not match the protocol${where}: ${(issue?.message ?? "invalid").slice(0, 300)}`,
    };
  }
  return { kind: "message", message: parsed.data };
}

/**
 * Reads one runtime line. Returns `{ kind: "stray" }` for a line that is not framed with the
 * session prefix, the message when it is framed and valid, and `{ kind: "invalid", problem }`
 * when it is framed but malformed (a protocol violation). The shape of the JSON is checked
 * (`MAX_MESSAGE_DEPTH`, `MAX_MESSAGE_VALUES`) before it is parsed, a slice at a time, so no line
 * holds the event loop for long; the length is `LineChannel`'s business (`MAX_PROTOCOL_LINE_LENGTH`).
 */
export async function parseRuntimeLine(
  line: string,
  prefix: string,
): Promise<
  { kind: "stray" } | { kind: "message"; message: RuntimeMessage } | { kind: "invalid"; problem: string }
> {
  if (!line.startsWith(prefix)) return { kind: "stray" };
  const shape = await checkJsonShape(
    line,
    { maxDepth: MAX_MESSAGE_DEPTH, maxValues: MAX_MESSAGE_VALUES },
    prefix.length,
  );
  if (shape) return { kind: "invalid", problem: `a framed line is ${shape}` };
  let data: unknown;
  try {
    data = JSON.parse(line.slice(prefix.length));
  } catch {
    return { kind: "invalid", problem: "a framed line is not valid JSON" };
  }
  return checkRuntimeMessage(data);
}

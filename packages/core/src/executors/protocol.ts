import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { WireValue } from "./tagged-values.js";

/**
 * The messages of the runtime line protocol (docs/executor-protocol.md). Host → runtime
 * messages are typed only; runtime → host messages are validated with zod, because the guest
 * owns its stdout and may forge anything.
 */
export const PROTOCOL_VERSION = 1;

/** Longest line either side may send (64 MiB). */
export const MAX_PROTOCOL_LINE_LENGTH = 64 * 1024 * 1024;

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
  | { type: "run"; id: string; code: string }
  | { type: "tool_result"; callId: string; ok: true; value: WireValue }
  | { type: "tool_result"; callId: string; ok: false; error: { type: string; message: string } };

const codeErrorSchema = z.object({
  type: z.string().min(1).max(200),
  message: z.string(),
  line: z.number().int().positive().optional(),
  traceback: z.string().optional(),
});

export const runtimeMessageSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("ready"),
    protocol: z.literal(PROTOCOL_VERSION),
    python: z.string(),
    implementation: z.string(),
    executable: z.string().optional(),
  }),
  z.object({ type: z.literal("ack"), id: z.string() }),
  z.object({
    type: z.literal("tool_call"),
    callId: z.string().min(1),
    name: z.string().min(1),
    args: z.array(z.unknown()),
    kwargs: z.record(z.string(), z.unknown()),
  }),
  z.object({
    type: z.literal("result"),
    id: z.string(),
    output: z.unknown(),
    logs: z.string(),
    isFinalAnswer: z.boolean(),
  }),
  z.object({ type: z.literal("error"), id: z.string(), error: codeErrorSchema, logs: z.string() }),
  z.object({ type: z.literal("fatal"), message: z.string() }),
]);

export type RuntimeMessage = z.infer<typeof runtimeMessageSchema>;

/**
 * Reads one runtime line. Returns `{ kind: "stray" }` for a line that is not framed with the
 * session prefix, the message when it is framed and valid, and `{ kind: "invalid", problem }`
 * when it is framed but malformed (a protocol violation).
 */
export function parseRuntimeLine(
  line: string,
  prefix: string,
): { kind: "stray" } | { kind: "message"; message: RuntimeMessage } | { kind: "invalid"; problem: string } {
  if (!line.startsWith(prefix)) return { kind: "stray" };
  let data: unknown;
  try {
    data = JSON.parse(line.slice(prefix.length));
  } catch {
    return { kind: "invalid", problem: "a framed line is not valid JSON" };
  }
  const parsed = runtimeMessageSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? ` at ${issue.path.join(".")}` : "";
    return {
      kind: "invalid",
      problem: `a framed message does not match the protocol${where}: ${issue?.message ?? "invalid"}`,
    };
  }
  return { kind: "message", message: parsed.data };
}

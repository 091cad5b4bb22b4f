/**
 * The chunks of the AI SDK's UI message stream (protocol `v1`, as AI SDK 7 reads it) that smol
 * writes: a subset of the `ai` package's `UIMessageChunk`, declared here so that this package
 * needs no `ai` at run time. The tests check that every one is assignable to `UIMessageChunk`.
 */
export type SmolUIMessageChunk =
  | { type: "start"; messageId?: string }
  | { type: "start-step" }
  | { type: "finish-step" }
  | { type: "text-start"; id: string }
  | { type: "text-delta"; id: string; delta: string }
  | { type: "text-end"; id: string }
  | { type: "reasoning-start"; id: string }
  | { type: "reasoning-delta"; id: string; delta: string }
  | { type: "reasoning-end"; id: string }
  | { type: "tool-input-available"; toolCallId: string; toolName: string; input: unknown; dynamic: true }
  | { type: "tool-output-available"; toolCallId: string; output: unknown; dynamic: true }
  | { type: "tool-output-error"; toolCallId: string; errorText: string; dynamic: true }
  | { type: "error"; errorText: string }
  | { type: "abort"; reason?: string }
  | { type: "finish"; finishReason: "stop" | "error" | "other" };

/** The headers of a UI message stream response, as `useChat`'s default transport expects them. */
export const UI_MESSAGE_STREAM_HEADERS: Readonly<Record<string, string>> = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  connection: "keep-alive",
  "x-vercel-ai-ui-message-stream": "v1",
  // Proxies such as nginx would otherwise hold the events back.
  "x-accel-buffering": "no",
};

import type { ChatMessage, ChatMessageStreamDelta } from "./messages.js";

/** A JSON schema the model must follow (structured outputs). */
export interface ResponseFormat {
  type: "json_schema";
  jsonSchema: { name: string; schema: Record<string, unknown>; strict?: boolean; description?: string };
}

/** What a model needs to know about a tool to call it natively. */
export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface GenerateOptions {
  stopSequences?: string[];
  responseFormat?: ResponseFormat;
  /** Tools the model may call through the provider's native tool-calling API. */
  toolsToCallFrom?: ToolSpec[];
  toolChoice?: "auto" | "required" | "none" | { name: string };
  signal?: AbortSignal;
}

/**
 * A model is any object with a `modelId` and a `generate` method: no base class required.
 * API providers extend `ApiModel` to get retries, rate limiting and parameter handling.
 *
 * @example
 * const echo: Model = { modelId: "echo", async generate(messages) {
 *   return { role: "assistant", content: "<code>final_answer('hi')</code>" };
 * } };
 */
export interface Model {
  readonly modelId: string;
  generate(messages: ChatMessage[], options?: GenerateOptions): Promise<ChatMessage>;
  generateStream?(messages: ChatMessage[], options?: GenerateOptions): AsyncIterable<ChatMessageStreamDelta>;
  /** A JSON-able description without secrets, for saving agents. */
  toDict?(): Record<string, unknown>;
}

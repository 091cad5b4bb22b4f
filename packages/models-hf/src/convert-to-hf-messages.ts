import type { ContentPart, ResponseFormat, ToolSpec } from "@smol/core";
import {
  type CompletionMessage,
  type CompletionRequest,
  imagePartToUrl,
  overlayCompletionParameters,
} from "@smol/core/provider-kit";
import type {
  HFChatCompletionArguments,
  HFChatMessage,
  HFContentChunk,
  HFResponseFormat,
  HFTool,
} from "./hf-types.js";

/**
 * smol's cleaned messages in the chat-completion shape HF's router and endpoints take (OpenAI's).
 * Text-only content goes as a string, which every backend understands; images go as `image_url`
 * parts (an `https` URL or a `data:` URL), for the vision models that take them.
 */
export function toHFMessages(messages: readonly CompletionMessage[]): HFChatMessage[] {
  return messages.map((message) => ({ role: message.role, content: toContent(message) }));
}

function toContent(message: CompletionMessage): string | HFContentChunk[] {
  const { content } = message;
  if (typeof content === "string") return content;
  // Only users send images; an image elsewhere would be rejected by most backends.
  if (message.role !== "user" || content.every((part) => part.type === "text")) return textOf(content);
  return content.map(
    (part): HFContentChunk =>
      part.type === "text"
        ? { type: "text", text: part.text }
        : { type: "image_url", image_url: { url: imagePartToUrl(part) } },
  );
}

function textOf(content: ContentPart[]): string {
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

export function toHFTools(tools: readonly ToolSpec[]): HFTool[] {
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

/** OpenAI's tool-choice shape, which the router forwards to the provider as is. */
export function toHFToolChoice(
  toolChoice: NonNullable<CompletionRequest["toolChoice"]>,
): HFChatCompletionArguments["tool_choice"] {
  return typeof toolChoice === "string"
    ? toolChoice
    : { type: "function", function: { name: toolChoice.name } };
}

export function toHFResponseFormat(responseFormat: ResponseFormat): HFResponseFormat {
  const { name, schema, strict, description } = responseFormat.jsonSchema;
  return {
    type: "json_schema",
    json_schema: {
      name,
      schema,
      ...(strict !== undefined ? { strict } : {}),
      ...(description !== undefined ? { description } : {}),
    },
  };
}

/**
 * The chat-completion body: smol's request translated, then the model's completion parameters
 * laid over it (they win; `REMOVE_PARAMETER` deletes). A stream asks for usage in its last chunk
 * (`stream_options: REMOVE_PARAMETER` turns that off for a backend that rejects it). `stream`
 * itself is left out: the SDK's method sets it.
 *
 * @example
 * toHFRequestBody(request, { stream: false });
 * // { model: "Qwen/Qwen3-Next-80B-A3B-Thinking", messages: [...], stop: ["Observation:"], temperature: 0.2 }
 */
export function toHFRequestBody(
  request: CompletionRequest,
  options: { stream: boolean; model: string },
): HFChatCompletionArguments {
  const body: Record<string, unknown> = { model: options.model, messages: toHFMessages(request.messages) };
  if (request.stopSequences) body.stop = request.stopSequences;
  if (request.tools) body.tools = toHFTools(request.tools);
  if (request.toolChoice) body.tool_choice = toHFToolChoice(request.toolChoice);
  if (request.responseFormat) body.response_format = toHFResponseFormat(request.responseFormat);
  if (options.stream) body.stream_options = { include_usage: true };
  const final = overlayCompletionParameters(body, request.completionParameters);
  delete final.stream;
  if (!options.stream) delete final.stream_options;
  return final as unknown as HFChatCompletionArguments;
}

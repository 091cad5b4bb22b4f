import type { ContentPart, ResponseFormat, ToolSpec } from "@smol/core";
import {
  type CompletionMessage,
  type CompletionRequest,
  imagePartToUrl,
  overlayCompletionParameters,
} from "@smol/core/provider-kit";
import type {
  ChatCompletionContentPart,
  ChatCompletionCreateParams,
  ChatCompletionMessageParam,
  ChatCompletionTool,
  ChatCompletionToolChoiceOption,
} from "openai/resources/chat/completions";

/**
 * smol's cleaned messages in OpenAI's shape. Text-only content is sent as a plain string, which
 * every OpenAI-compatible server understands; images go as `image_url` parts (an `https` URL or
 * a `data:` URL). System and assistant messages only take text.
 */
export function toOpenAIMessages(messages: readonly CompletionMessage[]): ChatCompletionMessageParam[] {
  return messages.map((message): ChatCompletionMessageParam => {
    if (message.role === "user") return { role: "user", content: toUserContent(message.content) };
    return { role: message.role, content: textOf(message.content) };
  });
}

function toUserContent(content: CompletionMessage["content"]): string | ChatCompletionContentPart[] {
  if (typeof content === "string") return content;
  if (content.every((part) => part.type === "text")) return textOf(content);
  return content.map(
    (part): ChatCompletionContentPart =>
      part.type === "text"
        ? { type: "text", text: part.text }
        : { type: "image_url", image_url: { url: imagePartToUrl(part) } },
  );
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

export function toOpenAITools(tools: readonly ToolSpec[]): ChatCompletionTool[] {
  return tools.map((tool) => ({
    type: "function",
    function: { name: tool.name, description: tool.description, parameters: tool.parameters },
  }));
}

export function toOpenAIToolChoice(
  toolChoice: NonNullable<CompletionRequest["toolChoice"]>,
): ChatCompletionToolChoiceOption {
  return typeof toolChoice === "string"
    ? toolChoice
    : { type: "function", function: { name: toolChoice.name } };
}

export function toOpenAIResponseFormat(
  responseFormat: ResponseFormat,
): NonNullable<ChatCompletionCreateParams["response_format"]> {
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
 * The full request body: smol's request translated, then the model's completion parameters laid
 * over it (they win; `REMOVE_PARAMETER` deletes). Streaming asks for usage in the last chunk;
 * `stream_options: REMOVE_PARAMETER` turns that off for servers that reject it.
 *
 * @example
 * toOpenAIRequestBody(request, { stream: true });
 * // { model, messages, stop, tools, …, stream: true, stream_options: { include_usage: true } }
 */
export function toOpenAIRequestBody(
  request: CompletionRequest,
  options: { stream: boolean },
): Record<string, unknown> & { model: string; messages: ChatCompletionMessageParam[] } {
  const body: Record<string, unknown> & { model: string; messages: ChatCompletionMessageParam[] } = {
    model: request.modelId,
    messages: toOpenAIMessages(request.messages),
  };
  if (request.stopSequences) body.stop = request.stopSequences;
  if (request.tools) body.tools = toOpenAITools(request.tools);
  if (request.toolChoice) body.tool_choice = toOpenAIToolChoice(request.toolChoice);
  if (request.responseFormat) body.response_format = toOpenAIResponseFormat(request.responseFormat);
  if (options.stream) body.stream_options = { include_usage: true };
  const final = overlayCompletionParameters(body, request.completionParameters);
  // Whether to stream is the method's choice, not a parameter: a stray `stream` would change the reply's type.
  if (options.stream) final.stream = true;
  else {
    delete final.stream;
    delete final.stream_options;
  }
  return final;
}

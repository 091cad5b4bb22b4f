import type {
  ContentBlockParam,
  ImageBlockParam,
  MessageCreateParamsBase,
  MessageParam,
  Tool,
  ToolChoice,
} from "@anthropic-ai/sdk/resources/messages";
import { type ContentPart, type ImagePart, ModelConfigurationError, type ToolSpec } from "@smol/core";
import {
  type CompletionMessage,
  type CompletionRequest,
  overlayCompletionParameters,
  resolveImage,
} from "@smol/core/provider-kit";

const supportedImageTypes = new Set(["image/jpeg", "image/png", "image/gif", "image/webp"]);

/**
 * smol's cleaned messages in the Messages API's shape: system messages leave the list for the
 * top-level `system` parameter (the API accepts no "system" role), the rest become user and
 * assistant messages with text and image blocks.
 */
export function toAnthropicMessages(messages: readonly CompletionMessage[]): {
  system: string | undefined;
  messages: MessageParam[];
} {
  const systemTexts: string[] = [];
  const converted: MessageParam[] = [];
  for (const message of messages) {
    if (message.role === "system") {
      systemTexts.push(textOf(message.content));
      continue;
    }
    const content = toContent(message);
    const previous = converted.at(-1);
    // Removing system messages can bring two messages of one role together.
    if (previous && previous.role === message.role)
      previous.content = [...asBlocks(previous.content), ...asBlocks(content)];
    else converted.push({ role: message.role, content });
  }
  return { system: systemTexts.length > 0 ? systemTexts.join("\n\n") : undefined, messages: converted };
}

function toContent(message: CompletionMessage): string | ContentBlockParam[] {
  const { content } = message;
  if (typeof content === "string") return content;
  if (content.every((part) => part.type === "text")) return textOf(content);
  return content.map(
    (part): ContentBlockParam =>
      part.type === "text" ? { type: "text", text: part.text } : toImageBlock(part),
  );
}

function asBlocks(content: string | ContentBlockParam[]): ContentBlockParam[] {
  return typeof content === "string" ? [{ type: "text", text: content }] : content;
}

function toImageBlock(part: ImagePart): ImageBlockParam {
  const resolved = resolveImage(part);
  if (resolved.kind === "url") return { type: "image", source: { type: "url", url: resolved.url } };
  if (!supportedImageTypes.has(resolved.mediaType)) {
    throw new ModelConfigurationError(
      `Anthropic takes JPEG, PNG, GIF and WebP images, not ${resolved.mediaType}: convert the image first.`,
    );
  }
  return {
    type: "image",
    source: { type: "base64", media_type: resolved.mediaType as "image/png", data: resolved.base64 },
  };
}

function textOf(content: string | ContentPart[]): string {
  if (typeof content === "string") return content;
  return content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

export function toAnthropicTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    name: tool.name,
    description: tool.description,
    input_schema: tool.parameters as Tool["input_schema"],
  }));
}

/** `"required"` is Anthropic's `any`; a named tool is `{ type: "tool", name }`. */
export function toAnthropicToolChoice(toolChoice: NonNullable<CompletionRequest["toolChoice"]>): ToolChoice {
  if (typeof toolChoice !== "string") return { type: "tool", name: toolChoice.name };
  return { type: toolChoice === "required" ? "any" : toolChoice };
}

/**
 * The Messages API body: smol's request translated (`max_tokens` is required by the API, so a
 * default is always given), then the model's completion parameters laid over it (they win;
 * `REMOVE_PARAMETER` deletes). A response format becomes `output_config.format`, Anthropic's
 * structured output.
 *
 * @example
 * toAnthropicRequestBody(request, { maxTokens: 4096 });
 * // { model: "claude-sonnet-4-6", max_tokens: 4096, system: "…", messages: [...], stop_sequences: ["Observation:"] }
 */
export function toAnthropicRequestBody(
  request: CompletionRequest,
  options: { maxTokens: number },
): MessageCreateParamsBase {
  const { system, messages } = toAnthropicMessages(request.messages);
  const body: Record<string, unknown> = { model: request.modelId, max_tokens: options.maxTokens };
  if (system !== undefined) body.system = system;
  body.messages = messages;
  if (request.stopSequences) body.stop_sequences = request.stopSequences;
  if (request.tools) body.tools = toAnthropicTools(request.tools);
  if (request.toolChoice) body.tool_choice = toAnthropicToolChoice(request.toolChoice);
  if (request.responseFormat) {
    body.output_config = {
      format: { type: "json_schema", schema: request.responseFormat.jsonSchema.schema },
    };
  }
  const final = overlayCompletionParameters(body, request.completionParameters);
  // Whether to stream is the method's choice, not a parameter: a stray `stream` would change the reply's type.
  delete final.stream;
  return final as unknown as MessageCreateParamsBase;
}

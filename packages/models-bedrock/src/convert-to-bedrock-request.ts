import type {
  ContentBlock,
  ConverseCommandInput,
  ImageFormat,
  Message,
  SystemContentBlock,
  Tool,
  ToolChoice,
} from "@aws-sdk/client-bedrock-runtime";
import { type ContentPart, type ImagePart, ModelConfigurationError, type ToolSpec } from "@smol/core";
import {
  type CompletionMessage,
  type CompletionRequest,
  overlayCompletionParameters,
  resolveImage,
} from "@smol/core/provider-kit";

/** The fields of a Converse (and ConverseStream) request, other than `modelId` and `messages`. */
const converseRequestFields = new Set([
  "system",
  "inferenceConfig",
  "toolConfig",
  "guardrailConfig",
  "additionalModelRequestFields",
  "promptVariables",
  "additionalModelResponseFieldPaths",
  "requestMetadata",
  "performanceConfig",
  "serviceTier",
  "outputConfig",
]);

/**
 * Completion parameters that belong in `inferenceConfig`, accepted at the top level too, the way
 * every other smol model takes them (`temperature: 0.2`). The snake_case spellings are OpenAI's.
 */
const inferenceShortcuts: Record<string, string> = {
  maxTokens: "maxTokens",
  max_tokens: "maxTokens",
  temperature: "temperature",
  topP: "topP",
  top_p: "topP",
};

/** Fields whose object value is merged one level deep with smol's own, instead of replacing it. */
const mergedFields = new Set(["inferenceConfig", "outputConfig"]);

/**
 * Checks a model's completion parameters against the Converse request's fields. The SDK drops
 * unknown fields without a word, so a misspelled or model-specific key would silently do nothing.
 *
 * @example
 * checkConverseParameters({ inferenceConfig: { maxTokens: 3000 }, top_k: 5 });
 * // throws: `top_k` is not a field of Converse requests … additionalModelRequestFields
 */
export function checkConverseParameters(parameters: Readonly<Record<string, unknown>>): void {
  for (const key of Object.keys(parameters)) {
    if (key === "stop" || converseRequestFields.has(key) || key in inferenceShortcuts) continue;
    throw new ModelConfigurationError(
      `AmazonBedrockModel: \`${key}\` is not a field of Converse requests, so the AWS SDK would drop it. ` +
        `Fields: ${[...converseRequestFields].join(", ")}; or maxTokens, temperature, topP, which go into inferenceConfig. ` +
        `Model-specific parameters go in additionalModelRequestFields, e.g. { additionalModelRequestFields: { ${key}: … } }.`,
    );
  }
}

/**
 * smol's request as a Converse request: system messages become `system` blocks, images
 * `image: { format, source: { bytes } }`, tools `toolConfig.tools[].toolSpec` with the arguments'
 * JSON schema in `inputSchema.json`, stop sequences `inferenceConfig.stopSequences`. The model's
 * completion parameters are laid over it: top-level fields replace smol's, `inferenceConfig` and
 * `outputConfig` are merged key by key, and `REMOVE_PARAMETER` deletes at either level.
 *
 * @example
 * toConverseRequest(request, { systemPromptAsUserMessage: false });
 * // { modelId, system: [{ text }], messages: [{ role: "user", content: [{ text }] }], inferenceConfig: { stopSequences } }
 */
export function toConverseRequest(
  request: CompletionRequest,
  options: { systemPromptAsUserMessage: boolean },
): ConverseCommandInput {
  const { system, messages } = toBedrockMessages(request.messages, options);
  const body: Record<string, unknown> = { modelId: request.modelId, messages };
  if (system.length > 0) body.system = system;
  if (request.stopSequences) body.inferenceConfig = { stopSequences: request.stopSequences };
  if (request.tools && request.toolChoice !== "none") {
    body.toolConfig = toToolConfig(request.tools, request.toolChoice);
  }
  if (request.responseFormat) {
    const { name, schema, description } = request.responseFormat.jsonSchema;
    body.outputConfig = {
      textFormat: {
        type: "json_schema",
        structure: {
          jsonSchema: { name, schema: JSON.stringify(schema), ...(description ? { description } : {}) },
        },
      },
    };
  }
  return overlayParameters(body, request.completionParameters) as unknown as ConverseCommandInput;
}

function overlayParameters(
  body: Record<string, unknown>,
  parameters: Record<string, unknown>,
): Record<string, unknown> {
  const shortcuts: Record<string, unknown> = {};
  const topLevel: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parameters)) {
    const inferenceKey = inferenceShortcuts[key];
    if (inferenceKey) shortcuts[inferenceKey] = value;
    else topLevel[key] = value;
  }
  if (Object.keys(shortcuts).length > 0) {
    body.inferenceConfig = overlayCompletionParameters(asObject(body.inferenceConfig), shortcuts);
  }
  for (const [key, value] of Object.entries(topLevel)) {
    if (mergedFields.has(key) && isPlainObject(value)) {
      topLevel[key] = overlayCompletionParameters(asObject(body[key]), value);
    }
  }
  const result = overlayCompletionParameters(body, topLevel);
  // An inferenceConfig left empty (its only key removed) is noise in the request.
  for (const key of mergedFields) {
    if (isPlainObject(result[key]) && Object.keys(result[key]).length === 0) delete result[key];
  }
  return result;
}

/**
 * Messages in Converse's shape. Converse takes system prompts apart from the conversation, takes
 * no blank text block, and wants the roles to alternate; some models (Amazon Titan) take no
 * system prompt, for which `systemPromptAsUserMessage` puts it at the start of the first user turn.
 */
export function toBedrockMessages(
  messages: readonly CompletionMessage[],
  options: { systemPromptAsUserMessage: boolean },
): { system: SystemContentBlock[]; messages: Message[] } {
  const system: SystemContentBlock[] = [];
  const systemAsUser: ContentBlock[] = [];
  const converted: Message[] = [];
  for (const message of messages) {
    const content = toContentBlocks(message.content, message.role);
    if (content.length === 0) continue;
    if (message.role === "system") {
      if (options.systemPromptAsUserMessage) systemAsUser.push(...content);
      else system.push(...(content as SystemContentBlock[]));
      continue;
    }
    const previous = converted.at(-1);
    if (previous?.role === message.role) previous.content!.push(...content);
    else converted.push({ role: message.role, content });
  }
  if (systemAsUser.length > 0) {
    if (converted[0]?.role === "user") converted[0].content!.unshift(...systemAsUser);
    else converted.unshift({ role: "user", content: systemAsUser });
  }
  return { system, messages: converted };
}

function toContentBlocks(content: string | ContentPart[], role: CompletionMessage["role"]): ContentBlock[] {
  const parts: ContentPart[] = typeof content === "string" ? [{ type: "text", text: content }] : content;
  const blocks: ContentBlock[] = [];
  for (const part of parts) {
    if (part.type === "text") {
      // Bedrock rejects a text block that is blank ("The text field in the ContentBlock object is blank").
      if (part.text.trim() !== "") blocks.push({ text: part.text });
    } else if (role === "user") {
      blocks.push(toImageBlock(part));
    }
    // Images in system or assistant messages have no Converse form; the text around them still goes.
  }
  return blocks;
}

const imageFormats: Record<string, ImageFormat> = {
  "image/png": "png",
  "image/jpeg": "jpeg",
  "image/jpg": "jpeg",
  "image/gif": "gif",
  "image/webp": "webp",
};

/** An image as Converse takes it: its bytes, or an `s3://` location Bedrock reads itself. */
export function toImageBlock(part: ImagePart): ContentBlock {
  if (typeof part.image === "string" && part.image.startsWith("s3://")) {
    const format = imageFormats[part.mediaType ?? ""] ?? formatFromExtension(part.image);
    return { image: { format, source: { s3Location: { uri: part.image } } } } as ContentBlock;
  }
  const resolved = resolveImage(part);
  if (resolved.kind === "url") {
    throw new ModelConfigurationError(
      `Amazon Bedrock's Converse API takes images as bytes or as s3:// locations, not as web URLs (${resolved.url}). ` +
        "Download the image and pass its bytes (a Uint8Array) instead.",
    );
  }
  const format = imageFormats[resolved.mediaType.toLowerCase()];
  if (!format) {
    throw new ModelConfigurationError(
      `Amazon Bedrock takes png, jpeg, gif and webp images, not ${resolved.mediaType}.`,
    );
  }
  return { image: { format, source: { bytes: new Uint8Array(Buffer.from(resolved.base64, "base64")) } } };
}

function formatFromExtension(uri: string): ImageFormat {
  const extension = uri.split(".").at(-1)?.toLowerCase() ?? "";
  const format = imageFormats[`image/${extension}`];
  if (!format) {
    throw new ModelConfigurationError(
      `Cannot tell the format of the image at ${uri}: give its mediaType (image/png, image/jpeg, image/gif or image/webp).`,
    );
  }
  return format;
}

/** Tools as `toolConfig`; `required` is Converse's `any`, a tool name its `tool` choice. */
export function toToolConfig(
  tools: readonly ToolSpec[],
  toolChoice: CompletionRequest["toolChoice"],
): { tools: Tool[]; toolChoice?: ToolChoice } {
  const config: { tools: Tool[]; toolChoice?: ToolChoice } = {
    tools: tools.map((tool) => ({
      toolSpec: {
        name: tool.name,
        // Converse rejects an empty description (its minimum length is 1).
        ...(tool.description ? { description: tool.description } : {}),
        inputSchema: { json: tool.parameters as never },
      },
    })),
  };
  if (toolChoice === "auto") config.toolChoice = { auto: {} };
  else if (toolChoice === "required") config.toolChoice = { any: {} };
  else if (typeof toolChoice === "object") config.toolChoice = { tool: { name: toolChoice.name } };
  return config;
}

function asObject(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? value : {};
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

import type { ContentPart } from "@smol/core";
import {
  type CompletionMessage,
  type CompletionRequest,
  overlayCompletionParameters,
  resolveImage,
} from "@smol/core/provider-kit";
import type { AiSdkSpecificationVersion } from "./language-model.js";

/**
 * The call options smol builds, in the shape the three specifications share. Where they differ
 * (how a file's data is given), `toCallOptions` writes the version's own shape.
 */
export interface AiSdkCallOptions {
  prompt: AiSdkPromptMessage[];
  stopSequences?: string[];
  tools?: { type: "function"; name: string; description?: string; inputSchema: Record<string, unknown> }[];
  toolChoice?: { type: "auto" | "none" | "required" } | { type: "tool"; toolName: string };
  responseFormat?: { type: "json"; schema?: Record<string, unknown>; name?: string; description?: string };
  abortSignal?: AbortSignal;
  [callOption: string]: unknown;
}

type TextPart = { type: "text"; text: string };
type FilePart = { type: "file"; mediaType: string; data: unknown };

export type AiSdkPromptMessage =
  | { role: "system"; content: string }
  | { role: "user"; content: (TextPart | FilePart)[] }
  | { role: "assistant"; content: (TextPart | FilePart)[] };

/** Call options every specification names: the constructor's extra options are compared with them. */
export const CALL_OPTION_NAMES = [
  "maxOutputTokens",
  "temperature",
  "topP",
  "topK",
  "presencePenalty",
  "frequencyPenalty",
  "seed",
  "headers",
  "providerOptions",
  "reasoning",
  "includeRawChunks",
];

/**
 * smol's provider-neutral request as AI SDK call options. The constructor's completion
 * parameters (`temperature`, `maxOutputTokens`, `providerOptions`, …) are laid over last, so
 * they win, and `REMOVE_PARAMETER` deletes what smol computed.
 */
export function toCallOptions(
  request: CompletionRequest,
  version: AiSdkSpecificationVersion,
  signal: AbortSignal | undefined,
): AiSdkCallOptions {
  const options: AiSdkCallOptions = {
    prompt: request.messages.map((message) => toPromptMessage(message, version)),
  };
  if (request.stopSequences) options.stopSequences = request.stopSequences;
  if (request.tools) {
    options.tools = request.tools.map((tool) => ({
      type: "function",
      name: tool.name,
      description: tool.description,
      inputSchema: tool.parameters,
    }));
  }
  if (request.toolChoice) {
    options.toolChoice =
      typeof request.toolChoice === "string"
        ? { type: request.toolChoice }
        : { type: "tool", toolName: request.toolChoice.name };
  }
  if (request.responseFormat) {
    const { name, schema, description } = request.responseFormat.jsonSchema;
    options.responseFormat = { type: "json", schema, name, ...(description ? { description } : {}) };
  }
  if (signal) options.abortSignal = signal;
  return overlayCompletionParameters(options, request.completionParameters);
}

function toPromptMessage(message: CompletionMessage, version: AiSdkSpecificationVersion): AiSdkPromptMessage {
  const parts: ContentPart[] =
    typeof message.content === "string" ? [{ type: "text", text: message.content }] : message.content;
  if (message.role === "system") {
    // The system message of every specification is a plain string.
    return { role: "system", content: parts.map((part) => (part.type === "text" ? part.text : "")).join("") };
  }
  return { role: message.role, content: parts.map((part) => toPromptPart(part, version)) };
}

function toPromptPart(part: ContentPart, version: AiSdkSpecificationVersion): TextPart | FilePart {
  if (part.type === "text") return { type: "text", text: part.text };
  const image = resolveImage(part);
  if (image.kind === "url") {
    const url = new URL(image.url);
    // v4 tags file data with its kind; v2 and v3 take a URL, bytes or base64 as is.
    return {
      type: "file",
      mediaType: part.mediaType ?? "image/*",
      data: version === "v4" ? { type: "url", url } : url,
    };
  }
  return {
    type: "file",
    mediaType: image.mediaType,
    data: version === "v4" ? { type: "data", data: image.base64 } : image.base64,
  };
}

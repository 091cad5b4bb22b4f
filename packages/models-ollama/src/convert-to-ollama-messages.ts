import { ModelConfigurationError, type ToolSpec } from "@smol/core";
import {
  type CompletionMessage,
  type CompletionRequest,
  isRemoveParameter,
  resolveImage,
} from "@smol/core/provider-kit";
import type { ChatRequest, Message, Tool } from "ollama";

/** Request fields Ollama takes at the top level; every other completion parameter is a model option. */
const topLevelFields = new Set([
  "model",
  "messages",
  "tools",
  "format",
  "keep_alive",
  "think",
  "logprobs",
  "top_logprobs",
]);

/** OpenAI-style names users pass out of habit, and Ollama's option for each. */
const optionAliases: Record<string, string> = { max_tokens: "num_predict" };

/**
 * smol's cleaned messages in Ollama's shape: text as one string, images as the bytes Ollama
 * base64-encodes itself. (Bytes, not strings: the `ollama` client reads a string image that names
 * an existing file from disk, which a model's input must never trigger.) Ollama cannot fetch an
 * image URL, so one is refused with a clear error.
 */
export function toOllamaMessages(messages: readonly CompletionMessage[]): Message[] {
  return messages.map((message) => {
    if (typeof message.content === "string") return { role: message.role, content: message.content };
    const text = message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
    const images = message.content.flatMap((part) => (part.type === "image" ? [imageBytes(part)] : []));
    return images.length > 0
      ? { role: message.role, content: text, images }
      : { role: message.role, content: text };
  });
}

function imageBytes(part: Parameters<typeof resolveImage>[0]): Uint8Array {
  const resolved = resolveImage(part);
  if (resolved.kind === "url") {
    throw new ModelConfigurationError(
      `Ollama takes images as data, not URLs (${resolved.url}): download the image and pass its bytes.`,
    );
  }
  return new Uint8Array(Buffer.from(resolved.base64, "base64"));
}

export function toOllamaTools(tools: readonly ToolSpec[]): Tool[] {
  return tools.map((tool) => ({
    type: "function",
    function: {
      name: tool.name,
      description: tool.description,
      parameters: tool.parameters as Tool["function"]["parameters"],
    },
  }));
}

export interface OllamaRequestDefaults {
  /** The context window, `options.num_ctx`. */
  numCtx?: number;
  /** `keep_alive`: how long the model stays loaded after the request. */
  keepAlive?: string | number;
  /** Model options (`temperature`, `top_k`, `seed`, …) given as one object. */
  options?: Record<string, unknown>;
}

/**
 * The `/api/chat` body. Sampling settings go into `options`, Ollama's place for them: a flat
 * completion parameter such as `temperature` lands there too (`max_tokens` as `num_predict`),
 * while `format`, `keep_alive` and `think` stay at the top. Completion parameters win over smol's
 * values and `REMOVE_PARAMETER` deletes, at either level. Ollama has no tool choice: `"none"`
 * sends no tools, and `"required"` cannot be enforced.
 *
 * @example
 * toOllamaRequest(request, { numCtx: 8192 }, { stream: false });
 * // { model: "llama3.2", messages: [...], stream: false, options: { num_ctx: 8192, stop: ["Observation:"] } }
 */
export function toOllamaRequest(
  request: CompletionRequest,
  defaults: OllamaRequestDefaults,
  options: { stream: boolean },
): ChatRequest & { stream: boolean } {
  const body: Record<string, unknown> = {
    model: request.modelId,
    messages: toOllamaMessages(request.messages),
  };
  if (request.tools && request.toolChoice !== "none") body.tools = toOllamaTools(request.tools);
  if (request.responseFormat) body.format = request.responseFormat.jsonSchema.schema;
  if (defaults.keepAlive !== undefined) body.keep_alive = defaults.keepAlive;
  const modelOptions: Record<string, unknown> = {};
  if (defaults.numCtx !== undefined) modelOptions.num_ctx = defaults.numCtx;
  if (request.stopSequences) modelOptions.stop = request.stopSequences;
  Object.assign(modelOptions, defaults.options);
  for (const [key, value] of Object.entries(request.completionParameters)) {
    if (key === "stream" || key === "options") continue;
    const target = topLevelFields.has(key) ? body : modelOptions;
    const name = topLevelFields.has(key) ? key : (optionAliases[key] ?? key);
    if (isRemoveParameter(value)) delete target[name];
    else target[name] = value;
  }
  for (const [key, value] of Object.entries(modelOptions))
    if (isRemoveParameter(value)) delete modelOptions[key];
  if (Object.keys(modelOptions).length > 0) body.options = modelOptions;
  return { ...(body as unknown as ChatRequest), stream: options.stream };
}

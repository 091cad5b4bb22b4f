import type { ChatMessage, ContentPart, Model } from "@smol/core";

/**
 * The attribute names this package writes: the GenAI semantic conventions' own, and a few of
 * smol's (prefixed `smol.`) for what the conventions have no name for.
 */
export const ATTR = {
  operationName: "gen_ai.operation.name",
  providerName: "gen_ai.provider.name",
  requestModel: "gen_ai.request.model",
  responseModel: "gen_ai.response.model",
  responseId: "gen_ai.response.id",
  finishReasons: "gen_ai.response.finish_reasons",
  inputTokens: "gen_ai.usage.input_tokens",
  outputTokens: "gen_ai.usage.output_tokens",
  conversationId: "gen_ai.conversation.id",
  agentName: "gen_ai.agent.name",
  agentDescription: "gen_ai.agent.description",
  toolName: "gen_ai.tool.name",
  toolType: "gen_ai.tool.type",
  toolDescription: "gen_ai.tool.description",
  toolCallId: "gen_ai.tool.call.id",
  toolCallArguments: "gen_ai.tool.call.arguments",
  toolCallResult: "gen_ai.tool.call.result",
  inputMessages: "gen_ai.input.messages",
  outputMessages: "gen_ai.output.messages",
  errorType: "error.type",
  runId: "smol.run.id",
  runState: "smol.run.state",
  codeFinalAnswer: "smol.code.is_final_answer",
  codeDurationMs: "smol.code.duration_ms",
} as const;

/** smol's model classes and the provider each stands for (the conventions' well-known names where there is one). */
const PROVIDERS_BY_CLASS: Record<string, string> = {
  AnthropicModel: "anthropic",
  AzureOpenAIModel: "azure.ai.openai",
  AmazonBedrockModel: "aws.bedrock",
  OpenAIModel: "openai",
  InferenceClientModel: "huggingface",
  LiteLLMModel: "litellm",
  LlamaCppModel: "llama_cpp",
  MLXModel: "mlx",
  OllamaModel: "ollama",
  TransformersModel: "transformers",
};

/**
 * `gen_ai.provider.name` for a model: its own `providerName` if it has one, else what its
 * class stands for; a model of another class is named after the class (`MyModel` → `my`).
 */
export function providerNameOf(model: Model): string {
  const declared = (model as { providerName?: unknown }).providerName;
  if (typeof declared === "string" && declared) return declared;
  for (let proto = Object.getPrototypeOf(model); proto && proto !== Object.prototype; ) {
    const className = (proto.constructor as { name?: string } | undefined)?.name;
    if (className && Object.hasOwn(PROVIDERS_BY_CLASS, className)) return PROVIDERS_BY_CLASS[className]!;
    proto = Object.getPrototypeOf(proto);
  }
  const className = (model as { constructor?: { name?: string } }).constructor?.name;
  if (!className || className === "Object") return "unknown";
  return className.replace(/Model$/, "").toLowerCase() || "unknown";
}

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === "object" && value !== null;
}

/**
 * What the provider's raw reply says of why generation stopped, its id and the model that
 * answered. smol's messages keep the reply as `raw`; its shape is the provider's (OpenAI's
 * `choices[].finish_reason`, Anthropic's `stop_reason`, Bedrock's `stopReason`, Ollama's
 * `done_reason`). Nothing is set when the reply says nothing (a streamed message has no raw).
 */
export function responseDetails(message: ChatMessage): {
  finishReasons?: string[];
  id?: string;
  model?: string;
} {
  const raw = message.raw;
  if (!isRecord(raw)) return {};
  let finishReasons: string[] | undefined;
  if (Array.isArray(raw.choices)) {
    const reasons = raw.choices
      .map((choice) => (isRecord(choice) ? choice.finish_reason : undefined))
      .filter((reason): reason is string => typeof reason === "string");
    if (reasons.length > 0) finishReasons = reasons;
  }
  for (const key of ["stop_reason", "stopReason", "finish_reason", "done_reason"]) {
    if (!finishReasons && typeof raw[key] === "string") finishReasons = [raw[key] as string];
  }
  return {
    ...(finishReasons ? { finishReasons } : {}),
    ...(typeof raw.id === "string" ? { id: raw.id } : {}),
    ...(typeof raw.model === "string" ? { model: raw.model } : {}),
  };
}

/** A value as an attribute: JSON, with bytes and other unserializable values named rather than dumped. */
export function toJsonAttribute(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, item: unknown) => {
        if (item instanceof Uint8Array) return `[${item.byteLength} bytes]`;
        if (typeof item === "bigint") return item.toString();
        return item;
      }) ?? "null"
    );
  } catch {
    return JSON.stringify(String(value));
  }
}

/** smol's message roles in the conventions' words. */
const ROLES: Record<string, string> = {
  system: "system",
  user: "user",
  assistant: "assistant",
  "tool-call": "assistant",
  "tool-response": "tool",
};

function contentParts(content: ChatMessage["content"]): Json[] {
  if (content == null) return [];
  if (typeof content === "string") return content ? [{ type: "text", content }] : [];
  return content.map((part: ContentPart): Json => {
    if (part.type === "text") return { type: "text", content: part.text };
    // Images are too big for an attribute: a URL is kept, bytes are only mentioned.
    const image = (part as { image?: unknown }).image;
    if (typeof image === "string" && /^https?:/.test(image))
      return { type: "uri", modality: "image", uri: image };
    return { type: "blob", modality: "image" };
  });
}

/** Chat messages in the shape of `gen_ai.input.messages` / `gen_ai.output.messages`. */
export function conventionMessages(messages: readonly ChatMessage[], finishReason?: string): Json[] {
  return messages.map((message) => {
    const parts = contentParts(message.content);
    for (const call of message.toolCalls ?? []) {
      parts.push({
        type: "tool_call",
        id: call.id,
        name: call.function.name,
        arguments: call.function.arguments,
      });
    }
    return {
      role: ROLES[message.role] ?? message.role,
      parts,
      ...(finishReason ? { finish_reason: finishReason } : {}),
    };
  });
}

/** The low-cardinality name of an error for `error.type`: its class (smol's typed errors have one each). */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) return error.name || error.constructor.name || "Error";
  return typeof error;
}

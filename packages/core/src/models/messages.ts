/** Who said a message. `tool-call` and `tool-response` are smol's own roles for the agent's memory. */
export type MessageRole = "system" | "user" | "assistant" | "tool-call" | "tool-response";

export interface TextPart {
  type: "text";
  text: string;
}

/** An image: raw bytes, a base64 string, or a URL (`https:` or `data:`). */
export interface ImagePart {
  type: "image";
  image: Uint8Array | string;
  /** e.g. `image/png`; guessed from the bytes when absent. */
  mediaType?: string;
}

export type ContentPart = TextPart | ImagePart;

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

/** A tool call in the OpenAI shape. `arguments` is an object, or the raw JSON string the model wrote. */
export interface ChatMessageToolCall {
  id: string;
  type: "function";
  function: {
    name: string;
    arguments: Record<string, unknown> | string;
    description?: string;
  };
}

export interface ChatMessage {
  role: MessageRole;
  content: string | ContentPart[] | null;
  toolCalls?: ChatMessageToolCall[];
  tokenUsage?: TokenUsage;
  /** The provider's raw reply, for debugging; never sent back to a model. */
  raw?: unknown;
}

/** A fragment of a tool call as it streams: `index` says which call it extends. */
export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChatMessageStreamDelta {
  content?: string;
  toolCalls?: ToolCallDelta[];
  tokenUsage?: TokenUsage;
}

/** The text of a message, whatever its content shape. */
export function messageText(message: Pick<ChatMessage, "content">): string {
  const { content } = message;
  if (content == null) return "";
  if (typeof content === "string") return content;
  return content
    .filter((part): part is TextPart => part.type === "text")
    .map((part) => part.text)
    .join("");
}

/** Sum two usages; `undefined` stays `undefined` only when both are. */
export function addTokenUsage(a: TokenUsage | undefined, b: TokenUsage | undefined): TokenUsage | undefined {
  if (!a) return b ? { ...b } : undefined;
  if (!b) return { ...a };
  return { inputTokens: a.inputTokens + b.inputTokens, outputTokens: a.outputTokens + b.outputTokens };
}

/**
 * Merge stream deltas into one assistant message: text concatenated, tool-call fragments joined
 * by index (ids and names from the first fragment that has them, argument text appended), usage
 * summed. Arguments stay the raw JSON string the model streamed; parsing happens in the agent.
 */
export function aggregateStreamDeltas(deltas: Iterable<ChatMessageStreamDelta>): ChatMessage {
  let text = "";
  let tokenUsage: TokenUsage | undefined;
  const calls = new Map<number, { id?: string; name: string; arguments: string }>();
  for (const delta of deltas) {
    if (delta.content) text += delta.content;
    if (delta.tokenUsage) tokenUsage = addTokenUsage(tokenUsage, delta.tokenUsage);
    for (const fragment of delta.toolCalls ?? []) {
      const call = calls.get(fragment.index) ?? { name: "", arguments: "" };
      if (fragment.id && !call.id) call.id = fragment.id;
      if (fragment.function?.name) call.name += fragment.function.name;
      if (fragment.function?.arguments) call.arguments += fragment.function.arguments;
      calls.set(fragment.index, call);
    }
  }
  const message: ChatMessage = { role: "assistant", content: text };
  if (calls.size > 0) {
    message.toolCalls = [...calls.entries()]
      .sort(([a], [b]) => a - b)
      .map(([index, call]) => ({
        id: call.id ?? `call_${index}`,
        type: "function" as const,
        function: { name: call.name, arguments: call.arguments },
      }));
  }
  if (tokenUsage) message.tokenUsage = tokenUsage;
  return message;
}

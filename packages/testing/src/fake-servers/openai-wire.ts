/**
 * The OpenAI Chat Completions wire format, as the fake server writes it: a scripted reply
 * becomes one `chat.completion` object, or the list of `chat.completion.chunk` events a real
 * server would stream for it.
 */

export interface FakeToolCall {
  id?: string;
  /** Either this flat form … */
  name?: string;
  arguments?: string | Record<string, unknown>;
  /** … or the OpenAI / smol `ChatMessageToolCall` form. */
  function?: { name: string; arguments: string | Record<string, unknown> };
}

/** A scripted reply: plain text, or a ChatMessage-like object. */
export type FakeReply =
  | string
  | {
      content?: string | null;
      toolCalls?: FakeToolCall[];
      tokenUsage?: { inputTokens: number; outputTokens: number };
      finishReason?: "stop" | "length" | "tool_calls" | "content_filter";
    };

/** A reply in wire terms, after the request's `stop` and any fault were applied. */
export interface WireReply {
  content: string | null;
  toolCalls: { id: string; name: string; arguments: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  finishReason: string;
}

export interface WireContext {
  id: string;
  model: string;
  created: number;
}

/** Normalise a scripted reply against the request it answers. */
export function toWireReply(
  reply: FakeReply,
  requestBody: Record<string, any>,
  callIdPrefix: string,
): WireReply {
  const scripted = typeof reply === "string" ? { content: reply } : reply;
  let content = scripted.content ?? null;
  const stops = [requestBody.stop ?? []]
    .flat()
    .filter((stop): stop is string => typeof stop === "string" && stop !== "");
  let stoppedBySequence = false;
  if (content !== null) {
    // A real server stops generating at a stop sequence and does not return it.
    for (const stop of stops) {
      const index = content.indexOf(stop);
      if (index !== -1) {
        content = content.slice(0, index);
        stoppedBySequence = true;
      }
    }
  }
  const toolCalls = (scripted.toolCalls ?? []).map((call, index) => {
    const name = call.function?.name ?? call.name ?? "";
    const argumentsValue = call.function?.arguments ?? call.arguments ?? {};
    return {
      id: call.id ?? `${callIdPrefix}_${index}`,
      name,
      arguments: typeof argumentsValue === "string" ? argumentsValue : JSON.stringify(argumentsValue),
    };
  });
  const outputText = (content ?? "") + toolCalls.map((call) => call.name + call.arguments).join("");
  const promptTokens =
    scripted.tokenUsage?.inputTokens ?? estimateTokens(JSON.stringify(requestBody.messages ?? []));
  const completionTokens = scripted.tokenUsage?.outputTokens ?? estimateTokens(outputText);
  return {
    content: content === null && toolCalls.length === 0 ? "" : content,
    toolCalls,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    },
    finishReason:
      scripted.finishReason ?? (toolCalls.length > 0 && !stoppedBySequence ? "tool_calls" : "stop"),
  };
}

/** Roughly four characters a token, at least one: enough for usage to be plausible and non-zero. */
function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The non-streaming body. */
export function chatCompletion(reply: WireReply, context: WireContext): Record<string, unknown> {
  const message: Record<string, unknown> = { role: "assistant", content: reply.content, refusal: null };
  if (reply.toolCalls.length > 0) {
    message.tool_calls = reply.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    id: context.id,
    object: "chat.completion",
    created: context.created,
    model: context.model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finishReason }],
    usage: reply.usage,
    system_fingerprint: null,
  };
}

/**
 * The streamed events, in a real server's order: a role chunk, text pieces, each tool call's
 * header then its argument fragments, the finish reason, and with `include_usage` a last chunk
 * with empty `choices` and the usage.
 */
export function chatCompletionChunks(
  reply: WireReply,
  context: WireContext,
  options: { includeUsage: boolean; chunkSize: number },
): Record<string, unknown>[] {
  const chunk = (delta: Record<string, unknown>, finishReason: string | null = null) => ({
    id: context.id,
    object: "chat.completion.chunk",
    created: context.created,
    model: context.model,
    system_fingerprint: null,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    ...(options.includeUsage ? { usage: null } : {}),
  });
  const chunks: Record<string, unknown>[] = [chunk({ role: "assistant", content: "", refusal: null })];
  for (const piece of splitIntoPieces(reply.content ?? "", options.chunkSize))
    chunks.push(chunk({ content: piece }));
  reply.toolCalls.forEach((call, index) => {
    chunks.push(
      chunk({
        tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
      }),
    );
    for (const piece of splitIntoPieces(call.arguments, options.chunkSize)) {
      chunks.push(chunk({ tool_calls: [{ index, function: { arguments: piece } }] }));
    }
  });
  chunks.push(chunk({}, reply.finishReason));
  if (options.includeUsage) {
    chunks.push({
      id: context.id,
      object: "chat.completion.chunk",
      created: context.created,
      model: context.model,
      system_fingerprint: null,
      choices: [],
      usage: reply.usage,
    });
  }
  return chunks;
}

function splitIntoPieces(text: string, size: number): string[] {
  const pieces: string[] = [];
  for (let start = 0; start < text.length; start += size) pieces.push(text.slice(start, start + size));
  return pieces;
}

/** An error body in OpenAI's shape. */
export function errorBody(
  message: string,
  type: string,
  code: string | null = null,
): Record<string, unknown> {
  return { error: { message, type, param: null, code } };
}

/** Break a JSON argument string the way a truncated model output does: cut before its end. */
export function breakJson(argumentsText: string): string {
  const cut = argumentsText.length > 2 ? argumentsText.slice(0, Math.ceil(argumentsText.length / 2)) : '{"';
  return cut.endsWith("}") ? `${cut.slice(0, -1)},` : cut;
}

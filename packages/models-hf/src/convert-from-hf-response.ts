import {
  type ChatMessage,
  type ChatMessageStreamDelta,
  type ChatMessageToolCall,
  ModelApiError,
  type TokenUsage,
  type ToolCallDelta,
} from "@smol/core";
import type { HFChatCompletionChunk, HFChatCompletionOutput } from "./hf-types.js";

/**
 * A chat completion as a smol `ChatMessage`. Tool-call arguments stay the JSON string the model
 * wrote (some backends send an object: it is kept as one); the agent parses them, so that
 * malformed JSON becomes feedback for the model rather than a crash here.
 */
export function fromHFCompletion(completion: HFChatCompletionOutput): ChatMessage {
  const choice = completion.choices?.[0];
  if (!choice) {
    throw new ModelApiError("The Hugging Face inference API answered without any choice.", {
      isRetryable: false,
      responseBody: completion,
    });
  }
  const reply = choice.message;
  const message: ChatMessage = { role: "assistant", content: reply.content ?? null, raw: completion };
  const toolCalls = (reply.tool_calls ?? []).map(
    (call, index): ChatMessageToolCall => ({
      id: call.id || `call_${index}`,
      type: "function",
      function: { name: call.function.name, arguments: call.function.arguments ?? "" },
    }),
  );
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  const tokenUsage = fromHFUsage(completion.usage);
  if (tokenUsage) message.tokenUsage = tokenUsage;
  return message;
}

/**
 * One streamed chunk as a delta, or `undefined` when it carries nothing (a role chunk, the finish
 * chunk). Tool calls arrive as fragments keyed by `index`; `aggregateStreamDeltas` joins them.
 */
export function fromHFChunk(chunk: HFChatCompletionChunk): ChatMessageStreamDelta | undefined {
  const delta: ChatMessageStreamDelta = {};
  const choiceDelta = chunk.choices?.[0]?.delta;
  if (choiceDelta?.content) delta.content = choiceDelta.content;
  if (choiceDelta?.tool_calls && choiceDelta.tool_calls.length > 0) {
    delta.toolCalls = choiceDelta.tool_calls.map((call, position) => {
      const fragment: ToolCallDelta = { index: call.index ?? position };
      if (call.id) fragment.id = call.id;
      if (call.type === "function") fragment.type = "function";
      if (call.function) {
        fragment.function = {};
        if (call.function.name) fragment.function.name = call.function.name;
        const argumentsValue: unknown = call.function.arguments;
        if (typeof argumentsValue === "string" && argumentsValue !== "")
          fragment.function.arguments = argumentsValue;
        else if (argumentsValue && typeof argumentsValue === "object")
          fragment.function.arguments = JSON.stringify(argumentsValue);
      }
      return fragment;
    });
  }
  const tokenUsage = fromHFUsage(chunk.usage);
  if (tokenUsage) delta.tokenUsage = tokenUsage;
  return delta.content !== undefined || delta.toolCalls || delta.tokenUsage ? delta : undefined;
}

/** Whether this chunk ends the reply: the way to tell a complete stream from a cut one. */
export function isFinalHFChunk(chunk: HFChatCompletionChunk): boolean {
  return Boolean(chunk.choices?.[0]?.finish_reason);
}

function fromHFUsage(usage: HFChatCompletionOutput["usage"] | null | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  return { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 };
}

import type {
  ChatMessage,
  ChatMessageStreamDelta,
  ChatMessageToolCall,
  TokenUsage,
  ToolCallDelta,
} from "@smol/core";
import { ModelApiError } from "@smol/core";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";

/**
 * An OpenAI reply as a smol `ChatMessage`. Tool-call arguments stay the JSON string the model
 * wrote: the agent parses them, so that malformed JSON becomes feedback, not a crash here.
 * A refusal is returned as the content, so the agent sees why there is no answer.
 */
export function fromOpenAICompletion(completion: ChatCompletion): ChatMessage {
  const choice = completion.choices?.[0];
  if (!choice) {
    throw new ModelApiError("The OpenAI API answered without any choice.", {
      isRetryable: false,
      responseBody: completion,
    });
  }
  const { message: reply } = choice;
  const message: ChatMessage = {
    role: "assistant",
    content: reply.content ?? reply.refusal ?? null,
    raw: completion,
  };
  const toolCalls = (reply.tool_calls ?? []).flatMap((call): ChatMessageToolCall[] =>
    call.type === "function"
      ? [
          {
            id: call.id,
            type: "function",
            function: { name: call.function.name, arguments: call.function.arguments },
          },
        ]
      : [],
  );
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  const tokenUsage = fromOpenAIUsage(completion.usage);
  if (tokenUsage) message.tokenUsage = tokenUsage;
  return message;
}

/**
 * One streamed chunk as a delta, or `undefined` when it carries nothing (the role chunk, the
 * finish chunk). Tool calls arrive as fragments keyed by `index`; `aggregateStreamDeltas` joins them.
 */
export function fromOpenAIChunk(chunk: ChatCompletionChunk): ChatMessageStreamDelta | undefined {
  const delta: ChatMessageStreamDelta = {};
  const choiceDelta = chunk.choices?.[0]?.delta;
  const content = choiceDelta?.content ?? choiceDelta?.refusal;
  if (content) delta.content = content;
  if (choiceDelta?.tool_calls && choiceDelta.tool_calls.length > 0) {
    delta.toolCalls = choiceDelta.tool_calls.map((call) => {
      const fragment: ToolCallDelta = { index: call.index };
      if (call.id) fragment.id = call.id;
      if (call.type) fragment.type = call.type;
      if (call.function) {
        fragment.function = {};
        if (call.function.name) fragment.function.name = call.function.name;
        if (call.function.arguments) fragment.function.arguments = call.function.arguments;
      }
      return fragment;
    });
  }
  const tokenUsage = fromOpenAIUsage(chunk.usage);
  if (tokenUsage) delta.tokenUsage = tokenUsage;
  return delta.content !== undefined || delta.toolCalls || delta.tokenUsage ? delta : undefined;
}

/** Whether this chunk ends the reply: the way to tell a complete stream from a cut one. */
export function isFinalChunk(chunk: ChatCompletionChunk): boolean {
  return Boolean(chunk.choices?.[0]?.finish_reason);
}

function fromOpenAIUsage(usage: ChatCompletion["usage"] | null | undefined): TokenUsage | undefined {
  if (!usage) return undefined;
  return { inputTokens: usage.prompt_tokens ?? 0, outputTokens: usage.completion_tokens ?? 0 };
}

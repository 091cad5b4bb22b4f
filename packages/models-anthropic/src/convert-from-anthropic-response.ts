import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import type { ChatMessage, ChatMessageStreamDelta, ChatMessageToolCall, TokenUsage } from "@smol/core";

type UsageCounts = {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
};

/**
 * A Messages API reply as a smol `ChatMessage`: text blocks joined, `tool_use` blocks as tool
 * calls (their input is already an object), thinking blocks left out. Input usage counts cached
 * prompt tokens too, which Anthropic reports apart.
 */
export function fromAnthropicMessage(reply: Message): ChatMessage {
  const text = reply.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
  const toolCalls = reply.content.flatMap((block): ChatMessageToolCall[] =>
    block.type === "tool_use"
      ? [
          {
            id: block.id,
            type: "function",
            function: { name: block.name, arguments: block.input as Record<string, unknown> },
          },
        ]
      : [],
  );
  const message: ChatMessage = { role: "assistant", content: text, raw: reply };
  if (toolCalls.length > 0) message.toolCalls = toolCalls;
  message.tokenUsage = toTokenUsage(reply.usage, reply.usage);
  return message;
}

/**
 * Turns the Messages API's stream events into deltas. Content blocks are numbered with text and
 * tool use together; tool calls get their own numbering, which `aggregateStreamDeltas` expects.
 * Usage is sent once, with `message_delta`: input from `message_start`, output as counted at the end.
 */
export class AnthropicStreamConverter {
  /** Whether `message_stop` arrived: the way to tell a complete stream from a cut one. */
  stopped = false;
  private inputUsage: UsageCounts = {};
  private readonly toolIndexByBlock = new Map<number, number>();

  push(event: RawMessageStreamEvent): ChatMessageStreamDelta | undefined {
    switch (event.type) {
      case "message_start":
        this.inputUsage = event.message.usage;
        return undefined;
      case "content_block_start": {
        const block = event.content_block;
        if (block.type !== "tool_use") return undefined;
        const index = this.toolIndexByBlock.size;
        this.toolIndexByBlock.set(event.index, index);
        return { toolCalls: [{ index, id: block.id, type: "function", function: { name: block.name } }] };
      }
      case "content_block_delta": {
        const { delta } = event;
        if (delta.type === "text_delta") return delta.text ? { content: delta.text } : undefined;
        if (delta.type === "input_json_delta") {
          const index = this.toolIndexByBlock.get(event.index);
          if (index === undefined || !delta.partial_json) return undefined;
          return { toolCalls: [{ index, function: { arguments: delta.partial_json } }] };
        }
        return undefined;
      }
      case "message_delta":
        return { tokenUsage: toTokenUsage(this.inputUsage, event.usage) };
      case "message_stop":
        this.stopped = true;
        return undefined;
      default:
        return undefined;
    }
  }
}

function toTokenUsage(input: UsageCounts, output: UsageCounts): TokenUsage {
  // message_delta's counts are cumulative and, when present, the most recent.
  const inputTokens =
    (output.input_tokens ?? input.input_tokens ?? 0) +
    (output.cache_creation_input_tokens ?? input.cache_creation_input_tokens ?? 0) +
    (output.cache_read_input_tokens ?? input.cache_read_input_tokens ?? 0);
  return { inputTokens, outputTokens: output.output_tokens ?? 0 };
}

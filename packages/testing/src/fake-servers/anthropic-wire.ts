/**
 * Anthropic's Messages API wire format, as the fake server writes it: a scripted reply becomes
 * one `message` object, or the list of server-sent events a real server streams for it.
 */
import type { FakeReply } from "./openai-wire.js";

/** A reply in Anthropic's terms, after the request's stop sequences were applied. */
export interface AnthropicWireReply {
  content: (
    | { type: "text"; text: string }
    | { type: "tool_use"; id: string; name: string; input: unknown }
  )[];
  stopReason: "end_turn" | "max_tokens" | "stop_sequence" | "tool_use";
  stopSequence: string | null;
  inputTokens: number;
  outputTokens: number;
}

export function toAnthropicWireReply(
  reply: FakeReply,
  requestBody: Record<string, any>,
  toolUseIdPrefix: string,
): AnthropicWireReply {
  const scripted = typeof reply === "string" ? { content: reply } : reply;
  let text = scripted.content ?? "";
  let stopSequence: string | null = null;
  // A real server stops at the earliest stop sequence and does not return it.
  for (const stop of (requestBody.stop_sequences ?? []) as string[]) {
    const index = text.indexOf(stop);
    if (stop !== "" && index !== -1) {
      text = text.slice(0, index);
      stopSequence = stop;
    }
  }
  const toolUses = stopSequence
    ? []
    : (scripted.toolCalls ?? []).map((call, index) => {
        const argumentsValue = call.function?.arguments ?? call.arguments ?? {};
        return {
          type: "tool_use" as const,
          id: call.id ?? `${toolUseIdPrefix}_${index}`,
          name: call.function?.name ?? call.name ?? "",
          // A string that is not JSON is kept as is: that is what `malformed` tests send.
          input: typeof argumentsValue === "string" ? parseOrKeep(argumentsValue) : argumentsValue,
        };
      });
  const content: AnthropicWireReply["content"] = [];
  if (text !== "" || toolUses.length === 0) content.push({ type: "text", text });
  content.push(...toolUses);
  const outputText = text + toolUses.map((use) => use.name + JSON.stringify(use.input)).join("");
  return {
    content,
    stopReason: stopSequence
      ? "stop_sequence"
      : scripted.finishReason === "length"
        ? "max_tokens"
        : toolUses.length > 0
          ? "tool_use"
          : "end_turn",
    stopSequence,
    inputTokens:
      scripted.tokenUsage?.inputTokens ??
      estimateTokens(JSON.stringify([requestBody.system, requestBody.messages])),
    outputTokens: scripted.tokenUsage?.outputTokens ?? estimateTokens(outputText),
  };
}

function parseOrKeep(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** The non-streaming body. */
export function anthropicMessage(
  reply: AnthropicWireReply,
  id: string,
  model: string,
): Record<string, unknown> {
  return {
    id,
    type: "message",
    role: "assistant",
    model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    usage: {
      input_tokens: reply.inputTokens,
      output_tokens: reply.outputTokens,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

/** One server-sent event: its name and its JSON data. */
export interface AnthropicEvent {
  event: string;
  data: Record<string, unknown>;
}

/**
 * The streamed events in a real server's order: `message_start` (input usage), for each content
 * block a `content_block_start`, its `text_delta` or `input_json_delta` pieces and a
 * `content_block_stop` (a `ping` after the first start), `message_delta` with the stop reason and
 * output usage, then `message_stop`.
 */
export function anthropicStreamEvents(
  reply: AnthropicWireReply,
  id: string,
  model: string,
  chunkSize: number,
): AnthropicEvent[] {
  const events: AnthropicEvent[] = [
    {
      event: "message_start",
      data: {
        type: "message_start",
        message: {
          id,
          type: "message",
          role: "assistant",
          model,
          content: [],
          stop_reason: null,
          stop_sequence: null,
          usage: {
            input_tokens: reply.inputTokens,
            output_tokens: 1,
            cache_creation_input_tokens: 0,
            cache_read_input_tokens: 0,
          },
        },
      },
    },
  ];
  reply.content.forEach((block, index) => {
    if (block.type === "text") {
      events.push({
        event: "content_block_start",
        data: { type: "content_block_start", index, content_block: { type: "text", text: "" } },
      });
      if (index === 0) events.push({ event: "ping", data: { type: "ping" } });
      for (const piece of pieces(block.text, chunkSize)) {
        events.push({
          event: "content_block_delta",
          data: { type: "content_block_delta", index, delta: { type: "text_delta", text: piece } },
        });
      }
    } else {
      events.push({
        event: "content_block_start",
        data: {
          type: "content_block_start",
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        },
      });
      if (index === 0) events.push({ event: "ping", data: { type: "ping" } });
      const json = typeof block.input === "string" ? block.input : JSON.stringify(block.input);
      for (const piece of pieces(json, chunkSize)) {
        events.push({
          event: "content_block_delta",
          data: {
            type: "content_block_delta",
            index,
            delta: { type: "input_json_delta", partial_json: piece },
          },
        });
      }
    }
    events.push({ event: "content_block_stop", data: { type: "content_block_stop", index } });
  });
  events.push({
    event: "message_delta",
    data: {
      type: "message_delta",
      delta: { stop_reason: reply.stopReason, stop_sequence: reply.stopSequence },
      usage: { output_tokens: reply.outputTokens },
    },
  });
  events.push({ event: "message_stop", data: { type: "message_stop" } });
  return events;
}

function pieces(text: string, size: number): string[] {
  const result: string[] = [];
  for (let start = 0; start < text.length; start += size) result.push(text.slice(start, start + size));
  return result;
}

/** An error body in Anthropic's shape. */
export function anthropicErrorBody(type: string, message: string): Record<string, unknown> {
  return { type: "error", error: { type, message }, request_id: "req_fake" };
}

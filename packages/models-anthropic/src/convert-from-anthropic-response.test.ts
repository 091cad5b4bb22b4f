import type { Message, RawMessageStreamEvent } from "@anthropic-ai/sdk/resources/messages";
import { aggregateStreamDeltas } from "@smol/core";
import { describe, expect, it } from "vitest";
import { AnthropicStreamConverter, fromAnthropicMessage } from "./convert-from-anthropic-response.js";

describe("fromAnthropicMessage", () => {
  it("joins text blocks, reads tool_use blocks and counts cached input tokens", () => {
    const reply = {
      id: "msg_1",
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-6",
      content: [
        { type: "thinking", thinking: "hmm", signature: "s" },
        { type: "text", text: "I will check. " },
        { type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } },
      ],
      stop_reason: "tool_use",
      stop_sequence: null,
      usage: {
        input_tokens: 100,
        output_tokens: 20,
        cache_creation_input_tokens: 5,
        cache_read_input_tokens: 50,
      },
    } as unknown as Message;
    expect(fromAnthropicMessage(reply)).toMatchObject({
      role: "assistant",
      content: "I will check. ",
      toolCalls: [
        { id: "toolu_1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } },
      ],
      tokenUsage: { inputTokens: 155, outputTokens: 20 },
    });
  });
});

describe("AnthropicStreamConverter", () => {
  it("numbers tool calls apart from text blocks and reports usage once", () => {
    const events = [
      { type: "message_start", message: { usage: { input_tokens: 25, output_tokens: 1 } } },
      { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: "Checking" } },
      { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: " now." } },
      { type: "content_block_stop", index: 0 },
      {
        type: "content_block_start",
        index: 1,
        content_block: { type: "tool_use", id: "toolu_a", name: "get_weather", input: {} },
      },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: "" } },
      {
        type: "content_block_delta",
        index: 1,
        delta: { type: "input_json_delta", partial_json: '{"city": "Ro' },
      },
      { type: "content_block_delta", index: 1, delta: { type: "input_json_delta", partial_json: 'me"}' } },
      { type: "content_block_stop", index: 1 },
      {
        type: "content_block_start",
        index: 2,
        content_block: { type: "tool_use", id: "toolu_b", name: "final_answer", input: {} },
      },
      { type: "content_block_stop", index: 2 },
      {
        type: "message_delta",
        delta: { stop_reason: "tool_use", stop_sequence: null },
        usage: { output_tokens: 42 },
      },
      { type: "message_stop" },
    ] as unknown as RawMessageStreamEvent[];
    const converter = new AnthropicStreamConverter();
    const deltas = events.map((event) => converter.push(event)).filter((delta) => delta !== undefined);
    expect(converter.stopped).toBe(true);
    expect(deltas.filter((delta) => delta.tokenUsage)).toHaveLength(1);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Checking now.",
      toolCalls: [
        { id: "toolu_a", type: "function", function: { name: "get_weather", arguments: '{"city": "Rome"}' } },
        { id: "toolu_b", type: "function", function: { name: "final_answer", arguments: "" } },
      ],
      tokenUsage: { inputTokens: 25, outputTokens: 42 },
    });
  });

  it("is not stopped until message_stop", () => {
    const converter = new AnthropicStreamConverter();
    converter.push({
      type: "message_start",
      message: { usage: { input_tokens: 1, output_tokens: 1 } },
    } as RawMessageStreamEvent);
    expect(converter.stopped).toBe(false);
  });
});

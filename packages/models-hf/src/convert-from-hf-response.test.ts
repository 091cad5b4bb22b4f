import { aggregateStreamDeltas, ModelApiError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { fromHFChunk, fromHFCompletion, isFinalHFChunk } from "./convert-from-hf-response.js";
import type { HFChatCompletionChunk, HFChatCompletionOutput } from "./hf-types.js";

function completion(
  message: Record<string, unknown>,
  usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 },
) {
  return {
    id: "chatcmpl-1",
    created: 0,
    model: "m",
    system_fingerprint: "",
    choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", ...message } }],
    usage,
  } as HFChatCompletionOutput;
}

function chunk(delta: Record<string, unknown>, extra: Record<string, unknown> = {}): HFChatCompletionChunk {
  return {
    id: "c",
    created: 0,
    model: "m",
    system_fingerprint: "",
    choices: [{ index: 0, delta: { role: "assistant", ...delta } }],
    ...extra,
  } as HFChatCompletionChunk;
}

describe("fromHFCompletion", () => {
  it("reads text, tool calls (arguments kept as written) and usage", () => {
    const message = fromHFCompletion(
      completion({
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "get_weather", arguments: '{"city": "Paris"}' },
          },
        ],
      }),
    );
    expect(message).toMatchObject({
      role: "assistant",
      content: null,
      toolCalls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city": "Paris"}' } },
      ],
      tokenUsage: { inputTokens: 12, outputTokens: 5 },
    });
  });

  it("gives a tool call without an id one, so the agent can answer it", () => {
    const message = fromHFCompletion(
      completion({
        content: "",
        tool_calls: [{ id: "", type: "function", function: { name: "f", arguments: "{}" } }],
      }),
    );
    expect(message.toolCalls?.[0]?.id).toBe("call_0");
  });

  it("throws a ModelApiError when there is no choice", () => {
    const empty = { ...completion({ content: "x" }), choices: [] } as HFChatCompletionOutput;
    expect(() => fromHFCompletion(empty)).toThrow(ModelApiError);
  });
});

describe("fromHFChunk", () => {
  it("turns chunks into deltas that aggregate into the whole reply", () => {
    const chunks = [
      chunk({ content: "" }),
      chunk({ content: "Let me " }),
      chunk({ content: "check." }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_9", type: "function", function: { name: "get_weather", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"city": ' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"Rome"}' } }] }),
      {
        ...chunk({}),
        choices: [{ index: 0, delta: { role: "assistant" }, finish_reason: "tool_calls" }],
      } as HFChatCompletionChunk,
      {
        ...chunk({}),
        choices: [],
        usage: { prompt_tokens: 30, completion_tokens: 9, total_tokens: 39 },
      } as HFChatCompletionChunk,
    ];
    const deltas = chunks.map(fromHFChunk).filter((delta) => delta !== undefined);
    expect(deltas).toHaveLength(6);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Let me check.",
      toolCalls: [
        { id: "call_9", type: "function", function: { name: "get_weather", arguments: '{"city": "Rome"}' } },
      ],
      tokenUsage: { inputTokens: 30, outputTokens: 9 },
    });
    expect(chunks.map(isFinalHFChunk)).toEqual([false, false, false, false, false, false, true, false]);
  });

  it("serialises arguments that a backend streamed as an object", () => {
    const delta = fromHFChunk(
      chunk({ tool_calls: [{ index: 0, id: "a", function: { name: "f", arguments: { x: 1 } } }] }),
    );
    expect(delta?.toolCalls?.[0]?.function?.arguments).toBe('{"x":1}');
  });
});

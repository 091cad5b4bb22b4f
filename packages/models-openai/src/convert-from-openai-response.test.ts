import { aggregateStreamDeltas, ModelApiError } from "@smol/core";
import type { ChatCompletion, ChatCompletionChunk } from "openai/resources/chat/completions";
import { describe, expect, it } from "vitest";
import { fromOpenAIChunk, fromOpenAICompletion, isFinalChunk } from "./convert-from-openai-response.js";

function completion(message: Record<string, unknown>, usage?: ChatCompletion["usage"]): ChatCompletion {
  return {
    id: "chatcmpl-1",
    object: "chat.completion",
    created: 0,
    model: "gpt-4o",
    choices: [
      {
        index: 0,
        message: { role: "assistant", refusal: null, ...message },
        finish_reason: "stop",
        logprobs: null,
      },
    ],
    usage,
  } as ChatCompletion;
}

function chunk(
  delta: Record<string, unknown> | undefined,
  extra: Partial<ChatCompletionChunk> = {},
): ChatCompletionChunk {
  return {
    id: "chatcmpl-1",
    object: "chat.completion.chunk",
    created: 0,
    model: "gpt-4o",
    choices: delta ? [{ index: 0, delta, finish_reason: null }] : [],
    ...extra,
  } as ChatCompletionChunk;
}

describe("fromOpenAICompletion", () => {
  it("keeps content, raw tool-call arguments, usage and the raw reply", () => {
    const raw = completion(
      {
        content: null,
        tool_calls: [
          { id: "call_1", type: "function", function: { name: "search", arguments: '{"q": "x"}' } },
        ],
      },
      { prompt_tokens: 12, completion_tokens: 3, total_tokens: 15 },
    );
    expect(fromOpenAICompletion(raw)).toEqual({
      role: "assistant",
      content: null,
      toolCalls: [{ id: "call_1", type: "function", function: { name: "search", arguments: '{"q": "x"}' } }],
      tokenUsage: { inputTokens: 12, outputTokens: 3 },
      raw,
    });
  });

  it("returns a refusal as content, and rejects a reply without choices", () => {
    expect(
      fromOpenAICompletion(completion({ content: null, refusal: "I can't help with that." })).content,
    ).toBe("I can't help with that.");
    expect(() => fromOpenAICompletion({ ...completion({ content: "x" }), choices: [] })).toThrow(
      ModelApiError,
    );
  });
});

describe("fromOpenAIChunk", () => {
  it("turns chunks into deltas that aggregate into the full message", () => {
    const chunks = [
      chunk({ role: "assistant", content: "" }),
      chunk({ content: "Searching" }),
      chunk({
        tool_calls: [
          { index: 0, id: "call_1", type: "function", function: { name: "search", arguments: "" } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{"q": ' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"x"}' } }] }),
      {
        ...chunk({}),
        choices: [{ index: 0, delta: {}, finish_reason: "tool_calls" }],
      } as ChatCompletionChunk,
      chunk(undefined, { usage: { prompt_tokens: 5, completion_tokens: 6, total_tokens: 11 } }),
    ];
    const deltas = chunks.map(fromOpenAIChunk);
    expect(deltas[0]).toBe(undefined);
    expect(deltas[5]).toBe(undefined);
    expect(chunks.map(isFinalChunk)).toEqual([false, false, false, false, false, true, false]);
    const message = aggregateStreamDeltas(deltas.filter((delta) => delta !== undefined));
    expect(message).toEqual({
      role: "assistant",
      content: "Searching",
      toolCalls: [{ id: "call_1", type: "function", function: { name: "search", arguments: '{"q": "x"}' } }],
      tokenUsage: { inputTokens: 5, outputTokens: 6 },
    });
  });
});

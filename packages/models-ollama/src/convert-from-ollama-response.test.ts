import { aggregateStreamDeltas } from "@smol/core";
import type { ChatResponse } from "ollama";
import { describe, expect, it } from "vitest";
import { fromOllamaResponse, OllamaStreamConverter } from "./convert-from-ollama-response.js";

function idFactory(): () => string {
  let count = 0;
  return () => `call_${++count}`;
}

function line(message: Partial<ChatResponse["message"]>, extra: Partial<ChatResponse> = {}): ChatResponse {
  return {
    model: "llama3.2",
    message: { role: "assistant", content: "", ...message },
    done: false,
    ...extra,
  } as ChatResponse;
}

describe("fromOllamaResponse", () => {
  it("reads text, object arguments with made-up ids, and usage", () => {
    const message = fromOllamaResponse(
      line(
        {
          content: "",
          tool_calls: [
            { function: { name: "get_weather", arguments: { city: "Paris" } } },
            { function: { name: "get_weather", arguments: { city: "Oslo" } } },
          ],
        },
        { done: true, prompt_eval_count: 120, eval_count: 30 },
      ),
      idFactory(),
    );
    expect(message).toMatchObject({
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } },
        { id: "call_2", type: "function", function: { name: "get_weather", arguments: { city: "Oslo" } } },
      ],
      tokenUsage: { inputTokens: 120, outputTokens: 30 },
    });
  });

  it("counts a cached prompt as zero input tokens", () => {
    expect(
      fromOllamaResponse(line({ content: "x" }, { done: true, eval_count: 3 }), idFactory()).tokenUsage,
    ).toEqual({
      inputTokens: 0,
      outputTokens: 3,
    });
  });
});

describe("OllamaStreamConverter", () => {
  it("numbers tool calls across lines and reports usage on the done line", () => {
    const converter = new OllamaStreamConverter(idFactory());
    const deltas = [
      line({ content: "Let me " }),
      line({ content: "see." }),
      line({ tool_calls: [{ function: { name: "a", arguments: { x: 1 } } }] }),
      line({ tool_calls: [{ function: { name: "b", arguments: {} } }] }),
      line({}, { done: true, prompt_eval_count: 10, eval_count: 7 }),
    ]
      .map((item) => converter.push(item))
      .filter((delta) => delta !== undefined);
    expect(converter.done).toBe(true);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Let me see.",
      toolCalls: [
        { id: "call_1", type: "function", function: { name: "a", arguments: '{"x":1}' } },
        { id: "call_2", type: "function", function: { name: "b", arguments: "{}" } },
      ],
      tokenUsage: { inputTokens: 10, outputTokens: 7 },
    });
  });

  it("is not done before the done line", () => {
    const converter = new OllamaStreamConverter(idFactory());
    converter.push(line({ content: "partial" }));
    expect(converter.done).toBe(false);
  });
});

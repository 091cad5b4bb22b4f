import type { ConverseCommandOutput, ConverseStreamOutput } from "@aws-sdk/client-bedrock-runtime";
import { aggregateStreamDeltas, type ChatMessageStreamDelta, ModelApiError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { ConverseStreamTranslator, fromConverseOutput } from "./convert-from-bedrock-response.js";

function output(content: unknown[], extra: Partial<ConverseCommandOutput> = {}): ConverseCommandOutput {
  return {
    output: { message: { role: "assistant", content: content as never } },
    stopReason: "end_turn",
    usage: { inputTokens: 12, outputTokens: 5, totalTokens: 17 },
    metrics: { latencyMs: 100 },
    $metadata: {},
    ...extra,
  };
}

describe("fromConverseOutput", () => {
  it("joins text blocks and reads the usage", () => {
    const message = fromConverseOutput(output([{ text: "Thought: " }, { text: "done." }]));
    expect(message.role).toBe("assistant");
    expect(message.content).toBe("Thought: done.");
    expect(message.tokenUsage).toEqual({ inputTokens: 12, outputTokens: 5 });
    expect(message.toolCalls).toBeUndefined();
  });

  it("turns toolUse blocks into tool calls, keeping the id and the input", () => {
    const message = fromConverseOutput(
      output(
        [
          { text: "Let me search." },
          { toolUse: { toolUseId: "tooluse_1", name: "web_search", input: { query: "smol" } } },
          { toolUse: { toolUseId: "tooluse_2", name: "final_answer", input: '{"answer": ' } },
        ],
        { stopReason: "tool_use" },
      ),
    );
    expect(message.content).toBe("Let me search.");
    expect(message.toolCalls).toEqual([
      { id: "tooluse_1", type: "function", function: { name: "web_search", arguments: { query: "smol" } } },
      // Input that is not an object stays as text, for the agent to report to the model.
      { id: "tooluse_2", type: "function", function: { name: "final_answer", arguments: '{"answer": ' } },
    ]);
  });

  it("keeps reasoning out of the content but in `raw`", () => {
    const raw = output([{ reasoningContent: { reasoningText: { text: "hmm" } } }, { text: "42" }]);
    const message = fromConverseOutput(raw);
    expect(message.content).toBe("42");
    expect(message.raw).toBe(raw);
  });

  it("reports a reply without a message as a non-retryable API error", () => {
    const error = (() => {
      try {
        fromConverseOutput({
          stopReason: "end_turn",
          usage: undefined,
          metrics: undefined,
          output: undefined,
          $metadata: {},
        });
      } catch (caught) {
        return caught;
      }
    })();
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).isRetryable).toBe(false);
  });
});

describe("ConverseStreamTranslator", () => {
  const events: ConverseStreamOutput[] = [
    { messageStart: { role: "assistant" } },
    { contentBlockDelta: { contentBlockIndex: 0, delta: { text: "Searching" } } },
    { contentBlockStop: { contentBlockIndex: 0 } },
    {
      contentBlockStart: {
        contentBlockIndex: 1,
        start: { toolUse: { toolUseId: "t1", name: "web_search" } },
      },
    },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"query"' } } } },
    { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: ': "smol"}' } } } },
    { contentBlockStop: { contentBlockIndex: 1 } },
    { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: "t2", name: "visit" } } } },
    { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{"url": "https://x"}' } } } },
    { contentBlockStop: { contentBlockIndex: 2 } },
    { messageStop: { stopReason: "tool_use" } },
    { metadata: { usage: { inputTokens: 30, outputTokens: 9, totalTokens: 39 }, metrics: { latencyMs: 5 } } },
  ] as ConverseStreamOutput[];

  it("numbers tool calls among tool blocks and aggregates into one message", () => {
    const translator = new ConverseStreamTranslator();
    const deltas = events
      .map((event) => translator.translate(event))
      .filter(Boolean) as ChatMessageStreamDelta[];
    expect(translator.isComplete).toBe(true);
    expect(deltas[1]).toEqual({
      toolCalls: [{ index: 0, id: "t1", type: "function", function: { name: "web_search" } }],
    });
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Searching",
      toolCalls: [
        { id: "t1", type: "function", function: { name: "web_search", arguments: '{"query": "smol"}' } },
        { id: "t2", type: "function", function: { name: "visit", arguments: '{"url": "https://x"}' } },
      ],
      tokenUsage: { inputTokens: 30, outputTokens: 9 },
    });
  });

  it("is complete only after messageStop", () => {
    const translator = new ConverseStreamTranslator();
    for (const event of events.slice(0, 5)) translator.translate(event);
    expect(translator.isComplete).toBe(false);
  });

  it("throws an exception event rather than ending the reply quietly", () => {
    const translator = new ConverseStreamTranslator();
    const exception = Object.assign(new Error("model failed"), { name: "ModelStreamErrorException" });
    expect(() => translator.translate({ modelStreamErrorException: exception } as never)).toThrow(
      "model failed",
    );
  });
});

import { describe, expect, it } from "vitest";
import { aggregateStreamDeltas, type ChatMessageStreamDelta } from "../models/messages.js";
import { ScriptExhaustedError, ScriptedModel } from "./scripted-model.js";

describe("ScriptedModel", () => {
  it("replays strings, messages and tool-call shorthands, and records each call", async () => {
    const model = new ScriptedModel([
      "hello",
      { role: "assistant", content: "as a message", tokenUsage: { inputTokens: 1, outputTokens: 2 } },
      {
        toolCalls: [
          { name: "search", arguments: { query: "smol" } },
          { id: "mine", name: "final_answer" },
        ],
      },
    ]);

    expect(await model.generate([{ role: "user", content: "hi" }], { stopSequences: ["STOP"] })).toEqual({
      role: "assistant",
      content: "hello",
      tokenUsage: { inputTokens: 100, outputTokens: 20 },
    });
    expect((await model.generate([])).tokenUsage).toEqual({ inputTokens: 1, outputTokens: 2 });
    const withCalls = await model.generate([]);
    expect(withCalls.toolCalls).toEqual([
      { id: "call_2_0", type: "function", function: { name: "search", arguments: { query: "smol" } } },
      { id: "mine", type: "function", function: { name: "final_answer", arguments: {} } },
    ]);

    expect(model.callCount).toBe(3);
    expect(model.calls[0]).toEqual({
      messages: [{ role: "user", content: "hi" }],
      options: { stopSequences: ["STOP"] },
    });
  });

  it("throws a clear error when the script runs out", async () => {
    const model = new ScriptedModel(["only one"]);
    await model.generate([]);
    const error = await model
      .generate([{ role: "user", content: "one more?" }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ScriptExhaustedError);
    expect((error as Error).message).toMatch(
      /ran out of replies: the script has 1 and the agent asked for reply #2/,
    );
    expect((error as Error).message).toContain("one more?");
  });

  it("rejects with a scripted Error", async () => {
    const failure = new Error("HTTP 500");
    const model = new ScriptedModel([failure]);
    await expect(model.generate([])).rejects.toBe(failure);
  });

  it("computes replies with a function of the messages, options and call index", async () => {
    const model = new ScriptedModel(
      (messages, options, callIndex) => `${callIndex}:${messages.length}:${options.toolChoice}`,
      {
        tokenUsage: null,
      },
    );
    expect(await model.generate([], { toolChoice: "required" })).toEqual({
      role: "assistant",
      content: "0:0:required",
    });
    expect((await model.generate([{ role: "user", content: "x" }])).content).toBe("1:1:undefined");
  });

  it("streams a reply as deltas that add up to it", async () => {
    const model = new ScriptedModel([
      {
        content: "Let me search for it.",
        toolCalls: [{ id: "c", name: "search", arguments: { query: "smol agents" } }],
      },
    ]);
    const deltas: ChatMessageStreamDelta[] = [];
    for await (const delta of model.generateStream([])) deltas.push(delta);

    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(1);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Let me search for it.",
      toolCalls: [
        { id: "c", type: "function", function: { name: "search", arguments: '{"query":"smol agents"}' } },
      ],
      tokenUsage: { inputTokens: 100, outputTokens: 20 },
    });
    expect(model.callCount).toBe(1);
  });

  it("honours an aborted signal", async () => {
    const model = new ScriptedModel(["never"]);
    await expect(model.generate([], { signal: AbortSignal.abort(new Error("stop")) })).rejects.toThrow(
      "stop",
    );
    expect(model.callCount).toBe(0);
  });

  it("can skip recording, for long benchmarks", async () => {
    const model = new ScriptedModel(["a", "b"], { recordCalls: false });
    await model.generate([]);
    await model.generate([]);
    expect(model.calls).toEqual([]);
    expect(model.callCount).toBe(2);
  });
});

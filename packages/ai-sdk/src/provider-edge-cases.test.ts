/**
 * What the fake OpenAI server cannot make a provider do: a provider written by hand (as a
 * community provider is) sends an `error` part, a v2 stream without a finish reason, a reply
 * the provider could not parse, and a provider without an API key.
 */
import { JSONParseError } from "@ai-sdk/provider";
import { ModelApiError } from "@smol/core";
import { createOpenAI } from "ai-sdk-openai-4";
import { describe, expect, it } from "vitest";
import { AiSdkModel } from "./ai-sdk-model.js";
import type { AiSdkLanguageModel } from "./language-model.js";

function streamOf(parts: unknown[]): ReadableStream<never> {
  return new ReadableStream({
    start(controller) {
      for (const part of parts) controller.enqueue(part as never);
      controller.close();
    },
  });
}

/** A v2 model whose stream sends `parts`, and whose generate throws `error`. */
function handWritten(parts: unknown[], error?: unknown): AiSdkLanguageModel {
  return {
    specificationVersion: "v2",
    provider: "hand.chat",
    modelId: "hand-1",
    supportedUrls: {},
    async doGenerate() {
      throw error ?? new Error("not used");
    },
    async doStream() {
      return { stream: streamOf(parts) };
    },
  };
}

async function drain(model: AiSdkModel): Promise<unknown> {
  try {
    for await (const _delta of model.generateStream([{ role: "user", content: "hi" }])) {
      // drained
    }
    return undefined;
  } catch (error) {
    return error;
  }
}

const v2Finish = {
  type: "finish",
  finishReason: "stop",
  usage: { inputTokens: 2, outputTokens: 1, totalTokens: 3 },
};

describe("AiSdkModel with a hand-written provider", () => {
  it("reads a v2 stream: deltas, a call sent whole, usage as numbers", async () => {
    const model = new AiSdkModel(
      handWritten([
        { type: "text-start", id: "t" },
        { type: "text-delta", id: "t", delta: "Hello" },
        { type: "tool-call", toolCallId: "c1", toolName: "lookup", input: '{"q":"x"}' },
        { type: "tool-call", toolCallId: "c2", toolName: "web", input: "{}", providerExecuted: true },
        v2Finish,
      ]),
    );
    const deltas = [];
    for await (const delta of model.generateStream([{ role: "user", content: "hi" }])) deltas.push(delta);
    expect(deltas).toEqual([
      { content: "Hello" },
      {
        toolCalls: [
          { index: 0, id: "c1", type: "function", function: { name: "lookup", arguments: '{"q":"x"}' } },
        ],
      },
      { tokenUsage: { inputTokens: 2, outputTokens: 1 } },
    ]);
  });

  it("an error part that is not an Error is a ModelApiError that keeps the part, not retried", async () => {
    const model = new AiSdkModel(
      handWritten([{ type: "error", error: { type: "overloaded", message: "busy" } }]),
      {
        maxRetries: 2,
        retryBaseDelayMs: 1,
      },
    );
    const error = await drain(model);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      isRetryable: false,
      responseBody: { type: "overloaded", message: "busy" },
    });
    expect((error as Error).message).toContain("hand.chat");
  });

  it("a v2 stream that finishes with reason unknown was cut: retryable", async () => {
    const model = new AiSdkModel(
      handWritten([
        { type: "text-delta", id: "t", delta: "Hal" },
        { ...v2Finish, finishReason: "unknown" },
      ]),
      { maxRetries: 0 },
    );
    const error = await drain(model);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).isRetryable).toBe(true);
  });

  it("a reply the provider could not parse (its JSONParseError) is not retried", async () => {
    const parseError = new JSONParseError({
      text: "<html>busy</html>",
      cause: new SyntaxError("Unexpected token <"),
    });
    let calls = 0;
    const model = new AiSdkModel(
      {
        ...handWritten([]),
        async doGenerate() {
          calls += 1;
          throw parseError;
        },
      } as AiSdkLanguageModel,
      { maxRetries: 3, retryBaseDelayMs: 1 },
    );
    const error = await model.generate([{ role: "user", content: "hi" }]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ isRetryable: false, cause: parseError });
    expect(calls).toBe(1);
  });

  it("a provider without an API key fails with its own error, untouched and not retried", async () => {
    const saved = process.env.OPENAI_API_KEY;
    delete process.env.OPENAI_API_KEY;
    try {
      const model = new AiSdkModel(createOpenAI({ baseURL: "http://127.0.0.1:9/v1" }).chat("gpt-4o"), {
        maxRetries: 3,
        retryBaseDelayMs: 1,
      });
      const error = await model
        .generate([{ role: "user", content: "hi" }])
        .catch((caught: unknown) => caught);
      expect(ModelApiError.isInstance(error)).toBe(false);
      expect((error as Error).name).toBe("AI_LoadAPIKeyError");
    } finally {
      if (saved !== undefined) process.env.OPENAI_API_KEY = saved;
    }
  });
});

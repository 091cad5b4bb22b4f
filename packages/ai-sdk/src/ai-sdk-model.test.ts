/**
 * AiSdkModel against the fake OpenAI server, through the real AI SDK providers of AI SDK 5, 6
 * and 7 and `@ai-sdk/openai-compatible`: what reaches the wire, what comes back, and failures.
 */
import {
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
  REMOVE_PARAMETER,
  type ToolSpec,
} from "@smol/core";
import { startFakeOpenAIServer } from "@smol/testing";
import { describe, expect, it } from "vitest";
import { AiSdkModel } from "./ai-sdk-model.js";
import { testProviders } from "./test-providers.js";

const weatherTool: ToolSpec = {
  name: "get_weather",
  description: "The weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

const conversation: ChatMessage[] = [
  { role: "system", content: "You are terse." },
  { role: "user", content: [{ type: "text", text: "Weather in Paris?" }] },
];

async function collect(stream: AsyncIterable<ChatMessageStreamDelta>): Promise<ChatMessageStreamDelta[]> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe.each(testProviders)("AiSdkModel with $name", (provider) => {
  it(`is a model of specification ${provider.specificationVersion} with its id`, async () => {
    await using server = await startFakeOpenAIServer();
    const model = new AiSdkModel(provider.chatModel(server.baseURL, "gpt-4o"));
    expect(model.languageModel.specificationVersion).toBe(provider.specificationVersion);
    expect(model.modelId).toBe("gpt-4o");
    expect(model.toDict()).toMatchObject({ class: "AiSdkModel", modelId: "gpt-4o" });
  });

  it("generates: messages, stop sequences and tools on the wire; text, tool calls and usage back", async () => {
    await using server = await startFakeOpenAIServer({
      replies: [
        {
          content: "Let me look. Observation: never shown",
          toolCalls: [{ id: "call_w", name: "get_weather", arguments: { city: "Paris" } }],
          tokenUsage: { inputTokens: 21, outputTokens: 9 },
        },
      ],
    });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 });
    const reply = await model.generate(conversation, {
      stopSequences: ["Observation:"],
      toolsToCallFrom: [weatherTool],
      toolChoice: { name: "get_weather" },
    });
    const body = server.chatRequests[0]!;
    expect(body.messages).toEqual([
      { role: "system", content: "You are terse." },
      { role: "user", content: "Weather in Paris?" },
    ]);
    expect(body.stop).toEqual(["Observation:"]);
    expect(body.tools).toHaveLength(1);
    expect(body.tools[0].function).toMatchObject({ name: "get_weather", parameters: weatherTool.parameters });
    expect(body.tool_choice).toEqual({ type: "function", function: { name: "get_weather" } });
    // The fake server, like a real one, stops at the stop sequence it was sent.
    expect(reply.content).toBe("Let me look. ");
    expect(reply.toolCalls).toEqual([
      { id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":"Paris"}' } },
    ]);
    expect(reply.tokenUsage).toEqual({ inputTokens: 21, outputTokens: 9 });
  });

  it("streams text and tool-call fragments that aggregate into the reply", async () => {
    await using server = await startFakeOpenAIServer({
      chunkSize: 3,
      replies: [
        {
          content: "Checking the weather.",
          toolCalls: [
            { id: "call_a", name: "get_weather", arguments: { city: "Paris" } },
            { id: "call_b", name: "get_weather", arguments: { city: "Lyon" } },
          ],
          tokenUsage: { inputTokens: 30, outputTokens: 12 },
        },
      ],
    });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 });
    const deltas = await collect(model.generateStream(conversation, { toolsToCallFrom: [weatherTool] }));
    expect(server.chatRequests[0]!.stream).toBe(true);
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(2);
    const message = aggregateStreamDeltas(deltas);
    expect(message.content).toBe("Checking the weather.");
    expect(message.toolCalls?.map((call) => [call.id, call.function.name, call.function.arguments])).toEqual([
      ["call_a", "get_weather", '{"city":"Paris"}'],
      ["call_b", "get_weather", '{"city":"Lyon"}'],
    ]);
    expect(message.tokenUsage).toEqual({ inputTokens: 30, outputTokens: 12 });
  });

  it("sends responseFormat and the constructor's call options, which win; REMOVE_PARAMETER drops one", async () => {
    await using server = await startFakeOpenAIServer({ replies: ['{"answer": 4}', "plain"] });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), {
      maxRetries: 0,
      temperature: 0.25,
      seed: 7,
      maxOutputTokens: 64,
    });
    const schema = { type: "object", properties: { answer: { type: "number" } }, required: ["answer"] };
    const reply = await model.generate([{ role: "user", content: "2+2?" }], {
      responseFormat: { type: "json_schema", jsonSchema: { name: "answer", schema } },
    });
    expect(reply.content).toBe('{"answer": 4}');
    const body = server.chatRequests[0]!;
    expect(body).toMatchObject({ temperature: 0.25, seed: 7, max_tokens: 64 });
    if (provider.name.includes("compatible")) {
      // openai-compatible sends a schema only to servers declared to support structured outputs.
      expect(body.response_format.type).toBe("json_object");
    } else {
      expect(body.response_format).toMatchObject({
        type: "json_schema",
        json_schema: { name: "answer", schema },
      });
    }

    const withoutStop = new AiSdkModel(provider.chatModel(server.baseURL), {
      maxRetries: 0,
      stop: REMOVE_PARAMETER,
    });
    const cut = await withoutStop.generate([{ role: "user", content: "hi" }], { stopSequences: ["ain"] });
    expect(server.chatRequests[1]!.stop).toBeUndefined();
    expect(cut.content).toBe("pl");
  });

  it("sends images as the provider's image parts", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["a red pixel"] });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await model.generate([
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", image: png },
          { type: "image", image: "https://example.com/cat.jpg", mediaType: "image/jpeg" },
        ],
      },
    ]);
    const content = server.chatRequests[0]!.messages[0].content;
    expect(content[0]).toEqual({ type: "text", text: "What is this?" });
    expect(content[1].image_url.url).toBe(`data:image/png;base64,${Buffer.from(png).toString("base64")}`);
    expect(content[2].image_url.url).toBe("https://example.com/cat.jpg");
  });

  it("maps a 429 to a retryable ModelApiError with its Retry-After", async () => {
    await using server = await startFakeOpenAIServer({
      replies: ["never"],
      faults: [{ kind: "rate-limit", retryAfterSeconds: 7 }],
    });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 });
    const error = await model.generate(conversation).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, isRetryable: true, retryAfterSeconds: 7 });
  });

  it("retries a 500, in generate and before a stream's first delta", async () => {
    await using server = await startFakeOpenAIServer({
      replies: ["recovered", "streamed back"],
      faults: ["server-error", null, "server-error"],
    });
    const retries: number[] = [];
    const model = new AiSdkModel(provider.chatModel(server.baseURL), {
      maxRetries: 2,
      retryBaseDelayMs: 1,
      onRetry: (event) => retries.push(event.error.statusCode ?? -1),
    });
    expect((await model.generate(conversation)).content).toBe("recovered");
    const streamed = aggregateStreamDeltas(await collect(model.generateStream(conversation)));
    expect(streamed.content).toBe("streamed back");
    expect(retries).toEqual([500, 500]);
    expect(server.chatRequests).toHaveLength(4);
  });

  it("maps a 401 to a ModelApiError that is not retried", async () => {
    await using server = await startFakeOpenAIServer({ replies: ["never"], apiKey: "the-right-key" });
    const model = new AiSdkModel(provider.chatModel(server.baseURL, "fake-model", "a-wrong-key"), {
      maxRetries: 3,
      retryBaseDelayMs: 1,
    });
    const error = await model.generate(conversation).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect(server.chatRequests).toHaveLength(1);
  });

  it.each([
    ["closed cleanly", true],
    ["with its socket destroyed", false],
  ])("reports a stream cut early (%s) as a retryable ModelApiError", async (_how, endCleanly) => {
    await using server = await startFakeOpenAIServer({
      replies: ["a long reply that is cut"],
      faults: [{ kind: "truncate-stream", afterChunks: 2, endCleanly }],
    });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 });
    const error = await collect(model.generateStream(conversation)).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).isRetryable).toBe(true);
  });

  it("aborts a call in flight, in generate and in a stream", async () => {
    let received = 0;
    const held: (() => void)[] = [];
    await using server = await startFakeOpenAIServer({
      replies: () => {
        received += 1;
        // The server holds the reply until the test ends: only the abort can end the call.
        return new Promise((resolve) => held.push(() => resolve("too late")));
      },
    });
    const model = new AiSdkModel(provider.chatModel(server.baseURL), { maxRetries: 0 });
    try {
      for (const call of ["generate", "stream"] as const) {
        const controller = new AbortController();
        const seen = received;
        const pending =
          call === "generate"
            ? model.generate(conversation, { signal: controller.signal })
            : collect(model.generateStream(conversation, { signal: controller.signal }));
        const outcome = pending.then(
          () => "resolved",
          (error: unknown) => error,
        );
        await expect.poll(() => received).toBe(seen + 1);
        const started = Date.now();
        controller.abort(new Error(`stopped the ${call}`));
        const error = await outcome;
        expect(Date.now() - started).toBeLessThan(1_000);
        expect((error as Error).message).toBe(`stopped the ${call}`);
      }
    } finally {
      for (const release of held) release();
    }
  });
});

describe("AiSdkModel's checks", () => {
  it("refuses what is not a language model of v2, v3 or v4", () => {
    expect(() => new AiSdkModel({} as never)).toThrow(ModelConfigurationError);
    const v1 = { specificationVersion: "v1", provider: "old", modelId: "m", doGenerate() {}, doStream() {} };
    expect(() => new AiSdkModel(v1 as never)).toThrow(/implements v1/);
  });

  it("names the call option a misspelt option was meant to be", async () => {
    await using server = await startFakeOpenAIServer();
    const languageModel = testProviders[0]!.chatModel(server.baseURL);
    expect(() => new AiSdkModel(languageModel, { maxOutputToken: 5 })).toThrow(/maxOutputTokens/);
  });

  it("cannot be rebuilt from its description", () => {
    expect(() => AiSdkModel.fromDict()).toThrow(ModelConfigurationError);
  });
});

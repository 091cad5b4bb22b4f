import {
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  type GenerateOptions,
  ModelApiError,
  ModelConfigurationError,
  REMOVE_PARAMETER,
  type RetryEvent,
} from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { type FakeOpenAIServer, type FakeOpenAIServerOptions, startFakeOpenAIServer } from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OpenAIModel, type OpenAIModelOptions, OpenAIServerModel } from "./index.js";

let server: FakeOpenAIServer | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

async function setUp(
  serverOptions: FakeOpenAIServerOptions,
  modelOptions: Partial<OpenAIModelOptions> = {},
): Promise<{ server: FakeOpenAIServer; model: OpenAIModel }> {
  server = await startFakeOpenAIServer({ apiKey: "test-key", ...serverOptions });
  const model = new OpenAIModel({
    modelId: "gpt-4o",
    baseUrl: server.baseURL,
    apiKey: "test-key",
    retryBaseDelayMs: 1,
    ...modelOptions,
  });
  return { server, model };
}

const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content });

async function streamToMessage(
  model: OpenAIModel,
  messages: ChatMessage[],
  options?: GenerateOptions,
): Promise<{ deltas: ChatMessageStreamDelta[]; message: ChatMessage }> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of model.generateStream(messages, options)) deltas.push(delta);
  return { deltas, message: aggregateStreamDeltas(deltas) };
}

describe("OpenAIModel against the fake server", () => {
  it("generates a reply with usage; the body carries cleaned messages, stop and custom parameters", async () => {
    const { server, model } = await setUp(
      { replies: [{ content: "Paris.", tokenUsage: { inputTokens: 21, outputTokens: 2 } }] },
      { temperature: 0.7, max_completion_tokens: 64, seed: 11, metadata: { run: "test" } },
    );
    const message = await model.generate(
      [
        { role: "system", content: "Answer briefly." },
        { role: "user", content: "Capital of France?" },
        { role: "tool-call", content: "Calling tools: lookup" },
        { role: "tool-response", content: "Observation: Paris" },
      ],
      { stopSequences: ["Observation:"] },
    );
    expect(message).toMatchObject({
      role: "assistant",
      content: "Paris.",
      tokenUsage: { inputTokens: 21, outputTokens: 2 },
    });
    expect(server.chatRequests).toEqual([
      {
        model: "gpt-4o",
        messages: [
          { role: "system", content: "Answer briefly." },
          { role: "user", content: "Capital of France?" },
          { role: "assistant", content: "Calling tools: lookup" },
          { role: "user", content: "Observation: Paris" },
        ],
        stop: ["Observation:"],
        temperature: 0.7,
        max_completion_tokens: 64,
        seed: 11,
        metadata: { run: "test" },
      },
    ]);
  });

  it("with stop: REMOVE_PARAMETER sends no stop and cuts the output itself (seed example)", async () => {
    const { server, model } = await setUp(
      { replies: ["Thought: easy\nCalling tools: [...]\nObservation: invented"] },
      { modelId: "gpt-5", stop: REMOVE_PARAMETER, temperature: 0.7 },
    );
    const message = await model.generate([user("go")], { stopSequences: ["Observation:", "Calling tools:"] });
    expect(message.content).toBe("Thought: easy\n");
    expect(server.chatRequests[0]).not.toHaveProperty("stop");
    expect(server.chatRequests[0]).toMatchObject({ model: "gpt-5", temperature: 0.7 });
  });

  it("streams text in several deltas, with usage from the last chunk", async () => {
    const { server, model } = await setUp({
      replies: [
        { content: "A fairly long streamed answer.", tokenUsage: { inputTokens: 9, outputTokens: 7 } },
      ],
      chunkSize: 4,
    });
    const { deltas, message } = await streamToMessage(model, [user("stream please")]);
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(3);
    expect(message.content).toBe("A fairly long streamed answer.");
    expect(message.tokenUsage).toEqual({ inputTokens: 9, outputTokens: 7 });
    expect(server.chatRequests[0]).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it("streams native tool calls as argument fragments that join into valid JSON", async () => {
    const { server, model } = await setUp({
      replies: [
        {
          toolCalls: [
            { id: "call_w", name: "get_weather", arguments: { location: "Paris", unit: "celsius" } },
            { id: "call_t", name: "get_time", arguments: { timezone: "Europe/Paris" } },
          ],
        },
      ],
      chunkSize: 6,
    });
    const tools = [
      {
        name: "get_weather",
        description: "Weather for a city.",
        parameters: { type: "object", properties: { location: { type: "string" } }, required: ["location"] },
      },
      {
        name: "get_time",
        description: "Time in a timezone.",
        parameters: { type: "object", properties: {} },
      },
    ];
    const { deltas, message } = await streamToMessage(model, [user("weather and time?")], {
      toolsToCallFrom: tools,
      toolChoice: "required",
    });
    const fragments = deltas
      .flatMap((delta) => delta.toolCalls ?? [])
      .filter((fragment) => fragment.index === 0);
    expect(fragments.length).toBeGreaterThan(2);
    expect(message.toolCalls?.map((call) => [call.id, call.function.name])).toEqual([
      ["call_w", "get_weather"],
      ["call_t", "get_time"],
    ]);
    expect(parseToolCallArguments(message.toolCalls?.[0]?.function.arguments, "get_weather")).toEqual({
      location: "Paris",
      unit: "celsius",
    });
    expect(server.chatRequests[0]).toMatchObject({
      tool_choice: "required",
      tools: tools.map((tool) => ({ type: "function", function: tool })),
    });
  });

  it("returns non-streamed tool calls with their raw arguments", async () => {
    const { model } = await setUp({
      replies: [{ toolCalls: [{ id: "c", name: "final_answer", arguments: { answer: 4 } }] }],
    });
    const message = await model.generate([user("2+2")], {
      toolsToCallFrom: [{ name: "final_answer", description: "Answer.", parameters: { type: "object" } }],
    });
    expect(message.toolCalls).toEqual([
      { id: "c", type: "function", function: { name: "final_answer", arguments: '{"answer":4}' } },
    ]);
  });

  it("sends responseFormat as json_schema", async () => {
    const { server, model } = await setUp({ replies: ['{"answer": "42"}'] });
    const schema = { type: "object", properties: { answer: { type: "string" } }, required: ["answer"] };
    const message = await model.generate([user("answer as JSON")], {
      responseFormat: { type: "json_schema", jsonSchema: { name: "answer", schema, strict: true } },
    });
    expect(JSON.parse(String(message.content))).toEqual({ answer: "42" });
    expect(server.chatRequests[0]?.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "answer", schema, strict: true },
    });
  });

  it("sends images as image_url data URLs", async () => {
    const { server, model } = await setUp({ replies: ["A red pixel."] });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await model.generate([
      user([
        { type: "text", text: "Describe." },
        { type: "image", image: png },
      ]),
    ]);
    expect(server.chatRequests[0]?.messages[0].content).toEqual([
      { type: "text", text: "Describe." },
      {
        type: "image_url",
        image_url: { url: `data:image/png;base64,${Buffer.from(png).toString("base64")}` },
      },
    ]);
  });

  it("retries 429 (honouring retry-after-ms), 500 and a dropped connection through the SDK", async () => {
    const events: RetryEvent[] = [];
    const { server, model } = await setUp(
      {
        replies: ["finally"],
        faults: [
          { kind: "rate-limit", retryAfterSeconds: 30, retryAfterMs: 15 },
          "server-error",
          "drop-connection",
        ],
      },
      { onRetry: (event) => events.push(event) },
    );
    const message = await model.generate([user("hi")]);
    expect(message.content).toBe("finally");
    expect(server.chatRequests).toHaveLength(4);
    expect(events.map((event) => event.error.statusCode)).toEqual([429, 500, undefined]);
    expect(events[0]?.delayMs).toBe(15);
  });

  it("does not retry a 401, and says how to fix it", async () => {
    const { server, model } = await setUp({ replies: ["never"] }, { apiKey: "wrong-key" });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((error as Error).message).toMatch(/OPENAI_API_KEY/);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("retries a stream cut before its first delta", async () => {
    const { server, model } = await setUp({
      replies: ["complete reply"],
      faults: [{ kind: "truncate-stream", afterChunks: 1 }],
    });
    const { message } = await streamToMessage(model, [user("hi")]);
    expect(message.content).toBe("complete reply");
    expect(server.chatRequests).toHaveLength(2);
  });

  it("surfaces a stream cut after its first delta as a typed error, without retrying", async () => {
    const { server, model } = await setUp({
      replies: ["a reply long enough to be cut"],
      faults: ["truncate-stream"],
    });
    const error = await streamToMessage(model, [user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as ModelApiError).isRetryable).toBe(true);
    expect(server.chatRequests).toHaveLength(1);
  });

  it("notices a stream that ends cleanly without a finish_reason", async () => {
    const { model } = await setUp({
      replies: ["a reply long enough to be cut"],
      faults: [{ kind: "truncate-stream", afterChunks: 3, endCleanly: true }],
    });
    await expect(streamToMessage(model, [user("hi")])).rejects.toThrow(/ended before the reply was complete/);
  });

  it("rejects with the abort reason when the signal aborts mid-stream", async () => {
    const { model } = await setUp({ replies: ["a reply long enough to span many chunks"], chunkSize: 2 });
    const controller = new AbortController();
    const consume = async () => {
      for await (const _delta of model.generateStream([user("hi")], { signal: controller.signal })) {
        controller.abort();
      }
    };
    await expect(consume()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("takes the key from OPENAI_API_KEY, and fails clearly without one", async () => {
    vi.stubEnv("OPENAI_API_KEY", undefined);
    let error: unknown;
    try {
      new OpenAIModel({ modelId: "gpt-4o" });
    } catch (caught) {
      error = caught;
    }
    expect(ModelConfigurationError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/pass `apiKey`, or set the OPENAI_API_KEY/);

    server = await startFakeOpenAIServer({ apiKey: "from-env", replies: ["ok"] });
    vi.stubEnv("OPENAI_API_KEY", "from-env");
    const model = new OpenAIModel({ modelId: "gpt-4o", apiBase: server.baseURL });
    expect((await model.generate([user("hi")])).content).toBe("ok");
  });

  it("round-trips through toDict/fromDict without the key; OpenAIServerModel is the same class", async () => {
    const { server, model } = await setUp({ replies: ["ok"] }, { stop: REMOVE_PARAMETER, temperature: 0.5 });
    const dict = model.toDict();
    expect(JSON.stringify(dict)).not.toContain("test-key");
    expect(dict).toMatchObject({
      class: "OpenAIModel",
      modelId: "gpt-4o",
      baseUrl: server.baseURL,
      temperature: 0.5,
    });
    vi.stubEnv("OPENAI_API_KEY", "test-key");
    const copy = OpenAIServerModel.fromDict(JSON.parse(JSON.stringify(dict)));
    expect(copy).toBeInstanceOf(OpenAIModel);
    await copy.generate([user("hi")], { stopSequences: ["X"] });
    expect(server.chatRequests[0]).toMatchObject({ temperature: 0.5 });
    expect(server.chatRequests[0]).not.toHaveProperty("stop");
  });
});

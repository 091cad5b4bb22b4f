import {
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  LogLevel,
  ModelApiError,
  ModelConfigurationError,
  REMOVE_PARAMETER,
  type RetryEvent,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import {
  type FakeAnthropicServer,
  type FakeAnthropicServerOptions,
  startFakeAnthropicServer,
} from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AnthropicModel, type AnthropicModelOptions, DEFAULT_ANTHROPIC_MAX_TOKENS } from "./index.js";

const servers: FakeAnthropicServer[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setUp(
  serverOptions: FakeAnthropicServerOptions,
  modelOptions: Partial<AnthropicModelOptions> = {},
): Promise<{ anthropic: FakeAnthropicServer; model: AnthropicModel }> {
  const anthropic = await startFakeAnthropicServer(serverOptions);
  servers.push(anthropic);
  const model = new AnthropicModel({
    modelId: "claude-sonnet-4-6",
    apiKey: "sk-ant-test",
    baseUrl: anthropic.url,
    retryBaseDelayMs: 1,
    ...modelOptions,
  });
  return { anthropic, model };
}

const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content });

async function collect(stream: AsyncIterable<ChatMessageStreamDelta>): Promise<ChatMessageStreamDelta[]> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

const weatherSpec = {
  name: "get_weather",
  description: "Weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("AnthropicModel against a fake Messages API", () => {
  it("sends the system prompt apart, a default max_tokens, stop sequences and passthrough parameters", async () => {
    const { anthropic, model } = await setUp(
      {
        replies: [
          { content: "Thought: easy.\nObservation: none", tokenUsage: { inputTokens: 80, outputTokens: 6 } },
        ],
      },
      { temperature: 0.2, top_k: 40, metadata: { user_id: "u-1" } },
    );
    const reply = await model.generate(
      [
        { role: "system", content: "You solve tasks." },
        { role: "user", content: "Add 2 and 2." },
        { role: "tool-call", content: "Calling tools: add" },
        { role: "tool-response", content: "Observation: 4" },
      ],
      { stopSequences: ["Observation:"] },
    );
    expect(reply).toMatchObject({
      role: "assistant",
      content: "Thought: easy.\n",
      tokenUsage: { inputTokens: 80, outputTokens: 6 },
    });
    const [request] = anthropic.messageRequests;
    expect(request?.headers.authorization).toBe("Bearer sk-ant-test");
    expect(request?.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(request?.body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: DEFAULT_ANTHROPIC_MAX_TOKENS,
      system: "You solve tasks.",
      messages: [
        { role: "user", content: "Add 2 and 2." },
        { role: "assistant", content: "Calling tools: add" },
        { role: "user", content: "Observation: 4" },
      ],
      stop_sequences: ["Observation:"],
      temperature: 0.2,
      top_k: 40,
      metadata: { user_id: "u-1" },
    });
  });

  it("offers tools and reads tool_use blocks as tool calls", async () => {
    const { anthropic, model } = await setUp({
      replies: [
        {
          content: "Let me check.",
          toolCalls: [{ id: "toolu_w", name: "get_weather", arguments: { city: "Oslo" } }],
        },
      ],
    });
    const reply = await model.generate([user("Weather in Oslo?")], {
      toolsToCallFrom: [weatherSpec],
      toolChoice: "required",
    });
    expect(reply.content).toBe("Let me check.");
    expect(reply.toolCalls).toEqual([
      { id: "toolu_w", type: "function", function: { name: "get_weather", arguments: { city: "Oslo" } } },
    ]);
    expect(anthropic.messageRequests[0]?.body).toMatchObject({
      tools: [
        { name: "get_weather", description: "Weather in a city.", input_schema: weatherSpec.parameters },
      ],
      tool_choice: { type: "any" },
    });
  });

  it("streams the API's SSE events: text deltas, input_json deltas, usage from message_delta", async () => {
    const { anthropic, model } = await setUp({
      chunkSize: 4,
      replies: [
        {
          content: "Checking the sky.",
          toolCalls: [{ id: "toolu_s", name: "get_weather", arguments: { city: "Bergen" } }],
          tokenUsage: { inputTokens: 90, outputTokens: 33 },
        },
      ],
    });
    const deltas = await collect(
      model.generateStream([user("Weather in Bergen?")], { toolsToCallFrom: [weatherSpec] }),
    );
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(3);
    expect(deltas.filter((delta) => delta.toolCalls?.[0]?.function?.arguments).length).toBeGreaterThan(2);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Checking the sky.",
      toolCalls: [
        {
          id: "toolu_s",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Bergen"}' },
        },
      ],
      tokenUsage: { inputTokens: 90, outputTokens: 33 },
    });
    expect(anthropic.messageRequests[0]?.body?.stream).toBe(true);
  });

  it("sends images as base64 sources and a response format as output_config", async () => {
    const { anthropic, model } = await setUp({ replies: ['{"color": "red"}'] });
    const jpeg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 1]);
    const schema = { type: "object", properties: { color: { type: "string" } } };
    await model.generate(
      [
        user([
          { type: "image", image: jpeg },
          { type: "text", text: "Which color?" },
        ]),
      ],
      {
        responseFormat: { type: "json_schema", jsonSchema: { name: "color", schema } },
      },
    );
    const body = anthropic.messageRequests[0]?.body;
    expect(body?.messages[0].content).toEqual([
      {
        type: "image",
        source: { type: "base64", media_type: "image/jpeg", data: Buffer.from(jpeg).toString("base64") },
      },
      { type: "text", text: "Which color?" },
    ]);
    expect(body?.output_config).toEqual({ format: { type: "json_schema", schema } });
  });

  it("honours maxTokens and REMOVE_PARAMETER; stop removed is cut on our side", async () => {
    const { anthropic, model } = await setUp(
      { replies: ["Thought: x\nObservation: y"] },
      { maxTokens: 1024, stop: REMOVE_PARAMETER, temperature: 0.5, top_k: REMOVE_PARAMETER },
    );
    const reply = await model.generate([user("hi")], { stopSequences: ["Observation:"] });
    expect(reply.content).toBe("Thought: x\n");
    const body = anthropic.messageRequests[0]?.body;
    expect(body?.max_tokens).toBe(1024);
    expect(body).not.toHaveProperty("stop_sequences");
    expect(body).not.toHaveProperty("top_k");
    expect(body?.temperature).toBe(0.5);
  });

  it("reads the key from ANTHROPIC_API_KEY, and fails clearly without one", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    vi.stubEnv("ANTHROPIC_AUTH_TOKEN", "");
    expect(() => new AnthropicModel({ modelId: "claude-sonnet-4-6" })).toThrow(ModelConfigurationError);
    expect(() => new AnthropicModel({ modelId: "claude-sonnet-4-6" })).toThrow(/ANTHROPIC_API_KEY/);
    const anthropic = await startFakeAnthropicServer({ replies: ["env key"] });
    servers.push(anthropic);
    vi.stubEnv("ANTHROPIC_API_KEY", "sk-ant-test");
    const model = new AnthropicModel({ modelId: "claude-sonnet-4-6", baseUrl: anthropic.url });
    expect(await model.generate([user("hi")])).toMatchObject({ content: "env key" });
  });
});

describe("AnthropicModel failures", () => {
  it("retries a 429 after its Retry-After and a 529 overload", async () => {
    const retries: RetryEvent[] = [];
    const { anthropic, model } = await setUp(
      {
        faults: [
          { kind: "rate-limit", retryAfterSeconds: 0.01 },
          { kind: "server-error", status: 529 },
        ],
        replies: ["done"],
      },
      { onRetry: (event) => retries.push(event) },
    );
    expect(await model.generate([user("hi")])).toMatchObject({ content: "done" });
    expect(anthropic.messageRequests).toHaveLength(3);
    expect(retries.map((event) => event.error.statusCode)).toEqual([429, 529]);
    expect(retries[0]?.delayMs).toBe(10);
    expect(retries[1]?.error.message).toMatch(/overloaded_error/);
  });

  it("retries an overloaded error event sent before any text, and reports one sent later", async () => {
    const { anthropic, model } = await setUp({ streamErrors: [{ afterEvents: 1 }], replies: ["Complete."] });
    expect(aggregateStreamDeltas(await collect(model.generateStream([user("hi")]))).content).toBe(
      "Complete.",
    );
    expect(anthropic.messageRequests).toHaveLength(2);
    const { model: late } = await setUp({
      streamErrors: [{ afterEvents: 4 }],
      replies: ["Complete answer here."],
    });
    const error = await collect(late.generateStream([user("hi")])).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ isRetryable: true, statusCode: undefined });
  });

  it("reports a 500, a dropped connection and a cut stream as ModelApiErrors", async () => {
    const { model } = await setUp({ faults: ["server-error"] }, { maxRetries: 0 });
    await expect(model.generate([user("hi")])).rejects.toMatchObject({ statusCode: 500, isRetryable: true });
    const { model: dropped } = await setUp({ faults: ["drop-connection"] }, { maxRetries: 0 });
    const error = await dropped.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/Could not reach the Anthropic API/);
    const { model: cut } = await setUp(
      { faults: [{ kind: "truncate-stream", afterChunks: 4, endCleanly: true }], replies: ["A long reply."] },
      { maxRetries: 0 },
    );
    const cutError = await collect(cut.generateStream([user("hi")])).catch((caught: unknown) => caught);
    expect((cutError as Error).message).toMatch(/ended before message_stop/);
  });

  it("maps a wrong key to a 401 that names the fix, without retrying", async () => {
    const { anthropic, model } = await setUp({}, { apiKey: "sk-ant-wrong" });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((error as Error).message).toMatch(/ANTHROPIC_API_KEY/);
    expect(anthropic.messageRequests).toHaveLength(1);
  });
});

describe("AnthropicModel toDict / fromDict", () => {
  it("round-trips options and parameters, never the key", () => {
    const model = new AnthropicModel({
      modelId: "claude-3-5-haiku-latest",
      apiKey: "sk-ant-secret",
      baseUrl: "https://proxy.example.com",
      maxTokens: 2048,
      temperature: 0,
    });
    const data = model.toDict();
    expect(JSON.stringify(data)).not.toContain("sk-ant-secret");
    expect(data).toMatchObject({
      class: "AnthropicModel",
      modelId: "claude-3-5-haiku-latest",
      baseUrl: "https://proxy.example.com",
      maxTokens: 2048,
      temperature: 0,
    });
    vi.stubEnv("ANTHROPIC_API_KEY", "sk-ant-env");
    expect(AnthropicModel.fromDict(data).toDict()).toEqual(data);
  });
});

describe("a ToolCallingAgent on AnthropicModel", () => {
  it("calls the tool through tool_use, reads the observation and answers, streaming", async () => {
    const cities: string[] = [];
    const getWeather = tool(
      {
        name: "get_weather",
        description: "Gives the current weather in a city.",
        inputs: { city: { type: "string", description: "The city." } },
        outputType: "string",
      },
      async ({ city }) => {
        cities.push(city);
        return `Rain, 9 °C in ${city}`;
      },
    );
    const { anthropic, model } = await setUp({
      replies: [
        {
          content: "I will look it up.",
          toolCalls: [{ name: "get_weather", arguments: { city: "Bergen" } }],
        },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "Rainy in Bergen." } }] },
      ],
    });
    const agent = new ToolCallingAgent({
      tools: [getWeather],
      model,
      verbosityLevel: LogLevel.OFF,
      streamOutputs: true,
    });
    expect(await agent.run("What is the weather in Bergen?")).toBe("Rainy in Bergen.");
    expect(cities).toEqual(["Bergen"]);
    const [first, second] = anthropic.messageRequests;
    expect(first?.body?.system).toEqual(expect.any(String));
    expect(first?.body?.messages.every((message: { role: string }) => message.role !== "system")).toBe(true);
    expect(first?.body?.tools.map((entry: { name: string }) => entry.name)).toEqual([
      "get_weather",
      "final_answer",
    ]);
    expect(first?.body?.tool_choice).toEqual({ type: "any" });
    expect(first?.body?.stream).toBe(true);
    expect(JSON.stringify(second?.body?.messages)).toContain("Rain, 9 °C in Bergen");
  });
});

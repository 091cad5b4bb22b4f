import { createServer, type Server } from "node:http";
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
import { type FakeOllamaServer, type FakeOllamaServerOptions, startFakeOllamaServer } from "@smol/testing";
import { Ollama } from "ollama";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_OLLAMA_NUM_CTX, OllamaModel, type OllamaModelOptions } from "./index.js";

const servers: FakeOllamaServer[] = [];
let silentServer: Server | undefined;

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
  silentServer?.closeAllConnections();
  await new Promise((resolve) => (silentServer ? silentServer.close(resolve) : resolve(undefined)));
  silentServer = undefined;
});

async function setUp(
  serverOptions: FakeOllamaServerOptions,
  modelOptions: Partial<OllamaModelOptions> = {},
): Promise<{ ollama: FakeOllamaServer; model: OllamaModel }> {
  const ollama = await startFakeOllamaServer(serverOptions);
  servers.push(ollama);
  const model = new OllamaModel({
    modelId: "llama3.2",
    host: ollama.url,
    retryBaseDelayMs: 1,
    ...modelOptions,
  });
  return { ollama, model };
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

async function listenSilently(): Promise<number> {
  silentServer = createServer(() => {
    // Never answers.
  });
  await new Promise<void>((resolve) => silentServer!.listen(0, "127.0.0.1", resolve));
  return (silentServer.address() as { port: number }).port;
}

describe("OllamaModel against a fake Ollama server", () => {
  it("asks for a context of 8192 by default and sends sampling parameters as options", async () => {
    const { ollama, model } = await setUp(
      { replies: [{ content: "Hello!", tokenUsage: { inputTokens: 26, outputTokens: 4 } }] },
      { temperature: 0, keepAlive: "10m", options: { seed: 7 } },
    );
    const reply = await model.generate(
      [
        { role: "system", content: "Be nice." },
        { role: "user", content: "Hi" },
      ],
      { stopSequences: ["Observation:"] },
    );
    expect(reply).toMatchObject({
      role: "assistant",
      content: "Hello!",
      tokenUsage: { inputTokens: 26, outputTokens: 4 },
    });
    const [request] = ollama.chatRequests;
    expect(request?.headers["content-type"]).toBe("application/json");
    expect(request?.body).toEqual({
      model: "llama3.2",
      messages: [
        { role: "system", content: "Be nice." },
        { role: "user", content: "Hi" },
      ],
      keep_alive: "10m",
      options: { num_ctx: DEFAULT_OLLAMA_NUM_CTX, stop: ["Observation:"], seed: 7, temperature: 0 },
      stream: false,
    });
    expect(DEFAULT_OLLAMA_NUM_CTX).toBe(8192);
  });

  it("takes numCtx as in the seed, and REMOVE_PARAMETER leaves Ollama's defaults", async () => {
    const { ollama, model } = await setUp({ replies: ["a", "b"] }, { numCtx: 16384 });
    await model.generate([user("hi")]);
    expect(ollama.chatRequests[0]?.body?.options).toEqual({ num_ctx: 16384 });
    const { ollama: second, model: bare } = await setUp(
      { replies: ["a"] },
      { num_ctx: REMOVE_PARAMETER, stop: REMOVE_PARAMETER },
    );
    await bare.generate([user("hi")], { stopSequences: ["Observation:"] });
    expect(second.chatRequests[0]?.body).not.toHaveProperty("options");
  });

  it("reads native tool calls (object arguments, made-up ids) and sends tools", async () => {
    const { ollama, model } = await setUp({
      replies: [{ toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] }],
    });
    const reply = await model.generate([user("Weather in Paris?")], {
      toolsToCallFrom: [weatherSpec],
      toolChoice: "required",
    });
    expect(reply.toolCalls).toEqual([
      { id: "call_1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } },
    ]);
    expect(ollama.chatRequests[0]?.body?.tools).toEqual([{ type: "function", function: weatherSpec }]);
  });

  it("streams NDJSON: text pieces, whole tool calls, usage from the done line", async () => {
    const { ollama, model } = await setUp({
      chunkSize: 3,
      replies: [
        {
          content: "Checking now.",
          toolCalls: [{ name: "get_weather", arguments: { city: "Rome" } }],
          tokenUsage: { inputTokens: 61, outputTokens: 19 },
        },
      ],
    });
    const deltas = await collect(
      model.generateStream([user("Weather in Rome?")], { toolsToCallFrom: [weatherSpec] }),
    );
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(3);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Checking now.",
      toolCalls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Rome"}' } },
      ],
      tokenUsage: { inputTokens: 61, outputTokens: 19 },
    });
    expect(ollama.chatRequests[0]?.body?.stream).toBe(true);
  });

  it("sends images as base64 in `images` and a response format as `format`", async () => {
    const { ollama, model } = await setUp({ replies: ['{"animal": "pig"}'] });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 4, 5]);
    const schema = { type: "object", properties: { animal: { type: "string" } }, required: ["animal"] };
    await model.generate(
      [
        user([
          { type: "text", text: "What is in this image?" },
          { type: "image", image: png },
        ]),
      ],
      {
        responseFormat: { type: "json_schema", jsonSchema: { name: "animal", schema } },
      },
    );
    const body = ollama.chatRequests[0]?.body;
    expect(body?.messages).toEqual([
      { role: "user", content: "What is in this image?", images: [Buffer.from(png).toString("base64")] },
    ]);
    expect(body?.format).toEqual(schema);
  });

  it("sends the API key as a bearer token, and needs one for ollama.com", async () => {
    const { ollama, model } = await setUp(
      { replies: ["ok"] },
      { apiKey: "ollama-key", headers: { "x-team": "smol" } },
    );
    await model.generate([user("hi")]);
    expect(ollama.chatRequests[0]?.headers.authorization).toBe("Bearer ollama-key");
    expect(ollama.chatRequests[0]?.headers["x-team"]).toBe("smol");
    vi.stubEnv("OLLAMA_API_KEY", "");
    expect(() => new OllamaModel({ modelId: "gpt-oss:120b", host: "https://ollama.com" })).toThrow(
      ModelConfigurationError,
    );
  });

  it("serves the pulled models on /api/tags", async () => {
    const { ollama } = await setUp({ models: ["llama3.2:latest", "qwen2.5-coder:32b"] });
    const listed = await new Ollama({ host: ollama.url }).list();
    expect(listed.models.map((entry) => entry.name)).toEqual(["llama3.2:latest", "qwen2.5-coder:32b"]);
  });
});

describe("OllamaModel failures", () => {
  it("says how to pull a model that is not there, without retrying", async () => {
    const { ollama, model } = await setUp({}, { modelId: "llama3.3" });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 404, isRetryable: false });
    expect((error as Error).message).toMatch(/ollama pull llama3\.3/);
    expect(ollama.chatRequests).toHaveLength(1);
  });

  it("retries a 429 after its Retry-After and a 500, then answers", async () => {
    const retries: RetryEvent[] = [];
    const { ollama, model } = await setUp(
      { faults: [{ kind: "rate-limit", retryAfterSeconds: 0.01 }, "server-error"], replies: ["finally"] },
      { onRetry: (event) => retries.push(event) },
    );
    expect(await model.generate([user("hi")])).toMatchObject({ content: "finally" });
    expect(ollama.chatRequests).toHaveLength(3);
    expect(retries.map((event) => event.error.statusCode)).toEqual([429, 500]);
    expect(retries[0]?.delayMs).toBe(10);
  });

  it("turns a dropped connection and a server that is not running into retryable ModelApiErrors", async () => {
    const { model } = await setUp({ faults: ["drop-connection"] }, { maxRetries: 0 });
    const dropped = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(dropped)).toBe(true);
    expect(dropped).toMatchObject({ isRetryable: true });
    const closed = await startFakeOllamaServer();
    await closed.close();
    const nobody = new OllamaModel({ modelId: "llama3.2", host: closed.url, maxRetries: 0 });
    const refused = await nobody.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(refused).toMatchObject({ isRetryable: true });
    expect((refused as Error).message).toMatch(/ollama serve/);
  });

  it("retries a stream cut before its first line, and reports one cut later", async () => {
    const { ollama, model } = await setUp({
      faults: [{ kind: "truncate-stream", afterChunks: 0, endCleanly: true }],
      replies: ["A full answer."],
    });
    expect(aggregateStreamDeltas(await collect(model.generateStream([user("hi")]))).content).toBe(
      "A full answer.",
    );
    expect(ollama.chatRequests).toHaveLength(2);
    const { model: cut } = await setUp({
      faults: [{ kind: "truncate-stream", afterChunks: 1, endCleanly: true }],
      replies: ["A full answer."],
    });
    const error = await collect(cut.generateStream([user("hi")])).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/ended before the reply was complete/);
  });

  it("returns a tool call Ollama could not parse as text, for the agent to handle", async () => {
    const { model } = await setUp({
      faults: ["malformed-tool-call"],
      replies: [{ toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] }],
    });
    const reply = await model.generate([user("hi")], { toolsToCallFrom: [weatherSpec] });
    expect(reply.toolCalls).toBeUndefined();
    expect(reply.content).toContain('"name": "get_weather"');
  });

  it("gives up after `timeout` seconds of silence", async () => {
    const port = await listenSilently();
    const model = new OllamaModel({
      modelId: "llama3.2",
      host: `http://127.0.0.1:${port}`,
      timeout: 0.1,
      maxRetries: 0,
    });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/did not answer within 0.1 s/);
  });

  it("stops when the caller aborts", async () => {
    const port = await listenSilently();
    const model = new OllamaModel({ modelId: "llama3.2", host: `http://127.0.0.1:${port}` });
    const controller = new AbortController();
    const pending = model.generate([user("hi")], { signal: controller.signal });
    controller.abort(new Error("stopped by the user"));
    await expect(pending).rejects.toThrow("stopped by the user");
  });
});

describe("OllamaModel toDict / fromDict", () => {
  it("round-trips host, context, options and parameters, never the key", () => {
    const model = new OllamaModel({
      modelId: "llama3.2",
      host: "http://gpu-box:11434",
      numCtx: 32768,
      keepAlive: -1,
      options: { top_k: 10 },
      apiKey: "ollama-secret",
      temperature: 0.4,
    });
    const data = model.toDict();
    expect(JSON.stringify(data)).not.toContain("ollama-secret");
    expect(data).toMatchObject({
      class: "OllamaModel",
      modelId: "llama3.2",
      host: "http://gpu-box:11434",
      numCtx: 32768,
      keepAlive: -1,
      options: { top_k: 10 },
      temperature: 0.4,
    });
    expect(OllamaModel.fromDict(data).toDict()).toEqual(data);
  });
});

describe("a ToolCallingAgent on OllamaModel", () => {
  it("calls the tool, reads the observation and answers", async () => {
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
        return `Sunny, 24 °C in ${city}`;
      },
    );
    const { ollama, model } = await setUp({
      replies: [
        { toolCalls: [{ name: "get_weather", arguments: { city: "Lisbon" } }] },
        { toolCalls: [{ name: "final_answer", arguments: { answer: "It is sunny in Lisbon." } }] },
      ],
    });
    const agent = new ToolCallingAgent({ tools: [getWeather], model, verbosityLevel: LogLevel.OFF });
    expect(await agent.run("What is the weather in Lisbon?")).toBe("It is sunny in Lisbon.");
    expect(cities).toEqual(["Lisbon"]);
    const [first, second] = ollama.chatRequests;
    expect(first?.body?.tools.map((entry: any) => entry.function.name)).toEqual([
      "get_weather",
      "final_answer",
    ]);
    expect(first?.body?.options.num_ctx).toBe(8192);
    expect(JSON.stringify(second?.body?.messages)).toContain("Sunny, 24 °C in Lisbon");
  });
});

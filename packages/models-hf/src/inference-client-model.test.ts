import { createServer, type Server } from "node:http";
import {
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
  REMOVE_PARAMETER,
  type RetryEvent,
} from "@smol/core";
import { type FakeHFRouter, type FakeHFRouterOptions, startFakeHFRouter } from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_HF_MODEL_ID, InferenceClientModel, type InferenceClientModelOptions } from "./index.js";

const routers: FakeHFRouter[] = [];
let silentServer: Server | undefined;

async function startRouter(options: FakeHFRouterOptions): Promise<FakeHFRouter> {
  const router = await startFakeHFRouter(options);
  routers.push(router);
  return router;
}

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(routers.splice(0).map((router) => router.close()));
  silentServer?.closeAllConnections();
  await new Promise((resolve) => (silentServer ? silentServer.close(resolve) : resolve(undefined)));
  silentServer = undefined;
});

/** A model talking to the fake router through the SDK's own URLs, redirected by the fake's `fetch`. */
async function setUp(
  routerOptions: FakeHFRouterOptions,
  modelOptions: InferenceClientModelOptions = {},
): Promise<{ router: FakeHFRouter; model: InferenceClientModel }> {
  const router = await startRouter({ token: "hf_test", ...routerOptions });
  const model = new InferenceClientModel({
    token: "hf_test",
    fetch: router.fetch,
    retryBaseDelayMs: 1,
    ...modelOptions,
  });
  return { router, model };
}

const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content });

async function collect(stream: AsyncIterable<ChatMessageStreamDelta>): Promise<ChatMessageStreamDelta[]> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

const weatherTool = {
  name: "get_weather",
  description: "Weather in a city.",
  parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
};

describe("InferenceClientModel routing, through @huggingface/inference", () => {
  it("sends the default model to the auto router with the token, bill-to header and passthrough parameters", async () => {
    const { router, model } = await setUp(
      { replies: [{ content: "4181", tokenUsage: { inputTokens: 40, outputTokens: 3 } }] },
      { billTo: "my-org", temperature: 0.5, max_tokens: 256, top_p: 0.9 },
    );
    const reply = await model.generate(
      [
        { role: "system", content: "You compute." },
        { role: "user", content: "The 19th Fibonacci number?" },
      ],
      { stopSequences: ["Observation:"] },
    );
    expect(reply).toMatchObject({
      role: "assistant",
      content: "4181",
      tokenUsage: { inputTokens: 40, outputTokens: 3 },
    });
    const [request] = router.chatRequests;
    expect(request?.path).toBe("/v1/chat/completions");
    expect(request?.headers["x-fake-origin"]).toBe("router.huggingface.co");
    expect(request?.headers.authorization).toBe("Bearer hf_test");
    expect(request?.headers["x-hf-bill-to"]).toBe("my-org");
    expect(request?.body).toEqual({
      model: DEFAULT_HF_MODEL_ID,
      messages: [
        { role: "system", content: "You compute." },
        { role: "user", content: "The 19th Fibonacci number?" },
      ],
      stop: ["Observation:"],
      temperature: 0.5,
      max_tokens: 256,
      top_p: 0.9,
    });
  });

  it("resolves a provider the SDK knows through the Hub's mapping, then calls its router route", async () => {
    const modelId = "meta-llama/Llama-3.3-70B-Instruct";
    const { router, model } = await setUp(
      {
        replies: ["Bonjour"],
        providerMappings: {
          [modelId]: [{ provider: "together", providerId: "meta-llama/Llama-3.3-70B-Instruct-Turbo" }],
        },
      },
      { modelId, provider: "together" },
    );
    expect(await model.generate([user("Salut")])).toMatchObject({ content: "Bonjour" });
    const [lookup, chat] = router.requests;
    expect(lookup).toMatchObject({
      method: "GET",
      path: `/api/models/${modelId}`,
      query: { "expand[]": "inferenceProviderMapping" },
    });
    expect(lookup?.headers["x-fake-origin"]).toBe("huggingface.co");
    expect(chat?.path).toBe("/together/v1/chat/completions");
    expect(chat?.headers["x-fake-origin"]).toBe("router.huggingface.co");
    expect(chat?.body?.model).toBe("meta-llama/Llama-3.3-70B-Instruct-Turbo");
  });

  it("with a provider's own key, calls the provider's API directly", async () => {
    const modelId = "Qwen/Qwen2.5-Coder-32B-Instruct";
    const router = await startRouter({
      replies: ["ok"],
      providerMappings: {
        [modelId]: [{ provider: "together", providerId: "Qwen/Qwen2.5-Coder-32B-Instruct" }],
      },
    });
    const model = new InferenceClientModel({
      modelId,
      provider: "together",
      apiKey: "together-key",
      fetch: router.fetch,
    });
    await model.generate([user("hi")]);
    const chat = router.chatRequests[0];
    expect(chat?.headers["x-fake-origin"]).toBe("api.together.xyz");
    expect(chat?.path).toBe("/v1/chat/completions");
    expect(chat?.headers.authorization).toBe("Bearer together-key");
  });

  it("reaches providers this SDK version does not list through the router's model:provider suffix", async () => {
    const { router, model } = await setUp(
      { replies: ["ok"] },
      { modelId: "meta-llama/Llama-3.3-70B-Instruct", provider: "sambanova" },
    );
    await model.generate([user("hi")]);
    expect(router.chatRequests[0]?.path).toBe("/v1/chat/completions");
    expect(router.chatRequests[0]?.body?.model).toBe("meta-llama/Llama-3.3-70B-Instruct:sambanova");
  });

  it("calls a base URL (a dedicated endpoint, TGI) directly, without needing a token", async () => {
    vi.stubEnv("HF_TOKEN", "");
    const router = await startRouter({ replies: ["from the endpoint"] });
    const model = new InferenceClientModel({ modelId: "tgi", baseUrl: `${router.url}/v1` });
    expect(await model.generate([user("hi")])).toMatchObject({ content: "from the endpoint" });
    expect(router.chatRequests[0]?.path).toBe("/v1/chat/completions");
    expect(router.chatRequests[0]?.headers.authorization).toBeUndefined();
    expect(router.chatRequests[0]?.body?.model).toBe("tgi");
  });

  it("explains that the auto router needs an HF token, without retrying", async () => {
    const router = await startRouter({ replies: ["never"] });
    const model = new InferenceClientModel({ token: "sk-provider-key", fetch: router.fetch });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelConfigurationError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(/auto.*router.*hf_/i);
    expect(router.requests).toHaveLength(0);
  });

  it("reads the token from HF_TOKEN, and fails clearly without one", async () => {
    vi.stubEnv("HF_TOKEN", "");
    expect(() => new InferenceClientModel()).toThrow(ModelConfigurationError);
    expect(() => new InferenceClientModel()).toThrow(/HF_TOKEN/);
    vi.stubEnv("HF_TOKEN", "hf_test");
    const router = await startRouter({ token: "hf_test", replies: ["env token works"] });
    const model = new InferenceClientModel({ fetch: router.fetch });
    expect(await model.generate([user("hi")])).toMatchObject({ content: "env token works" });
  });
});

describe("InferenceClientModel requests and replies", () => {
  it("sends tools and a forced tool choice, and reads native tool calls", async () => {
    const { router, model } = await setUp({
      replies: [{ toolCalls: [{ id: "call_w", name: "get_weather", arguments: { city: "Lyon" } }] }],
    });
    const reply = await model.generate([user("Weather in Lyon?")], {
      toolsToCallFrom: [weatherTool],
      toolChoice: "required",
    });
    expect(reply.toolCalls).toEqual([
      { id: "call_w", type: "function", function: { name: "get_weather", arguments: '{"city":"Lyon"}' } },
    ]);
    expect(router.chatRequests[0]?.body).toMatchObject({
      tools: [{ type: "function", function: weatherTool }],
      tool_choice: "required",
    });
  });

  it("removes a parameter given as REMOVE_PARAMETER, and cuts at stop sequences itself when `stop` is removed", async () => {
    const { router, model } = await setUp(
      {
        replies: [
          { toolCalls: [{ name: "get_weather", arguments: { city: "Nice" } }] },
          "Thought: ok\nObservation: fake",
        ],
      },
      { tool_choice: REMOVE_PARAMETER, stop: REMOVE_PARAMETER },
    );
    await model.generate([user("Weather?")], { toolsToCallFrom: [weatherTool], toolChoice: "required" });
    expect(router.chatRequests[0]?.body).toHaveProperty("tools");
    expect(router.chatRequests[0]?.body).not.toHaveProperty("tool_choice");
    const reply = await model.generate([user("Think.")], { stopSequences: ["Observation:"] });
    expect(router.chatRequests[1]?.body).not.toHaveProperty("stop");
    expect(reply.content).toBe("Thought: ok\n");
  });

  it("sends images as image_url parts and passes response_format through", async () => {
    const { router, model } = await setUp({ replies: ['{"animal": "cat"}'] });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    await model.generate(
      [
        user([
          { type: "text", text: "Which animal?" },
          { type: "image", image: png },
        ]),
      ],
      {
        responseFormat: {
          type: "json_schema",
          jsonSchema: {
            name: "animal",
            schema: { type: "object", properties: { animal: { type: "string" } } },
          },
        },
      },
    );
    expect(router.chatRequests[0]?.body?.messages[0].content).toEqual([
      { type: "text", text: "Which animal?" },
      {
        type: "image_url",
        image_url: { url: `data:image/png;base64,${Buffer.from(png).toString("base64")}` },
      },
    ]);
    expect(router.chatRequests[0]?.body?.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "animal", schema: { type: "object", properties: { animal: { type: "string" } } } },
    });
  });

  it("streams text and tool-call fragments with usage last", async () => {
    const { router, model } = await setUp({
      chunkSize: 4,
      replies: [
        {
          content: "Checking the weather.",
          toolCalls: [{ id: "call_s", name: "get_weather", arguments: { city: "Marseille" } }],
          tokenUsage: { inputTokens: 50, outputTokens: 20 },
        },
      ],
    });
    const deltas = await collect(
      model.generateStream([user("Weather?")], { toolsToCallFrom: [weatherTool] }),
    );
    expect(deltas.filter((delta) => delta.content).length).toBeGreaterThan(3);
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Checking the weather.",
      toolCalls: [
        {
          id: "call_s",
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"Marseille"}' },
        },
      ],
      tokenUsage: { inputTokens: 50, outputTokens: 20 },
    });
    expect(router.chatRequests[0]?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});

describe("InferenceClientModel failures", () => {
  it("retries a 429 after the Retry-After the router sent (read from the response the SDK dropped)", async () => {
    const retries: RetryEvent[] = [];
    const { router, model } = await setUp(
      { faults: [{ kind: "rate-limit", retryAfterSeconds: 0.02 }], replies: ["after the wait"] },
      { onRetry: (event) => retries.push(event) },
    );
    expect(await model.generate([user("hi")])).toMatchObject({ content: "after the wait" });
    expect(router.chatRequests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]?.delayMs).toBe(20);
    expect(retries[0]?.error.statusCode).toBe(429);
  });

  it("surfaces a Retry-After longer than the longest wait at once", async () => {
    const { model } = await setUp({ faults: [{ kind: "rate-limit", retryAfterSeconds: 3600 }] });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 429, retryAfterSeconds: 3600, isRetryable: true });
  });

  it("reports a 500 as a retryable ModelApiError once retries are spent", async () => {
    const { router, model } = await setUp({ faults: ["server-error", "server-error"] }, { maxRetries: 1 });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 500, isRetryable: true });
    expect((error as Error).message).toMatch(/gave up after 2 attempts/);
    expect(router.chatRequests).toHaveLength(2);
  });

  it("turns a dropped connection into a ModelApiError, and recovers from one by retrying", async () => {
    const { model } = await setUp({ faults: ["drop-connection"], replies: ["recovered"] });
    expect(await model.generate([user("hi")])).toMatchObject({ content: "recovered" });
    const { model: noRetry } = await setUp({ faults: ["drop-connection"] }, { maxRetries: 0 });
    const error = await noRetry.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ isRetryable: true, statusCode: undefined });
  });

  it("retries a stream cut before anything was read; once text was shown, says it was cut", async () => {
    const { router, model } = await setUp({
      faults: [{ kind: "truncate-stream", afterChunks: 1, endCleanly: true }],
      replies: ["A complete answer."],
    });
    const deltas = await collect(model.generateStream([user("hi")]));
    expect(aggregateStreamDeltas(deltas).content).toBe("A complete answer.");
    expect(router.chatRequests).toHaveLength(2);
    const { router: second, model: partial } = await setUp({
      faults: [{ kind: "truncate-stream", afterChunks: 2, endCleanly: true }],
      replies: ["A complete answer."],
    });
    const error = await collect(partial.generateStream([user("hi")])).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/ended before the reply was complete/);
    expect(second.chatRequests).toHaveLength(1);
  });

  it("maps a wrong token to a 401 ModelApiError that names the fix, without retrying", async () => {
    const router = await startRouter({ token: "hf_right" });
    const model = new InferenceClientModel({ token: "hf_wrong", fetch: router.fetch });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect((error as Error).message).toMatch(/Invalid credentials.*HF_TOKEN/s);
    expect(router.chatRequests).toHaveLength(1);
  });

  it("gives up on a server that never answers after `timeout` seconds", async () => {
    silentServer = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silentServer!.listen(0, "127.0.0.1", resolve));
    const { port } = silentServer.address() as { port: number };
    const model = new InferenceClientModel({
      modelId: "m",
      baseUrl: `http://127.0.0.1:${port}`,
      timeout: 0.1,
      maxRetries: 0,
    });
    const error = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect((error as Error).message).toMatch(/did not answer within 0.1 s/);
  });

  it("stops when the caller aborts", async () => {
    silentServer = createServer(() => {
      // Never answers.
    });
    await new Promise<void>((resolve) => silentServer!.listen(0, "127.0.0.1", resolve));
    const { port } = silentServer.address() as { port: number };
    const model = new InferenceClientModel({ modelId: "m", baseUrl: `http://127.0.0.1:${port}` });
    const controller = new AbortController();
    const pending = model.generate([user("hi")], { signal: controller.signal });
    controller.abort(new Error("user pressed stop"));
    await expect(pending).rejects.toThrow("user pressed stop");
  });
});

describe("InferenceClientModel toDict / fromDict", () => {
  it("round-trips options and completion parameters, never the token", () => {
    const model = new InferenceClientModel({
      modelId: "meta-llama/Llama-3.3-70B-Instruct",
      provider: "together",
      token: "hf_secret",
      billTo: "my-org",
      timeout: 30,
      temperature: 0.1,
      stop: REMOVE_PARAMETER,
    });
    const data = model.toDict();
    expect(JSON.stringify(data)).not.toContain("hf_secret");
    expect(data).toMatchObject({
      class: "InferenceClientModel",
      modelId: "meta-llama/Llama-3.3-70B-Instruct",
      provider: "together",
      billTo: "my-org",
      timeout: 30,
      temperature: 0.1,
    });
    vi.stubEnv("HF_TOKEN", "hf_from_env");
    const copy = InferenceClientModel.fromDict(JSON.parse(JSON.stringify(data)));
    expect(copy.toDict()).toEqual(data);
  });
});

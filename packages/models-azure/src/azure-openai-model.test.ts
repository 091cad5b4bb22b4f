import {
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  ModelApiError,
  ModelConfigurationError,
  REMOVE_PARAMETER,
  type RetryEvent,
} from "@smol/core";
import { type FakeAzureOpenAI, type FakeAzureOpenAIOptions, startFakeAzureOpenAI } from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { AzureOpenAIModel, type AzureOpenAIModelOptions } from "./index.js";

const servers: FakeAzureOpenAI[] = [];
const apiVersion = "2024-10-21";

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function setUp(
  serverOptions: FakeAzureOpenAIOptions,
  modelOptions: Partial<AzureOpenAIModelOptions> = {},
): Promise<{ azure: FakeAzureOpenAI; model: AzureOpenAIModel }> {
  const azure = await startFakeAzureOpenAI(serverOptions);
  servers.push(azure);
  const model = new AzureOpenAIModel({
    modelId: "gpt-4o-mini",
    azureEndpoint: azure.url,
    apiKey: "azure-test-key",
    apiVersion,
    retryBaseDelayMs: 1,
    ...modelOptions,
  });
  return { azure, model };
}

const user = (content: ChatMessage["content"]): ChatMessage => ({ role: "user", content });

async function collect(stream: AsyncIterable<ChatMessageStreamDelta>): Promise<ChatMessageStreamDelta[]> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe("AzureOpenAIModel against a fake Azure resource", () => {
  it("calls the deployment's URL with the api-version and the api-key header", async () => {
    const { azure, model } = await setUp(
      { replies: [{ content: "2584", tokenUsage: { inputTokens: 30, outputTokens: 2 } }] },
      { temperature: 0.2, max_tokens: 50 },
    );
    const reply = await model.generate([user("18th Fibonacci number?")], { stopSequences: ["Observation:"] });
    expect(reply).toMatchObject({ content: "2584", tokenUsage: { inputTokens: 30, outputTokens: 2 } });
    const [request] = azure.chatRequests;
    expect(request?.path).toBe("/openai/deployments/gpt-4o-mini/chat/completions");
    expect(request?.query).toEqual({ "api-version": apiVersion });
    expect(request?.headers["api-key"]).toBe("azure-test-key");
    expect(request?.headers.authorization).toBeUndefined();
    expect(request?.body).toEqual({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "18th Fibonacci number?" }],
      stop: ["Observation:"],
      temperature: 0.2,
      max_tokens: 50,
    });
  });

  it("takes endpoint, key and version from the environment, as in the seed", async () => {
    const azure = await startFakeAzureOpenAI({ replies: ["from env"] });
    servers.push(azure);
    vi.stubEnv("AZURE_OPENAI_ENDPOINT", azure.url);
    vi.stubEnv("AZURE_OPENAI_API_KEY", "azure-test-key");
    vi.stubEnv("OPENAI_API_VERSION", "2024-10-01-preview");
    vi.stubEnv("OPENAI_BASE_URL", "https://api.openai.com/v1");
    const model = new AzureOpenAIModel({ modelId: "gpt-4o-mini" });
    expect(await model.generate([user("hi")])).toMatchObject({ content: "from env" });
    expect(azure.chatRequests[0]?.query["api-version"]).toBe("2024-10-01-preview");
  });

  it("authenticates with a Microsoft Entra ID token provider instead of a key", async () => {
    const tokens: string[] = [];
    const { azure, model } = await setUp(
      { entraToken: "entra-token-1", replies: ["entra ok"] },
      {
        apiKey: undefined,
        azureADTokenProvider: async () => {
          tokens.push("entra-token-1");
          return "entra-token-1";
        },
      },
    );
    expect(await model.generate([user("hi")])).toMatchObject({ content: "entra ok" });
    expect(tokens).toHaveLength(1);
    expect(azure.chatRequests[0]?.headers.authorization).toBe("Bearer entra-token-1");
    expect(azure.chatRequests[0]?.headers["api-key"]).toBeUndefined();
  });

  it("streams past Azure's prompt-filter chunk: text, tool calls and usage", async () => {
    const { azure, model } = await setUp({
      chunkSize: 5,
      replies: [
        {
          content: "Looking it up.",
          toolCalls: [{ id: "call_az", name: "web_search", arguments: { query: "smol" } }],
          tokenUsage: { inputTokens: 12, outputTokens: 8 },
        },
      ],
    });
    const tool = {
      name: "web_search",
      description: "Search.",
      parameters: { type: "object", properties: {} },
    };
    const deltas = await collect(
      model.generateStream([user("Search smol")], { toolsToCallFrom: [tool], toolChoice: "required" }),
    );
    expect(aggregateStreamDeltas(deltas)).toEqual({
      role: "assistant",
      content: "Looking it up.",
      toolCalls: [
        { id: "call_az", type: "function", function: { name: "web_search", arguments: '{"query":"smol"}' } },
      ],
      tokenUsage: { inputTokens: 12, outputTokens: 8 },
    });
    expect(azure.chatRequests[0]?.body).toMatchObject({ stream: true, tool_choice: "required" });
  });

  it("sends images as image_url parts and removes REMOVE_PARAMETER keys", async () => {
    const { azure, model } = await setUp(
      { replies: ["a cat"] },
      { stop: REMOVE_PARAMETER, seed: REMOVE_PARAMETER },
    );
    await model.generate(
      [
        user([
          { type: "text", text: "What?" },
          { type: "image", image: "https://example.com/cat.png" },
        ]),
      ],
      {
        stopSequences: ["Observation:"],
      },
    );
    const body = azure.chatRequests[0]?.body;
    expect(body?.messages[0].content).toEqual([
      { type: "text", text: "What?" },
      { type: "image_url", image_url: { url: "https://example.com/cat.png" } },
    ]);
    expect(body).not.toHaveProperty("stop");
    expect(body).not.toHaveProperty("seed");
  });
});

describe("AzureOpenAIModel failures", () => {
  it("retries a 429 after Azure's retry-after-ms", async () => {
    const retries: RetryEvent[] = [];
    const { azure, model } = await setUp(
      { faults: [{ kind: "rate-limit", retryAfterSeconds: 1, retryAfterMs: 15 }], replies: ["ok"] },
      { onRetry: (event) => retries.push(event) },
    );
    expect(await model.generate([user("hi")])).toMatchObject({ content: "ok" });
    expect(azure.chatRequests).toHaveLength(2);
    expect(retries.map((event) => event.delayMs)).toEqual([15]);
  });

  it("reports a 500 and a dropped connection as ModelApiErrors", async () => {
    const { model } = await setUp({ faults: ["server-error"] }, { maxRetries: 0 });
    await expect(model.generate([user("hi")])).rejects.toMatchObject({ statusCode: 500, isRetryable: true });
    const { model: dropped } = await setUp({ faults: ["drop-connection"] }, { maxRetries: 0 });
    const error = await dropped.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(ModelApiError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ isRetryable: true });
  });

  it("explains a deployment that does not exist, and a wrong key, without retrying", async () => {
    const { azure, model } = await setUp({}, { modelId: "gpt-4o" });
    const notFound = await model.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(notFound).toMatchObject({ statusCode: 404, isRetryable: false });
    expect((notFound as Error).message).toMatch(/"gpt-4o" is a deployment name/);
    const { model: wrongKey } = await setUp({}, { apiKey: "wrong" });
    const unauthorized = await wrongKey.generate([user("hi")]).catch((caught: unknown) => caught);
    expect(unauthorized).toMatchObject({ statusCode: 401 });
    expect((unauthorized as Error).message).toMatch(/AZURE_OPENAI_API_KEY/);
    expect(azure.chatRequests).toHaveLength(1);
  });

  it("names what is missing: endpoint, version, credentials", () => {
    vi.stubEnv("AZURE_OPENAI_ENDPOINT", "");
    vi.stubEnv("AZURE_OPENAI_API_KEY", "");
    vi.stubEnv("OPENAI_API_VERSION", "");
    const base = {
      modelId: "gpt-4o-mini",
      azureEndpoint: "https://r.openai.azure.com",
      apiVersion,
      apiKey: "k",
    };
    expect(() => new AzureOpenAIModel({ ...base, azureEndpoint: undefined })).toThrow(
      /AZURE_OPENAI_ENDPOINT/,
    );
    expect(() => new AzureOpenAIModel({ ...base, apiVersion: undefined })).toThrow(/OPENAI_API_VERSION/);
    expect(() => new AzureOpenAIModel({ ...base, apiKey: undefined })).toThrow(/AZURE_OPENAI_API_KEY/);
    expect(() => new AzureOpenAIModel({ ...base, azureADTokenProvider: async () => "t" })).toThrow(
      /not both/,
    );
    expect(() => new AzureOpenAIModel({ ...base, modelId: "" })).toThrow(ModelConfigurationError);
  });
});

describe("AzureOpenAIModel toDict / fromDict", () => {
  it("keeps endpoint, version and parameters, never the key", () => {
    const model = new AzureOpenAIModel({
      modelId: "gpt-4o-mini",
      azureEndpoint: "https://r.openai.azure.com",
      apiKey: "azure-secret",
      apiVersion,
      temperature: 0.3,
    });
    const data = model.toDict();
    expect(JSON.stringify(data)).not.toContain("azure-secret");
    expect(data).toMatchObject({
      class: "AzureOpenAIModel",
      modelId: "gpt-4o-mini",
      azureEndpoint: "https://r.openai.azure.com",
      apiVersion,
      temperature: 0.3,
    });
    vi.stubEnv("AZURE_OPENAI_API_KEY", "from-env");
    expect(AzureOpenAIModel.fromDict(data).toDict()).toEqual(data);
  });
});

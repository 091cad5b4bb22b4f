import {
  aggregateStreamDeltas,
  type ChatMessage,
  type ChatMessageStreamDelta,
  LogLevel,
  MissingPackageError,
  ModelConfigurationError,
  REMOVE_PARAMETER,
  ToolCallingAgent,
  tool,
} from "@smol/core";
import {
  startFakeAnthropicServer,
  startFakeAzureOpenAI,
  startFakeHFRouter,
  startFakeOllamaServer,
  startFakeOpenAIServer,
} from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { LiteLLMModel } from "./index.js";
import { importPackage } from "./load-provider.js";

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function started<T extends { close(): Promise<void> }>(server: Promise<T>): Promise<T> {
  const ready = await server;
  closers.push(() => ready.close());
  return ready;
}

const question: ChatMessage[] = [
  { role: "user", content: "Could you give me the 118th number in the Fibonacci sequence?" },
];

async function collect(stream: AsyncIterable<ChatMessageStreamDelta>): Promise<ChatMessageStreamDelta[]> {
  const deltas: ChatMessageStreamDelta[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe("LiteLLMModel routes each prefix to its package, through the real SDKs", () => {
  it("ollama_chat/: the seed's example reaches Ollama with its context size and key", async () => {
    const ollama = await started(startFakeOllamaServer({ replies: ["2046711111473984623691759"] }));
    const model = new LiteLLMModel({
      modelId: "ollama_chat/llama3.2",
      apiBase: ollama.url,
      apiKey: "YOUR_API_KEY",
      numCtx: 8192,
    });
    expect(model.provider).toBe("ollama");
    expect(await model.generate(question)).toMatchObject({ content: "2046711111473984623691759" });
    const request = ollama.chatRequests[0];
    expect(request?.body).toMatchObject({ model: "llama3.2", options: { num_ctx: 8192 } });
    expect(request?.headers.authorization).toBe("Bearer YOUR_API_KEY");
  });

  it("anthropic/: reaches the Messages API with the key and passthrough parameters, and streams", async () => {
    const anthropic = await started(
      startFakeAnthropicServer({ replies: ["Claude here.", "Streaming Claude."] }),
    );
    const model = new LiteLLMModel({
      modelId: "anthropic/claude-sonnet-4-6",
      apiKey: "sk-ant-test",
      apiBase: anthropic.url,
      temperature: 0.3,
      stop: REMOVE_PARAMETER,
    });
    expect(await model.generate(question, { stopSequences: ["Observation:"] })).toMatchObject({
      content: "Claude here.",
    });
    expect(anthropic.messageRequests[0]?.body).toMatchObject({
      model: "claude-sonnet-4-6",
      temperature: 0.3,
    });
    expect(anthropic.messageRequests[0]?.body).not.toHaveProperty("stop_sequences");
    const deltas = await collect(model.generateStream(question));
    expect(aggregateStreamDeltas(deltas).content).toBe("Streaming Claude.");
  });

  it("azure/: uses LiteLLM's AZURE_API_KEY, AZURE_API_BASE and AZURE_API_VERSION", async () => {
    const azure = await started(
      startFakeAzureOpenAI({ replies: ["from Azure"], deployments: ["gpt-35-turbo-16k-deployment"] }),
    );
    vi.stubEnv("AZURE_API_KEY", "azure-test-key");
    vi.stubEnv("AZURE_API_BASE", azure.url);
    vi.stubEnv("AZURE_API_VERSION", "2024-10-01-preview");
    const model = new LiteLLMModel({ modelId: "azure/gpt-35-turbo-16k-deployment" });
    expect(await model.generate(question)).toMatchObject({ content: "from Azure" });
    expect(azure.chatRequests[0]).toMatchObject({
      path: "/openai/deployments/gpt-35-turbo-16k-deployment/chat/completions",
      query: { "api-version": "2024-10-01-preview" },
    });
    expect(azure.chatRequests[0]?.headers["api-key"]).toBe("azure-test-key");
  });

  it("openai/ and a bare gpt-4o: reach an OpenAI-compatible server", async () => {
    const openai = await started(startFakeOpenAIServer({ apiKey: "sk-test", replies: ["one", "two"] }));
    await new LiteLLMModel({
      modelId: "openai/gpt-4o-mini",
      apiBase: openai.baseURL,
      apiKey: "sk-test",
    }).generate(question);
    vi.stubEnv("OPENAI_API_KEY", "sk-test");
    await new LiteLLMModel({ modelId: "gpt-4o", baseUrl: openai.baseURL }).generate(question);
    expect(openai.chatRequests.map((body) => body.model)).toEqual(["gpt-4o-mini", "gpt-4o"]);
  });

  it("huggingface/<provider>/…: reaches the HF router's provider route", async () => {
    const modelId = "meta-llama/Llama-3.3-70B-Instruct";
    const router = await started(
      startFakeHFRouter({
        token: "hf_test",
        replies: ["from HF"],
        providerMappings: {
          [modelId]: [{ provider: "together", providerId: "meta-llama/Llama-3.3-70B-Instruct-Turbo" }],
        },
      }),
    );
    const model = new LiteLLMModel({
      modelId: `huggingface/together/${modelId}`,
      apiKey: "hf_test",
      fetch: router.fetch,
    });
    expect(await model.generate(question)).toMatchObject({ content: "from HF" });
    expect(router.chatRequests[0]?.path).toBe("/together/v1/chat/completions");
  });

  it("an unknown prefix with an apiBase, or proxy: true, goes to the LiteLLM proxy under the full id", async () => {
    const proxy = await started(
      startFakeOpenAIServer({ apiKey: "sk-litellm", replies: ["via proxy", "via proxy again"] }),
    );
    await new LiteLLMModel({
      modelId: "gemini/gemini-1.5-pro",
      apiBase: proxy.baseURL,
      apiKey: "sk-litellm",
    }).generate(question);
    await new LiteLLMModel({
      modelName: "anthropic/claude-3-5-sonnet-latest",
      apiBase: proxy.baseURL,
      apiKey: "sk-litellm",
      proxy: true,
    }).generate(question);
    expect(proxy.chatRequests.map((body) => body.model)).toEqual([
      "gemini/gemini-1.5-pro",
      "anthropic/claude-3-5-sonnet-latest",
    ]);
  });

  it("bedrock/: builds an AmazonBedrockModel when @smol/models-bedrock is installed, else names the package", async () => {
    const model = new LiteLLMModel({
      modelName: "bedrock/anthropic.claude-3-sonnet-20240229-v1:0",
      clientOptions: { region: "us-east-1", credentials: { accessKeyId: "a", secretAccessKey: "b" } },
    });
    const installed = await importPackage("@smol/models-bedrock").then(
      () => true,
      () => false,
    );
    if (installed) {
      const inner = await model.load();
      expect(inner.constructor.name).toBe("AmazonBedrockModel");
      expect(inner.modelId).toBe("anthropic.claude-3-sonnet-20240229-v1:0");
    } else {
      const error = await model.load().catch((caught: unknown) => caught);
      expect(MissingPackageError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ packageName: "@smol/models-bedrock" });
    }
  });

  it("reports the provider's configuration errors when loading, and its own at once", async () => {
    vi.stubEnv("ANTHROPIC_API_KEY", "");
    vi.stubEnv("ANTHROPIC_AUTH_TOKEN", "");
    const model = new LiteLLMModel({ modelId: "anthropic/claude-3-5-sonnet-latest" });
    await expect(model.generate(question)).rejects.toThrow(/ANTHROPIC_API_KEY/);
    expect(() => new LiteLLMModel({ modelId: "mistral/mistral-large" })).toThrow(ModelConfigurationError);
    expect(() => new LiteLLMModel({})).toThrow(/needs a modelId/);
  });
});

describe("LiteLLMModel toDict / fromDict", () => {
  it("keeps the id and options without the key, REMOVE_PARAMETER included", async () => {
    const ollama = await started(startFakeOllamaServer({ replies: ["again"] }));
    const model = new LiteLLMModel({
      modelName: "ollama_chat/llama3.2",
      apiBase: ollama.url,
      apiKey: "secret-key",
      numCtx: 4096,
      stop: REMOVE_PARAMETER,
    });
    const data = model.toDict();
    expect(JSON.stringify(data)).not.toContain("secret-key");
    expect(data).toEqual({
      class: "LiteLLMModel",
      modelId: "ollama_chat/llama3.2",
      apiBase: ollama.url,
      numCtx: 4096,
      stop: { $smol: "REMOVE_PARAMETER" },
    });
    const copy = LiteLLMModel.fromDict(JSON.parse(JSON.stringify(data)));
    await copy.generate(question, { stopSequences: ["Observation:"] });
    expect(ollama.chatRequests[0]?.body?.options).toEqual({ num_ctx: 4096 });
  });
});

describe("a ToolCallingAgent on LiteLLMModel", () => {
  it("runs end to end through the seed's Ollama route", async () => {
    const ollama = await started(
      startFakeOllamaServer({
        replies: [
          { toolCalls: [{ name: "fibonacci", arguments: { n: 10 } }] },
          { toolCalls: [{ name: "final_answer", arguments: { answer: "55" } }] },
        ],
      }),
    );
    const fibonacci = tool(
      {
        name: "fibonacci",
        description: "The n-th Fibonacci number.",
        inputs: { n: { type: "integer", description: "Its position." } },
        outputType: "integer",
      },
      async ({ n }) => {
        let [a, b] = [0, 1];
        for (let index = 0; index < n; index++) [a, b] = [b, a + b];
        return a;
      },
    );
    const model = new LiteLLMModel({ modelId: "ollama_chat/llama3.2", apiBase: ollama.url, numCtx: 8192 });
    const agent = new ToolCallingAgent({ tools: [fibonacci], model, verbosityLevel: LogLevel.OFF });
    expect(await agent.run("What is the 10th Fibonacci number?")).toBe("55");
    expect(JSON.stringify(ollama.chatRequests[1]?.body?.messages)).toContain("55");
  });
});

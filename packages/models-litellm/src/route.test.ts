import { ModelConfigurationError } from "@smol/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import { resolveRoute } from "./route.js";

afterEach(() => vi.unstubAllEnvs());

describe("resolveRoute", () => {
  it("sends the seed's ollama_chat model to OllamaModel with its URL, context and key", () => {
    expect(
      resolveRoute({
        modelId: "ollama_chat/llama3.2",
        apiBase: "http://localhost:11434",
        apiKey: "YOUR_API_KEY",
        numCtx: 8192,
        passthrough: { temperature: 0 },
      }),
    ).toEqual({
      provider: "ollama",
      packageName: "@smol/models-ollama",
      className: "OllamaModel",
      options: {
        temperature: 0,
        modelId: "llama3.2",
        baseUrl: "http://localhost:11434",
        numCtx: 8192,
        apiKey: "YOUR_API_KEY",
      },
    });
    expect(resolveRoute({ modelId: "ollama/qwen2.5-coder:7b", passthrough: {} }).options).toEqual({
      modelId: "qwen2.5-coder:7b",
    });
  });

  it("routes anthropic/, openai/, bedrock/ and bare names", () => {
    expect(
      resolveRoute({ modelId: "anthropic/claude-3-5-sonnet-latest", apiKey: "k", passthrough: {} }),
    ).toMatchObject({
      provider: "anthropic",
      options: { modelId: "claude-3-5-sonnet-latest", apiKey: "k" },
    });
    expect(resolveRoute({ modelId: "gpt-4o", passthrough: {} })).toMatchObject({
      provider: "openai",
      options: { modelId: "gpt-4o" },
    });
    expect(resolveRoute({ modelId: "claude-3-5-haiku-latest", passthrough: {} }).provider).toBe("anthropic");
    expect(
      resolveRoute({
        modelId: "openai/meta-llama/Llama-3.1-8B",
        apiBase: "http://vllm:8000/v1",
        passthrough: {},
      }),
    ).toMatchObject({
      provider: "openai",
      options: { modelId: "meta-llama/Llama-3.1-8B", baseUrl: "http://vllm:8000/v1" },
    });
    expect(
      resolveRoute({
        modelId: "bedrock/anthropic.claude-3-sonnet-20240229-v1:0",
        passthrough: { inferenceConfig: { maxTokens: 3000 } },
      }),
    ).toEqual({
      provider: "bedrock",
      packageName: "@smol/models-bedrock",
      className: "AmazonBedrockModel",
      options: { inferenceConfig: { maxTokens: 3000 }, modelId: "anthropic.claude-3-sonnet-20240229-v1:0" },
    });
  });

  it("reads LiteLLM's Azure variables", () => {
    vi.stubEnv("AZURE_API_KEY", "azure-key");
    vi.stubEnv("AZURE_API_BASE", "https://example-endpoint.openai.azure.com");
    vi.stubEnv("AZURE_API_VERSION", "2024-10-01-preview");
    expect(resolveRoute({ modelId: "azure/gpt-35-turbo-16k-deployment", passthrough: {} })).toMatchObject({
      provider: "azure",
      options: {
        modelId: "gpt-35-turbo-16k-deployment",
        apiKey: "azure-key",
        azureEndpoint: "https://example-endpoint.openai.azure.com",
        apiVersion: "2024-10-01-preview",
      },
    });
  });

  it("reads a provider in huggingface/<provider>/<org>/<model>", () => {
    expect(
      resolveRoute({
        modelId: "huggingface/together/deepseek-ai/DeepSeek-R1",
        apiKey: "hf_x",
        passthrough: {},
      }).options,
    ).toEqual({
      modelId: "deepseek-ai/DeepSeek-R1",
      provider: "together",
      token: "hf_x",
    });
    expect(
      resolveRoute({ modelId: "huggingface/Qwen/Qwen2.5-Coder-32B-Instruct", passthrough: {} }).options,
    ).toEqual({
      modelId: "Qwen/Qwen2.5-Coder-32B-Instruct",
    });
  });

  it("sends everything to a proxy when asked, or when the prefix is not one smol serves", () => {
    expect(
      resolveRoute({
        modelId: "gemini/gemini-1.5-pro",
        apiBase: "http://proxy:4000",
        apiKey: "sk-proxy",
        passthrough: {},
      }),
    ).toEqual({
      provider: "proxy",
      packageName: "@smol/models-openai",
      className: "OpenAIModel",
      options: { modelId: "gemini/gemini-1.5-pro", baseUrl: "http://proxy:4000", apiKey: "sk-proxy" },
    });
    expect(
      resolveRoute({
        modelId: "anthropic/claude-3-5-sonnet-latest",
        apiBase: "http://proxy:4000",
        proxy: true,
        passthrough: {},
      }).options.modelId,
    ).toBe("anthropic/claude-3-5-sonnet-latest");
  });

  it("says what to do with a model it cannot place", () => {
    expect(() => resolveRoute({ modelId: "gemini/gemini-1.5-pro", passthrough: {} })).toThrow(
      ModelConfigurationError,
    );
    expect(() => resolveRoute({ modelId: "gemini/gemini-1.5-pro", passthrough: {} })).toThrow(
      /ollama_chat\/.*apiBase/s,
    );
    expect(() => resolveRoute({ modelId: "x", proxy: true, passthrough: {} })).toThrow(/apiBase/);
  });
});

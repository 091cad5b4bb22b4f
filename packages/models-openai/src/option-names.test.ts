/**
 * One name per concept: the server URL is `baseUrl` (`apiBase` the smolagents alias), and an
 * option key that is a smol option name or a near miss of one throws before any request, instead
 * of travelling to the provider as a completion parameter. Through the real `openai` SDK and the
 * fake OpenAI server.
 */
import { ModelConfigurationError } from "@smol/core";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@smol/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { OpenAIModel } from "./openai-model.js";

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await server?.close();
  server = undefined;
});

function configurationError(build: () => unknown): ModelConfigurationError {
  try {
    build();
  } catch (error) {
    if (ModelConfigurationError.isInstance(error)) return error;
    throw error;
  }
  throw new Error("expected a ModelConfigurationError");
}

describe("OpenAIModel's option names", () => {
  it("reaches the local server through baseUrl, and through the apiBase alias", async () => {
    server = await startFakeOpenAIServer({ apiKey: "local-key", replies: ["via baseUrl", "via apiBase"] });
    const viaBaseUrl = new OpenAIModel({ modelId: "m", baseUrl: server.baseURL, apiKey: "local-key" });
    expect((await viaBaseUrl.generate([{ role: "user", content: "hi" }])).content).toBe("via baseUrl");
    expect(viaBaseUrl.baseUrl).toBe(server.baseURL);
    const viaApiBase = new OpenAIModel({ modelId: "m", apiBase: server.baseURL, apiKey: "local-key" });
    expect((await viaApiBase.generate([{ role: "user", content: "hi" }])).content).toBe("via apiBase");
    expect(server.chatRequests).toHaveLength(2);
  });

  it.each([
    ["baseURL", "baseUrl"],
    ["host", "baseUrl"],
    ["endpointUrl", "baseUrl"],
    ["base_url", "baseUrl"],
    ["api_key", "apiKey"],
    ["apikey", "apiKey"],
    ["maxRetires", "maxRetries"],
    ["max_retries", "maxRetries"],
    ["temprature", "temperature"],
    ["requestPerMinute", "requestsPerMinute"],
  ])("refuses %s with 'did you mean %s', before any request", async (key, suggestion) => {
    server = await startFakeOpenAIServer({ apiKey: "local-key", replies: ["never"] });
    vi.stubEnv("OPENAI_API_KEY", "local-key");
    const error = configurationError(() => new OpenAIModel({ modelId: "m", [key]: server!.baseURL }));
    expect(error.message).toContain(`has no option "${key}": did you mean "${suggestion}"?`);
    expect(server.chatRequests).toHaveLength(0);
  });

  it("refuses another smol model's option that is no near miss of its own", () => {
    const error = configurationError(() => new OpenAIModel({ modelId: "m", apiKey: "k", billTo: "org" }));
    expect(error.message).toContain('OpenAIModel has no option "billTo" (other smol models do)');
  });

  it("still sends real completion parameters as written", async () => {
    server = await startFakeOpenAIServer({ apiKey: "local-key", replies: ["ok"] });
    const model = new OpenAIModel({
      modelId: "m",
      baseUrl: server.baseURL,
      apiKey: "local-key",
      top_p: 0.5,
      seed: 7,
      max_tokens: 64,
      reasoning_effort: "low",
    });
    await model.generate([{ role: "user", content: "hi" }]);
    expect(server.chatRequests[0]).toMatchObject({
      top_p: 0.5,
      seed: 7,
      max_tokens: 64,
      reasoning_effort: "low",
    });
  });
});

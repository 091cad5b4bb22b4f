import { afterEach, describe, expect, it } from "vitest";
import { startFakeAnthropicServer } from "./fake-anthropic-server.js";
import { startFakeAzureOpenAI } from "./fake-azure-openai.js";
import { startFakeHFRouter } from "./fake-hf-router.js";
import { startFakeOllamaServer } from "./fake-ollama-server.js";

// The provider packages test these fakes through the official SDKs; these tests pin the raw wire
// details an SDK would accept silently either way.

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
}

describe("fake Anthropic server", () => {
  it("streams named SSE events in the API's order, with a ping after the first block starts", async () => {
    const server = await startFakeAnthropicServer({
      replies: [{ content: "Hi", toolCalls: [{ name: "f", arguments: { a: 1 } }] }],
    });
    closers.push(server.close);
    const response = await post(
      `${server.url}/v1/messages`,
      {
        model: "claude-sonnet-4-6",
        max_tokens: 10,
        stream: true,
        messages: [{ role: "user", content: "x" }],
      },
      { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" },
    );
    const text = await response.text();
    const names = [...text.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    expect(names).toEqual([
      "message_start",
      "content_block_start",
      "ping",
      "content_block_delta",
      "content_block_stop",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("refuses a request without max_tokens or with a system role, as the API does", async () => {
    const server = await startFakeAnthropicServer({ replies: ["x", "y"] });
    closers.push(server.close);
    const headers = { "x-api-key": "sk-ant-test", "anthropic-version": "2023-06-01" };
    const noMax = await post(
      `${server.url}/v1/messages`,
      { model: "m", messages: [{ role: "user", content: "x" }] },
      headers,
    );
    expect(noMax.status).toBe(400);
    const system = await post(
      `${server.url}/v1/messages`,
      { model: "m", max_tokens: 5, messages: [{ role: "system", content: "x" }] },
      headers,
    );
    expect(await system.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("fake Ollama server", () => {
  it("streams NDJSON when `stream` is absent, as Ollama does, ending with the done line", async () => {
    const server = await startFakeOllamaServer({ replies: ["Hello there"], chunkSize: 5 });
    closers.push(server.close);
    const response = await post(`${server.url}/api/chat`, {
      model: "llama3.2",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.headers.get("content-type")).toBe("application/x-ndjson");
    const lines = (await response.text())
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.map((line) => line.message.content).join("")).toBe("Hello there");
    expect(lines.at(-1)).toMatchObject({ done: true, done_reason: "stop" });
    expect(lines.at(-1).prompt_eval_count).toBeGreaterThan(0);
  });
});

describe("fake Azure OpenAI and HF router", () => {
  it("Azure answers 404 without api-version, and opens streams with the prompt filter chunk", async () => {
    const server = await startFakeAzureOpenAI({ replies: ["ok"] });
    closers.push(server.close);
    const path = `${server.url}/openai/deployments/gpt-4o-mini/chat/completions`;
    expect((await post(path, { messages: [] }, { "api-key": "azure-test-key" })).status).toBe(404);
    const stream = await post(
      `${path}?api-version=2024-10-21`,
      { stream: true, messages: [] },
      { "api-key": "azure-test-key" },
    );
    const first = JSON.parse((await stream.text()).split("\n\n")[0]!.slice("data: ".length));
    expect(first).toMatchObject({ choices: [], prompt_filter_results: [{ prompt_index: 0 }] });
  });

  it("the HF router answers the Hub's mapping lookup, and 404 for an unknown model", async () => {
    const server = await startFakeHFRouter({
      providerMappings: { "org/model": [{ provider: "together", providerId: "org/model-turbo" }] },
    });
    closers.push(server.close);
    const known = await fetch(`${server.url}/api/models/org/model?expand[]=inferenceProviderMapping`);
    expect(await known.json()).toMatchObject({
      inferenceProviderMapping: [
        { provider: "together", providerId: "org/model-turbo", task: "conversational", status: "live" },
      ],
    });
    expect((await fetch(`${server.url}/api/models/org/other`)).status).toBe(404);
  });
});

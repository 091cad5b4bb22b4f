import { ModelConfigurationError, REMOVE_PARAMETER } from "@smol/core";
import type { CompletionRequest } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import { toOllamaMessages, toOllamaRequest } from "./convert-to-ollama-messages.js";

const jpegBytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    modelId: "llama3.2",
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    completionParameters: {},
    ...overrides,
  };
}

describe("toOllamaMessages", () => {
  it("joins text into one string and passes images as bytes", () => {
    const [message] = toOllamaMessages([
      {
        role: "user",
        content: [
          { type: "text", text: "Describe " },
          { type: "image", image: jpegBytes },
          { type: "text", text: "this." },
          { type: "image", image: `data:image/png;base64,${Buffer.from([9, 8, 7]).toString("base64")}` },
        ],
      },
    ]);
    expect(message?.content).toBe("Describe this.");
    expect(message?.images?.map((image) => [...(image as Uint8Array)])).toEqual([[...jpegBytes], [9, 8, 7]]);
  });

  it("refuses an image URL, which Ollama cannot fetch", () => {
    expect(() =>
      toOllamaMessages([{ role: "user", content: [{ type: "image", image: "https://example.com/a.png" }] }]),
    ).toThrow(ModelConfigurationError);
  });
});

describe("toOllamaRequest", () => {
  it("puts the context size, stop sequences and sampling parameters in options, format and keep_alive on top", () => {
    const body = toOllamaRequest(
      request({
        stopSequences: ["Observation:"],
        responseFormat: { type: "json_schema", jsonSchema: { name: "a", schema: { type: "object" } } },
        completionParameters: { temperature: 0.1, max_tokens: 300, think: false, seed: 4 },
      }),
      { numCtx: 8192, keepAlive: "10m", options: { top_k: 20, seed: 1 } },
      { stream: false },
    );
    expect(body).toEqual({
      model: "llama3.2",
      messages: [{ role: "user", content: "Hi" }],
      format: { type: "object" },
      keep_alive: "10m",
      think: false,
      options: {
        num_ctx: 8192,
        stop: ["Observation:"],
        top_k: 20,
        seed: 4,
        temperature: 0.1,
        num_predict: 300,
      },
      stream: false,
    });
  });

  it("sends tools, none when the tool choice is none", () => {
    const tools = [{ name: "f", description: "F.", parameters: { type: "object", properties: {} } }];
    expect(toOllamaRequest(request({ tools, toolChoice: "required" }), {}, { stream: true }).tools).toEqual([
      {
        type: "function",
        function: { name: "f", description: "F.", parameters: { type: "object", properties: {} } },
      },
    ]);
    expect(toOllamaRequest(request({ tools, toolChoice: "none" }), {}, { stream: true })).not.toHaveProperty(
      "tools",
    );
  });

  it("deletes REMOVE_PARAMETER keys at either level, and keeps streaming the method's choice", () => {
    const body = toOllamaRequest(
      request({
        completionParameters: { num_ctx: REMOVE_PARAMETER, keep_alive: REMOVE_PARAMETER, stream: false },
      }),
      { numCtx: 8192, keepAlive: 300 },
      { stream: true },
    );
    expect(body).toEqual({ model: "llama3.2", messages: [{ role: "user", content: "Hi" }], stream: true });
  });
});

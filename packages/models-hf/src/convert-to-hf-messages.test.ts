import { REMOVE_PARAMETER } from "@smol/core";
import type { CompletionRequest } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import {
  toHFMessages,
  toHFRequestBody,
  toHFResponseFormat,
  toHFToolChoice,
} from "./convert-to-hf-messages.js";

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0]);

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    modelId: "Qwen/Qwen3-Next-80B-A3B-Thinking",
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    completionParameters: {},
    ...overrides,
  };
}

describe("toHFMessages", () => {
  it("sends text as strings and a user's images as image_url parts", () => {
    const messages = toHFMessages([
      { role: "system", content: [{ type: "text", text: "Be brief." }] },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          { type: "image", image: pngBytes },
          { type: "image", image: "https://example.com/cat.jpg" },
        ],
      },
      { role: "assistant", content: "A cat." },
    ]);
    expect(messages).toEqual([
      { role: "system", content: "Be brief." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          {
            type: "image_url",
            image_url: { url: `data:image/png;base64,${Buffer.from(pngBytes).toString("base64")}` },
          },
          { type: "image_url", image_url: { url: "https://example.com/cat.jpg" } },
        ],
      },
      { role: "assistant", content: "A cat." },
    ]);
  });
});

describe("toHFRequestBody", () => {
  it("translates stop sequences, tools, tool choice and response format", () => {
    const body = toHFRequestBody(
      request({
        stopSequences: ["Observation:"],
        tools: [
          {
            name: "get_weather",
            description: "Weather in a city.",
            parameters: { type: "object", properties: {} },
          },
        ],
        toolChoice: "required",
        responseFormat: {
          type: "json_schema",
          jsonSchema: { name: "answer", schema: { type: "object" }, strict: true },
        },
      }),
      { stream: false, model: "Qwen/Qwen3-Next-80B-A3B-Thinking" },
    );
    expect(body).toEqual({
      model: "Qwen/Qwen3-Next-80B-A3B-Thinking",
      messages: [{ role: "user", content: "Hi" }],
      stop: ["Observation:"],
      tools: [
        {
          type: "function",
          function: {
            name: "get_weather",
            description: "Weather in a city.",
            parameters: { type: "object", properties: {} },
          },
        },
      ],
      tool_choice: "required",
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", schema: { type: "object" }, strict: true },
      },
    });
  });

  it("lays completion parameters over the body: they win, REMOVE_PARAMETER deletes, stream stays the SDK's", () => {
    const body = toHFRequestBody(
      request({
        stopSequences: ["Observation:"],
        completionParameters: {
          temperature: 0.2,
          max_tokens: 100,
          stop: REMOVE_PARAMETER,
          stream: false,
          model: "other/model",
        },
      }),
      { stream: true, model: "Qwen/Qwen3-Next-80B-A3B-Thinking" },
    );
    expect(body).toEqual({
      model: "other/model",
      messages: [{ role: "user", content: "Hi" }],
      stream_options: { include_usage: true },
      temperature: 0.2,
      max_tokens: 100,
    });
  });

  it("asks for usage only when streaming, and lets REMOVE_PARAMETER drop that request", () => {
    expect(toHFRequestBody(request(), { stream: false, model: "m" })).not.toHaveProperty("stream_options");
    const body = toHFRequestBody(request({ completionParameters: { stream_options: REMOVE_PARAMETER } }), {
      stream: true,
      model: "m",
    });
    expect(body).not.toHaveProperty("stream_options");
  });
});

describe("tool choice and response format", () => {
  it("names a forced tool in OpenAI's shape", () => {
    expect(toHFToolChoice({ name: "final_answer" })).toEqual({
      type: "function",
      function: { name: "final_answer" },
    });
    expect(toHFToolChoice("auto")).toBe("auto");
  });

  it("keeps a schema's description and leaves strict out when unset", () => {
    expect(
      toHFResponseFormat({ type: "json_schema", jsonSchema: { name: "n", schema: {}, description: "d" } }),
    ).toEqual({ type: "json_schema", json_schema: { name: "n", schema: {}, description: "d" } });
  });
});

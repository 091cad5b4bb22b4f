import { ModelConfigurationError, REMOVE_PARAMETER } from "@smol/core";
import type { CompletionRequest } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import {
  toAnthropicMessages,
  toAnthropicRequestBody,
  toAnthropicToolChoice,
} from "./convert-to-anthropic-messages.js";

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 7, 7]);

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    modelId: "claude-sonnet-4-6",
    messages: [{ role: "user", content: [{ type: "text", text: "Hi" }] }],
    completionParameters: {},
    ...overrides,
  };
}

describe("toAnthropicMessages", () => {
  it("moves system messages to `system` and merges the user messages they separated", () => {
    expect(
      toAnthropicMessages([
        { role: "system", content: "You are an agent." },
        { role: "user", content: "Task: add 2 and 2." },
        { role: "system", content: "Remember the tools." },
        { role: "user", content: "Go." },
        { role: "assistant", content: "4" },
      ]),
    ).toEqual({
      system: "You are an agent.\n\nRemember the tools.",
      messages: [
        {
          role: "user",
          content: [
            { type: "text", text: "Task: add 2 and 2." },
            { type: "text", text: "Go." },
          ],
        },
        { role: "assistant", content: "4" },
      ],
    });
  });

  it("sends images as base64 or URL sources", () => {
    const { messages } = toAnthropicMessages([
      {
        role: "user",
        content: [
          { type: "text", text: "Compare." },
          { type: "image", image: pngBytes },
          { type: "image", image: "https://example.com/b.jpg" },
        ],
      },
    ]);
    expect(messages[0]?.content).toEqual([
      { type: "text", text: "Compare." },
      {
        type: "image",
        source: { type: "base64", media_type: "image/png", data: Buffer.from(pngBytes).toString("base64") },
      },
      { type: "image", source: { type: "url", url: "https://example.com/b.jpg" } },
    ]);
  });

  it("refuses an image type the API does not take", () => {
    expect(() =>
      toAnthropicMessages([
        { role: "user", content: [{ type: "image", image: pngBytes, mediaType: "image/bmp" }] },
      ]),
    ).toThrow(ModelConfigurationError);
  });
});

describe("toAnthropicRequestBody", () => {
  it("always sets max_tokens and translates stops, tools, tool choice and response format", () => {
    const body = toAnthropicRequestBody(
      request({
        messages: [
          { role: "system", content: "Be brief." },
          { role: "user", content: "Weather?" },
        ],
        stopSequences: ["Observation:"],
        tools: [
          { name: "get_weather", description: "Weather.", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: "required",
        responseFormat: { type: "json_schema", jsonSchema: { name: "w", schema: { type: "object" } } },
      }),
      { maxTokens: 4096 },
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 4096,
      system: "Be brief.",
      messages: [{ role: "user", content: "Weather?" }],
      stop_sequences: ["Observation:"],
      tools: [
        { name: "get_weather", description: "Weather.", input_schema: { type: "object", properties: {} } },
      ],
      tool_choice: { type: "any" },
      output_config: { format: { type: "json_schema", schema: { type: "object" } } },
    });
  });

  it("lets completion parameters win and REMOVE_PARAMETER delete, but never `stream`", () => {
    const body = toAnthropicRequestBody(
      request({
        stopSequences: ["Observation:"],
        completionParameters: {
          max_tokens: 1000,
          temperature: 0.3,
          stop_sequences: REMOVE_PARAMETER,
          stream: true,
        },
      }),
      { maxTokens: 4096 },
    );
    expect(body).toEqual({
      model: "claude-sonnet-4-6",
      max_tokens: 1000,
      messages: [{ role: "user", content: "Hi" }],
      temperature: 0.3,
    });
  });

  it("maps tool choices", () => {
    expect(toAnthropicToolChoice("auto")).toEqual({ type: "auto" });
    expect(toAnthropicToolChoice("none")).toEqual({ type: "none" });
    expect(toAnthropicToolChoice({ name: "final_answer" })).toEqual({ type: "tool", name: "final_answer" });
  });
});

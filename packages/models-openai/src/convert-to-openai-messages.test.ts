import { REMOVE_PARAMETER } from "@smol/core";
import type { CompletionRequest } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import { toOpenAIMessages, toOpenAIRequestBody } from "./convert-to-openai-messages.js";

const baseRequest: CompletionRequest = {
  modelId: "gpt-4o",
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  completionParameters: {},
};

describe("toOpenAIMessages", () => {
  it("sends text-only content as a string and images as image_url parts", () => {
    const bytes = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
    expect(
      toOpenAIMessages([
        { role: "system", content: [{ type: "text", text: "Be brief." }] },
        { role: "assistant", content: "Thought." },
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", image: bytes },
            { type: "image", image: "https://example.test/cat.png" },
          ],
        },
      ]),
    ).toEqual([
      { role: "system", content: "Be brief." },
      { role: "assistant", content: "Thought." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is this?" },
          {
            type: "image_url",
            image_url: { url: `data:image/jpeg;base64,${Buffer.from(bytes).toString("base64")}` },
          },
          { type: "image_url", image_url: { url: "https://example.test/cat.png" } },
        ],
      },
    ]);
  });
});

describe("toOpenAIRequestBody", () => {
  it("translates stop, tools, tool choice and response format", () => {
    const body = toOpenAIRequestBody(
      {
        ...baseRequest,
        stopSequences: ["Observation:"],
        tools: [
          { name: "search", description: "Search the web.", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: { name: "search" },
        responseFormat: {
          type: "json_schema",
          jsonSchema: { name: "answer", schema: { type: "object" }, strict: true },
        },
      },
      { stream: false },
    );
    expect(body).toEqual({
      model: "gpt-4o",
      messages: [{ role: "user", content: "hi" }],
      stop: ["Observation:"],
      tools: [
        {
          type: "function",
          function: {
            name: "search",
            description: "Search the web.",
            parameters: { type: "object", properties: {} },
          },
        },
      ],
      tool_choice: { type: "function", function: { name: "search" } },
      response_format: {
        type: "json_schema",
        json_schema: { name: "answer", schema: { type: "object" }, strict: true },
      },
    });
  });

  it("lets completion parameters win and delete, and asks for usage when streaming", () => {
    const request = {
      ...baseRequest,
      toolChoice: "required" as const,
      tools: [{ name: "t", description: "d", parameters: {} }],
      completionParameters: { tool_choice: "auto", temperature: 0.1, stream: false },
    };
    const streaming = toOpenAIRequestBody(request, { stream: true });
    expect(streaming).toMatchObject({
      tool_choice: "auto",
      temperature: 0.1,
      stream: true,
      stream_options: { include_usage: true },
    });
    const plain = toOpenAIRequestBody(request, { stream: false });
    expect(plain).not.toHaveProperty("stream");
    expect(plain).not.toHaveProperty("stream_options");
    const noUsage = toOpenAIRequestBody(
      { ...baseRequest, completionParameters: { stream_options: REMOVE_PARAMETER } },
      { stream: true },
    );
    expect(noUsage).not.toHaveProperty("stream_options");
  });
});

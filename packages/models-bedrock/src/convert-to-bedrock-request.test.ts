import { ModelConfigurationError, REMOVE_PARAMETER } from "@smol/core";
import type { CompletionRequest } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import {
  checkConverseParameters,
  toBedrockMessages,
  toConverseRequest,
} from "./convert-to-bedrock-request.js";

const pngBytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);

function request(overrides: Partial<CompletionRequest> = {}): CompletionRequest {
  return {
    modelId: "anthropic.claude-3-sonnet-20240229-v1:0",
    messages: [
      { role: "system", content: [{ type: "text", text: "You are terse." }] },
      { role: "user", content: [{ type: "text", text: "Hi" }] },
    ],
    completionParameters: {},
    ...overrides,
  };
}

const noSystemFolding = { systemPromptAsUserMessage: false };

describe("toBedrockMessages", () => {
  it("puts system messages in `system` blocks and keeps the conversation apart", () => {
    const { system, messages } = toBedrockMessages(
      [
        { role: "system", content: "Rule one." },
        { role: "user", content: "Question" },
        { role: "assistant", content: "Answer" },
        { role: "system", content: [{ type: "text", text: "Rule two." }] },
        { role: "user", content: "Again" },
      ],
      noSystemFolding,
    );
    expect(system).toEqual([{ text: "Rule one." }, { text: "Rule two." }]);
    expect(messages).toEqual([
      { role: "user", content: [{ text: "Question" }] },
      { role: "assistant", content: [{ text: "Answer" }] },
      { role: "user", content: [{ text: "Again" }] },
    ]);
  });

  it("drops blank text blocks, which Bedrock rejects, and merges the turns that meet", () => {
    const { messages } = toBedrockMessages(
      [
        { role: "user", content: "First" },
        { role: "assistant", content: "   \n" },
        {
          role: "user",
          content: [
            { type: "text", text: "Second" },
            { type: "text", text: " " },
          ],
        },
      ],
      noSystemFolding,
    );
    expect(messages).toEqual([{ role: "user", content: [{ text: "First" }, { text: "Second" }] }]);
  });

  it("can fold the system prompt into the first user turn, for models without system prompts", () => {
    const { system, messages } = toBedrockMessages(
      [
        { role: "system", content: "Be brief." },
        { role: "user", content: "Hi" },
      ],
      { systemPromptAsUserMessage: true },
    );
    expect(system).toEqual([]);
    expect(messages).toEqual([{ role: "user", content: [{ text: "Be brief." }, { text: "Hi" }] }]);
  });

  it("sends images as bytes with their format, from bytes, base64 or a data URL", () => {
    const base64 = Buffer.from(pngBytes).toString("base64");
    const { messages } = toBedrockMessages(
      [
        {
          role: "user",
          content: [
            { type: "text", text: "What is this?" },
            { type: "image", image: pngBytes },
            { type: "image", image: base64 },
            { type: "image", image: `data:image/jpeg;base64,${base64}` },
          ],
        },
      ],
      noSystemFolding,
    );
    const [text, fromBytes, fromBase64, fromDataUrl] = messages[0]!.content!;
    expect(text).toEqual({ text: "What is this?" });
    expect(fromBytes).toEqual({ image: { format: "png", source: { bytes: pngBytes } } });
    expect(fromBase64).toEqual({ image: { format: "png", source: { bytes: pngBytes } } });
    expect(fromDataUrl).toEqual({ image: { format: "jpeg", source: { bytes: pngBytes } } });
  });

  it("sends s3:// images as locations, and refuses web URLs with a way out", () => {
    const { messages } = toBedrockMessages(
      [{ role: "user", content: [{ type: "image", image: "s3://bucket/cat.webp" }] }],
      noSystemFolding,
    );
    expect(messages[0]!.content![0]).toEqual({
      image: { format: "webp", source: { s3Location: { uri: "s3://bucket/cat.webp" } } },
    });
    expect(() =>
      toBedrockMessages(
        [{ role: "user", content: [{ type: "image", image: "https://example.com/cat.png" }] }],
        noSystemFolding,
      ),
    ).toThrow(/bytes or as s3:\/\/ locations.*pass its bytes/s);
    expect(() =>
      toBedrockMessages(
        [{ role: "user", content: [{ type: "image", image: pngBytes, mediaType: "image/tiff" }] }],
        noSystemFolding,
      ),
    ).toThrow(ModelConfigurationError);
  });
});

describe("toConverseRequest", () => {
  it("maps stop sequences, tools and the tool choice", () => {
    const input = toConverseRequest(
      request({
        stopSequences: ["Observation:"],
        tools: [
          {
            name: "web_search",
            description: "Searches the web.",
            parameters: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
          },
          { name: "final_answer", description: "", parameters: { type: "object", properties: {} } },
        ],
        toolChoice: "required",
      }),
      noSystemFolding,
    );
    expect(input.modelId).toBe("anthropic.claude-3-sonnet-20240229-v1:0");
    expect(input.system).toEqual([{ text: "You are terse." }]);
    expect(input.inferenceConfig).toEqual({ stopSequences: ["Observation:"] });
    expect(input.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: "web_search",
            description: "Searches the web.",
            inputSchema: {
              json: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
            },
          },
        },
        // An empty description is left out: Converse rejects it.
        { toolSpec: { name: "final_answer", inputSchema: { json: { type: "object", properties: {} } } } },
      ],
      toolChoice: { any: {} },
    });
  });

  it("maps each tool choice, and sends no tools for `none`", () => {
    const tools = [{ name: "search", description: "d", parameters: { type: "object" } }];
    const choice = (toolChoice: CompletionRequest["toolChoice"]) =>
      toConverseRequest(request({ tools, toolChoice }), noSystemFolding).toolConfig;
    expect(choice("auto")?.toolChoice).toEqual({ auto: {} });
    expect(choice({ name: "search" })?.toolChoice).toEqual({ tool: { name: "search" } });
    expect(choice(undefined)?.toolChoice).toBeUndefined();
    expect(choice("none")).toBeUndefined();
  });

  it("asks for structured output through outputConfig, with the schema as a JSON string", () => {
    const schema = { type: "object", properties: { answer: { type: "number" } } };
    const input = toConverseRequest(
      request({ responseFormat: { type: "json_schema", jsonSchema: { name: "answer", schema } } }),
      noSystemFolding,
    );
    expect(input.outputConfig).toEqual({
      textFormat: {
        type: "json_schema",
        structure: { jsonSchema: { name: "answer", schema: JSON.stringify(schema) } },
      },
    });
  });

  it("merges the user's inferenceConfig with smol's stop sequences, and passes other fields through", () => {
    const input = toConverseRequest(
      request({
        stopSequences: ["Observation:"],
        completionParameters: {
          inferenceConfig: { maxTokens: 3000 },
          guardrailConfig: { guardrailIdentifier: "identify1", guardrailVersion: "v1" },
          temperature: 0.2,
          top_p: 0.9,
        },
      }),
      noSystemFolding,
    );
    expect(input.inferenceConfig).toEqual({
      stopSequences: ["Observation:"],
      maxTokens: 3000,
      temperature: 0.2,
      topP: 0.9,
    });
    expect(input.guardrailConfig).toEqual({ guardrailIdentifier: "identify1", guardrailVersion: "v1" });
  });

  it("lets REMOVE_PARAMETER delete a field or a key of inferenceConfig", () => {
    const removedKey = toConverseRequest(
      request({
        stopSequences: ["Observation:"],
        completionParameters: { inferenceConfig: { stopSequences: REMOVE_PARAMETER } },
      }),
      noSystemFolding,
    );
    expect(removedKey.inferenceConfig).toBeUndefined();
    const removedField = toConverseRequest(
      request({ completionParameters: { system: REMOVE_PARAMETER } }),
      noSystemFolding,
    );
    expect(removedField.system).toBeUndefined();
    expect(removedField.messages).toHaveLength(1);
  });
});

describe("checkConverseParameters", () => {
  it("accepts Converse fields and the inference shortcuts", () => {
    expect(() =>
      checkConverseParameters({
        inferenceConfig: { maxTokens: 10 },
        guardrailConfig: {},
        additionalModelRequestFields: { top_k: 5 },
        temperature: 0,
        maxTokens: 5,
        stop: ["x"],
      }),
    ).not.toThrow();
  });

  it("refuses a field the SDK would silently drop, and says where it belongs", () => {
    expect(() => checkConverseParameters({ top_k: 5 })).toThrow(
      /`top_k` is not a field of Converse requests.*additionalModelRequestFields: \{ top_k/s,
    );
  });
});

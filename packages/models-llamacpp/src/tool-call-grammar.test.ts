import { AgentToolCallError, ModelConfigurationError } from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import { parseToolCallOutput, toGrammarSchema, toolCallSchema } from "./tool-call-grammar.js";

const weather = {
  name: "get_weather",
  description: "Weather of a city.",
  parameters: {
    type: "object",
    properties: { city: { type: "string", description: "The city." }, days: { type: ["integer", "null"] } },
    required: ["city"],
    additionalProperties: false,
  },
};
const finalAnswer = {
  name: "final_answer",
  description: "The answer.",
  parameters: { type: "object", properties: { answer: { description: "Anything." } }, required: ["answer"] },
};

describe("toolCallSchema", () => {
  it("allows one object naming a tool with its arguments", () => {
    expect(toolCallSchema([weather], "required")).toEqual({
      type: "object",
      properties: {
        name: { const: "get_weather" },
        arguments: {
          type: "object",
          properties: {
            city: { type: "string", description: "The city." },
            days: { type: ["integer", "null"] },
          },
          required: ["city"],
          additionalProperties: false,
        },
      },
      required: ["name", "arguments"],
      additionalProperties: false,
    });
  });

  it("offers every tool, or only the one toolChoice names", () => {
    const both = toolCallSchema([weather, finalAnswer], "auto") as unknown as {
      oneOf: { properties: { name: unknown } }[];
    };
    expect(both.oneOf.map((branch) => branch.properties.name)).toEqual([
      { const: "get_weather" },
      { const: "final_answer" },
    ]);
    const one = toolCallSchema([weather, finalAnswer], { name: "final_answer" }) as unknown as {
      properties: { name: unknown };
    };
    expect(one.properties.name).toEqual({ const: "final_answer" });
    expect(() => toolCallSchema([weather], { name: "nope" })).toThrow(ModelConfigurationError);
  });
});

describe("toGrammarSchema", () => {
  it("keeps the keywords llama.cpp's JSON grammar knows and drops the others", () => {
    expect(
      toGrammarSchema({
        type: "object",
        properties: {
          level: { type: "string", enum: ["low", "high", null], pattern: "^x" },
          tags: { type: "array", items: { type: "string", maxLength: 5 }, maxItems: 3, uniqueItems: true },
          when: { type: "string", format: "date" },
          choice: { anyOf: [{ type: "number", minimum: 0 }, { type: "null" }] },
        },
      }),
    ).toEqual({
      type: "object",
      properties: {
        level: { enum: ["low", "high", null] },
        tags: { type: "array", items: { type: "string", maxLength: 5 }, maxItems: 3 },
        when: { type: "string", format: "date" },
        choice: { oneOf: [{ type: "number" }, { type: "null" }] },
      },
      additionalProperties: false,
    });
  });

  it("turns an argument without a type, a $ref or a mixed type list into what JSON allows", () => {
    const anything = toGrammarSchema({ description: "Anything." });
    expect(anything).toMatchObject({ oneOf: expect.any(Array) });
    expect(toGrammarSchema({ $ref: "#/$defs/Node" })).toEqual(anything);
    expect(toGrammarSchema({ type: ["string", "null"], maxLength: 4 })).toEqual({
      oneOf: [{ type: "string", maxLength: 4 }, { type: "null" }],
    });
    expect(toGrammarSchema({ type: ["object", "null"] })).toEqual({
      oneOf: [{ type: "object", additionalProperties: true }, { type: "null" }],
    });
  });
});

describe("parseToolCallOutput", () => {
  it("reads a complete call", () => {
    expect(parseToolCallOutput('{"name": "get_weather", "arguments": {"city": "Paris"}}', "call_1")).toEqual({
      content: "",
      toolCalls: [
        { id: "call_1", type: "function", function: { name: "get_weather", arguments: { city: "Paris" } } },
      ],
    });
  });

  it("keeps a call cut short, for the agent to explain to the model", () => {
    const { toolCalls } = parseToolCallOutput('{"name": "get_weather", "arguments": {"ci', "call_2");
    expect(toolCalls[0]?.function).toEqual({ name: "get_weather", arguments: '{"ci' });
    expect(() => parseToolCallArguments(toolCalls[0]!.function.arguments, "get_weather")).toThrow(
      AgentToolCallError,
    );
  });

  it("names the tool of a call cut inside its name when only one tool fits", () => {
    const { toolCalls } = parseToolCallOutput('{"name": "get_we', "call_3", ["get_weather", "final_answer"]);
    expect(toolCalls[0]?.function).toEqual({ name: "get_weather", arguments: '{"name": "get_we' });
    expect(parseToolCallOutput('{"na', "call_4", ["final_answer"]).toolCalls[0]?.function.name).toBe(
      "final_answer",
    );
  });

  it("returns text with no tool to name as content", () => {
    expect(parseToolCallOutput('{"na', "call_5", ["a", "b"])).toEqual({ toolCalls: [], content: '{"na' });
    expect(parseToolCallOutput('{"name": "x', "call_6", ["a", "b"])).toEqual({
      toolCalls: [],
      content: '{"name": "x',
    });
  });
});

import { describe, expect, it } from "vitest";
import { AgentToolCallError } from "../errors.js";
import { parseToolCallArguments } from "./tool-call-arguments.js";

describe("parseToolCallArguments", () => {
  it.each([
    ['{"query": "smol"}', { query: "smol" }],
    ['```json\n{"query": "smol"}\n```', { query: "smol" }],
    ['```\n{"query": "smol"}```', { query: "smol" }],
    ['Here are the arguments: {"query": "smol"} as asked.', { query: "smol" }],
    ['"{\\"query\\": \\"smol\\"}"', { query: "smol" }],
    ["", {}],
    ["   ", {}],
  ])("parses %j", (text, expected) => {
    expect(parseToolCallArguments(text, "web_search")).toEqual(expected);
  });

  it("passes an object through, and treats null as no arguments", () => {
    const argumentsObject = { a: 1 };
    expect(parseToolCallArguments(argumentsObject)).toBe(argumentsObject);
    expect(parseToolCallArguments(null)).toEqual({});
  });

  it("explains invalid JSON in words the model can act on", () => {
    let error: unknown;
    try {
      parseToolCallArguments('{"query": "smol"', "web_search");
    } catch (caught) {
      error = caught;
    }
    expect(AgentToolCallError.isInstance(error)).toBe(true);
    expect((error as AgentToolCallError).toolName).toBe("web_search");
    expect((error as Error).message).toMatch(/tool 'web_search' are not valid JSON/);
    expect((error as Error).message).toContain('{"query": "smol"');
  });

  it("refuses JSON that is not an object", () => {
    expect(() => parseToolCallArguments("[1, 2]", "t")).toThrow(/must be a JSON object/);
    expect(() => parseToolCallArguments("42", "t")).toThrow(AgentToolCallError);
    expect(() => parseToolCallArguments(42, "t")).toThrow(AgentToolCallError);
  });
});

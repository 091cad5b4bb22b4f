import { AgentParsingError } from "@smol/core";
import { describe, expect, it } from "vitest";
import { findJsonValues, parseToolCallsFromText, toolCallsFromMessage } from "./tool-call-parsing.js";

describe("parseToolCallsFromText", () => {
  it.each([
    ["a bare object", '{"name": "search", "arguments": {"query": "smol"}}'],
    ["the tool_call wrapper", '{"tool_call": {"name": "search", "arguments": {"query": "smol"}}}'],
    [
      "the OpenAI function shape",
      '{"type": "function", "function": {"name": "search", "arguments": {"query": "smol"}}}',
    ],
    [
      "a fenced block after a thought",
      'Thought: search first.\n```json\n{"name": "search", "arguments": {"query": "smol"}}\n```',
    ],
    ["prose on both sides", 'I will call {"name": "search", "arguments": {"query": "smol"}} and wait.'],
    ["parameters instead of arguments", '{"name": "search", "parameters": {"query": "smol"}}'],
    ["braces inside strings", '{"name": "search", "arguments": {"query": "smol"}} // not {this'],
  ])("reads %s", (_label, text) => {
    expect(parseToolCallsFromText(text)).toEqual([{ name: "search", arguments: { query: "smol" } }]);
  });

  it("reads several calls, from a list or from several objects", () => {
    const expected = [
      { name: "a", arguments: {} },
      { name: "b", arguments: { x: 1 } },
    ];
    expect(parseToolCallsFromText('[{"name": "a"}, {"name": "b", "arguments": {"x": 1}}]')).toEqual(expected);
    expect(parseToolCallsFromText('First {"name": "a"} then {"name": "b", "arguments": {"x": 1}}')).toEqual(
      expected,
    );
  });

  it("keeps a brace inside a string value intact", () => {
    expect(parseToolCallsFromText('{"name": "echo", "arguments": {"text": "a } b { c"}}')).toEqual([
      { name: "echo", arguments: { text: "a } b { c" } },
    ]);
  });

  it.each([
    ["no JSON at all", "The weather is nice.", /contains no tool call/],
    [
      "an unterminated object",
      '{"name": "search", "arguments": {"query": "smol"}',
      /not valid \(a '\{' is never closed\)/,
    ],
    ["invalid JSON", "{'name': 'search'}", /not valid/],
    ["an object without a name", '{"tool": "search"}', /needs a "name" key, and yours has "tool"/],
  ])("explains %s", (_label, text, message) => {
    expect(() => parseToolCallsFromText(text)).toThrow(message);
    expect(() => parseToolCallsFromText(text)).toThrow(AgentParsingError);
  });

  it("stays fast on text full of unmatched braces", () => {
    const text = "{".repeat(20_000);
    expect(() => parseToolCallsFromText(text)).toThrow(AgentParsingError);
    expect(findJsonValues("[1, 2] and {}").values).toEqual([[1, 2], {}]);
  });
});

describe("toolCallsFromMessage", () => {
  it("parses native arguments given as a JSON string, and marks invalid ones", () => {
    const calls = toolCallsFromMessage({
      role: "assistant",
      content: null,
      toolCalls: [
        { id: "1", type: "function", function: { name: "search", arguments: '{"query": "smol"}' } },
        { id: "2", type: "function", function: { name: "search", arguments: '{"query": ' } },
        { id: "3", type: "function", function: { name: "search", arguments: "" } },
      ],
    });
    expect(calls[0]).toEqual({ toolCall: { id: "1", name: "search", arguments: { query: "smol" } } });
    expect(calls[1]!.argumentsError?.message).toContain("not valid JSON");
    expect(calls[2]!.toolCall.arguments).toEqual({});
  });

  it("gives every call an id of its own", () => {
    const calls = toolCallsFromMessage({
      role: "assistant",
      content: "",
      toolCalls: [
        { id: "", type: "function", function: { name: "a", arguments: {} } },
        { id: "same", type: "function", function: { name: "b", arguments: {} } },
        { id: "same", type: "function", function: { name: "c", arguments: {} } },
      ],
    });
    const ids = calls.map((call) => call.toolCall.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toMatch(/^call_/);
    expect(ids[1]).toBe("same");
  });

  it("falls back to the text when there are no native calls", () => {
    const calls = toolCallsFromMessage({
      role: "assistant",
      content: '{"name": "final_answer", "arguments": {"answer": 3}}',
    });
    expect(calls.map((call) => call.toolCall.name)).toEqual(["final_answer"]);
    expect(calls[0]!.toolCall.arguments).toEqual({ answer: 3 });
  });
});

describe("parseToolCallsFromText on broken JSON", () => {
  it("never runs an object nested in a broken one", () => {
    expect(() => parseToolCallsFromText('{"name": "a", "arguments": {"name": "b"}')).toThrow(/never closed/);
    expect(() => parseToolCallsFromText("{'name': 'a', 'arguments': {\"name\": \"b\"}}")).toThrow(
      /not valid/,
    );
  });

  it("skips prose in brackets before the call", () => {
    expect(parseToolCallsFromText('[Step 1] {note} {"name": "a"}')).toEqual([{ name: "a", arguments: {} }]);
  });
});

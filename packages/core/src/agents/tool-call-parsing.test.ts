import { AgentParsingError } from "@smol/core";
import { describe, expect, it } from "vitest";
import {
  findJsonValues,
  parseToolCallsFromText,
  pythonLiteralToJson,
  toolCallsFromMessage,
} from "./tool-call-parsing.js";

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
    ["invalid JSON", '{"name": "search", "arguments": {"query": smol}}', /not valid/],
    ["a broken list", '[{"name": "a"}, {"name": "b", "arguments": {"x": 1}]', /not valid/],
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
    expect(() => parseToolCallsFromText('[{"name": "a", "arguments": {"name": "b"}')).toThrow(/never closed/);
  });

  it("skips prose in brackets before the call", () => {
    expect(parseToolCallsFromText('[Step 1] {note} {"name": "a"}')).toEqual([{ name: "a", arguments: {} }]);
  });
});

describe("parseToolCallsFromText on the shapes real models write", () => {
  const weather = [{ name: "get_weather", arguments: { city: "Oslo", metric: true } }];

  it.each([
    [
      "tool_name / tool_arguments",
      '{"tool_name": "get_weather", "tool_arguments": {"city": "Oslo", "metric": true}}',
    ],
    ["action / action_input", '{"action": "get_weather", "action_input": {"city": "Oslo", "metric": true}}'],
    ["name / arguments", '{"name": "get_weather", "arguments": {"city": "Oslo", "metric": true}}'],
    [
      "function {name, arguments}",
      '{"id": "7", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo", "metric": true}}}',
    ],
    [
      "arguments as a JSON string",
      '{"name": "get_weather", "arguments": "{\\"city\\": \\"Oslo\\", \\"metric\\": true}"}',
    ],
    [
      "a Python dict literal",
      "{'type': 'function', 'function': {'name': 'get_weather', 'arguments': {'city': 'Oslo', 'metric': True}}}",
    ],
    [
      "trailing prose",
      'Action:\n{\n  "name": "get_weather",\n  "arguments": {"city": "Oslo", "metric": true}\n}\n\nThen I will answer.',
    ],
    [
      "an invented observation after the call",
      'Action:\n```json\n{"action": "get_weather", "action_input": {"city": "Oslo", "metric": true}}\n```\nObservation: sunny\nFinal Answer: {"action": "final_answer", "action_input": "sunny"}',
    ],
    [
      "an unclosed fence",
      'Action:\n```\n{"action": "get_weather", "action_input": {"city": "Oslo", "metric": true}}\n\n',
    ],
    [
      "arguments as a Python dict in a string",
      '{"name": "get_weather", "arguments": "{\'city\': \'Oslo\', \'metric\': True}"}',
    ],
    [
      "a reply that opens with the last observation",
      'Observation: it rained.\nAction: {"name": "get_weather", "arguments": {"city": "Oslo", "metric": true}}',
    ],
    [
      "a reasoning section with a draft",
      '<think>maybe {"name": "other", "arguments": {}}</think>{"name": "get_weather", "arguments": {"city": "Oslo", "metric": true}}',
    ],
  ])("reads %s", (_label, text) => {
    const calls = toolCallsFromMessage({ role: "assistant", content: text });
    expect(calls.map((call) => ({ name: call.toolCall.name, arguments: call.toolCall.arguments }))).toEqual(
      weather,
    );
    expect(calls[0]!.argumentsError).toBeUndefined();
  });

  it("reads a list of calls written as Python", () => {
    const text =
      "Calling tools:\n[{'id': 'a', 'type': 'function', 'function': {'name': 'ping', 'arguments': {}}}, {'name': 'echo', 'arguments': {'text': \"it's\", 'n': None}}]";
    expect(parseToolCallsFromText(text)).toEqual([
      { name: "ping", arguments: {} },
      { name: "echo", arguments: { text: "it's", n: null } },
    ]);
  });

  it("says which items of a list are not calls, and runs none", () => {
    expect(() => parseToolCallsFromText('[{"name": "a"}, {"query": "x"}, {"name": "b"}]')).toThrow(
      /item 2 of 3\)\. Nothing was run/,
    );
  });

  it("refuses a call that names two different tools", () => {
    expect(() => parseToolCallsFromText('{"name": "a", "action": "b", "arguments": {}}')).toThrow(
      /names two tools \("a" and "b"\)/,
    );
  });

  it("reads Python literals as data only", () => {
    expect(pythonLiteralToJson("{'a': (1, 2), 'b': [True, False, None],}")).toBe(
      '{"a": [1, 2], "b": [true, false, null]}',
    );
    expect(pythonLiteralToJson("{'a': os.system('x')}")).toBeUndefined();
    expect(pythonLiteralToJson("{'a': '\\u00e9\\n'}")).toBe('{"a": "é\\n"}');
  });
});

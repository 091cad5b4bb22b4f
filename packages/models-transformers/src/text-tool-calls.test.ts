import { AgentToolCallError } from "@smol/core";
import { parseToolCallArguments } from "@smol/core/provider-kit";
import { describe, expect, it } from "vitest";
import { parseTextToolCalls } from "./text-tool-calls.js";

describe("parseTextToolCalls", () => {
  it("reads <tool_call> blocks, several of them, and keeps the text before as content", () => {
    const text =
      'I will look.\n<tool_call>\n{"name": "web_search", "arguments": {"query": "smol"}}\n</tool_call>\n' +
      '<tool_call>{"name": "visit", "arguments": {"url": "https://x"}}</tool_call>';
    expect(parseTextToolCalls(text, "call")).toEqual({
      content: "I will look.",
      toolCalls: [
        { id: "call_0", type: "function", function: { name: "web_search", arguments: '{"query":"smol"}' } },
        { id: "call_1", type: "function", function: { name: "visit", arguments: '{"url":"https://x"}' } },
      ],
    });
  });

  it("reads one JSON object with a name, as smolagents does, `parameters` included", () => {
    const { toolCalls } = parseTextToolCalls(
      'Action:\n{"name": "final_answer", "parameters": {"answer": 42}}',
      "c",
    );
    expect(toolCalls[0]?.function).toEqual({ name: "final_answer", arguments: '{"answer":42}' });
  });

  it("keeps a broken call with its raw arguments, for the agent to explain", () => {
    const { toolCalls } = parseTextToolCalls(
      '<tool_call>{"name": "web_search", "arguments": {"query": "smol"</tool_call>',
      "c",
    );
    expect(toolCalls[0]?.function.name).toBe("web_search");
    expect(() => parseToolCallArguments(toolCalls[0]!.function.arguments, "web_search")).toThrow(
      AgentToolCallError,
    );
  });

  it("finds no call in plain text or in JSON without a name", () => {
    expect(parseTextToolCalls("The answer is 42.", "c")).toEqual({
      content: "The answer is 42.",
      toolCalls: [],
    });
    expect(parseTextToolCalls('{"answer": 42}', "c").toolCalls).toEqual([]);
  });
});
